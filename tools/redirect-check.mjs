// make redirect: redirect sign-in (signInWithRedirect, handleRedirect, signOut's /logout) end to
// end in Chromium, driven from Node with Playwright: the page really leaves for the managed login
// (the local backend's /oauth2/authorize and its login page, or the stand-in Google of
// backend/upstream_oidc.py) and comes back, which a wasm-bindgen-test page cannot survive.
//
//   node tools/redirect-check.mjs [CONFIG.json]
//
// Serves the built package (pkg/) and an app page on 127.0.0.1 (a free port), adds the page's
// URLs to the app client's CallbackURLs and LogoutURLs (POST /_apiless/fixtures/oauth-urls), and
// checks: the managed login's username/password round trip signs in (signedIn heard, customState
// back, the URL and the kept verifier cleaned) and the credentials make a DynamoDB call scoped to
// the user; Sign in with Google through the stand-in does the same for a federated user; a
// tampered, missing or replayed state and an ?error= return reject with typed errors and store
// nothing; signOut goes through /logout to redirectSignOut; no oauth config is a ConfigError.
/* global aws, handle, events -- the app page's own globals, in the functions evaluate runs there */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fromDir, launchChromium, serve, urlOf } from "./browser.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const configFile = process.argv[2] || path.join(root, ".apiless", "local.json");
const config = JSON.parse(await readFile(configFile, "utf8"));
const { users, table, bucket, indexes, ...clientConfig } = config;
const endpoint = config.endpoint;

// The app: its client (with the oauth section unless ?plain), its session events, and the
// redirect return handled only when a test asks (handle()), so a test can tamper the URL first.
const appPage = `<!doctype html><meta charset="utf-8"><title>app</title><script type="module">
import { createClient } from "/pkg/index.js";
const config = await (await fetch("/config.json")).json();
const oauth = { domain: config.endpoint, redirectSignIn: location.origin + "/app.html",
  redirectSignOut: location.origin + "/bye.html" };
window.events = [];
window.aws = await createClient({ ...config, ...(location.search.includes("plain") ? {} : { oauth }) });
aws.auth.onChange((e) => events.push(e));
window.handle = () => aws.auth.handleRedirect().then(
  (r) => ({ ok: r }), (e) => ({ error: { name: e.name, field: e.field, message: e.message, isError: e instanceof Error } }));
window.ready = true;
</script>`;

async function withApp(body) {
  const server = await serve(
    (url) => url === "/app.html" && { body: appPage, type: "text/html" },
    (url) => url === "/bye.html" && { body: "<!doctype html><title>bye</title>signed out", type: "text/html" },
    (url) => url === "/config.json" && { body: JSON.stringify(clientConfig), type: "application/json" },
    fromDir(path.join(root, "pkg"), "/pkg/"),
  );
  const origin = urlOf(server).replace(/\/$/, "");
  const registered = await fetch(`${endpoint}/_apiless/fixtures/oauth-urls`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ urls: [`${origin}/app.html`, `${origin}/bye.html`] }),
  });
  assert.equal(registered.status, 200, await registered.text());
  const browser = await launchChromium();
  try {
    const page = await (await browser.newContext()).newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await body(page, origin);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
}

/** Runs `fn` in the page, which navigates away meanwhile (its context may be gone before it answers). */
async function leaving(page, fn, arg) {
  try {
    await page.evaluate(fn, arg);
  } catch (e) {
    if (!/context was destroyed|navigat/i.test(String(e))) throw e;
  }
}

async function open(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.ready === true);
}

/** What the page keeps: apiless's keys in localStorage and sessionStorage. */
const kept = (page) => page.evaluate(() => ({
  local: Object.keys(localStorage).filter((k) => k.startsWith("CognitoIdentityServiceProvider")),
  session: Object.keys(sessionStorage).filter((k) => k.startsWith("CognitoIdentityServiceProvider")),
}));

const calls = async () => (await fetch(`${endpoint}/_apiless/calls`)).json();

/** Signs in on the managed login's page with a seeded user; ends back on app.html?code&state. */
async function hostedLogin(page, origin, options = {}) {
  await leaving(page, (o) => aws.auth.signInWithRedirect(o), options);
  await page.waitForURL((u) => u.href.startsWith(`${endpoint}/oauth2/authorize?`));
  const asked = new URL(page.url()).searchParams;
  assert.equal(asked.get("code_challenge_method"), "S256");
  assert.equal(asked.get("redirect_uri"), `${origin}/app.html`);
  assert.match(asked.get("code_challenge"), /^[A-Za-z0-9_-]{43}$/);
  assert.match(asked.get("state"), /^[A-Za-z0-9_-]{43}$/);
  await page.fill("#username", users[0].username);
  // The client allows choice-based sign-in, so the managed login asks in steps: the username,
  // the first factor, the password.
  if (!(await page.$("#password"))) {
    await page.click("button[type=submit]");
    await page.click('button[value="PASSWORD"]');
  }
  await page.fill("#password", users[0].password);
  await page.click("button[type=submit]");
  await page.waitForURL((u) => u.href.startsWith(`${origin}/app.html?code=`));
  await page.waitForFunction(() => window.ready === true);
}

test("the managed login's username and password sign in, and the credentials work", async () => {
  await withApp(async (page, origin) => {
    await open(page, `${origin}/app.html`);
    assert.deepEqual(await page.evaluate(() => aws.auth.handleRedirect()), null); // not a return
    await hostedLogin(page, origin, { customState: "/notes?x=1" });
    assert.equal((await kept(page)).session.length, 1, "the verifier waits in sessionStorage");
    const back = await page.evaluate(() => handle());
    assert.ok(back.ok, JSON.stringify(back));
    assert.equal(back.ok.user.username, users[0].username);
    assert.equal(back.ok.customState, "/notes?x=1");
    assert.deepEqual(await page.evaluate(() => events), ["signedIn"]);
    assert.equal(page.url(), `${origin}/app.html`, "code and state leave the address bar");
    const stored = await kept(page);
    assert.deepEqual(stored.session, [], "the verifier is wiped");
    assert.ok(stored.local.some((k) => k.endsWith(".refreshToken")), "stored as any sign-in");
    // The identity pool's credentials, scoped to the user: their own item, not another's.
    const data = await page.evaluate(async (t) => {
      const db = aws.db(t);
      await db.put({ sk: "redirect", note: "hosted" });
      const item = await db.get("redirect");
      return { note: item && item.note, id: await aws.identityId() };
    }, table);
    assert.equal(data.note, "hosted");
    assert.match(data.id, /^us-east-1:/);
    // A reload keeps the session (storage), and is no return any more.
    await open(page, `${origin}/app.html`);
    assert.equal(await page.evaluate(() => aws.auth.currentUser()?.username), users[0].username);
    // signOut ends the managed login's session: /logout, then redirectSignOut.
    const before = (await calls())["oauth:/logout"] ?? 0;
    await leaving(page, () => aws.auth.signOut());
    await page.waitForURL(`${origin}/bye.html`);
    assert.equal((await calls())["oauth:/logout"], before + 1);
    const tokens = /\.(idToken|accessToken|refreshToken|LastAuthUser|oauthSignIn)$/;
    assert.deepEqual((await kept(page)).local.filter((k) => tokens.test(k)), []);
  });
});

test("Sign in with Google through the stand-in provider", async () => {
  await withApp(async (page, origin) => {
    await open(page, `${origin}/app.html`);
    await leaving(page, () => aws.auth.signInWithRedirect({ provider: "Google" }));
    await page.waitForURL((u) => u.href.startsWith(`${endpoint}/_apiless/google/authorize?`));
    const email = `g${Date.now()}@gmail.example`;
    await page.fill("#email", email);
    await page.click("#continue");
    await page.waitForURL((u) => u.href.startsWith(`${origin}/app.html?code=`));
    await page.waitForFunction(() => window.ready === true);
    const back = await page.evaluate(() => handle());
    assert.ok(back.ok, JSON.stringify(back));
    assert.match(back.ok.user.username, /^Google_\d{21}$/);
    assert.equal(back.ok.user.email, email);
    const data = await page.evaluate(async (t) => {
      await aws.db(t).put({ sk: "google", note: "federated" });
      return (await aws.db(t).get("google")).note;
    }, table);
    assert.equal(data, "federated");
  });
});

test("a tampered, missing or replayed state, or an error return, stores nothing", async () => {
  await withApp(async (page, origin) => {
    await open(page, `${origin}/app.html`);
    await hostedLogin(page, origin);
    const url = new URL(page.url());
    const tampered = new URL(url);
    tampered.searchParams.set("state", url.searchParams.get("state").replace(/^./, (c) => (c === "A" ? "B" : "A")));
    await open(page, tampered.href);
    const refused = await page.evaluate(() => handle());
    assert.equal(refused.error?.name, "OAuthStateMismatch", JSON.stringify(refused));
    assert.ok(refused.error.isError);
    assert.deepEqual(await kept(page), { local: [], session: [] }, "nothing stored, the verifier wiped");
    assert.equal(await page.evaluate(() => aws.auth.currentUser()), null);
    assert.deepEqual(await page.evaluate(() => events), []);
    assert.equal(page.url(), `${origin}/app.html`);
    // The genuine return, replayed now that the verifier is gone: refused too.
    await open(page, url.href);
    assert.equal((await page.evaluate(() => handle())).error?.name, "OAuthStateMismatch");
    // A return without state.
    await hostedLogin(page, origin);
    const stateless = new URL(page.url());
    stateless.searchParams.delete("state");
    await open(page, stateless.href);
    assert.equal((await page.evaluate(() => handle())).error?.name, "OAuthStateMismatch");
    assert.deepEqual(await kept(page), { local: [], session: [] });
    // The managed login's own error.
    await open(page, `${origin}/app.html?error=access_denied&error_description=User+cancelled&state=x`);
    const denied = await page.evaluate(() => handle());
    assert.equal(denied.error?.name, "access_denied");
    assert.match(denied.error.message, /User cancelled/);
    assert.equal(page.url(), `${origin}/app.html`);
    // No oauth section: a ConfigError naming it, before anything is kept or left.
    await open(page, `${origin}/app.html?plain`);
    const unconfigured = await page.evaluate(() => aws.auth.signInWithRedirect().then(() => null, (e) => [e.name, e.field]));
    assert.deepEqual(unconfigured, ["ConfigError", "oauth"]);
    assert.equal(new URL(page.url()).origin, origin);
  });
});
