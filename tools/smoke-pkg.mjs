// Smoke test of the built, wasm-opt-optimised package in Debian's Chromium: the browser tests
// run unoptimised wasm, and a broken wasm-opt only shows here (see shared notes: Debian's
// binaryen breaks the externref table). Serves pkg/ and a page on 127.0.0.1, imports the
// package as an app would, and checks that it loads, validates the backend's config and throws
// real Errors.
//
//   node tools/smoke-pkg.mjs <config.json>
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const configFile = process.argv[2] || path.join(root, ".apiless/local.json");
const types = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html", ".json": "application/json" };

const page = `<!doctype html><script type="module">
import { createClient, version, validateConfig } from "/pkg/index.js";
window.result = (async () => {
  const config = await (await fetch("/config.json")).json();
  const { users, table, bucket, ...clientConfig } = config;
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

async function serve() {
  const server = createServer(async (req, res) => {
    try {
      let body, type;
      if (req.url === "/") [body, type] = [page, types[".html"]];
      else if (req.url === "/config.json") [body, type] = [await readFile(configFile), types[".json"]];
      else if (req.url.startsWith("/pkg/")) {
        const file = path.join(root, "pkg", path.normalize(req.url.slice(5)).replace(/^(\.\.[/\\])+/, ""));
        [body, type] = [await readFile(file), types[path.extname(file)] || "application/octet-stream"];
      } else throw new Error("not found");
      res.writeHead(200, { "content-type": type }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

test("the optimised package loads in Chromium, validates the backend config and throws real Errors", async () => {
  const server = await serve();
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
  });
  try {
    const tab = await browser.newPage();
    const errors = [];
    tab.on("pageerror", (e) => errors.push(String(e)));
    await tab.goto(`http://127.0.0.1:${server.address().port}/`);
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
