// Serves a built site on 127.0.0.1, opens it in Debian's Chromium and checks that `selector`
// appears with text matching `pattern` and that the page threw nothing.
//
//   node tools/serve-check.mjs <dir> <selector> <pattern>
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { chromium } from "playwright-core";

const [dir, selector, pattern] = process.argv.slice(2);
const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };

test(`the built app in ${dir} shows ${selector}`, async () => {
  const server = createServer(async (req, res) => {
    const url = req.url.split("?")[0];
    const file = path.join(dir, path.normalize(url === "/" ? "index.html" : url).replace(/^(\.\.[/\\])+/, ""));
    let body;
    try {
      body = await readFile(file);
    } catch {
      return res.writeHead(404).end();
    }
    res.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" }).end(body);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForSelector(`${selector}, #error`, { timeout: 20000 });
    assert.equal(await page.$("#error"), null, await page.textContent("body"));
    assert.match(await page.textContent(selector), new RegExp(pattern));
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});
