// The scale rows (issue #21 point 5), side by side in the same headless Chromium as bench/run.mjs,
// against the real local backend (no stub): every byte and item goes over 127.0.0.1.
//
//   queryAll  10,000 items of about 1 KB under the caller's partition key, read page after page:
//             apiless `db(table).queryAll(...)` against the v3 DocumentClient's `paginateQuery`
//             (bench/scale/apiless.js, bench/scale/sdk.js). Items/s, main-thread CPU, peak heap.
//   upload    a generated 1 GiB Blob: apiless `files(bucket).upload(key, blob, { partSize,
//             concurrency })`, @aws-sdk/lib-storage's `Upload`, aws-amplify/storage's
//             `uploadData`, and the floor: one plain fetch PUT of the same Blob to a presigned URL.
//             Wall, main-thread CPU, peak heap, against the issue's goals.
//
//   node bench/scale.mjs --config .apiless/bench.json [--rows queryAll,upload] [--rounds N]
//                        [--upload-mib N] [--write BENCHMARKS.md]
//   node bench/scale.mjs --config .apiless/test.json --smoke     (500 items, 16 MiB, one round)
//   --checksum           apiless and Amplify send every part's CRC32 (apiless's `checksum: "CRC32"`,
//                        Amplify's `checksumAlgorithm: "crc-32"`; lib-storage always does): what
//                        the checksum costs each stack. Not in the figures --write keeps
//   --cpu-profile FILE   also records a CPU profile of apiless's first measured sample of each row
//                        (CDP Profiler) into FILE with the row's name before its extension
//                        (x.upload.cpuprofile, for Chromium's DevTools) and prints the functions
//                        that took the most main-thread time in it: where to look, not a figure
//
// --smoke exits non-zero only when the harness breaks (a stack throws, a count or a size is wrong,
// a figure is missing); it never looks at a time. Until apiless has `files(bucket).upload` (being
// written on another branch), its upload rows print "apiless: upload not in this build".
//
// Peak heap: the DevTools protocol's Runtime.getHeapUsage polled every POLL_MS from Node while
// the call runs, usedSize + backingStorageSize (the V8 heap and the ArrayBuffer backing stores,
// where the parts an upload reads into memory live; Performance.getMetrics' JSHeapUsedSize and
// performance.memory leave the latter out), minus the same figure just before the call, after a
// forced garbage collection. A Blob's bytes live in the browser process, in neither.
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import {
  AbortMultipartUploadCommand, DeleteObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, S3Client,
} from "@aws-sdk/client-s3";
import { bundle, readText } from "./bundle.mjs";
import { SCALE_END, SCALE_START, withScaleSection } from "./markdown.mjs";
import { launchChromium, serve, urlOf } from "../tools/browser.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const arg = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};
const smoke = flag("--smoke");
const rounds = smoke ? 1 : Number(arg("--rounds", "3"));
const writeTo = arg("--write");
if (writeTo && flag("--checksum")) throw new Error("--checksum: not with --write (BENCHMARKS.md's upload rows send no checksum)");
const configFile = path.resolve(root, arg("--config", ".apiless/local.json"));
const ALL_ROWS = ["queryAll", "upload"];
const wanted = new Set(arg("--rows", ALL_ROWS.join(",")).split(",").map((r) => r.trim()).filter(Boolean));
for (const r of wanted) if (!ALL_ROWS.includes(r)) throw new Error(`--rows: no scale row "${r}" (rows: ${ALL_ROWS.join(", ")})`);
if (!(rounds >= 1)) throw new Error("--rounds must be 1 or more");

const MiB = 1024 * 1024;
const ITEMS = smoke ? 500 : 10_000;
const cpuProfile = arg("--cpu-profile");
const UPLOAD_BYTES = Number(arg("--upload-mib", smoke ? "16" : "1024")) * MiB;
// Amplify's uploadData has no option for either: 5 MiB parts, 4 at a time. The others get the same.
const PART_SIZE = 5 * MiB;
const CONCURRENCY = 4;
const HEAP_GOAL = CONCURRENCY * PART_SIZE + 16 * MiB;
const POLL_MS = 25;
const PREFIX = "scale-";

const log = (...xs) => console.error("scale:", ...xs);
const started = new Date();
const loadAtStart = os.loadavg();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Config, a fresh user, and the backend's own account (to seed items and check objects)
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
// ministack's root account (what backend/seed.py seeds with), from Node: not what is measured.
// (The v3 SDK warns on Node 20 about its releases of 2027; these clients are the harness's own.)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const admin = { region: config.region, endpoint: config.endpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" } };
const adminDb = DynamoDBDocumentClient.from(new DynamoDBClient(admin));
const adminS3 = new S3Client({ ...admin, forcePathStyle: true });

// ---------------------------------------------------------------------------------------------
// Bundles and the page
// ---------------------------------------------------------------------------------------------
const STACKS = { apiless: "scale/apiless.js", sdk: "scale/sdk.js", amplify: "scale/amplify.js" };
log("bundling the stacks");
const bundles = {};
for (const [name, entry] of Object.entries(STACKS)) bundles[`scale-${name}`] = await bundle(entry);
const pageJs = await readFile(path.join(here, "page.js"));
const scalePageJs = await readFile(path.join(here, "scale-page.js"));
const wasm = await readFile(path.join(root, "pkg", "apiless_bg.wasm"));
const html = `<!doctype html><meta charset="utf-8"><title>apiless scale bench</title><script src="/page.js"></script><script src="/scale-page.js"></script>`;
const js = (body) => ({ body, type: "text/javascript" });
const server = await serve(async (url) => {
  if (url === "/") return { body: html, type: "text/html" };
  const m = url.match(/^\/stacks\/([\w-]+)\.js$/);
  if (m && bundles[m[1]]) return js(bundles[m[1]]);
  if (url === "/stacks/apiless_bg.wasm") return { body: wasm, type: "application/wasm" };
  if (url === "/page.js") return js(pageJs);
  if (url === "/scale-page.js") return js(scalePageJs);
  return undefined;
});

const browser = await launchChromium();
const chromiumVersion = browser.version();
let doing = "setup";

/** A fresh context on the page, `stack` loaded and signed in as the fixture user. */
async function open(label, stack) {
  doing = `${label}: opening`;
  const context = await browser.newContext();
  const tab = await context.newPage();
  const errors = [];
  tab.on("pageerror", (e) => errors.push(String(e)));
  await tab.goto(urlOf(server));
  const cdp = await context.newCDPSession(tab);
  await cdp.send("Performance.enable");
  const p = { label, context, tab, cdp, errors };
  await call(p, "load", `scale-${stack}`, config);
  await call(p, "signIn", user);
  return p;
}

const call = (p, fn, ...args) => {
  doing = `${p.label}: ${fn}`;
  return p.tab.evaluate(([f, a]) => window.bench[f](...a), [fn, args]);
};

/**
 * `measure(p, fn, ...args)`, with a CPU profile of it when `row` names the row to profile
 * (--cpu-profile): written to the file, and the 15 functions with the most self time logged.
 */
async function profiled(row, p, fn, ...args) {
  if (!row || !cpuProfile) return measure(p, fn, ...args);
  await p.cdp.send("Profiler.enable");
  await p.cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await p.cdp.send("Profiler.start");
  const r = await measure(p, fn, ...args);
  const file = path.resolve(cpuProfile.replace(/(\.[^./]*)?$/, (ext) => `.${row}${ext || ".cpuprofile"}`));
  await writeProfile((await p.cdp.send("Profiler.stop")).profile, file, row);
  return r;
}

async function writeProfile(profile, file, row) {
  await writeFile(file, JSON.stringify(profile));
  const us = new Map(profile.nodes.map((n) => [n.id, 0]));
  for (let i = 0; i < profile.samples.length; i++) us.set(profile.samples[i], us.get(profile.samples[i]) + (profile.timeDeltas[i] ?? 0));
  const self = new Map();
  for (const n of profile.nodes) {
    const f = n.callFrame;
    const name = `${f.functionName || "(anonymous)"} ${f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : ""}`.trim();
    self.set(name, (self.get(name) ?? 0) + us.get(n.id));
  }
  const top = [...self].filter(([name]) => name !== "(idle)").sort((a, b) => b[1] - a[1]).slice(0, 15);
  log(`CPU profile of apiless's ${row} in ${file}; self time, most first:`);
  for (const [name, t] of top) log(`  ${(t / 1000).toFixed(1).padStart(9)} ms  ${name}`);
}

async function taskSeconds(p) {
  const { metrics } = await p.cdp.send("Performance.getMetrics");
  return metrics.find((m) => m.name === "TaskDuration").value;
}
const heapOf = (h) => h.usedSize + (h.backingStorageSize ?? 0);

/**
 * One call in the page: in-page wall (ms), main-thread CPU (TaskDuration, ms), peak heap above the
 * start (bytes), the longest wait for a heap poll's answer (ms: the page's main thread answers
 * them between tasks) and the call's value.
 */
async function measure(p, fn, ...args) {
  await p.cdp.send("HeapProfiler.collectGarbage");
  const base = heapOf(await p.cdp.send("Runtime.getHeapUsage"));
  let peak = base;
  let polls = 0;
  let gap = 0;
  const polling = { on: true };
  const poller = (async () => {
    while (polling.on) {
      const asked = Date.now();
      const h = await p.cdp.send("Runtime.getHeapUsage");
      gap = Math.max(gap, Date.now() - asked);
      peak = Math.max(peak, heapOf(h));
      polls++;
      await sleep(POLL_MS);
    }
  })();
  const cpu0 = await taskSeconds(p);
  doing = `${p.label}: ${fn}`;
  let r;
  try {
    const { wall, value } = await p.tab.evaluate(([f, a]) => window.timed(f, a), [fn, args]);
    r = { wall, cpu: ((await taskSeconds(p)) - cpu0) * 1000, value };
  } finally {
    polling.on = false;
    await poller;
  }
  return { ...r, heap: peak - base, polls, gap };
}

const order = (round, list) => (round % 2 ? [...list].reverse() : list);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const samples = {};
const add = (row, stack, x) => ((samples[row] ??= {})[stack] ??= []).push(x);
const med = (row, stack, field) => (samples[row]?.[stack] ? median(samples[row][stack].map((x) => x[field])) : NaN);

/** Seeds ITEMS items of about 1 KB under `pk` (BatchWriteItem, 25 at a time, from Node). */
async function seedItems(pk) {
  const text = "x".repeat(900);
  const all = Array.from({ length: ITEMS }, (_, i) => ({
    pk, sk: `${PREFIX}${String(i).padStart(5, "0")}`, n: i, text, flag: true, tags: ["a", "b", "c"],
  }));
  for (let i = 0; i < all.length; i += 25) {
    let requests = all.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length; attempt++) {
      if (attempt > 5) throw new Error("seeding: items left unprocessed after 5 retries");
      const r = await adminDb.send(new BatchWriteCommand({ RequestItems: { [config.table]: requests } }));
      requests = r.UnprocessedItems?.[config.table] ?? [];
    }
  }
}

/** The object `key` under `pk`: checks its size, then deletes it (the backend holds it in memory). */
async function checkAndDelete(pk, key, bytes, who) {
  const Key = `${pk}/${key}`;
  const head = await adminS3.send(new HeadObjectCommand({ Bucket: config.bucket, Key }));
  if (head.ContentLength !== bytes) throw new Error(`${who}: the object is ${head.ContentLength} bytes, not ${bytes}`);
  await adminS3.send(new DeleteObjectCommand({ Bucket: config.bucket, Key }));
}

/** Aborts the multipart uploads a failed sample left under `pk` (the backend holds their parts). */
async function abortLeftovers(pk) {
  const { Uploads = [] } = await adminS3.send(new ListMultipartUploadsCommand({ Bucket: config.bucket, Prefix: `${pk}/` }));
  for (const u of Uploads) {
    await adminS3.send(new AbortMultipartUploadCommand({ Bucket: config.bucket, Key: u.Key, UploadId: u.UploadId }));
  }
}

const ALL_UPLOADERS = ["floor", "apiless", "sdk", "amplify"];
// --uploaders floor,apiless,amplify leaves lib-storage ("sdk": about 5 minutes a GiB here) out.
const UPLOADERS = arg("--uploaders", ALL_UPLOADERS.join(",")).split(",").map((u) => u.trim()).filter(Boolean);
for (const u of UPLOADERS) if (!ALL_UPLOADERS.includes(u)) throw new Error(`--uploaders: no uploader "${u}" (${ALL_UPLOADERS.join(", ")})`);
if (smoke && UPLOADERS.length < ALL_UPLOADERS.length) throw new Error("--smoke runs every uploader");
const failed = {};
const pages = {};
let apilessUpload = false;
const failures = [];
const t0 = Date.now();
try {
  pages.apiless = await open("apiless", "apiless");
  const pk = await call(pages.apiless, "identityId");

  if (wanted.has("queryAll")) {
    pages.sdk ??= await open("sdk", "sdk");
    if ((await call(pages.sdk, "identityId")) !== pk) throw new Error("the two stacks signed in as different identities");
    log(`seeding ${ITEMS} items under the user's identity id`);
    const s0 = Date.now();
    await seedItems(pk);
    log(`seeded in ${((Date.now() - s0) / 1000).toFixed(1)} s; queryAll, ${rounds} round(s)`);
    // Once each, unmeasured: the first pages' code paths, and the credentials fetched.
    for (const s of ["apiless", "sdk"]) {
      const n = await call(pages[s], "countAll", PREFIX);
      if (n !== ITEMS) throw new Error(`${s}: the query read ${n} items, not ${ITEMS}`);
    }
    for (let round = 0; round < rounds; round++) {
      for (const s of order(round, ["apiless", "sdk"])) {
        const r = await profiled(s === "apiless" && round === 0 && "queryAll", pages[s], "countAll", PREFIX);
        if (r.value !== ITEMS) throw new Error(`${s}: the query read ${r.value} items, not ${ITEMS}`);
        add("queryAll", s, r);
        log(`queryAll ${s}: ${r.wall.toFixed(0)} ms, CPU ${r.cpu.toFixed(0)} ms, peak heap ${(r.heap / MiB).toFixed(1)} MiB (${r.polls} polls, longest ${r.gap} ms)`);
      }
    }
  }

  if (wanted.has("upload")) {
    apilessUpload = await call(pages.apiless, "hasUpload");
    if (!apilessUpload) log("apiless: upload not in this build (files(bucket).upload is absent); its upload rows are left out");
    pages.sdk ??= await open("sdk", "sdk");
    pages.amplify = await open("amplify", "amplify");
    pages.floor = await open("floor", "apiless");
    const who = UPLOADERS.filter((s) => s !== "apiless" || apilessUpload);
    const mib = UPLOAD_BYTES / MiB;
    log(`${mib} MiB upload, ${rounds} round(s): ${who.join(", ")}${flag("--checksum") ? ", every part with its CRC32" : ""}`);
    const options = { partSize: PART_SIZE, concurrency: CONCURRENCY, crc32: flag("--checksum") };
    for (let round = 0; round < rounds; round++) {
      for (const s of order(round, who)) {
        const p = pages[s];
        let r;
        for (let attempt = 1; ; attempt++) {
          const key = `${PREFIX}${s}-${round}-${attempt}.bin`;
          // The last sample's Blob collected first: two 1 GiB Blobs alive at once filled the
          // browser's blob memory, and the upload after failed on the network (any stack's).
          await p.cdp.send("HeapProfiler.collectGarbage");
          if ((await call(p, "makeBlob", UPLOAD_BYTES)) !== UPLOAD_BYTES) throw new Error(`${s}: the Blob has the wrong size`);
          if (s === "floor") await call(p, "presign", key);
          try {
            r = s === "floor" ? await measure(p, "floorPut")
              : await profiled(s === "apiless" && round === 0 && attempt === 1 && "upload", p, "upload", key, options);
          } catch (e) {
            // A sample that fails is reported, and taken once more (not in the smoke run).
            if (smoke || attempt >= 2) throw e;
            const why = String(e?.message ?? e).split("\n")[0].replace(/^page\.evaluate: /, "").slice(0, 160);
            (failed[s] ??= []).push(why + (p.errors.length ? ` (page errors: ${p.errors.join("; ").slice(0, 160)})` : ""));
            p.errors.length = 0;
            log(`upload ${s}: FAILED (${why}); taken once more`);
            await call(p, "dropBlob");
            await abortLeftovers(pk);
            continue;
          }
          await call(p, "dropBlob");
          await checkAndDelete(pk, key, UPLOAD_BYTES, s);
          break;
        }
        add("upload", s, r);
        log(`upload ${s}: ${(r.wall / 1000).toFixed(2)} s, CPU ${r.cpu.toFixed(0)} ms, peak heap ${(r.heap / MiB).toFixed(1)} MiB (${r.polls} polls, longest ${r.gap} ms)`);
      }
    }
  }
  for (const p of Object.values(pages)) {
    if (p.errors.length) throw new Error(`${p.label}: page errors: ${p.errors.join("; ")}`);
  }
} catch (e) {
  failures.push(`while ${doing}:\n${e?.stack || String(e)}`);
} finally {
  await browser.close().catch(() => {});
  server.close();
}
const seconds = (Date.now() - t0) / 1000;
if (failures.length) {
  console.error(`scale: FAILED\n${failures.join("\n")}`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// The tables
// ---------------------------------------------------------------------------------------------
const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : "-");
const f0 = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString("en-US") : "-");
const ratio = (a, b) => (Number.isFinite(a / b) ? (a / b).toFixed(a / b >= 10 ? 1 : 3) : "-");
const mibOf = (b) => b / MiB;
const losses = [];
const out = [];
const missing = [];
const need = (what, v) => {
  if (!Number.isFinite(v)) missing.push(what);
  return v;
};

/** The longest wait for a heap poll's answer, per stack: a peak shorter than that can be missed. */
function pollNote(row, stacks, names) {
  const longest = (s) => Math.max(...samples[row][s].map((x) => x.gap));
  return `Longest wait for a heap poll's answer (the page answers between tasks; a shorter peak can be missed): ${stacks.map((s) => `${names[s]} ${longest(s)} ms`).join(", ")}.`;
}

if (samples.queryAll) {
  const rows = [
    ["items/s (wall)", "1/s", (s) => ITEMS / (med("queryAll", s, "wall") / 1000), false, f0],
    ["main-thread CPU", "ms", (s) => med("queryAll", s, "cpu"), true, f1],
    ["peak heap above the start", "MiB", (s) => mibOf(med("queryAll", s, "heap")), true, f1],
  ];
  const lines = rows.map(([what, unit, value, lower, fmt]) => {
    const a = need(`queryAll ${what}, apiless`, value("apiless"));
    const b = need(`queryAll ${what}, sdk`, value("sdk"));
    const loses = lower ? a > b : a < b;
    if (loses) losses.push(`queryAll, ${what.trim()}: apiless ${fmt(a)} ${unit} against paginateQuery's ${fmt(b)}`);
    return `| ${what} | ${unit} | ${fmt(a)} | ${fmt(b)} | ${ratio(a, b)}${loses ? " **loses**" : ""} |`;
  });
  out.push(`queryAll over ${ITEMS.toLocaleString("en-US")} items of about 1 KB (real backend), ${rounds} round(s), medians\n`,
    "| queryAll | unit | apiless `queryAll` | DocumentClient `paginateQuery` | apiless / paginateQuery |",
    "|---|---|---:|---:|---:|", ...lines, "", pollNote("queryAll", ["apiless", "sdk"], { apiless: "apiless", sdk: "paginateQuery" }), "");
}

if (samples.upload) {
  const mib = UPLOAD_BYTES / MiB;
  const size = mib >= 1024 ? `${mib / 1024} GiB` : `${mib} MiB`;
  const peers = ["sdk", "amplify"];
  const LABEL = { apiless: "apiless `upload`", sdk: "lib-storage `Upload`", amplify: "Amplify `uploadData`", floor: "floor: one `fetch` PUT" };
  const rows = [
    ["wall", "s", (s) => med("upload", s, "wall") / 1000, (v) => (Number.isFinite(v) ? v.toFixed(2) : "-")],
    ["MiB/s (wall)", "MiB/s", (s) => mib / (med("upload", s, "wall") / 1000), f1],
    ["main-thread CPU", "ms", (s) => med("upload", s, "cpu"), f0],
    ["peak heap above the start", "MiB", (s) => mibOf(med("upload", s, "heap")), f1],
  ];
  const lines = rows.map(([what, unit, value, fmt]) => {
    const v = Object.fromEntries(ALL_UPLOADERS.map((s) => [s, value(s)]));
    for (const s of UPLOADERS) if (s !== "apiless" || apilessUpload) need(`upload ${what}, ${s}`, v[s]);
    const higherBetter = unit === "MiB/s";
    const ran = peers.filter((s) => Number.isFinite(v[s]));
    const best = ran.length ? ran.reduce((a, b) => ((higherBetter ? v[b] > v[a] : v[b] < v[a]) ? b : a)) : "sdk";
    const cells = ALL_UPLOADERS.map((s) => (s === "apiless" && !apilessUpload ? "not in this build" : UPLOADERS.includes(s) ? fmt(v[s]) : "not run"));
    return `| ${what} | ${unit} | ${cells.join(" | ")} | ${ratio(v.apiless, v[best])} (${best === "sdk" ? "lib-storage" : "Amplify"}) | ${ratio(v.apiless, v.floor)} | ${ratio(v.sdk, v.floor)} / ${ratio(v.amplify, v.floor)} |`;
  });
  out.push(`${size} upload (a generated Blob, real backend), parts of ${PART_SIZE / MiB} MiB, ${CONCURRENCY} at a time, ${rounds} round(s), medians\n`,
    `| upload | unit | ${ALL_UPLOADERS.map((s) => LABEL[s]).join(" | ")} | apiless / best peer | apiless / floor | lib-storage / floor, Amplify / floor |`,
    `|---|---|${ALL_UPLOADERS.map(() => "---:|").join("")}---:|---:|---:|`, ...lines, "",
    pollNote("upload", ALL_UPLOADERS.filter((s) => samples.upload[s]), { floor: "floor", apiless: "apiless", sdk: "lib-storage", amplify: "Amplify" }), "",
    Object.keys(failed).length
      ? `Samples that failed and were taken once more: ${Object.entries(failed).map(([s, whys]) => `${LABEL[s]} ${whys.length} (${whys.join("; ")})`).join(", ")}.\n`
      : "No sample failed.\n");
  const wall = (s) => med("upload", s, "wall");
  const cpu = (s) => med("upload", s, "cpu");
  const bestCpu = Math.min(...peers.map(cpu).filter(Number.isFinite));
  const heap = med("upload", "apiless", "heap");
  let goals;
  if (apilessUpload) {
    const met = (ok) => (ok ? "met" : "**missed**");
    goals = [
      `- wall within 1.2x of the floor: apiless ${(wall("apiless") / 1000).toFixed(2)} s / floor ${(wall("floor") / 1000).toFixed(2)} s = ${ratio(wall("apiless"), wall("floor"))}: ${met(wall("apiless") <= 1.2 * wall("floor"))}`,
      `- main-thread CPU at most a fifth of the best peer's: apiless ${f0(cpu("apiless"))} ms / best peer ${f0(bestCpu)} ms = ${ratio(cpu("apiless"), bestCpu)} (goal 0.200): ${met(cpu("apiless") <= bestCpu / 5)}`,
      `- peak heap at most concurrency x part size + 16 MiB = ${f1(mibOf(HEAP_GOAL))} MiB: apiless ${f1(mibOf(heap))} MiB: ${met(heap <= HEAP_GOAL)}`,
    ];
    for (const [what, value, lower] of [["wall", wall, true], ["main-thread CPU", cpu, true], ["peak heap", (s) => med("upload", s, "heap"), true]]) {
      const beaten = peers.filter((s) => UPLOADERS.includes(s)).filter((s) => (lower ? value("apiless") > value(s) : value("apiless") < value(s)));
      if (beaten.length) losses.push(`${size} upload, ${what}: apiless loses to ${beaten.map((s) => LABEL[s]).join(", ")}`);
    }
  } else {
    goals = ["- apiless: upload not in this build (`files(bucket).upload` is absent), so its goals are not measured here."];
  }
  out.push(`Goals (issue #21 point 5):\n\n${goals.join("\n")}\n`);
}
const lossText = losses.length ? `Where apiless loses:\n\n${losses.map((l) => `- ${l}`).join("\n")}` : "apiless loses no scale row measured here.";
console.log(`\n${smoke ? "SMOKE (1 round, small sizes; the figures mean nothing) - " : ""}scale rows\n\n${out.join("\n")}\n${lossText}\n`);
log(`measured in ${seconds.toFixed(0)} s`);

if (smoke) {
  if (missing.length) {
    console.error(`scale: smoke FAILED: no figure for ${missing.join("; ")}`);
    process.exit(1);
  }
  console.error("scale: smoke passed (harness only; no time is checked)");
}

if (writeTo && !smoke) {
  const file = path.resolve(root, writeTo);
  const old = await readFile(file, "utf8").catch(() => "# Benchmarks\n");
  await writeFile(file, withScaleSection(old, section()));
  log(`wrote the scale section of ${path.relative(root, file)}`);
}

function section() {
  const sh = (cmd, a) => { try { return execFileSync(cmd, a, { cwd: root, encoding: "utf8" }).trim(); } catch { return "?"; } };
  const lock = JSON.parse(readText(path.join(here, "package-lock.json")));
  const version = (name) => lock.packages?.[`node_modules/${name}`]?.version ?? "?";
  const commit = sh("git", ["rev-parse", "--short", "HEAD"]);
  const dirty = sh("git", ["status", "--porcelain", "--untracked-files=no"]) ? " (with uncommitted changes)" : "";
  const command = process.env.APILESS_BENCH_COMMAND || `node bench/scale.mjs ${argv.join(" ")}`;
  return `${SCALE_START}
## Scale: queryAll over ${ITEMS.toLocaleString("en-US")} items, a ${UPLOAD_BYTES / MiB >= 1024 ? `${UPLOAD_BYTES / MiB / 1024} GiB` : `${UPLOAD_BYTES / MiB} MiB`} upload

Written by \`bench/scale.mjs\` (issue #21 point 5); the rows above are \`bench/run.mjs\`'s, each
harness keeps the other's part of this file.

- **Command:** \`${command}\` (harness: \`node bench/scale.mjs ${argv.join(" ")}\`); rows: ${[...wanted].join(", ")}
- **Date:** ${started.toISOString()}; measuring took ${seconds.toFixed(0)} s
- **Machine:** ${os.cpus().length} CPU(s), ${os.cpus()[0]?.model ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM; load average (1, 5, 15 min) ${loadAtStart.map((x) => x.toFixed(2)).join(", ")} at the start and ${os.loadavg().map((x) => x.toFixed(2)).join(", ")} at the end: other agents' builds shared the 2 cores, so compare ratios within this run.
- **Browser:** Debian's Chromium ${chromiumVersion} (headless, through playwright-core), Node ${process.version}
- **apiless:** at commit ${commit}${dirty}; ${apilessUpload || !wanted.has("upload") ? "" : "this build has no `files(bucket).upload`, so its upload rows are empty; "}release build
- **Peers** (bench/package-lock.json): @aws-sdk/lib-dynamodb ${version("@aws-sdk/lib-dynamodb")}, @aws-sdk/client-dynamodb ${version("@aws-sdk/client-dynamodb")}, @aws-sdk/client-s3 ${version("@aws-sdk/client-s3")}, @aws-sdk/lib-storage ${version("@aws-sdk/lib-storage")}, aws-amplify ${version("aws-amplify")} (@aws-amplify/storage ${version("@aws-amplify/storage")})

${out.join("\n")}
${losses.length ? `### Where apiless loses (scale rows)\n\n${losses.map((l) => `- ${l}`).join("\n")}` : "apiless loses no scale row measured here."}

### How the scale rows are taken

- Every stack in its own browser context, signed in as the same fresh user (so the same Cognito
  identity and its credentials), against the real local backend over 127.0.0.1: no stub. In
  each round the stacks run one after the other, the order reversed every other round.
- **queryAll**: ${ITEMS.toLocaleString("en-US")} items of about 1 KB (a 900-character string, a number, a
  boolean, a list) under the identity id's partition key, seeded once from Node with
  BatchWriteItem as the backend's root account (not measured). Each stack reads them all with
  \`pk = :id AND begins_with(sk, "${PREFIX}")\`, page after page (the backend's 1 MB pages, so
  about ${Math.ceil(ITEMS * 1.05 / 1024)} pages), and counts them without keeping them: apiless
  \`for await (const item of table.queryAll({ sortKey: { beginsWith } }))\`, the peer
  \`for await (const page of paginateQuery({ client: DynamoDBDocumentClient }, input))\`
  (credentials from aws-amplify/auth's \`fetchAuthSession\`). Once unmeasured first. Items/s from
  the in-page wall time; the wall includes the backend's own time in Python, the same for both.
- **Upload**: the Blob is made in the page before each sample (not measured) from one 1 MiB
  \`Uint8Array\` of pseudo-random bytes (xorshift32, the same bytes in every page) repeated: the
  bytes live in the browser's blob storage, not in the page's heap. Parts of ${PART_SIZE / MiB} MiB, ${CONCURRENCY}
  at a time for every stack: what Amplify's \`uploadData\` uses and cannot be told otherwise;
  lib-storage's \`Upload\` gets \`partSize\` and \`queueSize\`, apiless \`partSize\` and \`concurrency\`.
  lib-storage runs with the v3 S3 client's defaults: the Blob read through \`Blob.stream()\` and
  joined into part buffers, a CRC32 of every part computed in JS (the default since v3.729) and
  a SHA-256 of it for the signature (\`x-amz-content-sha256\`). Amplify with its own: each part a
  \`Blob.slice()\` sent by XMLHttpRequest with \`UNSIGNED-PAYLOAD\` (no checksum unless asked), and a
  HeadObject after CompleteMultipartUpload to check the size. The floor: one plain \`fetch\`
  PUT of the Blob to a URL presigned by apiless (UNSIGNED-PAYLOAD) before the sample: no
  hashing, no parts. After each sample Node checks the object's size with HeadObject and deletes
  it (the backend keeps objects in memory).
- **Main-thread CPU**: the DevTools protocol's Performance.getMetrics TaskDuration of the page
  over the call, as the whole-job rows: the wall time of the main thread's tasks, so other
  processes' load inflates it as well (ScriptDuration is not used: it stayed near 0 in samples
  whose tasks ran hundreds of ms of the stacks' JS).
- **Peak heap**: Runtime.getHeapUsage polled every ${POLL_MS} ms from Node during the call,
  \`usedSize + backingStorageSize\` (the V8 heap and the ArrayBuffer backing stores, where the
  parts a stack reads into memory live; Performance.getMetrics' JSHeapUsedSize and
  \`performance.memory\` count only the former, so they would miss a part read with
  \`arrayBuffer()\`), its highest value minus its value just before the call, after a forced
  garbage collection. Polling can miss a peak shorter than ${POLL_MS} ms. The polls themselves are
  inspector tasks on the page's main thread, and count in every stack's CPU alike.
${SCALE_END}`;
}
