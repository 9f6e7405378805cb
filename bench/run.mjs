// Side-by-side benchmarks (issues #6 and #18): apiless and three peer stacks, each doing the same whole
// job (SRP sign-in, identity id + credentials, DynamoDB Put + Query, S3 Put + Get), in the same
// headless Chromium (Debian's, through playwright-core), alternating the stacks' order round
// after round; prints one table of medians with the ratios apiless/best peer and apiless/floor.
//
//   (a) aws-amplify v6 (aws-amplify/auth) + AWS SDK v3 DynamoDB document client and S3 client
//   (b) amazon-cognito-identity-js + @aws-sdk/credential-providers + the same v3 clients
//   (c) aws-amplify v6 auth + aws-amplify/storage + the v3 DynamoDB document client (the peers'
//       smallest configuration for the whole job)
//   floor: bench/floor.js, no SDK, on the rows that have a physical floor
//
// The scale rows (queryAll over 10,000 items, a 1 GiB upload) are bench/scale.mjs's; bench/bench.sh
// runs both, and each keeps the other's part of BENCHMARKS.md.
//
//   node bench/run.mjs --config .apiless/bench.json [--rounds N] [--write BENCHMARKS.md]
//   node bench/run.mjs --config .apiless/test.json --smoke
//
// --smoke runs every row once with few iterations and exits non-zero only when the harness
// breaks (a stack throws, a result or a count is missing); it never looks at a time.
// Needs pkg/ (tools/build.py), target/bench-pkg/ (examples/sign_bench.rs) and a running local
// backend whose config is --config (bench/bench.sh and bench/smoke.sh do all three).
//
// Each stack lives in its own browser context (its own renderer process, storage and HTTP
// cache), so tokens the peers and apiless keep under the same localStorage keys never mix.
// Main-thread CPU is the DevTools protocol's Performance.getMetrics TaskDuration of the page.
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { bundle, readText as require_ } from "./bundle.mjs";
import { scaleSection, withScaleSection } from "./markdown.mjs";
import { fromDir, launchChromium, serve, urlOf } from "../tools/browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const arg = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const smoke = flag("--smoke");
const rounds = smoke ? 1 : Number(arg("--rounds", "15"));
const writeTo = arg("--write");
const configFile = path.resolve(root, arg("--config", ".apiless/local.json"));
if (!(rounds >= 1)) throw new Error("--rounds must be 1 or more");

const PIPELINE_CALLS = smoke ? 5 : 300;     // PutItem / Query calls per sample
const SIGN_CALLS = smoke ? 5 : 1000;        // signatures per sample
const UPLOAD_BYTES = (smoke ? 1 : 10) * 1024 * 1024;
const QUERY_ITEMS = 10;                     // items in each stubbed Query answer
const TYPING_MS = 500;                      // from the username's blur to the submit
const STACKS = ["apiless", "amplify", "cognito", "amplify-storage"];
const PEERS = STACKS.filter((s) => s !== "apiless");
const LABEL = {
  apiless: "apiless",
  amplify: "(a) aws-amplify",
  cognito: "(b) cognito-identity-js",
  "amplify-storage": "(c) aws-amplify auth + storage",
  floor: "floor",
};
const SHORT = { amplify: "(a)", cognito: "(b)", "amplify-storage": "(c)" };
// The floor (bench/floor.js) runs beside the stacks on the rows that have one.
const WITH_FLOOR = [...STACKS, "floor"];

const log = (...xs) => console.error("bench:", ...xs);
const started = new Date();
const loadAtStart = os.loadavg();

// ---------------------------------------------------------------------------------------------
// Config and a fresh user (never the demo's alice, whose data other checks read)
// ---------------------------------------------------------------------------------------------
const seeded = JSON.parse(await readFile(configFile, "utf8"));
const config = {
  region: seeded.region, userPoolId: seeded.userPoolId, userPoolClientId: seeded.userPoolClientId,
  identityPoolId: seeded.identityPoolId, endpoint: seeded.endpoint.replace(/\/+$/, ""),
  table: seeded.table, bucket: seeded.bucket,
};

async function backend(method, route, body) {
  const r = await fetch(`${config.endpoint}/_apiless/${route}`, {
    method, headers: { "content-type": "application/json" }, body: body && JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`backend ${method} /_apiless/${route}: HTTP ${r.status} ${await r.text()}`);
  return r.json();
}
const user = await backend("POST", "fixtures/user", { pool: "main" });

// ---------------------------------------------------------------------------------------------
// Bundles, built as an app ships them: esbuild, minified ESM for browsers (bench/bundle.mjs)
// ---------------------------------------------------------------------------------------------

log("bundling the stacks");
const bundles = {};
for (const s of STACKS) bundles[s] = await bundle(`stacks/${s}.js`);
bundles.floor = await bundle("floor.js");
const signersJs = await bundle("peers/signers.js");
const pageJs = await readFile(path.join(here, "page.js"));
const wasm = await readFile(path.join(root, "pkg", "apiless_bg.wasm"));
if (!bundles.apiless.includes("apiless_bg.wasm")) throw new Error("the apiless bundle no longer names apiless_bg.wasm");

const gzip = (b) => zlib.gzipSync(b, { level: 9 }).length;
const brotli = (b) => zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const sizes = {};
for (const s of STACKS) {
  const parts = s === "apiless" ? [bundles[s], wasm] : [bundles[s]];
  sizes[s] = {
    min: parts.reduce((n, p) => n + p.length, 0),
    gzip: parts.reduce((n, p) => n + gzip(p), 0),
    brotli: parts.reduce((n, p) => n + brotli(p), 0),
  };
}
sizes.apilessParts = { js: bundles.apiless.length, wasm: wasm.length };

// ---------------------------------------------------------------------------------------------
// The page: a blank document whose `bench` object drives whichever stack it loads
// ---------------------------------------------------------------------------------------------
const page = `<!doctype html><meta charset="utf-8"><title>apiless bench</title><script src="/page.js"></script>`;

const js = (body) => ({ body, type: "text/javascript" });
const server = await serve(
  async (url) => (url === "/" ? { body: page, type: "text/html" } : undefined),
  async (url) => {
    const m = url.match(/^\/stacks\/([\w-]+)\.js$/);
    if (m && bundles[m[1]]) return js(bundles[m[1]]);
    if (url === "/stacks/apiless_bg.wasm") return { body: wasm, type: "application/wasm" };
    if (url === "/signers.js") return js(signersJs);
    if (url === "/page.js") return js(pageJs);
    return undefined;
  },
  fromDir(path.join(root, "target", "bench-pkg"), "/bench-pkg/"),
);

const browser = await launchChromium();
const chromiumVersion = browser.version();
const failures = [];

/** A fresh browser context with one page on the bench page, and its DevTools session. */
async function open(stack) {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const errors = [];
  tab.on("pageerror", (e) => errors.push(String(e)));
  await tab.goto(urlOf(server));
  const cdp = await context.newCDPSession(tab);
  await cdp.send("Performance.enable");
  return { stack, context, tab, cdp, errors };
}

async function taskSeconds(p) {
  const { metrics } = await p.cdp.send("Performance.getMetrics");
  return metrics.find((m) => m.name === "TaskDuration").value;
}

/** One call in the page: its in-page wall time, main-thread CPU (ms) and value. */
async function measure(p, fn, ...args) {
  doing = `${p.stack ?? "signers"}: ${fn}`;
  const cpu0 = await taskSeconds(p);
  const { wall, value } = await p.tab.evaluate(([f, a]) => window.timed(f, a), [fn, args]);
  return { wall, cpu: ((await taskSeconds(p)) - cpu0) * 1000, value };
}

const call = (p, fn, ...args) => {
  doing = `${p.stack ?? "signers"}: ${fn}`;
  return p.tab.evaluate(([f, a]) => window.bench[f](...a), [fn, args]);
};
let doing = "setup";

/** The stacks (of `list`) in this round's order: forwards on even rounds, backwards on odd ones. */
const order = (round, list = STACKS) => (round % 2 ? [...list].reverse() : list);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const samples = {};
const add = (key, stack, x) => ((samples[key] ??= {})[stack] ??= []).push(x);
const counts = {};

// Logged in to the backend's call counter: AWS calls by operation, and CORS preflights.
async function countedCalls() {
  const all = await backend("GET", "calls");
  const preflight = all.preflight ?? 0;
  delete all.preflight;
  return { calls: Object.values(all).reduce((a, b) => a + b, 0), preflight, ops: all };
}

const t0 = Date.now();
try {
  // 1. Cold start, each sample in a fresh context (empty HTTP cache, new renderer process).
  log(`cold start, ${rounds} round(s)`);
  for (let round = 0; round < rounds; round++) {
    for (const s of order(round)) {
      const p = await open(s);
      const cpu0 = await taskSeconds(p);
      const wall = await call(p, "load", s, config);
      add("cold", s, { wall, cpu: ((await taskSeconds(p)) - cpu0) * 1000 });
      await p.context.close();
    }
  }

  // 2. Round trips counted at the backend: fresh sign-in to the first Query result, then the
  //    rest of the whole job for real, then a reload of the signed-in page to the first Query.
  log(`round trips and the whole job, ${rounds} round(s)`);
  for (let round = 0; round < rounds; round++) {
    for (const s of order(round)) {
      const p = await open(s);
      await call(p, "load", s, config);
      await backend("POST", "calls/reset");
      add("srpFirst", s, await measure(p, "signIn", user));
      const fresh = await call(p, "firstQuery");
      add("rtFresh", s, await countedCalls());
      const whole = await call(p, "rest", `${s}-${round}`);
      if (!whole.identityId || whole.queried < 1 || !whole.roundTrip) {
        throw new Error(`${s}: the whole job did not complete: ${JSON.stringify(whole)}`);
      }
      await backend("POST", "calls/reset");
      await p.tab.reload();
      await call(p, "load", s, config);
      if (!(await call(p, "restore"))) throw new Error(`${s}: no session after a reload`);
      const again = await call(p, "firstQuery");
      add("rtReload", s, await countedCalls());
      if (fresh < 0 || again < 1) throw new Error(`${s}: first Query results ${fresh}, ${again}`);
      if (p.errors.length) throw new Error(`${s}: page errors: ${p.errors.join("; ")}`);
      await p.context.close();
    }
    // The floor's sign-in in a fresh page too (it has no whole job and no stored session).
    const p = await open("floor");
    await call(p, "load", "floor", config);
    add("srpFirst", "floor", await measure(p, "signIn", user));
    await p.context.close();
  }
  for (const key of ["rtFresh", "rtReload"]) {
    for (const s of STACKS) {
      const xs = samples[key][s];
      const distinct = new Set(xs.map((x) => JSON.stringify(x.ops)));
      counts[key] ??= {};
      counts[key][s] = {
        calls: median(xs.map((x) => x.calls)), preflight: median(xs.map((x) => x.preflight)),
        ops: xs[0].ops, varied: distinct.size > 1,
      };
      if (!xs[0].ops["DynamoDB_20120810.Query"]) throw new Error(`${s}: no Query counted at the backend (${key})`);
    }
  }

  // 3. Warm pages, one per stack, signed in again and again: SRP client work per sign-in.
  log(`SRP sign-in, ${rounds} round(s)`);
  const pages = {};
  for (const s of WITH_FLOOR) {
    pages[s] = await open(s);
    await call(pages[s], "load", s, config);
  }
  for (let round = 0; round < rounds; round++) {
    for (const s of order(round, WITH_FLOOR)) {
      const p = pages[s];
      await call(p, "reset");
      await backend("POST", "calls/reset");
      add("srp", s, await measure(p, "signIn", user));
      add("srpCalls", s, await countedCalls());
      if (s === "apiless") {
        add("prepare", s, await measure(p, "prepare"));
        add("srpPrepared", s, await measure(p, "signIn", user));
      }
      // From submit to signed in, after an early start where the stack has one: the username
      // given when its field lost focus, the password typed during the pause.
      await call(p, "reset");
      await call(p, "prepare", user.username);
      await call(p, "pause", TYPING_MS);
      await backend("POST", "calls/reset");
      add("submit", s, await measure(p, "signIn", user));
      add("submitCalls", s, await countedCalls());
    }
  }

  // 4. The data path with the network stubbed in the page (real credentials fetched first).
  log(`data path, ${rounds} round(s)`);
  for (const s of WITH_FLOOR) {
    const p = pages[s];
    const pk = await call(p, "identityId");
    await call(p, "stub", pk, QUERY_ITEMS);
    await call(p, "makeUpload", UPLOAD_BYTES);
    await call(p, "warm");
  }
  const signer = await open();
  await call(signer, "loadSigners");
  for (let round = 0; round < rounds; round++) {
    for (const s of order(round, WITH_FLOOR)) {
      const p = pages[s];
      add("put", s, await measure(p, "putMany", PIPELINE_CALLS));
      add("query", s, await measure(p, "queryMany", PIPELINE_CALLS));
      const up = await measure(p, "upload");
      add("upload", s, { ...up, untilFetch: up.value });
    }
    for (const which of order(round, ["signApiless", "signSmithy", "signAmplify", "digestFloor"])) {
      add("sign", which, await measure(signer, which, SIGN_CALLS));
    }
  }
  for (const p of [...Object.values(pages), signer]) {
    if (p.errors.length) throw new Error(`page errors: ${p.errors.join("; ")}`);
  }
} catch (e) {
  failures.push(`while ${doing}:\n${e?.stack || String(e)}`);
} finally {
  await browser.close().catch(() => {});
  server.close();
}
const seconds = (Date.now() - t0) / 1000;
if (failures.length) {
  console.error(`bench: FAILED\n${failures.join("\n")}`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------
const med = (key, stack, field) => median(samples[key][stack].map((x) => x[field]));
const perSecond = (key, stack, n) => n / (med(key, stack, "wall") / 1000);
const kb = (n) => (n / 1024).toFixed(1);

// Each row: values per stack (numbers), the floor where one exists, how to print them, and
// whether lower is better.
const rows = [];
const row = (what, unit, values, { lower = true, fmt = (v) => v.toFixed(1), note = "", floor, floorNote = "" } = {}) =>
  rows.push({ what, unit, values, lower, fmt, note, floor, floorNote });
const each = (f) => Object.fromEntries(STACKS.map((s) => [s, f(s)]));

for (const k of ["min", "gzip", "brotli"]) {
  row(`whole job bundle, ${k === "min" ? "minified" : `minified + ${k}`}`, "KB", each((s) => sizes[s][k] / 1024),
    { note: k === "min" ? `apiless: ${kb(sizes.apilessParts.js)} KB JS + ${kb(sizes.apilessParts.wasm)} KB wasm` : "" });
}
row("cold start, script start to ready, wall", "ms", each((s) => med("cold", s, "wall")),
  { note: "fresh context each time: fetch + parse/compile + eval/instantiate; Chromium compiles wasm functions lazily, on first call" });
row("cold start, main-thread CPU", "ms", each((s) => med("cold", s, "cpu")),
  { note: "wasm compiles off the main thread" });
const srpFloor = "plain BigInt SRP (256-bit a) + WebCrypto, the two calls, nothing stored";
row("SRP sign-in, main-thread CPU", "ms", each((s) => med("srp", s, "cpu")),
  { note: "warm page, A computed during the call", floor: med("srp", "floor", "cpu"), floorNote: srpFloor });
row("SRP sign-in, first in a fresh page, main-thread CPU", "ms", each((s) => med("srpFirst", s, "cpu")),
  { note: "cold code: for apiless also the lazy compile of the wasm functions it calls", floor: med("srpFirst", "floor", "cpu"), floorNote: srpFloor });
row("SRP sign-in, wall", "ms", each((s) => med("srp", s, "wall")),
  { note: "includes the backend's Python SRP verifier", floor: med("srp", "floor", "wall"), floorNote: srpFloor });
const signer = (s) => (s === "apiless" ? "signApiless" : "signSmithy");
const callsOf = (key, s) => median(samples[key][s].map((x) => x.calls));
row("sign-in, submit to signed in, wall", "ms", each((s) => med("submit", s, "wall")),
  { note: `apiless with prepareSignIn({ username }) ${TYPING_MS} ms before the submit; the peers have no early start (theirs is a second SRP sign-in)`,
    floor: med("submit", "floor", "wall"), floorNote: "the floor's own early InitiateAuth, then its RespondToAuthChallenge" });
row("sign-in, submit to signed in, round trips", "AWS calls", each((s) => callsOf("submitCalls", s)),
  { fmt: (v) => String(v), note: "counted at the backend from the submit",
    floor: 1, floorNote: "the protocol: RespondToAuthChallenge, once InitiateAuth went out early" });
row("SigV4 signatures/s, 1 KB PutItem", "1/s", each((s) => perSecond("sign", signer(s), SIGN_CALLS)),
  { lower: false, fmt: (v) => v.toFixed(0), note: "peers: @smithy/signature-v4, which every peer's v3 DynamoDB client uses",
    floor: perSecond("sign", "digestFloor", SIGN_CALLS), floorNote: "WebCrypto SHA-256 of the 1 KB body, awaited one at a time" });
const fetchFloor = "a bare fetch of a prebuilt body through the same stub, answer read as JSON";
row("PutItem pipeline, network stubbed", "calls/s", each((s) => perSecond("put", s, PIPELINE_CALLS)),
  { lower: false, fmt: (v) => v.toFixed(0), note: `${PIPELINE_CALLS} calls in a row, 1 KB item`,
    floor: perSecond("put", "floor", PIPELINE_CALLS), floorNote: fetchFloor });
row("Query pipeline, network stubbed", "calls/s", each((s) => perSecond("query", s, PIPELINE_CALLS)),
  { lower: false, fmt: (v) => v.toFixed(0), note: `${PIPELINE_CALLS} calls in a row, ${QUERY_ITEMS} items of 1 KB back`,
    floor: perSecond("query", "floor", PIPELINE_CALLS), floorNote: fetchFloor });
const mib = UPLOAD_BYTES / 1024 / 1024;
const digestFloor = `WebCrypto SHA-256 of the ${mib} MiB, then the fetch`;
row(`${mib} MiB upload, main-thread CPU of the call`, "ms", each((s) => med("upload", s, "cpu")),
  { note: `network stubbed: nearly all of it before the bytes go out${mib > 5 ? `; (c) sends ${Math.ceil(mib / 5)} parts of 5 MiB (multipart, Amplify's default above 5 MiB)` : ""}`,
    floor: med("upload", "floor", "cpu"), floorNote: digestFloor });
row(`${mib} MiB upload, wall until the first PUT is handed over`, "ms", each((s) => med("upload", s, "untilFetch")),
  { note: "to fetch(), or XMLHttpRequest.send() for (c); hashing off the main thread counts here",
    floor: med("upload", "floor", "untilFetch"), floorNote: digestFloor });
const rt = (key) => each((s) => counts[key][s].calls);
const pf = (key) => each((s) => counts[key][s].preflight);
row("round trips, fresh sign-in to first Query result", "AWS calls", rt("rtFresh"),
  { fmt: (v) => String(v), floor: 5, floorNote: "the protocol: InitiateAuth, RespondToAuthChallenge, GetId, GetCredentialsForIdentity, Query" });
const artifact = "every service on one origin and path here, so Chromium's preflight cache entries overwrite each other: not what AWS (one host per service) gives";
row("  + CORS preflights", "requests", pf("rtFresh"), { fmt: (v) => String(v), note: artifact });
row("round trips, page reload (signed in) to first Query result", "AWS calls", rt("rtReload"),
  { fmt: (v) => String(v), floor: 1, floorNote: "the protocol: the Query itself, with the identity id and unexpired credentials kept" });
row("  + CORS preflights (cache kept across the reload)", "requests", pf("rtReload"), { fmt: (v) => String(v), note: "same caveat" });

const peers = PEERS;
/** How apiless compares with one value on a row: "wins", "ties" or "loses". */
function compare(r, other) {
  const a = r.values.apiless;
  if (a === other || Math.abs(a - other) <= 1e-9 * Math.max(Math.abs(a), Math.abs(other))) return "ties";
  return (r.lower ? a < other : a > other) ? "wins" : "loses";
}
const outcome = (r, peer) => compare(r, r.values[peer]);
/** The peer with the best value on a row. */
const bestPeer = (r) => peers.reduce((best, p) => (compare({ ...r, values: { apiless: r.values[p] } }, r.values[best]) === "wins" ? p : best));
const ratioText = (a, b) => {
  const ratio = a / b;
  return Number.isFinite(ratio) ? ratio.toFixed(ratio >= 10 ? 1 : 3) : "-";
};
const bestCell = (r) => {
  const p = bestPeer(r);
  const text = ratioText(r.values.apiless, r.values[p]);
  return outcome(r, p) === "loses" ? `${text} **loses**` : text;
};
const floorCell = (r) => (r.floor === undefined ? "-" : r.fmt(r.floor));
const floorRatio = (r) => (r.floor === undefined ? "-" : ratioText(r.values.apiless, r.floor));
function verdict(r) {
  const by = (o) => peers.filter((p) => outcome(r, p) === o).map((p) => SHORT[p]).join(", ");
  const parts = [];
  if (by("loses")) parts.push(`apiless loses to ${by("loses")}`);
  if (by("wins")) parts.push(`${parts.length ? "beats" : "apiless beats"} ${by("wins")}`);
  if (by("ties")) parts.push(`${parts.length ? "ties" : "apiless ties"} ${by("ties")}`);
  return parts.join("; ");
}
const table = [
  `| row | unit | apiless | ${peers.map((p) => LABEL[p]).join(" | ")} | best peer | apiless / best peer | floor | apiless / floor | verdict | how |`,
  `|---|---|---:|${peers.map(() => "---:|").join("")}---|---:|---:|---:|---|---|`,
  ...rows.map((r) => `| ${r.what} | ${r.unit} | ${r.fmt(r.values.apiless)} | ${peers.map((p) => r.fmt(r.values[p])).join(" | ")} | ${SHORT[bestPeer(r)]} | ${bestCell(r)} | ${floorCell(r)} | ${floorRatio(r)} | ${verdict(r)} | ${[r.note, r.floor === undefined ? "" : `floor: ${r.floorNote}`].filter(Boolean).join("; ")} |`),
].join("\n");
// The README's shape: apiless against the best peer and against the floor, row by row.
const summary = [
  "| measure | unit | apiless | best peer | apiless / best peer | floor | apiless / floor |",
  "|---|---|---:|---:|---:|---:|---:|",
  ...rows.filter((r) => !r.what.startsWith(" ")).map((r) => `| ${r.what} | ${r.unit} | ${r.fmt(r.values.apiless)} | ${r.fmt(r.values[bestPeer(r)])} ${SHORT[bestPeer(r)]} | ${bestCell(r)} | ${floorCell(r)} | ${floorRatio(r)} |`),
].join("\n");
const cpuPerCall = (key) => WITH_FLOOR.map((s) => (med(key, s, "cpu") / PIPELINE_CALLS).toFixed(3)).join(" / ");
const extra = [
  "| also measured | unit | value |",
  "|---|---|---:|",
  `| Amplify's own signRequest (its REST/Storage categories), 1 KB PutItem | signatures/s | ${perSecond("sign", "signAmplify", SIGN_CALLS).toFixed(0)} |`,
  `| apiless prepareSignIn (A, while the user types), main-thread CPU | ms | ${med("prepare", "apiless", "cpu").toFixed(1)} |`,
  `| apiless signIn after prepareSignIn, main-thread CPU | ms | ${med("srpPrepared", "apiless", "cpu").toFixed(1)} |`,
  `| apiless without the early start, submit to signed in: wall / round trips | ms / calls | ${med("srp", "apiless", "wall").toFixed(1)} / ${callsOf("srpCalls", "apiless")} |`,
  `| the same with the early start (the row above) | ms / calls | ${med("submit", "apiless", "wall").toFixed(1)} / ${callsOf("submitCalls", "apiless")} |`,
  `| PutItem pipeline, main-thread CPU per call (apiless / (a) / (b) / (c) / floor) | ms | ${cpuPerCall("put")} |`,
  `| Query pipeline, main-thread CPU per call (apiless / (a) / (b) / (c) / floor) | ms | ${cpuPerCall("query")} |`,
].join("\n");
const OP_ORDER = ["InitiateAuth", "RespondToAuthChallenge", "GetId", "GetCredentialsForIdentity", "Query"];
const opRank = (op) => { const i = OP_ORDER.indexOf(op.replace(/^.*\./, "")); return i < 0 ? OP_ORDER.length : i; };
const opsList = (c) => Object.entries(c.ops).sort(([x], [y]) => opRank(x) - opRank(y)).map(([op, n]) => `${op.replace(/^(AWSCognitoIdentityProviderService|AWSCognitoIdentityService|DynamoDB_20120810)\./, "")}${n > 1 ? ` ×${n}` : ""}`).join(", ");
const calls = [
  "| stack | fresh sign-in to first Query result | page reload to first Query result |",
  "|---|---|---|",
  ...STACKS.map((s) => `| ${LABEL[s]} | ${opsList(counts.rtFresh[s])}${counts.rtFresh[s].varied ? " (varied across rounds)" : ""} | ${opsList(counts.rtReload[s])}${counts.rtReload[s].varied ? " (varied across rounds)" : ""} |`),
].join("\n");
const losses = rows.filter((r) => peers.some((p) => outcome(r, p) === "loses")).map((r) => `- ${r.what.trim()}: ${verdict(r)} (${STACKS.map((s) => `${LABEL[s]} ${r.fmt(r.values[s])} ${r.unit}`).join(", ")})`);

console.log(`\n${smoke ? "SMOKE (1 round, few iterations; the figures mean nothing) - " : ""}apiless vs peers and floors, ${rounds} round(s), medians, ratios apiless/best peer and apiless/floor (below 1 is better for sizes, times and counts; above 1 for rates)\n`);
console.log(table);
console.log(`\n${summary}`);
console.log(`\n${extra}\n\nAWS calls counted at the local backend\n\n${calls}\n`);
if (!smoke) console.log(losses.length ? `Where apiless loses:\n${losses.join("\n")}` : "apiless loses no row.");
log(`measured in ${seconds.toFixed(0)} s`);

if (smoke) {
  // The harness itself: every row has a number for every stack, and for its floor if it has one.
  const missing = rows.filter((r) => STACKS.some((s) => !Number.isFinite(r.values[s])) || (r.floor !== undefined && !Number.isFinite(r.floor)));
  if (missing.length) {
    console.error(`bench: smoke FAILED: no figure for ${missing.map((r) => r.what).join("; ")}`);
    process.exit(1);
  }
  console.error("bench: smoke passed (harness only; no time is checked)");
}

if (writeTo && !smoke) {
  const out = path.resolve(root, writeTo);
  // The scale rows' section (bench/scale.mjs) is kept as it was.
  const kept = scaleSection(await readFile(out, "utf8").catch(() => ""));
  await writeFile(out, withScaleSection(benchmarksMd(), kept));
  log(`wrote ${path.relative(root, out)}`);
}

function benchmarksMd() {
  const sh = (cmd, args) => { try { return execFileSync(cmd, args, { cwd: root, encoding: "utf8" }).trim(); } catch { return "?"; } };
  const cpuModel = os.cpus()[0]?.model ?? "?";
  const lock = JSON.parse(require_(path.join(here, "package-lock.json")));
  const version = (name) => lock.packages?.[`node_modules/${name}`]?.version ?? "?";
  const pkgs = ["aws-amplify", "@aws-amplify/auth", "@aws-amplify/core", "@aws-amplify/storage", "amazon-cognito-identity-js", "@aws-sdk/credential-providers",
    "@aws-sdk/credential-provider-cognito-identity", "@aws-sdk/nested-clients", "@aws-sdk/client-dynamodb", "@aws-sdk/lib-dynamodb", "@aws-sdk/client-s3",
    "@smithy/signature-v4", "@aws-crypto/sha256-browser", "esbuild", "playwright-core"];
  const apilessVersion = JSON.parse(require_(path.join(root, "pkg", "package.json"))).version;
  const commit = sh("git", ["rev-parse", "--short", "HEAD"]);
  const dirty = sh("git", ["status", "--porcelain", "--untracked-files=no"]) ? " (with uncommitted changes)" : "";
  const command = process.env.APILESS_BENCH_COMMAND || `node bench/run.mjs ${argv.join(" ")}`;
  return `# Benchmarks

apiless against the three stacks frontend developers use today for the same job, and against
the floor of each row that has one, side by side in one headless Chromium. Written by \`bench/run.mjs\` at the end of a run; do not edit by hand
(the README summarises it).

- **Command:** \`${command}\` (harness: \`node bench/run.mjs ${argv.join(" ")}\`)
- **Date:** ${started.toISOString()}; measuring took ${seconds.toFixed(0)} s
- **Machine:** ${os.cpus().length} CPU(s) (\`nproc\` ${sh("nproc", [])}), ${cpuModel}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${sh("uname", ["-sr"])}; load average (1, 5, 15 min) ${loadAtStart.map((x) => x.toFixed(2)).join(", ")} at the start and ${os.loadavg().map((x) => x.toFixed(2)).join(", ")} at the end. Shared with other builds: compare ratios within this run, not absolute figures across runs.
- **Browser:** Debian's Chromium ${chromiumVersion} (headless, through playwright-core), Node ${process.version}
- **apiless:** ${apilessVersion} at commit ${commit}${dirty}, release build (\`python3 tools/build.py --profile release\`)
- **Peers** (bench/package-lock.json): ${pkgs.map((p) => `${p} ${version(p)}`).join(", ")}

## The stacks

Each does the whole job: SRP sign-in, identity id + AWS credentials from the Identity Pool,
DynamoDB Put + Query, S3 Put + Get, against the local backend (ministack + apiless's extension).

- **apiless**: \`bench/stacks/apiless.js\`, the npm facade (\`createClient\`, \`aws.auth.signIn\`,
  \`aws.db(table)\`, \`aws.files(bucket)\`), storage \`"local"\`.
- **(a) aws-amplify**: \`bench/stacks/amplify.js\`, \`aws-amplify/auth\` \`signIn\` +
  \`fetchAuthSession\` (Auth configured with \`userPoolEndpoint\` and \`identityPoolEndpoint\` at the
  local backend), the v3 DynamoDB document client and S3 client given
  \`credentials: async () => (await fetchAuthSession()).credentials\`.
- **(b) cognito-identity-js**: \`bench/stacks/cognito.js\`, \`CognitoUser.authenticateUser\`,
  \`fromCognitoIdentityPool\` from \`@aws-sdk/credential-providers\` (as its docs show it, one
  provider for both clients), the same v3 clients.
- **(c) aws-amplify auth + storage**: \`bench/stacks/amplify-storage.js\`, the peers' smallest
  configuration for the whole job: \`aws-amplify/auth\` as (a), \`aws-amplify/storage\`
  \`uploadData\` + \`downloadData\` (Amplify's own S3 client) and the v3 DynamoDB document client.
  Amplify Storage cannot reach an http endpoint by path (its testing switch fails its own check),
  so it is given \`customEndpoint: "s3.localhost:<port>"\` and reaches the backend
  virtual-hosted (\`<bucket>.s3.localhost\`); the bench page rewrites \`https://\` to
  \`http://\` for \`*.localhost\` URLs (the signed Host header unchanged).
- **floor**: \`bench/floor.js\`, no SDK: only what the row cannot skip (see the rows below).

## Results

${rounds} rounds; in every round the stacks run one after the other, the order reversed every
other round. Medians. Ratios = apiless / the best peer on the row, and apiless / the floor;
**loses** marks a row where apiless is worse than a peer. Under 1 is better for sizes, times and
counts, over 1 for rates. A floor that apiless beats (a ratio better than 1) is a floor built
from what the platform offers plain JS (BigInt, async WebCrypto), not a law of physics.

${summary}

Every stack and the floor:

${table}

${extra}

AWS calls the backend counted (\`GET /_apiless/calls\`), by operation, in the first round${STACKS.some((s) => counts.rtFresh[s].varied || counts.rtReload[s].varied) ? " (some varied across rounds, as marked)" : " (every round counted the same)"}:

${calls}

${losses.length ? `### Where apiless loses\n\n${losses.join("\n")}` : "apiless loses no row."}

## How each row is taken

- **Bundle size**: each stack file above bundled by esbuild ${version("esbuild")} (\`bundle, minify,
  format esm, platform browser\`; the \`browser\` field of @aws-sdk/credential-providers honoured, as
  Vite does). apiless is the minified bundle plus \`apiless_bg.wasm\` as shipped (wasm-opt -Oz);
  gzip (level 9) and brotli (quality 11) from Node's zlib, each file compressed on its own.
- **Cold start**: a fresh browser context (new renderer process, empty HTTP cache) per sample;
  in-page \`performance.now()\` from just before \`import()\` of the stack's bundle to its
  \`ready()\` resolving: fetch from 127.0.0.1, parse + evaluate, and for apiless the streaming
  wasm compile + instantiate and \`createClient\` (which restores a stored session; none here).
  Main-thread CPU is the page's TaskDuration over the same span. Chromium ${chromiumVersion.split(".")[0]}
  compiles wasm lazily (each function on its first call), so part of apiless's compile moves
  into its first calls; the row "SRP sign-in, first in a fresh page" shows that cost.
- **SRP sign-in, first in a fresh page**: the measured sign-in of the round-trip samples below
  (a fresh context, the stack just loaded): main-thread CPU of \`signIn\` with cold code.
- **SRP sign-in**: one page per stack, signed in again every round (Amplify signed out first,
  unmeasured). Main-thread CPU (TaskDuration) and wall of \`signIn\` alone: InitiateAuth, the
  client's SRP maths, RespondToAuthChallenge, tokens stored. Wall includes the backend's own
  SRP verification in Python, so CPU is the row that compares client work. Floor: the same two
  calls made by \`bench/floor.js\` with the SRP maths in plain \`BigInt\` (square and multiply,
  a 256-bit \`a\` as apiless uses; the peers use 1,024 bits), hashes, HKDF and HMAC from
  WebCrypto, and nothing stored; its own page, in the same rounds (and a fresh page per round
  for the "first in a fresh page" row).
- **SigV4 signatures/s**: ${SIGN_CALLS} signatures of the same 1 KB DynamoDB PutItem in a row:
  apiless's signer compiled alone (\`examples/sign_bench.rs\`, aws-sigv4 in wasm) against
  \`@smithy/signature-v4\` with \`@aws-crypto/sha256-browser\` (WebCrypto), the signer of both
  peers' v3 clients; Amplify's own \`signRequest\` is listed apart. Floor: WebCrypto's SHA-256
  of the same 1 KB body, awaited ${SIGN_CALLS} times in a row (each signature hashes its payload
  at least once; WebCrypto's per-call promise and thread hop cost more than the hashing).
- **PutItem / Query pipeline**: ${PIPELINE_CALLS} calls in a row after a real sign-in and
  credentials, with \`fetch\` replaced in the page so DynamoDB answers at once (\`{}\` for PutItem,
  ${QUERY_ITEMS} items of about 1 KB for Query): marshal, sign, build the request, parse and
  unmarshal the answer. Calls/s from the in-page wall time. Floor: \`fetch\` of a body
  serialised once, through the same stub, and the answer read with \`json()\`: no marshalling,
  signing or unmarshalling.
- **${mib} MiB upload**: a ${mib} MiB \`Uint8Array\`, network stubbed the same way (for (c),
  whose Amplify Storage sends object bytes with \`XMLHttpRequest\`, a stand-in
  \`XMLHttpRequest\` answers S3 PUTs after the same \`new Request()\`, and the stub answers
  CreateMultipartUpload and CompleteMultipartUpload: Amplify uploads more than 5 MiB in 5 MiB
  parts); main-thread CPU of the whole call, and the in-page wall time from the call until the
  stack hands the first PUT over. Floor: WebCrypto's SHA-256 of the ${mib} MiB (a signed
  payload needs it), then the \`fetch\`.
- **Round trips**: in a fresh context, the backend's counters are reset after the stack is
  ready, then sign-in and the first DynamoDB Query; the counts are read when its result is in.
  Then the page is reloaded (same context: localStorage and Chromium's preflight cache kept),
  counters reset, stack ready, stored session restored, first Query. CORS preflights are
  counted apart; the local backend serves every service on one origin and path, so a real
  deployment (one host per service) sends more preflights for every stack. Floors: what the
  protocol needs, not measured: five calls for a fresh sign-in (InitiateAuth,
  RespondToAuthChallenge, GetId, GetCredentialsForIdentity, Query) and one for a reload (the
  Query, with the identity id and unexpired credentials kept in the page's storage).
- **The user pool** does not track devices here (\`make bench\` starts its backend with
  \`APILESS_TRACK_DEVICES=false\`, as the template's \`TrackDevices=false\`). With tracking (the
  template's default, and the test backend's), every stack adds ConfirmDevice to a browser's
  first sign-in, and a confirmed device's two challenges (DEVICE_SRP_AUTH, then
  DEVICE_PASSWORD_VERIFIER) to each later one: the protocol's cost, the same for every stack.
`;
}
