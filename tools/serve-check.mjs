// Serves a built site on 127.0.0.1, opens it in Debian's Chromium and checks that `selector`
// appears with text matching `pattern` and that the page threw nothing.
//
//   node tools/serve-check.mjs <dir> <selector> <pattern>
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromDir, launchChromium, serve, urlOf } from "./browser.mjs";

const [dir, selector, pattern] = process.argv.slice(2);

test(`the built app in ${dir} shows ${selector}`, async () => {
  const server = await serve(fromDir(dir));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(urlOf(server));
    await page.waitForSelector(`${selector}, #error`, { timeout: 20000 });
    assert.equal(await page.$("#error"), null, await page.textContent("body"));
    assert.match(await page.textContent(selector), new RegExp(pattern));
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});
