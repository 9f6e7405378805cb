// A small W3C WebDriver client over node's fetch, for the package's checks in every engine.
//
// Playwright drives only Chromium here: its Firefox and WebKit are patched builds of its own,
// which cannot be downloaded on this network, and it cannot drive Debian's firefox-esr or
// WebKitGTK. Every engine has a W3C WebDriver server, though: chromedriver, geckodriver (built
// from crates.io) and WebKitGTK's WebKitWebDriver (under Xvfb: MiniBrowser needs a display). So
// the checks that must run in all three (smoke, two tabs, the demo end to end) use this client,
// the same code in each engine; what WebDriver classic cannot do (a page-error event, routing a
// request) the pages do themselves (PAGE_PROBE below, and the tab page's own fetch hold).
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { writeFile } from "node:fs/promises";

/** The engines, in the order the checks run them. */
export const ENGINES = ["chromium", "firefox", "webkit"];

/**
 * The engines a run asks for: APILESS_ENGINES (space- or comma-separated), default all three.
 * An unknown name is an error, not a silent skip.
 */
export function enginesFromEnv() {
  const wanted = (process.env.APILESS_ENGINES || ENGINES.join(" ")).split(/[\s,]+/).filter(Boolean);
  for (const e of wanted) if (!ENGINES.includes(e)) throw new Error(`APILESS_ENGINES: no engine '${e}' (${ENGINES.join(", ")})`);
  return wanted;
}

const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
  "--no-first-run"];

/** How each engine's driver starts (on `port`) and what a new session asks it for. */
const DRIVERS = {
  chromium: {
    command: (port) => ["/usr/bin/chromedriver", [`--port=${port}`]],
    capabilities: { browserName: "chrome", "goog:chromeOptions": { binary: "/usr/bin/chromium", args: CHROMIUM_ARGS } },
  },
  firefox: {
    command: (port) => ["geckodriver", [`--port=${port}`]],
    capabilities: { browserName: "firefox", "moz:firefoxOptions": { binary: "/usr/bin/firefox-esr", args: ["-headless"] } },
  },
  webkit: {
    // xvfb-run gives MiniBrowser a display of its own (-a: the first free one). With no
    // "webkitgtk:browserOptions", WebKitWebDriver starts Debian's MiniBrowser in automation mode
    // (as the browser tests' runner, which sends no capabilities to it, also gets).
    command: (port) => ["xvfb-run", ["-a", "WebKitWebDriver", `--port=${port}`]],
    capabilities: {},
  },
};

async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `engine`'s WebDriver server and opens a session in it: returns a Session whose
 * `quit()` ends the session and stops the driver (and its Xvfb).
 */
export async function launch(engine) {
  const spec = DRIVERS[engine];
  if (!spec) throw new Error(`no engine '${engine}'`);
  const port = await freePort();
  const [cmd, args] = spec.command(port);
  // detached: the driver leads a process group of its own, stopped as one (xvfb-run's Xvfb too).
  const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr = (stderr + d).slice(-4000); });
  const exited = new Promise((r) => child.once("exit", r));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try { process.kill(-child.pid, "SIGTERM"); } catch { /* already gone */ }
    await Promise.race([exited, sleep(3000)]);
    try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
  };
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`${cmd} exited: ${stderr}`);
      try {
        const status = await (await fetch(`${base}/status`)).json();
        if (status.value?.ready !== false) break;
      } catch { /* not listening yet */ }
      if (i > 200) throw new Error(`${cmd} did not answer on port ${port} in 20 s: ${stderr}`);
      await sleep(100);
    }
    const created = await call(base, "POST", "/session", { capabilities: { alwaysMatch: spec.capabilities } });
    const session = new Session(base, created.sessionId, created.capabilities, stop);
    await session.cmd("POST", "/timeouts", { script: 120_000, pageLoad: 60_000 });
    return session;
  } catch (e) {
    await stop();
    throw e;
  }
}

async function call(base, method, url, body) {
  const res = await fetch(base + url, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { throw new Error(`WebDriver ${method} ${url}: HTTP ${res.status}: ${text.slice(0, 500)}`); }
  if (!res.ok) {
    throw new Error(`WebDriver ${method} ${url}: ${json.value?.error}: ${json.value?.message ?? text.slice(0, 500)}`);
  }
  return json.value;
}

/**
 * Put first in a page's <head>: records the page's uncaught errors and unhandled rejections
 * (Playwright's "pageerror"; WebDriver classic has no such event) and its console lines.
 */
export const PAGE_PROBE = `<script>
window.__pageErrors = []; window.__console = [];
addEventListener("error", (e) => __pageErrors.push(String(e.error ?? e.message)));
addEventListener("unhandledrejection", (e) => __pageErrors.push("unhandled rejection: " + String(e.reason)));
for (const level of ["log", "info", "warn", "error", "debug"]) {
  const original = console[level].bind(console);
  console[level] = (...args) => { __console.push(level + ": " + args.map(String).join(" ")); original(...args); };
}
</script>`;

/** One WebDriver session: one browser, with one or more windows (tabs) of one profile. */
export class Session {
  constructor(base, id, capabilities, stop) {
    this.base = base;
    this.id = id;
    this.capabilities = capabilities;
    this.stop = stop;
    this.current = undefined;
  }

  /** "<browserName> <browserVersion>", as the driver reports it. */
  get version() {
    return `${this.capabilities.browserName} ${this.capabilities.browserVersion}`;
  }

  cmd(method, suffix, body) {
    return call(this.base, method, `/session/${this.id}${suffix}`, body);
  }

  /** The window it opened with, as a Tab. */
  async firstTab() {
    this.current = await this.cmd("GET", "/window");
    return new Tab(this, this.current);
  }

  /** A new tab of the same browser (same origin storage: localStorage and its events). */
  async newTab() {
    const { handle } = await this.cmd("POST", "/window/new", { type: "tab" });
    return new Tab(this, handle);
  }

  async quit() {
    try { await this.cmd("DELETE", ""); } catch { /* the driver is going anyway */ }
    await this.stop();
  }
}

/** One window of a Session; each call first makes it the driver's current window. */
export class Tab {
  constructor(session, handle) {
    this.session = session;
    this.handle = handle;
  }

  async cmd(method, suffix, body) {
    if (this.session.current !== this.handle) {
      await this.session.cmd("POST", "/window", { handle: this.handle });
      this.session.current = this.handle;
    }
    return this.session.cmd(method, suffix, body);
  }

  /**
   * Opens `url`; returns after its load event, which does not wait for a module's top-level
   * await (the package's index.js awaits its wasm): wait for what the page sets when it is ready.
   */
  goto(url) {
    return this.cmd("POST", "/url", { url });
  }

  /**
   * Runs `fn(arg)` in the page and returns what it returns (awaited; JSON-like values). A throw
   * or a rejection in the page throws here, with the page's message.
   */
  async evaluate(fn, arg) {
    const script = `const done = arguments[arguments.length - 1];
Promise.resolve().then(() => (${fn})(arguments[0])).then(
  (value) => done({ returned: value === undefined ? null : value }),
  (e) => done({ thrown: (e && e.name ? e.name + ": " : "") + String(e && e.message || e) }));`;
    const r = await this.cmd("POST", "/execute/async", { script, args: [arg ?? null] });
    if (r.thrown !== undefined) throw new Error(`in the page: ${r.thrown}`);
    return r.returned;
  }

  /**
   * Waits until `fn(arg)` is truthy in the page (polled every 50 ms), or throws after `timeout` ms
   * with where the page was then: its address, the start of its text, what each `[data-testid]`
   * element showed (a progress bar's value and max, a disabled control marked so), the page's last
   * errors and console lines (where PAGE_PROBE records them). A poll that fails (the
   * page navigating away under the script: chromedriver answers "script timeout") counts as not
   * yet; the last such failure is in the message.
   */
  async waitFor(fn, arg, timeout = 10_000, what = String(fn)) {
    const end = Date.now() + timeout;
    let failed;
    for (;;) {
      try {
        if (await this.evaluate(fn, arg)) return;
      } catch (e) {
        failed = e;
      }
      if (Date.now() > end) {
        const at = await this.evaluate(() => {
          const marks = [...document.querySelectorAll("[data-testid]")].map((e) => {
            const shown = e.matches("progress") ? `${e.value}/${e.max}` : e.textContent.trim().slice(0, 60);
            return `${e.dataset.testid}${e.disabled ? " (disabled)" : ""}: ${shown}`;
          });
          return `${location.href}: ${(document.body?.innerText ?? "").slice(0, 400)}\n` +
            `[data-testid] ${marks.join(" | ").slice(0, 3000)}\n` +
            `errors: ${JSON.stringify((window.__pageErrors ?? []).slice(-5))}\n` +
            `console: ${JSON.stringify((window.__console ?? []).slice(-10)).slice(0, 2000)}`;
        }).catch((e) => `(the page could not be read: ${e.message})`);
        const last = failed ? `; a poll last failed with: ${failed.message}` : "";
        throw new Error(`waited ${timeout} ms for ${what}; the page was at ${at}${last}`);
      }
      await sleep(50);
    }
  }

  /** What PAGE_PROBE recorded: the page's errors and its console lines. */
  async probe() {
    return this.evaluate(() => ({ errors: window.__pageErrors, console: window.__console.splice(0) }));
  }

  /** The element `selector` finds, waiting up to `timeout` ms for it to appear (as a page renders). */
  async element(selector, timeout = 10_000) {
    await this.waitFor((s) => document.querySelector(s) !== null, selector, timeout, selector);
    const found = await this.cmd("POST", "/element", { using: "css selector", value: selector });
    return Object.values(found)[0];
  }

  async click(selector) {
    await this.cmd("POST", `/element/${await this.element(selector)}/click`, {});
  }

  /** Clears the field and types `text` into it (real key events, as a user types). */
  async fill(selector, text) {
    const el = await this.element(selector);
    await this.cmd("POST", `/element/${el}/clear`, {});
    await this.cmd("POST", `/element/${el}/value`, { text });
  }

  textContent(selector) {
    return this.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector);
  }

  async screenshot(file) {
    await writeFile(file, Buffer.from(await this.cmd("GET", "/screenshot"), "base64"));
  }
}
