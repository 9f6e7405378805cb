// Side-by-side benchmarks: apiless and the peers run in the same headless Chromium (Debian's,
// through playwright-core), alternating A/B/A/B over several rounds; prints medians and the
// ratio apiless/peer. Main-thread CPU comes from the DevTools protocol (Performance.getMetrics
// TaskDuration), which is steadier on this shared machine than wall time.
//
//   node bench/run.mjs [--rounds N] [--config .apiless/local.json]
//
// Needs the package built (pkg/) and the local backend running (make bench does both).
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const rounds = Number(arg("--rounds", "15"));
const configFile = path.resolve(root, arg("--config", ".apiless/local.json"));
const config = JSON.parse(await readFile(configFile, "utf8"));
const [alice] = config.users;

// The peer's bundle, built as an app would ship it (minified ESM for browsers).
const peer = await build({
  entryPoints: [path.join(here, "peers/cognito-identity-js.js")],
  bundle: true, minify: true, format: "esm", platform: "browser", write: false,
  define: { global: "globalThis" }, logLevel: "error",
});

const page = `<!doctype html><script type="module">
import init, { createClient } from "/pkg/apiless.js";
import * as peerCognito from "/peer-cognito.js";
await init();
const config = ${JSON.stringify({ region: config.region, userPoolId: config.userPoolId, userPoolClientId: config.userPoolClientId, endpoint: config.endpoint })};
const user = ${JSON.stringify(alice)};
window.bench = {
  // apiless: A computed ahead (prepareSignIn), then signIn (challenge, claim, tokens).
  apilessPrepare() {
    window.client = createClient({ ...config, storage: "memory" });
    window.client.prepareSignIn();
  },
  async apilessSignIn() {
    const r = await window.client.signIn(user);
    if (!r.signedIn) throw new Error("apiless did not sign in");
  },
  async apilessWhole() {
    const c = createClient({ ...config, storage: "memory" });
    const r = await c.signIn(user);
    if (!r.signedIn) throw new Error("apiless did not sign in");
  },
  async peerCognito() {
    await peerCognito.signIn(config, user.username, user.password);
  },
};
window.ready = true;
</script>`;

const types = { ".js": "text/javascript", ".wasm": "application/wasm" };
const server = createServer(async (req, res) => {
  try {
    if (req.url === "/") return res.writeHead(200, { "content-type": "text/html" }).end(page);
    if (req.url === "/peer-cognito.js") return res.writeHead(200, { "content-type": types[".js"] }).end(peer.outputFiles[0].contents);
    if (req.url.startsWith("/pkg/")) {
      const file = path.join(root, "pkg", path.basename(req.url));
      return res.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" }).end(await readFile(file));
    }
  } catch {}
  res.writeHead(404).end();
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
});
const tab = await browser.newPage();
tab.on("pageerror", (e) => console.error("page error:", e));
await tab.goto(`http://127.0.0.1:${server.address().port}/`);
await tab.waitForFunction(() => window.ready === true);
const cdp = await tab.context().newCDPSession(tab);
await cdp.send("Performance.enable");

async function taskSeconds() {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return metrics.find((m) => m.name === "TaskDuration").value;
}

/** Main-thread CPU and wall time of one call, in ms. */
async function measure(fn) {
  const cpu0 = await taskSeconds();
  const t0 = performance.now();
  await tab.evaluate((f) => window.bench[f](), fn);
  const wall = performance.now() - t0;
  return { cpu: ((await taskSeconds()) - cpu0) * 1000, wall };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const samples = { prepare: [], signIn: [], whole: [], peer: [] };
for (let round = 0; round < rounds; round++) {
  // Alternate the order each round: A/B, then B/A.
  const order = round % 2 ? ["peer", "apiless"] : ["apiless", "peer"];
  for (const who of order) {
    if (who === "peer") samples.peer.push(await measure("peerCognito"));
    else {
      samples.whole.push(await measure("apilessWhole"));
      samples.prepare.push(await measure("apilessPrepare"));
      samples.signIn.push(await measure("apilessSignIn"));
    }
  }
}
await browser.close();
server.close();

const row = (name, xs, peerXs) => {
  const cpu = median(xs.map((x) => x.cpu));
  const wall = median(xs.map((x) => x.wall));
  const ratio = peerXs ? (cpu / median(peerXs.map((x) => x.cpu))).toFixed(3) : "";
  return `| ${name} | ${cpu.toFixed(1)} | ${wall.toFixed(1)} | ${ratio} |`;
};
console.log(`\nSRP sign-in against the local backend, ${rounds} rounds, median main-thread CPU and wall (ms)\n`);
console.log("| what | CPU ms | wall ms | CPU ratio apiless/peer |");
console.log("|---|---|---|---|");
console.log(row("apiless signIn (A computed during the call)", samples.whole, samples.peer));
console.log(row("apiless prepareSignIn (A, before the form is submitted)", samples.prepare));
console.log(row("apiless signIn after prepareSignIn (claim + network)", samples.signIn, samples.peer));
console.log(row("amazon-cognito-identity-js authenticateUser", samples.peer));
