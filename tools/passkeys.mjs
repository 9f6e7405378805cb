// make passkeys: passkeys end to end in Chromium, with a real WebAuthn virtual authenticator (the
// DevTools protocol's WebAuthn domain: a CTAP2 platform authenticator with resident keys and user
// verification) against the local backend, which verifies each registration and assertion itself
// (backend/cognito_webauthn.py, py_webauthn).
//
//   node tools/passkeys.mjs [CONFIG.json]
//
// A fresh user of the seeded choice-based pool (relying party "localhost") signs in with their
// password, registers a passkey (associateWebAuthnCredential), lists it, signs out and signs in
// with the passkey (the authenticator signs; its sign count moves), lists, deletes and lists
// nothing. Then: a prompt the user cancels (an authenticator that holds no passkey of theirs) is a
// PasskeyCancelledError, a bogus signature (the authenticator told to send one) is refused by the
// backend with NotAuthorizedException, a browser without WebAuthn gets PasskeyNotSupportedError,
// and none of them leaves anyone signed in or anything stored. The page is served on 127.0.0.1 and
// opened as http://localhost:PORT (browsers take no IP address as a relying party id; localhost
// is a secure context). wasm-bindgen-test pages cannot reach the DevTools protocol, hence Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fromDir, launchChromium, serve } from "./browser.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const configFile = process.argv[2] || path.join(root, ".apiless/local.json");
const config = JSON.parse(await readFile(configFile, "utf8"));

async function backend(route, body) {
  const r = await fetch(config.endpoint + route, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
  assert.equal(r.status, 200, route);
  return r.json();
}

const page = `<!doctype html><script type="module">
import { createClient } from "/pkg/index.js";
const settings = await (await fetch("/settings.json")).json();
const aws = await createClient(settings);
window.aws = aws;
const failure = (e) => ({ ok: false, name: e?.name, kind: e?.kind, isError: e instanceof Error, message: String(e?.message ?? e) });
window.call = async (method, ...args) => {
  try {
    const value = await aws.auth[method](...args);
    return { ok: true, value: JSON.parse(JSON.stringify(value ?? null)) };
  } catch (e) {
    return failure(e);
  }
};
window.state = () => ({ user: aws.auth.currentUser()?.username ?? null, stored: Object.keys(localStorage).filter((k) => k.includes("Token")).length });
window.identity = async () => { try { return await aws.identityId(); } catch (e) { return failure(e); } };
window.ready = true;
</script>`;

/** Opens the page as http://localhost:PORT with a virtual authenticator; `noWebAuthn` removes WebAuthn first. */
async function open(settings, { noWebAuthn = false } = {}) {
  const server = await serve(
    async (url) => (url === "/" ? { body: page, type: "text/html" } : undefined),
    async (url) => (url === "/settings.json" ? { body: JSON.stringify(settings), type: "application/json" } : undefined),
    fromDir(path.join(root, "pkg"), "/pkg/"),
  );
  const browser = await launchChromium();
  const close = async () => {
    await browser.close();
    server.close();
  };
  try {
    const context = await browser.newContext();
    const tab = await context.newPage();
    const errors = [];
    tab.on("pageerror", (e) => errors.push(String(e)));
    if (noWebAuthn) await tab.addInitScript(() => { delete window.PublicKeyCredential; });
    const cdp = await context.newCDPSession(tab);
    await cdp.send("WebAuthn.enable");
    const addAuthenticator = async () => (await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true,
        isUserVerified: true, automaticPresenceSimulation: true },
    })).authenticatorId;
    const authenticator = await addAuthenticator();
    await tab.goto(`http://localhost:${server.address().port}/`);
    await tab.waitForFunction(() => window.ready === true);
    const call = (method, ...args) => tab.evaluate(([m, a]) => window.call(m, ...a), [method, args]);
    const state = () => tab.evaluate(() => window.state());
    return { tab, cdp, call, state, authenticator, addAuthenticator, errors, close };
  } catch (e) {
    await close();
    throw e;
  }
}

const b64url = (b64) => b64.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

test("passkeys: register, list, sign in with the virtual authenticator, delete; cancelled, tampered, unsupported", async () => {
  const fixtures = await backend("/_apiless/fixtures");
  const user = await backend("/_apiless/fixtures/user", { pool: "userAuth" });
  const settings = {
    region: config.region, endpoint: config.endpoint, identityPoolId: config.identityPoolId,
    userPoolId: fixtures.userAuthUserPoolId, userPoolClientId: fixtures.userAuthUserPoolClientId,
  };
  const p = await open(settings);
  try {
    const { call, state, cdp } = p;
    // Signed in with the password; no passkey yet, so none is offered.
    assert.equal((await call("signIn", { username: user.username, password: user.password })).value.signedIn, true);
    const empty = await call("listWebAuthnCredentials");
    assert.deepEqual(empty, { ok: true, value: [] }, JSON.stringify(empty));

    // Register: Cognito's options, the authenticator's new credential, the backend's verification.
    assert.deepEqual(await call("associateWebAuthnCredential"), { ok: true, value: null });
    const held = (await cdp.send("WebAuthn.getCredentials", { authenticatorId: p.authenticator })).credentials;
    assert.equal(held.length, 1, "the authenticator holds one new passkey");
    assert.equal(held[0].rpId, "localhost");
    assert.equal(held[0].isResidentCredential, true);
    const listed = (await call("listWebAuthnCredentials")).value;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].credentialId, b64url(held[0].credentialId));
    assert.equal(listed[0].relyingPartyId, "localhost");
    assert.deepEqual(listed[0].authenticatorTransports, ["internal"]);

    // Sign out, then in with the passkey alone: the authenticator signs the backend's challenge.
    await call("signOut");
    assert.deepEqual(await state(), { user: null, stored: 0 });
    const before = held[0].signCount;
    const signedIn = await call("signIn", { username: user.username, preferredChallenge: "WEB_AUTHN" });
    assert.equal(signedIn.ok, true, JSON.stringify(signedIn));
    assert.equal(signedIn.value.signedIn, true);
    assert.equal(signedIn.value.user.username, user.username);
    assert.match(await p.tab.evaluate(() => window.identity()), /^us-east-1:/, "the passkey's tokens get AWS credentials");
    const after = (await cdp.send("WebAuthn.getCredentials", { authenticatorId: p.authenticator })).credentials[0].signCount;
    assert.ok(after > before, `the authenticator signed (sign count ${before} -> ${after})`);
    const signCounts = `${before} -> ${after}`;

    // Chosen at SELECT_CHALLENGE: WEB_AUTHN is offered now, and signs in the same way.
    await call("signOut");
    const select = await call("signIn", { username: user.username });
    assert.ok(select.value.nextStep.availableChallenges.includes("WEB_AUTHN"), JSON.stringify(select));
    assert.equal((await call("confirmSignIn", { firstFactor: "WEB_AUTHN" })).value.signedIn, true);

    // Tampered: the authenticator sends a bogus signature; the backend refuses it, nothing is kept.
    await call("signOut");
    await cdp.send("WebAuthn.setResponseOverrideBits", { authenticatorId: p.authenticator, isBogusSignature: true });
    const tampered = await call("signIn", { username: user.username, preferredChallenge: "WEB_AUTHN" });
    assert.deepEqual([tampered.ok, tampered.name, tampered.isError], [false, "NotAuthorizedException", true], JSON.stringify(tampered));
    assert.deepEqual(await state(), { user: null, stored: 0 });
    await cdp.send("WebAuthn.setResponseOverrideBits", { authenticatorId: p.authenticator, isBogusSignature: false });

    // Cancelled: this browser's authenticator holds no passkey of the user (another device's
    // would): the prompt ends with NotAllowedError, a typed PasskeyCancelledError here.
    await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId: p.authenticator });
    await p.addAuthenticator();
    const cancelled = await call("signIn", { username: user.username, preferredChallenge: "WEB_AUTHN" });
    assert.deepEqual([cancelled.ok, cancelled.name, cancelled.kind, cancelled.isError],
      [false, "PasskeyCancelledError", "Passkey", true], JSON.stringify(cancelled));
    assert.deepEqual(await state(), { user: null, stored: 0 });

    // Signed in again (password), the passkey is deleted: none listed, WEB_AUTHN no longer offered.
    assert.equal((await call("signIn", { username: user.username, password: user.password })).value.signedIn, true);
    assert.deepEqual(await call("deleteWebAuthnCredential", { credentialId: listed[0].credentialId }), { ok: true, value: null });
    assert.deepEqual((await call("listWebAuthnCredentials")).value, []);
    const gone = await call("deleteWebAuthnCredential", { credentialId: listed[0].credentialId });
    assert.equal(gone.name, "ResourceNotFoundException");
    await call("signOut");
    const noPasskey = await call("signIn", { username: user.username, preferredChallenge: "WEB_AUTHN" });
    assert.equal(noPasskey.value.nextStep.name, "SELECT_CHALLENGE");
    assert.ok(!noPasskey.value.nextStep.availableChallenges.includes("WEB_AUTHN"));
    assert.deepEqual(p.errors, []);
    console.log(`passkeys: registered, signed in with WEB_AUTHN twice (sign count ${signCounts}), listed, deleted; ` +
      "PasskeyCancelledError, NotAuthorizedException for a bogus signature, nothing stored after either");
  } finally {
    await p.close();
  }

  // A browser without WebAuthn: a typed error before any prompt, nothing stored.
  const bare = await open(settings, { noWebAuthn: true });
  try {
    assert.equal((await bare.call("signIn", { username: user.username, password: user.password })).value.signedIn, true);
    const unsupported = await bare.call("associateWebAuthnCredential");
    assert.deepEqual([unsupported.name, unsupported.kind, unsupported.isError], ["PasskeyNotSupportedError", "Passkey", true]);
    assert.deepEqual((await bare.call("listWebAuthnCredentials")).value, [], "nothing half-registered");
  } finally {
    await bare.close();
  }
});
