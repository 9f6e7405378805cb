// make size: the package's size against size-budget.json, and the std pieces the wasm keeps out.
//
// Prints what a page loads (wasm and JS; raw, gzip, brotli) and fails when it passes the budget
// in size-budget.json, or when the wasm holds a piece of std it is written to avoid.
import { readdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const budget = JSON.parse(readFileSync("size-budget.json", "utf8"));
// Every file a page loads when it imports "apiless": the wasm, its glue, the entry point and
// the snippets the glue imports (src/host.js, and number.js, which the entry imports too).
const snippets = readdirSync("pkg/snippets", { recursive: true })
  .filter((f) => f.endsWith(".js"))
  .sort()
  .map((f) => `pkg/snippets/${f}`);
const files = ["pkg/apiless_bg.wasm", "pkg/apiless.js", "pkg/index.js", ...snippets];
let raw = 0, gzip = 0, brotli = 0;
for (const file of files) {
  const data = readFileSync(file);
  const g = gzipSync(data, { level: 9 }).length;
  const b = brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(`package size: ${file.replace(/snippets\/[^/]+\//, "snippets/…/").padEnd(28)} ${data.length.toLocaleString("en")} bytes, gzip ${g.toLocaleString("en")}, brotli ${b.toLocaleString("en")}`);
  raw += data.length;
  gzip += g;
  brotli += b;
}
console.log(`package size: wasm + js ${raw.toLocaleString("en")} bytes, gzip ${gzip.toLocaleString("en")} (budget ${budget.gzip_bytes.toLocaleString("en")}), brotli ${brotli.toLocaleString("en")} (budget ${budget.brotli_bytes.toLocaleString("en")})`);
if (gzip > budget.gzip_bytes || brotli > budget.brotli_bytes) {
  console.error("package size: over the budget in size-budget.json");
  process.exit(1);
}

// Pieces of the standard library that cost kilobytes and that the crate's code is written to
// keep out, each known by a text only it puts in the wasm. One `&s[a..b]` on a str anywhere
// brings back the first (about 4 KB gzip with char's Debug and the unicode tables).
const wasm = readFileSync("pkg/apiless_bg.wasm").toString("latin1");
const keptOut = [
  ["is not a char boundary", "core::str::slice_error_fail (str indexing that can panic: use get, split_once or split_at_checked)"],
];
for (const [text, what] of keptOut) {
  if (wasm.includes(text)) {
    console.error(`package size: the wasm holds ${what}`);
    process.exit(1);
  }
}

// The build machine's paths (dependencies' panic locations name their source files):
// tools/build.py remaps them; a wasm built some other way must not ship them either.
const machinePaths = ["/.cargo/registry/", "/.rustup/toolchains/"];
if (homedir().length > 1) machinePaths.push(`${homedir()}/`);
for (const path of machinePaths) {
  if (wasm.includes(path)) {
    console.error(`package size: the wasm holds the build machine's path ${path} (build with tools/build.py)`);
    process.exit(1);
  }
}
