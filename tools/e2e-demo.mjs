// End to end: the production build of the demo (vite build, optimised wasm) in Debian's
// Chromium against the local backend. alice signs in, her own item and object work, another
// identity's are refused by IAM (AccessDenied shown, never "Failed to fetch" or a stack), she
// signs out; bob signs in and does not see alice's data. Screenshot: target/demo-signed-in.png.
//
//   node tools/e2e-demo.mjs <config.json>     (www/dist built with APILESS_CONFIG=<config.json>)
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fromDir, launchChromium, serve, urlOf } from "./browser.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "www", "dist");
const config = JSON.parse(await readFile(path.resolve(root, process.argv[2] || ".apiless/local.json"), "utf8"));
const password = (name) => config.users.find((u) => u.username === name).password;
// What the page printed and stored, for tools/secrets-check.py (no secret may be there).
const consoleLog = path.join(root, "target", "demo-console.log");
const storageDump = path.join(root, "target", "demo-storage.jsonl");

/** Appends every localStorage and sessionStorage entry of `page`, one JSON line each. */
async function dumpStorage(page) {
  const entries = await page.evaluate(() => [localStorage, sessionStorage].flatMap((s) =>
    Object.keys(s).map((key) => ({ key, value: s.getItem(key) }))));
  await appendFile(storageDump, entries.map((e) => JSON.stringify(e) + "\n").join(""));
}

async function signIn(page, username) {
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password(username));
  await page.click("[data-testid=sign-in]");
  await page.waitForSelector("[data-testid=signed-in]", { timeout: 30000 });
  await page.waitForFunction(() => !document.querySelector("[data-testid=identity-id]").textContent.includes("…"));
}

async function press(page, id) {
  await page.click(`[data-testid=${id}]`);
  await page.waitForFunction((id) => {
    const t = document.querySelector(`[data-testid=${id}-result]`).textContent;
    return t && t !== "…";
  }, id, { timeout: 30000 });
  return page.textContent(`[data-testid=${id}-result]`);
}

test("the demo's production build: alice's data works, another identity's is refused, bob cannot see alice's", async () => {
  const server = await serve(fromDir(dist));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const pageErrors = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    await writeFile(consoleLog, "");
    await writeFile(storageDump, "");
    page.on("console", (m) => appendFile(consoleLog, `${m.type()}: ${m.text()}\n`));
    await page.goto(urlOf(server));

    await signIn(page, "alice");
    const aliceId = await page.textContent("[data-testid=identity-id]");
    assert.match(aliceId, /^us-east-1:[0-9a-f-]{36}$/);
    assert.match(await page.textContent("[data-testid=countdown]"), /^\d+:\d\d$/);
    assert.equal(await press(page, "write-own-item"), "written");
    const item = JSON.parse(await press(page, "read-own-item"));
    assert.equal(item.pk, aliceId);
    assert.equal(item.note, "hello from alice");
    assert.equal(await press(page, "write-own-file"), "uploaded hello.txt");
    assert.equal(await press(page, "read-own-file"), "hello from alice");
    for (const id of ["write-other-item", "read-other-item"]) assert.match(await press(page, id), /^AccessDeniedException: /);
    for (const id of ["write-other-file", "read-other-file"]) assert.match(await press(page, id), /^AccessDenied: /);
    const text = await page.textContent("main");
    assert.doesNotMatch(text, /Failed to fetch|at .*\.js:\d+/, "no network-level error or stack trace on the page");
    await page.screenshot({ path: path.join(root, "target", "demo-signed-in.png"), fullPage: true });
    await dumpStorage(page);

    await page.click("[data-testid=sign-out]");
    await page.waitForSelector("[data-testid=sign-in]");
    await signIn(page, "bob");
    const bobId = await page.textContent("[data-testid=identity-id]");
    assert.notEqual(bobId, aliceId);
    const bobsItem = await press(page, "read-own-item");
    assert.doesNotMatch(bobsItem, /hello from alice/, "bob reads his own partition, not alice's");
    assert.notEqual(await press(page, "read-own-file"), "hello from alice");
    await dumpStorage(page);
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    server.close();
  }
});
