// The package's checks in Node, one subcommand per `make` step: smoke, demo-e2e, pack-app, types.
//
//   node tools/checks.mjs smoke [CONFIG.json]       make smoke: the optimised package, two tabs
//   node tools/checks.mjs e2e [CONFIG.json]         make demo-e2e: the demo's build end to end
//   node tools/checks.mjs app NAME DIR [CONFIG.json]  make pack-app: an app of tests/apps, built, does its job
//   node tools/checks.mjs no-any                    make types: no `any` in the public types
//
// smoke and e2e run in each engine of APILESS_ENGINES (default "chromium firefox webkit") over
// WebDriver (tools/webdriver.mjs); app runs in Chromium through Playwright.
// CONFIG.json is the config the running local backend wrote (.apiless/test.json in `make test`;
// default .apiless/local.json). What the pages print and store goes to target/, for
// tools/secrets-check.py (no secret may be there). The DynamoDB values oracle (make oracle) is a
// file of its own, tools/dynamodb-oracle.mjs: a property test with its own page module.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fromDir, launchChromium, serve, urlOf } from "./browser.mjs";
import { enginesFromEnv, launch, PAGE_PROBE } from "./webdriver.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const inTarget = (file) => path.join(root, "target", file);

/** Serves `resolvers` (see browser.mjs), runs `body(browser, server)` in Chromium, closes both. */
async function inChromium(resolvers, body) {
  const server = await serve(...resolvers);
  let browser;
  try {
    browser = await launchChromium();
    return await body(browser, server);
  } finally {
    await browser?.close();
    server.close();
  }
}

/** Pushes every error `page` throws onto `errors`, and returns `errors`. */
function collectErrors(page, errors = []) {
  page.on("pageerror", (e) => errors.push(String(e)));
  return errors;
}

// ---- every engine -----------------------------------------------------------------------------
// smoke and e2e run in each engine of APILESS_ENGINES (default: chromium firefox webkit), through
// WebDriver (tools/webdriver.mjs: Playwright cannot drive Debian's Firefox or WebKitGTK), the same
// test code in each. Each test starts its own browser; it prints the engine's version once.

const engines = enginesFromEnv();
const announced = new Set();

/** Serves `resolvers` (see browser.mjs), runs `body(session, server)` in `engine`, closes both. */
async function inEngine(engine, resolvers, body) {
  const server = await serve(...resolvers);
  let session;
  try {
    session = await launch(engine);
    if (!announced.has(engine)) {
      announced.add(engine);
      console.log(`engine ${engine}: ${session.version}`);
    }
    return await body(session, server);
  } finally {
    await session?.quit();
    server.close();
  }
}

/** Appends every localStorage and sessionStorage entry of `tab` to `file`, one JSON line each. */
async function dumpStorage(tab, file) {
  const entries = await tab.evaluate(() => [localStorage, sessionStorage].flatMap((s) =>
    Object.keys(s).map((key) => ({ key, value: s.getItem(key) }))));
  await appendFile(file, entries.map((e) => JSON.stringify(e) + "\n").join(""));
}

// ---- smoke: the built, wasm-opt-optimised package in every engine -------------------------------
// The browser tests run unoptimised wasm, and a broken wasm-opt only shows here (see shared notes:
// Debian's binaryen breaks the externref table). Serves pkg/ and a page on 127.0.0.1, imports the
// package as an app would, and checks that it loads, validates the backend's config and throws
// real Errors; then two tabs of one app on one origin, and the cross-tab refresh race.

const smokePage = `<!doctype html>${PAGE_PROBE}<script type="module">
import { createClient, version, validateConfig } from "/pkg/index.js";
window.result = (async () => {
  const config = await (await fetch("/config.json")).json();
  const { users, table, bucket, indexes, ...clientConfig } = config;
  // The facade loads the wasm itself: no init() ritual.
  const aws = await createClient({ ...clientConfig, storage: "memory" });
  const ok = validateConfig(clientConfig);
  let bad;
  try { validateConfig({ ...clientConfig, userPoolId: "not-a-pool" }); } catch (e) { bad = e; }
  return {
    version: version(),
    endpoints: ok.endpoints,
    userPoolId: ok.userPoolId,
    expected: clientConfig,
    badIsError: bad instanceof Error,
    badName: bad && bad.name,
    badField: bad && bad.field,
    signedOut: aws.auth.currentUser() === null,
  };
})();
</script>`;

// One tab of an app that keeps its session in localStorage; it records its session events.
// A test may hold the tab's storage events back (as a busy or background tab handles them
// late) and deliver them later: holdStorage() and releaseStorage(). It may also hold the next
// refresh answer on its way back to the tab (as a slow network delivers it late): holdRefresh(),
// then `refreshHeld` settles once Cognito has answered, and releaseRefresh() lets the answer in.
// The hold wraps fetch before apiless loads (apiless keeps the fetch it found at load).
const tabPage = `<!doctype html>${PAGE_PROBE}<script>
const realFetch = fetch.bind(globalThis);
let hold = null;
window.holdRefresh = () => {
  hold = {};
  window.refreshHeld = new Promise((r) => { hold.reached = r; });
  hold.released = new Promise((r) => { window.releaseRefresh = r; });
};
window.fetch = async (input, init) => {
  const body = init && init.body;
  const text = typeof body === "string" ? body : body ? new TextDecoder().decode(body) : "";
  const h = hold;
  if (!text.includes('"RefreshToken"')) return realFetch(input, init);
  window.refreshesSent = (window.refreshesSent ?? 0) + 1;
  if (!h) return realFetch(input, init);
  hold = null;
  const response = await realFetch(input, init);
  h.reached();
  await h.released;
  return response;
};
</script><script type="module">
import { createClient } from "/pkg/index.js";
window.events = [];
let held = null;
addEventListener("storage", (e) => {
  if (held === null) return;
  e.stopImmediatePropagation();
  held.push({ key: e.key, oldValue: e.oldValue, newValue: e.newValue, url: e.url });
}, { capture: true });
window.holdStorage = () => { held = []; };
window.releaseStorage = () => {
  const late = held;
  held = null;
  for (const e of late) dispatchEvent(new StorageEvent("storage", { ...e, storageArea: localStorage }));
  return late.length;
};
window.ready = (async () => {
  const { users, table, bucket, indexes, ...clientConfig } = await (await fetch("/config.json")).json();
  // tab.html?rotating: the backend's app client that rotates refresh tokens (no grace period).
  if (location.search === "?rotating") {
    const fixtures = await (await fetch(clientConfig.endpoint + "/_apiless/fixtures")).json();
    clientConfig.userPoolClientId = fixtures.rotatingUserPoolClientId;
  }
  window.alice = users.find((u) => u.username === "alice");
  window.bob = users.find((u) => u.username === "bob");
  window.aws = await createClient({ ...clientConfig, storage: "local" });
  window.aws.auth.onChange((event) => window.events.push(event));
})();
</script>`;

/** `tab` at tab.html of `server` (with `query`), ready. */
async function openTab(tab, server, query = "") {
  await tab.goto(urlOf(server) + "tab.html" + query);
  await tab.waitFor(() => window.ready !== undefined, null, 30_000, "window.ready");
  await tab.evaluate(() => window.ready);
  return tab;
}

/** Two tabs of tab.html in one browser, localStorage cleared. */
async function twoTabs(session, server) {
  const a = await openTab(await session.firstTab(), server);
  await a.evaluate(() => localStorage.clear());
  const b = await openTab(await session.newTab(), server);
  return { a, b };
}

/** The page errors both tabs recorded (PAGE_PROBE). */
async function errorsOf(...tabs) {
  const errors = [];
  for (const tab of tabs) errors.push(...(await tab.probe()).errors);
  return errors;
}

/** The smoke pages, the backend's config, and pkg/. */
function smokeResolvers(configFile) {
  return [
    async (url) => (url === "/" ? { body: smokePage, type: "text/html" } : undefined),
    async (url) => (url === "/tab.html" ? { body: tabPage, type: "text/html" } : undefined),
    async (url) => (url === "/config.json" ? { body: await readFile(configFile), type: "application/json" } : undefined),
    fromDir(path.join(root, "pkg"), "/pkg/"),
  ];
}

/** How many tabs refresh at once in the rotation test. */
const ROTATING_TABS = 4;

async function smoke(configFile = path.join(root, ".apiless/local.json")) {
  // What the tabs stored, for tools/secrets-check.py: tokens and ids only, no AWS keys.
  const dump = inTarget("two-tabs-storage.jsonl");
  await writeFile(dump, "");
  for (const engine of engines) smokeIn(engine, configFile, dump);
}

function smokeIn(engine, configFile, dump) {
  test(`[${engine}] the optimised package loads, validates the backend config and throws real Errors`, async () => {
    await inEngine(engine, smokeResolvers(configFile), async (session, server) => {
      const tab = await session.firstTab();
      await tab.goto(urlOf(server));
      await tab.waitFor(() => window.result !== undefined, null, 30_000, "window.result");
      const r = await tab.evaluate(() => window.result);
      assert.deepEqual(await errorsOf(tab), []);
      assert.match(r.version, /^\d+\.\d+\.\d+/);
      assert.equal(r.userPoolId, r.expected.userPoolId);
      assert.equal(r.endpoints["cognito-idp"], r.expected.endpoint);
      assert.equal(r.endpoints.s3, r.expected.endpoint);
      assert.equal(r.badIsError, true);
      assert.equal(r.badName, "ConfigError");
      assert.equal(r.badField, "userPoolId");
      assert.equal(r.signedOut, true);
    });
  });

  test(`[${engine}] two tabs of an app agree on sign-in and sign-out through localStorage`, async () => {
    await inEngine(engine, smokeResolvers(configFile), async (session, server) => {
      const { a, b } = await twoTabs(session, server);
      assert.equal(await b.evaluate(() => window.aws.auth.currentUser()), null);

      await a.evaluate(() => window.aws.auth.signIn(window.alice).then(() => undefined));
      await b.waitFor(() => window.events.includes("signedIn"));
      assert.equal(await b.evaluate(() => window.aws.auth.currentUser()?.username), "alice");
      // Tab B works as alice with the tokens tab A got: its own identity id and credentials.
      const idA = await a.evaluate(() => window.aws.identityId());
      const idB = await b.evaluate(() => window.aws.identityId());
      assert.equal(idB, idA);
      for (const tab of [a, b]) await dumpStorage(tab, dump);

      await a.evaluate(() => window.aws.auth.signOut());
      await b.waitFor(() => window.events.includes("signedOut"));
      assert.equal(await b.evaluate(() => window.aws.auth.currentUser()), null);
      assert.equal(await b.evaluate(() => window.aws.credentialsExpireAt() ?? null), null, "no credentials left in B");
      const afterSignOut = await b.evaluate(() => window.aws.identityId().then(() => "resolved", (e) => e.name));
      assert.notEqual(afterSignOut, "resolved");
      const keys = await b.evaluate(() => Object.keys(localStorage).filter((k) => /Token$/.test(k)));
      assert.deepEqual(keys, []);
      assert.deepEqual(await b.evaluate(() => window.events), ["signedIn", "signedOut"]);
      assert.deepEqual(await errorsOf(a, b), []);
    });
  });

  // Review finding 1 (2026-12): a refresh in flight in tab B, answered before B handles the
  // storage events of tab A's sign-out (or of bob's sign-in there), must not write alice's
  // session back: the sign-out stays, bob stays bob, and B follows storage with the event that
  // says so. B's refresh answer is held on its way back (the tab page's fetch hold) and B's
  // storage events are held in the page, so the race goes the bad way every time.
  test(`[${engine}] a refresh in flight in another tab cannot undo a sign-out or turn bob back into alice`, async () => {
    for (const variant of ["sign-out", "bob signs in"]) {
      await inEngine(engine, smokeResolvers(configFile), async (session, server) => {
        const { a, b } = await twoTabs(session, server);
        await a.evaluate(() => window.aws.auth.signIn(window.alice).then(() => undefined));
        await b.waitFor(() => window.events.includes("signedIn"));

        // Cognito answers B's refresh at once (before A's sign-out revokes the token); the answer
        // reaches B only when released.
        await b.evaluate(() => {
          window.holdStorage();
          window.holdRefresh();
          window.refreshing = window.aws.auth.currentSession({ forceRefresh: true })
            .then((s) => "refreshed as " + s.user.username, (e) => e.name)
            .finally(() => { window.refreshSettled = true; });
        });
        await b.evaluate(() => window.refreshHeld);
        if (variant === "sign-out") await a.evaluate(() => window.aws.auth.signOut());
        else await a.evaluate(() => window.aws.auth.signIn(window.bob).then(() => undefined));
        assert.equal(await b.evaluate(() => window.refreshSettled ?? false), false, "B's refresh is still held while A acts");
        await b.evaluate(() => window.releaseRefresh());
        const outcome = await b.evaluate(() => window.refreshing);
        const lateEvents = await b.evaluate(() => window.releaseStorage());
        assert.ok(lateEvents > 0, `${variant}: B's storage events were held`);
        // Let every storage event reach both tabs.
        await new Promise((r) => setTimeout(r, 300));

        const stored = await a.evaluate(() => Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])));
        const lastUser = Object.entries(stored).find(([k]) => k.endsWith(".LastAuthUser"))?.[1] ?? null;
        // The pool tracks devices: alice's device (its three items, kept whole) outlives a
        // sign-out, as in the peers, so that her next sign-in names it; nothing else of hers may.
        const device = /\.alice\.(deviceKey|deviceGroupKey|randomPasswordKey)$/;
        const aliceKeys = Object.keys(stored).filter((k) => k.includes(".alice.") && !device.test(k));
        assert.ok([0, 3].includes(Object.keys(stored).filter((k) => device.test(k)).length), "the device whole or not at all");
        const userOf = (tab) => tab.evaluate(() => window.aws.auth.currentUser()?.username ?? null);
        if (variant === "sign-out") {
          assert.equal(outcome, "NotAuthorizedException", "B's refresh is dropped");
          assert.equal(lastUser, null, "nothing written back");
          assert.deepEqual(aliceKeys, []);
          assert.equal(await userOf(a), null, "A stays signed out");
          assert.equal(await userOf(b), null, "B followed the sign-out");
          assert.deepEqual(await a.evaluate(() => window.events), ["signedIn", "signedOut"]);
          assert.deepEqual(await b.evaluate(() => window.events), ["signedIn", "signedOut"]);
        } else {
          assert.equal(outcome, "NotAuthorizedException", "B's refresh is dropped");
          assert.equal(lastUser, "bob");
          assert.deepEqual(aliceKeys, []);
          assert.equal(await userOf(a), "bob", "A stays bob");
          assert.equal(await userOf(b), "bob", "B became bob");
          assert.deepEqual(await a.evaluate(() => window.events), ["signedIn", "signedIn"]);
          assert.deepEqual(await b.evaluate(() => window.events), ["signedIn", "signedIn"], "B became bob only with a signedIn event");
          await a.evaluate(() => window.aws.auth.signOut());
        }
        assert.deepEqual(await errorsOf(a, b), []);
      });
    }
  });

  // Issue #19 point 2: with an app client that rotates refresh tokens and no grace period, tabs
  // that refresh at once must not spend the same refresh token twice. Tab A's refresh is answered
  // by Cognito and held on its way back while B, C and D ask too: they wait for A (Web Locks)
  // and adopt the tokens A stores, sending nothing; then again with D leading. Every tab stays
  // signed in, one GetTokensFromRefreshToken per round, no RefreshTokenReuseException.
  test(`[${engine}] ${ROTATING_TABS} tabs refreshing at once with rotation on all stay signed in, with one refresh`, async () => {
    await inEngine(engine, smokeResolvers(configFile), async (session, server) => {
      const tabs = [await openTab(await session.firstTab(), server, "?rotating")];
      await tabs[0].evaluate(() => localStorage.clear());
      await tabs[0].evaluate(() => window.aws.auth.signIn(window.alice).then(() => undefined));
      for (let i = 1; i < ROTATING_TABS; i++) tabs.push(await openTab(await session.newTab(), server, "?rotating"));
      const refreshToken = (tab) => tab.evaluate(() =>
        Object.entries(localStorage).find(([k]) => k.endsWith(".alice.refreshToken"))?.[1] ?? null);
      const original = await refreshToken(tabs[0]);
      const start = (tab) => tab.evaluate(() => {
        window.refreshing = window.aws.auth.currentSession({ forceRefresh: true })
          .then((s) => s.user.username, (e) => e.name);
      });
      const sent = async () => {
        let n = 0;
        for (const tab of tabs) n += await tab.evaluate(() => window.refreshesSent ?? 0);
        return n;
      };

      // Two rounds, led by the first tab and then by the last. (WebDriver starts the tabs one
      // after another: only the held answer makes their refreshes overlap. A forced refresh
      // that starts after another tab's has ended refreshes again, as asked.)
      let previous = original;
      for (const [round, leader] of [[1, 0], [2, ROTATING_TABS - 1]]) {
        const others = tabs.filter((_, i) => i !== leader);
        await tabs[leader].evaluate(() => window.holdRefresh());
        await start(tabs[leader]);
        await tabs[leader].evaluate(() => window.refreshHeld);
        for (const tab of others) await start(tab);
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(await sent(), round, `round ${round}: the other tabs wait while the leader's refresh is in flight`);
        await tabs[leader].evaluate(() => window.releaseRefresh());
        for (const tab of tabs) assert.equal(await tab.evaluate(() => window.refreshing), "alice", `round ${round}`);
        assert.equal(await sent(), round, `round ${round}: one refresh for all tabs`);
        const rotated = await refreshToken(tabs[0]);
        assert.notEqual(rotated, previous, `round ${round}: the backend rotated the refresh token`);
        previous = rotated;
      }

      for (const tab of tabs) {
        assert.equal(await tab.evaluate(() => window.aws.auth.currentUser()?.username), "alice");
        const events = await tab.evaluate(() => window.events);
        assert.ok(!events.includes("sessionExpired") && !events.includes("signedOut"), events.join());
      }
      assert.deepEqual(await errorsOf(...tabs), []);
      await tabs[0].evaluate(() => window.aws.auth.signOut());
    });
  });
}

// ---- e2e: the demo's production build end to end, in every engine -------------------------------
// The production build of the demo (vite build, optimised wasm, www/dist built with
// APILESS_CONFIG=CONFIG.json) against the local backend. alice signs in, her own item and object
// work, another identity's are refused by IAM (AccessDenied shown, never "Failed to fetch" or a
// stack), she updates her profile's name, she signs out; bob signs in and does not see alice's
// data, he signs out; alice signs in with an emailed code (the same identity id); in Chromium she
// adds a passkey, signs in with it and deletes it (passkeyDemo); she signs out and continues as a guest, who writes and reads an item under an identity id of
// their own (neither alice's nor bob's). Then, in a test of its own, "Sign in with Google" through
// the managed login and the stand-in Google, and sign-out through /logout. The server puts PAGE_PROBE
// first in the page. Screenshot: target/demo-signed-in-<engine>.png.

async function signIn(tab, username, password) {
  await tab.fill("input[name=username]", username);
  await tab.fill("input[name=password]", password);
  await tab.click("[data-testid=sign-in]");
  await tab.waitFor(() => document.querySelector("[data-testid=signed-in]"), null, 30_000, "signed in");
  await tab.waitFor(() => !document.querySelector("[data-testid=identity-id]").textContent.includes("…"));
}

/**
 * Waits until the sections that fill in after a sign-in (the profile, MFA, devices, passkeys) have
 * their data: they grow as it comes, and a click aimed below them could land on what moved into
 * its place. By the last engine of a CI run alice has many devices, so the Devices list comes late
 * and long (the sign-out button beside the identity id missed so; an upload clicked just after a
 * reload that never ended is likely the same).
 */
async function settled(tab) {
  await tab.waitFor(() => {
    const text = (id) => document.querySelector(`[data-testid=${id}]`)?.textContent ?? "";
    return !text("identity-id").includes("…") && text("mfa-preference") !== "…" && text("devices") !== "…"
      && text("passkeys") !== "…" && document.querySelector("[data-testid=attribute-sub]") !== null;
  }, null, 30_000, "the signed-in page's sections to fill in");
}

/** What the local backend has counted of the calls it answered, by operation. */
async function backendCalls(endpoint) {
  return (await fetch(`${endpoint}/_apiless/calls`)).json();
}

/** The six-digit code of the last message the local backend "sent" to `to` (its SES recorder). */
async function lastCode(endpoint, to) {
  const { messages } = await (await fetch(`${endpoint}/_ministack/ses/messages`)).json();
  const sent = Object.values(messages).flat().filter((m) => m.To.includes(to));
  assert.ok(sent.length > 0, `no message to ${to}`);
  return sent[sent.length - 1].BodyText.match(/\b(\d{6})\b/)[1];
}

async function press(tab, id) {
  await tab.click(`[data-testid=${id}]`);
  await tab.waitFor((id) => {
    const t = document.querySelector(`[data-testid=${id}-result]`).textContent;
    return t && t !== "…";
  }, id, 30_000, `a result of ${id}`);
  return tab.textContent(`[data-testid=${id}-result]`);
}

/** www/dist, with PAGE_PROBE first in its index.html. */
const MIB = 1024 * 1024;

/** The bytes of the demo's generated file of `mib` MiB (www/src/App.jsx, generatedFile). */
function generatedBytes(mib) {
  const chunk = Buffer.alloc(MIB);
  for (let j = 0; j < MIB; j++) chunk[j] = (7 * j + (j >> 10)) & 255;
  const bytes = Buffer.alloc(mib * MIB);
  for (let i = 0; i < mib; i++) {
    chunk.writeUInt32BE(i, 0);
    chunk.copy(bytes, i * MIB);
  }
  return bytes;
}

/** The ETag S3 gives `bytes` uploaded in parts of `partSize`: the MD5 of the parts' MD5s, and their number. */
function multipartEtag(bytes, partSize) {
  const digests = [];
  for (let at = 0; at < bytes.length; at += partSize) {
    digests.push(createHash("md5").update(bytes.subarray(at, at + partSize)).digest());
  }
  return `"${createHash("md5").update(Buffer.concat(digests)).digest("hex")}-${digests.length}"`;
}

function demoResolvers() {
  const dist = path.join(root, "www", "dist");
  return [
    async (url) => {
      if (url !== "/" && url !== "/index.html") return undefined;
      const html = await readFile(path.join(dist, "index.html"), "utf8");
      return { body: html.replace("<head>", "<head>" + PAGE_PROBE), type: "text/html" };
    },
    fromDir(dist),
  ];
}

/**
 * Chromium only: the demo's passkeys with a virtual authenticator (chromedriver's W3C WebAuthn
 * extension commands; geckodriver and WebKitWebDriver have none). On http://localhost:PORT, the
 * relying party of the seeded demo pool: alice adds a passkey, signs out, signs in with it (the
 * same identity id), and deletes it. The tab is back on the 127.0.0.1 page after, alice signed in.
 */
async function passkeyDemo(tab, server, alicePassword, aliceId, keepConsole) {
  const authenticator = await tab.cmd("POST", "/webauthn/authenticator", {
    protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true,
  });
  try {
    await tab.click("[data-testid=sign-out]");
    await tab.waitFor(() => document.querySelector("[data-testid=sign-in]"), null, 10_000, "signed out");
    await tab.goto(`http://localhost:${server.address().port}/`);
    await signIn(tab, "alice", alicePassword);
    const listed = (text) => tab.waitFor((t) => document.querySelector("[data-testid=passkeys]")?.textContent === t, text,
      30_000, `the passkeys listed: ${text}`);
    await listed("No passkey yet");
    await tab.click("[data-testid=add-passkey]");
    await tab.waitFor(() => document.querySelector("[data-testid=passkeys-message]")?.textContent, null, 30_000, "added");
    assert.equal(await tab.textContent("[data-testid=passkeys-message]"), "Passkey added");
    await listed("1 passkey(s)");
    const held = await tab.cmd("GET", `/webauthn/authenticator/${authenticator}/credentials`);
    assert.equal(held.length, 1, "the virtual authenticator holds the new passkey");
    await tab.click("[data-testid=sign-out]");
    await tab.waitFor(() => document.querySelector("[data-testid=sign-in-with-passkey]"), null, 10_000, "signed out");
    await tab.fill("input[name=username]", "alice");
    await tab.click("[data-testid=sign-in-with-passkey]");
    await tab.waitFor(() => document.querySelector("[data-testid=signed-in]"), null, 30_000, "signed in with a passkey");
    await tab.waitFor(() => !document.querySelector("[data-testid=identity-id]").textContent.includes("…"));
    assert.equal(await tab.textContent("[data-testid=identity-id]"), aliceId, "alice again, by a passkey");
    await listed("1 passkey(s)");
    await tab.click("[data-testid=delete-passkey]");
    await listed("No passkey yet");
    await keepConsole();
    await tab.click("[data-testid=sign-out]");
    await tab.waitFor(() => document.querySelector("[data-testid=sign-in]"), null, 10_000, "signed out");
    await tab.goto(urlOf(server));
    await signIn(tab, "alice", alicePassword);
  } finally {
    await tab.cmd("DELETE", `/webauthn/authenticator/${authenticator}`);
  }
}

async function e2e(configFile = ".apiless/local.json") {
  const config = JSON.parse(await readFile(path.resolve(root, configFile), "utf8"));
  const password = (name) => config.users.find((u) => u.username === name).password;
  const consoleLog = inTarget("demo-console.log");
  const storageDump = inTarget("demo-storage.jsonl");
  await writeFile(consoleLog, "");
  await writeFile(storageDump, "");
  for (const engine of engines) {
    test(`[${engine}] the demo's production build: alice's data and profile work, another identity's is refused, bob cannot see alice's, alice signs in with an emailed code (and in Chromium with a passkey), a guest has their own`, async () => {
      await inEngine(engine, demoResolvers(), async (session, server) => {
        const tab = await session.firstTab();
        await tab.cmd("POST", "/window/rect", { width: 1200, height: 900 });
        await tab.goto(urlOf(server));
        const keepConsole = async () => {
          const { console: lines } = await tab.probe();
          await appendFile(consoleLog, lines.map((l) => `[${engine}] ${l}\n`).join(""));
        };

        await signIn(tab, "alice", password("alice"));
        const aliceId = await tab.textContent("[data-testid=identity-id]");
        assert.match(aliceId, /^us-east-1:[0-9a-f-]{36}$/);
        assert.match(await tab.textContent("[data-testid=countdown]"), /^\d+:\d\d$/);
        assert.equal(await press(tab, "write-own-item"), "written");
        const item = JSON.parse(await press(tab, "read-own-item"));
        assert.equal(item.pk, aliceId);
        assert.equal(item.note, "hello from alice");
        assert.equal(await press(tab, "write-own-file"), "uploaded hello.txt");
        assert.equal(await press(tab, "read-own-file"), "hello from alice");
        for (const id of ["write-other-item", "read-other-item"]) assert.match(await press(tab, id), /^AccessDeniedException: /);
        for (const id of ["write-other-file", "read-other-file"]) assert.match(await press(tab, id), /^AccessDenied: /);
        const text = await tab.textContent("main");
        assert.doesNotMatch(text, /Failed to fetch|NetworkError|Load failed|at .*\.js:\d+/, "no network-level error or stack trace on the page");
        await tab.screenshot(inTarget(`demo-signed-in-${engine}.png`));
        await dumpStorage(tab, storageDump);
        await keepConsole();

        // The profile: a new name is set at once (no code for it), and Cognito has it.
        await tab.waitFor(() => document.querySelector("[data-testid=attribute-sub]"), null, 30_000, "the profile's attributes");
        const name = `Alice ${Math.random().toString(36).slice(2, 8)}`;
        await tab.fill("input[name=attribute-value]", name);
        await tab.click("[data-testid=update-attribute]");
        await tab.waitFor((name) => document.querySelector("[data-testid=attribute-name]")?.textContent === name, name, 30_000,
          "the new name in the profile");
        assert.equal(await tab.textContent("[data-testid=profile-message]"), "name updated");
        assert.match(await tab.textContent("[data-testid=mfa-preference]"), /^Enabled: .* · preferred: /);
        // The devices: the pool tracks them (as the template's default), so this sign-in confirmed
        // the browser as one of alice's devices, not remembered until she says so. Remembering it
        // shows it remembered in ListDevices; forgetting it takes it off the list.
        const listed = () => tab.waitFor(() => /^\d+ device\(s\)$/.test(document.querySelector("[data-testid=devices]").textContent),
          null, 30_000, "the devices listed");
        await listed();
        assert.equal(await tab.textContent("[data-testid=devices-message]"), null, "no error listing devices");
        const count = async () => Number((await tab.textContent("[data-testid=devices]")).split(" ")[0]);
        const remembered = () => tab.evaluate(() => [...document.querySelectorAll("[data-testid=device-row]")]
          .filter((row) => row.children[2].textContent === "remembered").length);
        const before = await count();
        assert.ok(before >= 1, "this browser is one of alice's devices");
        const rememberedBefore = await remembered();
        await tab.click("[data-testid=remember-device]");
        await tab.waitFor(() => document.querySelector("[data-testid=devices-message]")?.textContent === "This browser is remembered",
          null, 30_000, "the browser remembered");
        await tab.waitFor((n) => [...document.querySelectorAll("[data-testid=device-row]")]
          .filter((row) => row.children[2].textContent === "remembered").length === n + 1, rememberedBefore, 30_000,
          "one more device listed as remembered");
        await tab.click("[data-testid=forget-device]");
        await tab.waitFor(() => document.querySelector("[data-testid=devices-message]")?.textContent === "This browser is forgotten",
          null, 30_000, "the browser forgotten");
        await tab.waitFor((n) => document.querySelector("[data-testid=devices]").textContent === `${n - 1} device(s)` ||
          (n === 1 && document.querySelector("[data-testid=devices]").textContent === "No device confirmed yet"), before, 30_000,
          "one device fewer listed");
        assert.equal(await remembered(), rememberedBefore, "the remembered one was this browser's");

        // An upload with its progress bar: 24 MiB in three parts of 8 MiB, the bar full at the end;
        // the ETag S3 gives is the one of those bytes in those parts.
        await settled(tab);
        await tab.click("[data-testid=upload-generated]");
        await tab.waitFor(() => document.querySelector("[data-testid=upload-message]"), null, 60_000, "the upload to end");
        assert.equal(await tab.textContent("[data-testid=upload-message]"),
          `uploaded uploads/generated-24MiB.bin (${24 * MIB} bytes, ETag ${multipartEtag(generatedBytes(24), 8 * MIB)})`);
        assert.equal(await tab.textContent("[data-testid=upload-percent]"), "100%");
        assert.equal(await tab.textContent("[data-testid=upload-state]"), "done");
        const bar = await tab.evaluate(() => {
          const p = document.querySelector("[data-testid=upload-progress]");
          return { value: p.value, max: p.max, reports: Number(p.dataset.reports) };
        });
        assert.deepEqual([bar.value, bar.max], [24 * 1024 * 1024, 24 * 1024 * 1024]);
        assert.ok(bar.reports >= 3, `the bar moved as the parts went out (${bar.reports} reports)`);

        // 100 MiB paused at 60% or more (the page clicks Pause as the bar passes 60%: WebDriver's
        // round trips are slower than the loopback upload; with at most 4 parts of 8 MiB going
        // out, 60 MiB sent means 3 parts or more are whole), the page reloaded, the same file
        // given again: the upload continues from the parts S3 has and completes whole.
        const puts = async () => (await backendCalls(config.endpoint))["s3:PUT"] ?? 0;
        const kept = () => tab.evaluate(() => Object.keys(localStorage)
          .filter((k) => k.startsWith("apiless.upload.") && k.endsWith("/uploads/generated-100MiB.bin")).length);
        await tab.evaluate(() => {
          const percent = document.querySelector("[data-testid=upload-percent]");
          const observer = new MutationObserver(() => {
            const pause = document.querySelector("[data-testid=upload-pause]");
            if (Number.parseInt(percent.textContent, 10) >= 60 && !pause.disabled) {
              pause.click();
              observer.disconnect();
            }
          });
          observer.observe(percent, { childList: true, characterData: true, subtree: true });
        });
        const putsBefore = await puts();
        await tab.click("[data-testid=upload-generated-100]");
        await tab.waitFor(() => document.querySelector("[data-testid=upload-state]").textContent === "paused", null, 60_000,
          "the 100 MiB upload paused");
        // Paused, the bar counts the whole parts only (the dropped ones go back to 0): 8% each.
        const pausedAt = Number.parseInt(await tab.textContent("[data-testid=upload-percent]"), 10);
        assert.ok(pausedAt >= 8 && pausedAt < 100 && pausedAt % 8 === 0, `paused on the way, at whole parts (${pausedAt}%)`);
        const whole = pausedAt / 8;
        assert.equal(await kept(), 1, "the unfinished upload is kept in the app's storage");
        await new Promise((resolve) => setTimeout(resolve, 300)); // the dropped parts' requests end
        const putsPaused = await puts();
        await tab.goto(urlOf(server));
        await tab.waitFor(() => document.querySelector("[data-testid=signed-in]"), null, 30_000, "signed in again after the reload");
        await settled(tab);
        await tab.click("[data-testid=upload-generated-100]");
        await tab.waitFor(() => document.querySelector("[data-testid=upload-message]"), null, 120_000, "the continued upload to end")
          .catch(async (e) => {
            throw new Error(`${e.message}\nthe backend's calls: ${JSON.stringify(await backendCalls(config.endpoint))}`);
          });
        assert.equal(await tab.textContent("[data-testid=upload-message]"),
          `uploaded uploads/generated-100MiB.bin (${100 * MIB} bytes, ETag ${multipartEtag(generatedBytes(100), 8 * MIB)})`);
        const sentBefore = putsPaused - putsBefore;
        const sentAfter = (await puts()) - putsPaused;
        // S3 may have a part more than the bar showed (its bytes all out when the pause dropped
        // the wait for its answer).
        assert.ok(sentBefore >= whole && sentAfter <= 13 - whole && sentBefore + sentAfter >= 13,
          `the reloaded page sent only what S3 did not have: ${sentAfter} of 13 parts (${whole} whole at the pause)`);
        assert.equal(await kept(), 0, "the record is removed once the upload completes");

        await tab.click("[data-testid=sign-out]");
        await tab.waitFor(() => document.querySelector("[data-testid=sign-in]"), null, 10_000, "signed out");
        await signIn(tab, "bob", password("bob"));
        const bobId = await tab.textContent("[data-testid=identity-id]");
        assert.notEqual(bobId, aliceId);
        const bobsItem = await press(tab, "read-own-item");
        assert.doesNotMatch(bobsItem, /hello from alice/, "bob reads his own partition, not alice's");
        assert.notEqual(await press(tab, "read-own-file"), "hello from alice");
        await dumpStorage(tab, storageDump);
        await keepConsole();

        // Sign in with a code (choice-based sign-in, EMAIL_OTP): the code the backend "sent".
        await tab.click("[data-testid=sign-out]");
        await tab.waitFor(() => document.querySelector("[data-testid=sign-in-with-code]"), null, 10_000, "signed out");
        await tab.fill("input[name=username]", "alice");
        await tab.click("[data-testid=sign-in-with-code]");
        await tab.waitFor(() => document.querySelector("[data-testid=sign-in-step]")?.textContent === "EMAIL_OTP", null,
          30_000, "the EMAIL_OTP step");
        await tab.fill("input[name=code]", await lastCode(config.endpoint, "alice@example.com"));
        await tab.click("[data-testid=confirm-step]");
        await tab.waitFor(() => document.querySelector("[data-testid=signed-in]"), null, 30_000, "signed in with a code");
        await tab.waitFor(() => !document.querySelector("[data-testid=identity-id]").textContent.includes("…"));
        assert.equal(await tab.textContent("[data-testid=identity-id]"), aliceId, "alice again, by a code");
        await keepConsole();
        if (engine === "chromium") await passkeyDemo(tab, server, password("alice"), aliceId, keepConsole);

        // Guest mode: the unauthenticated role, under the guest's own identity id.
        await tab.click("[data-testid=sign-out]");
        await tab.waitFor(() => document.querySelector("[data-testid=continue-as-guest]"), null, 10_000, "signed out");
        await tab.click("[data-testid=continue-as-guest]");
        await tab.waitFor(() => /:/.test(document.querySelector("[data-testid=guest-identity-id]")?.textContent ?? ""), null,
          30_000, "the guest's identity id");
        const guestId = await tab.textContent("[data-testid=guest-identity-id]");
        assert.match(guestId, /^us-east-1:[0-9a-f-]{36}$/);
        assert.ok(guestId !== aliceId && guestId !== bobId, "a guest identity of its own");
        assert.equal(await press(tab, "guest-write-item"), "written");
        const guestItem = JSON.parse(await press(tab, "guest-read-item"));
        assert.equal(guestItem.pk, guestId);
        assert.equal(guestItem.note, "hello from a guest");
        await dumpStorage(tab, storageDump);
        await keepConsole();
        assert.deepEqual((await tab.probe()).errors, []);
      });
    });

    // Redirect sign-in: "Sign in with Google" leaves for the managed login, which sends the
    // browser on to the stand-in Google (backend/upstream_oidc.py) and back with a code that the
    // demo exchanges on load; the federated user's credentials write their own item; sign-out
    // goes through the managed login's /logout and back to the demo, signed out.
    test(`[${engine}] the demo's production build: Sign in with Google through the managed login, and out through /logout; the managed login's own page`, async () => {
      await inEngine(engine, demoResolvers(), async (session, server) => {
        const back = urlOf(server);
        const registered = await fetch(`${config.endpoint}/_apiless/fixtures/oauth-urls`, {
          method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ urls: [back] }),
        });
        assert.equal(registered.status, 200, await registered.text());
        const tab = await session.firstTab();
        await tab.goto(back);
        await tab.click("[data-testid=sign-in-google]");
        await tab.waitFor(() => location.pathname.endsWith("/_apiless/google/authorize"), null, 30_000, "the stand-in Google");
        const email = `demo-${engine}-${Date.now()}@gmail.example`;
        await tab.fill("#email", email);
        await tab.click("#continue");
        await tab.waitFor(() => document.querySelector("[data-testid=signed-in]"), null, 30_000, "signed in with Google");
        assert.match(await tab.textContent("[data-testid=signed-in]"), /Signed in as Google_\d{21}/);
        assert.equal(await tab.evaluate(() => location.href), back, "code and state gone from the address bar");
        await tab.waitFor(() => !document.querySelector("[data-testid=identity-id]").textContent.includes("…"));
        assert.equal(await press(tab, "write-own-item"), "written");
        const item = JSON.parse(await press(tab, "read-own-item"));
        assert.equal(item.pk, await tab.textContent("[data-testid=identity-id]"));
        await dumpStorage(tab, storageDump);
        const before = (await backendCalls(config.endpoint))["oauth:/logout"] ?? 0;
        await tab.click("[data-testid=sign-out]");
        await tab.waitFor(() => document.querySelector("[data-testid=sign-in-google]"), null, 30_000, "signed out, back on the demo");
        const after = (await backendCalls(config.endpoint))["oauth:/logout"];
        assert.equal(after, before + 1, "the managed login's /logout was reached");

        // "Managed login": the managed login's own page, alice's username and password (the
        // client offers choice-based sign-in, so it may ask for the username, the factor, then
        // the password), back on the demo signed in as alice.
        await tab.click("[data-testid=sign-in-hosted]");
        await tab.waitFor(() => location.pathname.endsWith("/oauth2/authorize"), null, 30_000, "the managed login's page");
        await tab.fill("#username", "alice");
        if (!(await tab.evaluate(() => document.querySelector("#password") !== null))) {
          await tab.click("button[type=submit]");
          await tab.waitFor(() => document.querySelector('button[value="PASSWORD"]'), null, 30_000, "the first factors");
          await tab.click('button[value="PASSWORD"]');
          await tab.waitFor(() => document.querySelector("#password"), null, 30_000, "the password field");
        }
        await tab.fill("#password", password("alice"));
        await tab.click("button[type=submit]");
        await tab.waitFor(() => document.querySelector("[data-testid=signed-in]"), null, 30_000, "signed in through the managed login");
        assert.match(await tab.textContent("[data-testid=signed-in]"), /Signed in as alice/);
        assert.equal(await tab.evaluate(() => location.href), back, "code and state gone from the address bar");
        await tab.click("[data-testid=sign-out]");
        await tab.waitFor(() => document.querySelector("[data-testid=sign-in-hosted]"), null, 30_000, "signed out of the managed login");
        assert.deepEqual((await tab.probe()).errors, []);
      });
    });
  }
}

// ---- app: an app of tests/apps, built, does its job ---------------------------------------------
// Serves a built app (DIR) and the backend's config (/config.json) on 127.0.0.1, opens
// /?nonce=<random> in Chromium, and checks what the app shows in #result: alice signed in, the
// item it wrote under its identity id came back with the nonce, the wasm came from the build
// (the bundler emitted or the app copied it) and is pkg/'s, and the page threw nothing. For Next.js, the page
// as the server rendered it (before any script ran) also holds the ConfigError that
// createClient gave the server component (tests/apps/README.md).

function app(label, dir, configFile = path.join(root, ".apiless/local.json")) {
  const name = label.replace(/-webpack$/, ""); // next-webpack: the next app, built by webpack
  test(`the ${label} app, built, signs in and writes and reads an item`, () => inChromium([
    async (url) => (url === "/config.json" ? { body: await readFile(configFile), type: "application/json" } : undefined),
    fromDir(dir),
  ], async (browser, server) => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    const wasm = [];
    page.on("response", async (r) => {
      if (!new URL(r.url()).pathname.endsWith(".wasm")) return;
      const same = Buffer.compare(await r.body(), await readFile(path.join(root, "pkg", "apiless_bg.wasm"))) === 0;
      wasm.push(`${r.status()} ${r.headers()["content-type"]}${same ? "" : ", not pkg/apiless_bg.wasm (a stale build?)"}`);
    });
    const nonce = `nonce-${Math.random().toString(36).slice(2)}`;
    const url = `${urlOf(server)}?nonce=${nonce}`;
    if (name === "next") {
      const html = await (await fetch(url)).text();
      const server = /id="server"[^>]*>([^<]*)/.exec(html)?.[1];
      assert.match(server ?? "no #server", /^ConfigError: apiless runs in a browser, not on a server/, "createClient in the server component");
    }
    await page.goto(url);
    await page.waitForSelector("#result, #error", { timeout: 30000 });
    const failed = await page.$("#error");
    if (failed) assert.fail(`the ${name} app failed: ${await failed.textContent()}`);
    const r = JSON.parse(await page.textContent("#result"));
    const { version } = JSON.parse(await readFile(path.join(root, "pkg", "package.json"), "utf8"));
    assert.equal(r.app, name);
    assert.equal(r.version, version);
    assert.equal(r.signedIn, true);
    assert.equal(r.user, "alice");
    assert.match(r.identityId, /^us-east-1:[0-9a-f-]{36}$/);
    assert.deepEqual(r.item, { pk: r.identityId, sk: `app-${name}`, text: nonce });
    assert.deepEqual(wasm, ["200 application/wasm"], "the page fetched one .wasm, the package's, from the build");
    assert.deepEqual(errors, []);
  }));
}

// ---- no-any: no `any` in the package's public types ---------------------------------------------
// wasm-bindgen's raw export table (`InitOutput`, the wasm module's own functions) is not the
// public surface and is skipped.

async function noAny() {
  let failures = 0;
  for (const file of ["pkg/index.d.ts", "pkg/react.d.ts", "pkg/apiless.d.ts"]) {
    const text = (await readFile(path.join(root, file), "utf8")).replace(/export interface InitOutput \{[\s\S]*?\n\}/, "");
    text.split("\n").forEach((line, i) => {
      const code = line.replace(/\/\/.*$|\/\*.*?\*\//g, "");
      if (/\bany\b/.test(code)) {
        console.error(`${file}:${i + 1}: \`any\` on the public surface: ${line.trim()}`);
        failures++;
      }
    });
  }
  if (failures) process.exit(1);
  console.log("public types: no `any` in pkg/index.d.ts, pkg/react.d.ts, pkg/apiless.d.ts");
}

const commands = { smoke, e2e, app, "no-any": noAny };
const [name, ...args] = process.argv.slice(2);
if (!Object.hasOwn(commands, name ?? "")) {
  console.error(`usage: node tools/checks.mjs ${Object.keys(commands).join("|")} [ARGS...] (see its first lines)`);
  process.exit(2);
}
await commands[name](...args);
