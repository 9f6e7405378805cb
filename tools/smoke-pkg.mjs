// Smoke test of the built, wasm-opt-optimised package in Debian's Chromium: the browser tests
// run unoptimised wasm, and a broken wasm-opt only shows here (see shared notes: Debian's
// binaryen breaks the externref table). Serves pkg/ and a page on 127.0.0.1, imports the
// package as an app would, and checks that it loads, validates the backend's config and throws
// real Errors.
//
//   node tools/smoke-pkg.mjs <config.json>
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fromDir, launchChromium, serve, urlOf } from "./browser.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const configFile = process.argv[2] || path.join(root, ".apiless/local.json");

const page = `<!doctype html><script type="module">
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
// late) and deliver them later: holdStorage() and releaseStorage().
const tabPage = `<!doctype html><script type="module">
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
  window.alice = users.find((u) => u.username === "alice");
  window.bob = users.find((u) => u.username === "bob");
  window.aws = await createClient({ ...clientConfig, storage: "local" });
  window.aws.auth.onChange((event) => window.events.push(event));
})();
</script>`;

/** Opens tab.html of `server` in `context`, ready; page errors go to `errors`. */
async function openTab(context, server, errors) {
  const tab = await context.newPage();
  tab.on("pageerror", (e) => errors.push(String(e)));
  await tab.goto(urlOf(server) + "tab.html");
  await tab.evaluate(() => window.ready);
  return tab;
}

/** The test pages, the backend's config, and pkg/. */
function servePage() {
  return serve(
    async (url) => (url === "/" ? { body: page, type: "text/html" } : undefined),
    async (url) => (url === "/tab.html" ? { body: tabPage, type: "text/html" } : undefined),
    async (url) => (url === "/config.json" ? { body: await readFile(configFile), type: "application/json" } : undefined),
    fromDir(path.join(root, "pkg"), "/pkg/"),
  );
}

test("the optimised package loads in Chromium, validates the backend config and throws real Errors", async () => {
  const server = await servePage();
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    const errors = [];
    tab.on("pageerror", (e) => errors.push(String(e)));
    await tab.goto(urlOf(server));
    const r = await tab.evaluate(() => window.result);
    assert.deepEqual(errors, []);
    assert.match(r.version, /^\d+\.\d+\.\d+/);
    assert.equal(r.userPoolId, r.expected.userPoolId);
    assert.equal(r.endpoints["cognito-idp"], r.expected.endpoint);
    assert.equal(r.endpoints.s3, r.expected.endpoint);
    assert.equal(r.badIsError, true);
    assert.equal(r.badName, "ConfigError");
    assert.equal(r.badField, "userPoolId");
    assert.equal(r.signedOut, true);
  } finally {
    await browser.close();
    server.close();
  }
});

test("two tabs of an app agree on sign-in and sign-out through localStorage", async () => {
  const server = await servePage();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    const errors = [];
    const open = () => openTab(context, server, errors);
    const a = await open();
    await a.evaluate(() => localStorage.clear());
    const b = await open();
    assert.equal(await b.evaluate(() => window.aws.auth.currentUser()), null);

    await a.evaluate(() => window.aws.auth.signIn(window.alice));
    await b.waitForFunction(() => window.events.includes("signedIn"), null, { timeout: 10_000 });
    assert.equal(await b.evaluate(() => window.aws.auth.currentUser()?.username), "alice");
    // Tab B works as alice with the tokens tab A got: its own identity id and credentials.
    const idA = await a.evaluate(() => window.aws.identityId());
    const idB = await b.evaluate(() => window.aws.identityId());
    assert.equal(idB, idA);
    // What both tabs stored, for tools/secrets-check.py: tokens and ids only, no AWS keys.
    const dump = path.join(root, "target", "two-tabs-storage.jsonl");
    await writeFile(dump, "");
    for (const tab of [a, b]) {
      const entries = await tab.evaluate(() => [localStorage, sessionStorage].flatMap((s) =>
        Object.keys(s).map((key) => ({ key, value: s.getItem(key) }))));
      await appendFile(dump, entries.map((e) => JSON.stringify(e) + "\n").join(""));
    }

    await a.evaluate(() => window.aws.auth.signOut());
    await b.waitForFunction(() => window.events.includes("signedOut"), null, { timeout: 10_000 });
    assert.equal(await b.evaluate(() => window.aws.auth.currentUser()), null);
    assert.equal(await b.evaluate(() => window.aws.credentialsExpireAt() ?? null), null, "no credentials left in B");
    const afterSignOut = await b.evaluate(() => window.aws.identityId().then(() => "resolved", (e) => e.name));
    assert.notEqual(afterSignOut, "resolved");
    const keys = await b.evaluate(() => Object.keys(localStorage).filter((k) => /Token$/.test(k)));
    assert.deepEqual(keys, []);
    assert.deepEqual(await b.evaluate(() => window.events), ["signedIn", "signedOut"]);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});

// Review finding 1 (2026-12): a refresh in flight in tab B, answered before B handles the
// storage events of tab A's sign-out (or of bob's sign-in there), must not write alice's
// session back: the sign-out stays, bob stays bob, and B follows storage with the event that
// says so. B's refresh answer is held on its way back (Playwright's routing) and B's storage
// events are held in the page, so the race goes the bad way every time.
test("a refresh in flight in another tab cannot undo a sign-out or turn bob back into alice", async () => {
  const server = await servePage();
  const browser = await launchChromium();
  try {
    for (const variant of ["sign-out", "bob signs in"]) {
      const context = await browser.newContext();
      const errors = [];
      const open = () => openTab(context, server, errors);
      const a = await open();
      await a.evaluate(() => localStorage.clear());
      const b = await open();
      await a.evaluate(() => window.aws.auth.signIn(window.alice));
      await b.waitForFunction(() => window.events.includes("signedIn"), null, { timeout: 10_000 });

      let held;
      const refreshHeld = new Promise((resolve) => { held = resolve; });
      let release;
      const released = new Promise((resolve) => { release = resolve; });
      // Cognito answers B's refresh at once (before A's sign-out revokes the token); the answer
      // reaches B only when released.
      await b.route("**/*", async (route) => {
        if (!(route.request().postData() || "").includes("REFRESH_TOKEN_AUTH")) return route.continue();
        const response = await route.fetch();
        held();
        await released;
        await route.fulfill({ response });
      });
      await b.evaluate(() => {
        window.holdStorage();
        window.refreshing = window.aws.auth.currentSession({ forceRefresh: true })
          .then((s) => "refreshed as " + s.user.username, (e) => e.name);
      });
      await refreshHeld;
      if (variant === "sign-out") await a.evaluate(() => window.aws.auth.signOut());
      else await a.evaluate(() => window.aws.auth.signIn(window.bob));
      release();
      const outcome = await b.evaluate(() => window.refreshing);
      const lateEvents = await b.evaluate(() => window.releaseStorage());
      assert.ok(lateEvents > 0, `${variant}: B's storage events were held`);
      await b.unroute("**/*");
      // Let every storage event reach both tabs.
      await new Promise((r) => setTimeout(r, 300));

      const stored = await a.evaluate(() => Object.fromEntries(Object.keys(localStorage).map((k) => [k, localStorage.getItem(k)])));
      const lastUser = Object.entries(stored).find(([k]) => k.endsWith(".LastAuthUser"))?.[1] ?? null;
      const aliceKeys = Object.keys(stored).filter((k) => k.includes(".alice."));
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
      assert.deepEqual(errors, []);
      await context.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
});
