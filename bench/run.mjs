// Side-by-side benchmarks: apiless and the peers run in the same headless Chromium (Debian's,
// through playwright-core), alternating A/B/A/B over several rounds; prints medians and the
// ratio apiless/peer. Main-thread CPU comes from the DevTools protocol (Performance.getMetrics
// TaskDuration), which is steadier on this shared machine than wall time.
//
//   node bench/run.mjs [--rounds N] [--config .apiless/local.json]
//
// Needs the package built (pkg/) and the local backend running (make bench does both).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { fromDir, launchChromium, serve, urlOf } from "../tools/browser.mjs";

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

// The peers' bundles, built as an app would ship them (minified ESM for browsers).
async function bundle(entry) {
  const out = await build({
    entryPoints: [path.join(here, entry)],
    bundle: true, minify: true, format: "esm", platform: "browser", write: false,
    define: { global: "globalThis" }, logLevel: "error",
  });
  return out.outputFiles[0].contents;
}
const peerCognitoJs = await bundle("peers/cognito-identity-js.js");
const peerDataJs = await bundle("peers/aws-sdk-data.js");
const PIPELINE_CALLS = 300;
const UPLOAD_BYTES = 10 * 1024 * 1024;

const page = `<!doctype html><script type="module">
import init, { createClient } from "/pkg/apiless.js";
import * as peerCognito from "/peer-cognito.js";
import * as peerData from "/peer-data.js";
import initSign, { signMany } from "/bench-pkg/sign_bench.js";
await init();
await initSign();
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

  // The data path, with DynamoDB and S3 answered in the page (network stubbed): what is left
  // is each SDK's own work (marshal, hash, sign, build the request).
  async dataSetup() {
    const c = createClient({ ...config, identityPoolId: ${JSON.stringify(config.identityPoolId)}, storage: "memory" });
    await c.signIn(user);
    window.table = c.db(${JSON.stringify(config.table)});
    window.files = c.files(${JSON.stringify(config.bucket)});
    await window.table.put({ sk: "bench-warmup" });  // real credentials, fetched once
    // Credentials of the same shape as Cognito's: signing costs the same whether or not AWS
    // would accept them.
    const credentials = { accessKeyId: "ASIAEXAMPLEEXAMPLE12", secretAccessKey: "x".repeat(40), sessionToken: "IQoJb3JpZ2luX2Vj".repeat(50) };
    window.peer = peerData.clients({ region: config.region, endpoint: config.endpoint, credentials });
    const realFetch = window.fetch.bind(window);
    window.fetch = (input, init) => {
      const headers = new Headers(init?.headers || (input instanceof Request ? input.headers : undefined));
      const target = headers.get("x-amz-target") || "";
      const method = (init?.method || (input instanceof Request ? input.method : "GET")).toUpperCase();
      if (target.startsWith("DynamoDB_20120810.")) {
        return Promise.resolve(new Response("{}", { status: 200, headers: { "content-type": "application/x-amz-json-1.0" } }));
      }
      if (method === "PUT" && !target) {
        return Promise.resolve(new Response("", { status: 200, headers: { etag: '"0"' } }));
      }
      return realFetch(input, init);
    };
    const text = "x".repeat(900);
    window.item = (i) => ({ sk: "bench-" + i, n: i, text, flag: true, tags: ["a", "b", "c"] });
    window.upload = new Uint8Array(${UPLOAD_BYTES}).map((_, i) => i % 251);
  },
  async apilessPipeline() {
    for (let i = 0; i < ${PIPELINE_CALLS}; i++) await window.table.put(window.item(i));
  },
  async peerPipeline() {
    for (let i = 0; i < ${PIPELINE_CALLS}; i++) await window.peer.put(${JSON.stringify(config.table)}, { pk: "us-east-1:00000000-0000-0000-0000-000000000000", ...window.item(i) });
  },
  async peerSign() {
    const body = JSON.stringify({ TableName: "t", Item: { pk: { S: "us-east-1:00000000-0000-0000-0000-000000000000" }, sk: { S: "x" }, text: { S: "x".repeat(900) } } });
    for (let i = 0; i < ${PIPELINE_CALLS}; i++) {
      await window.peer.sign({ method: "POST", protocol: "https:", hostname: "dynamodb.us-east-1.amazonaws.com", path: "/", query: {},
        headers: { host: "dynamodb.us-east-1.amazonaws.com", "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.PutItem" }, body });
    }
  },
  apilessSign() {
    signMany(${PIPELINE_CALLS});
  },
  async apilessUpload() {
    await window.files.put("bench-10mib.bin", window.upload);
  },
  async peerUpload() {
    await window.peer.upload(${JSON.stringify(config.bucket)}, "us-east-1:00000000-0000-0000-0000-000000000000/bench-10mib.bin", window.upload);
  },
};
window.ready = true;
</script>`;

const js = (body) => ({ body, type: "text/javascript" });
const server = await serve(
  async (url) => (url === "/" ? { body: page, type: "text/html" } : undefined),
  async (url) => (url === "/peer-cognito.js" ? js(peerCognitoJs) : url === "/peer-data.js" ? js(peerDataJs) : undefined),
  fromDir(path.join(root, "target", "bench-pkg"), "/bench-pkg/"),
  fromDir(path.join(root, "pkg"), "/pkg/"),
);

const browser = await launchChromium();
const tab = await browser.newPage();
tab.on("pageerror", (e) => console.error("page error:", e));
await tab.goto(urlOf(server));
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
// The data path, after the sign-in rounds (it stubs fetch in the page).
await tab.evaluate(() => window.bench.dataSetup());
const data = { apilessPipeline: [], peerPipeline: [], apilessSign: [], peerSign: [], apilessUpload: [], peerUpload: [] };
for (let round = 0; round < rounds; round++) {
  const order = round % 2 ? ["peer", "apiless"] : ["apiless", "peer"];
  for (const who of order) {
    if (who === "apiless") {
      data.apilessPipeline.push(await measure("apilessPipeline"));
      data.apilessSign.push(await measure("apilessSign"));
      data.apilessUpload.push(await measure("apilessUpload"));
    } else {
      data.peerPipeline.push(await measure("peerPipeline"));
      data.peerSign.push(await measure("peerSign"));
      data.peerUpload.push(await measure("peerUpload"));
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

const perSecond = (xs) => PIPELINE_CALLS / (median(xs.map((x) => x.wall)) / 1000);
const cpuPerCall = (xs) => median(xs.map((x) => x.cpu)) / PIPELINE_CALLS;
console.log(`\nData path with the network stubbed in the page, ${rounds} rounds, medians\n`);
console.log("| what | calls/s | CPU ms per call | ratio apiless/peer (calls/s) |");
console.log("|---|---|---|---|");
console.log(`| apiless table.put (marshal + sign + build), ${PIPELINE_CALLS} in a row | ${perSecond(data.apilessPipeline).toFixed(0)} | ${cpuPerCall(data.apilessPipeline).toFixed(3)} | ${(perSecond(data.apilessPipeline) / perSecond(data.peerPipeline)).toFixed(2)} |`);
console.log(`| AWS SDK v3 DocumentClient PutCommand | ${perSecond(data.peerPipeline).toFixed(0)} | ${cpuPerCall(data.peerPipeline).toFixed(3)} | |`);
console.log(`| apiless signer alone (aws-sigv4 in wasm), 1 KB PutItem | ${perSecond(data.apilessSign).toFixed(0)} | ${cpuPerCall(data.apilessSign).toFixed(3)} | ${(perSecond(data.apilessSign) / perSecond(data.peerSign)).toFixed(2)} |`);
console.log(`| @smithy/signature-v4 sign() alone (WebCrypto SHA-256), 1 KB PutItem | ${perSecond(data.peerSign).toFixed(0)} | ${cpuPerCall(data.peerSign).toFixed(3)} | |`);
console.log("\n| 10 MiB PutObject, network stubbed | main-thread CPU ms | wall ms | CPU ratio apiless/peer |");
console.log("|---|---|---|---|");
console.log(row("apiless files.put (WebCrypto SHA-256)", data.apilessUpload, data.peerUpload));
console.log(row("AWS SDK v3 S3Client PutObjectCommand", data.peerUpload));
