// make docs: the API reference users read, and what `npm publish` would ship.
//
//   node tools/reference.mjs
//
// 1. typedoc (settings in tools/typedoc.json) over the package's published types, pkg/index.d.ts
//    and pkg/react.d.ts, into target/docs/api/ (HTML; open index.html) and target/docs/api.json.
//    Every warning is an error: a broken link, a type the docs name but the package does not
//    export, an undocumented function, method, class, interface or type.
// 2. Every function and method of the public API has a one-line summary, at least one @throws
//    (what it rejects or throws with, or "never") and an @example.
// 3. Every @example is type-checked (tsc, strict) against the package's types, each as a module
//    of its own that may use the names in PRELUDE without declaring them.
// 4. `npm publish --dry-run` in pkg/ prints no warning (but the one for not being logged in),
//    and packs exactly the files in SHIPPED: a stray or a missing file fails.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tools = path.join(root, "tools");
const target = path.join(root, "target", "docs");

// What `npm publish` packs from pkg/: the entry, the React hook, NumberValue's types, the
// wasm-bindgen glue, types and wasm, NumberValue's module (the copy the wasm imports, under a
// hashed snippets/ folder), and the package's README, LICENSE and package.json.
const SHIPPED = [
  "LICENSE", "README.md", "package.json",
  "index.js", "index.d.ts", "react.js", "react.d.ts", "number.d.ts",
  "apiless.js", "apiless.d.ts", "apiless_bg.wasm", "apiless_bg.wasm.d.ts",
  "snippets/apiless-<hash>/pkg-template/number.js", "snippets/apiless-<hash>/src/host.js",
];

// What an @example may use without declaring it: a client, a table, a bucket, a File, the
// user's credentials, and `ask`, which stands for the app's own prompt.
// An example that declares one of them itself (`const aws = await createClient(...)`) gets its own.
const PRELUDE = {
  aws: "declare const aws: _Apiless;",
  notes: "declare const notes: _Table;",
  files: "declare const files: _Files;",
  file: "declare const file: File;",
  username: "declare const username: string;",
  password: "declare const password: string;",
  ask: "declare function ask(question: string): Promise<string>;",
};
const prelude = (code) =>
  [
    'import type { Apiless as _Apiless, Table as _Table, Files as _Files } from "apiless";',
    ...Object.entries(PRELUDE).filter(([name]) => !new RegExp(`\\b(const|let|var|function)\\s+${name}\\b`).test(code)).map(([, line]) => line),
    "export {};",
    "",
  ].join("\n");

let failures = 0;
const fail = (message) => {
  console.error(`docs: ${message}`);
  failures++;
};

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { encoding: "utf8", ...options });
  if (r.error) throw r.error;
  return r;
}

// ---- 1. typedoc ------------------------------------------------------------------------------
rmSync(target, { recursive: true, force: true });
const typedoc = run(process.execPath, [path.join(tools, "node_modules/typedoc/bin/typedoc"), "--options", path.join(tools, "typedoc.json")], { cwd: root });
process.stdout.write(typedoc.stdout);
process.stderr.write(typedoc.stderr);
if (typedoc.status !== 0) {
  console.error("docs: typedoc failed (warnings are errors: see above)");
  process.exit(1);
}

// ---- 2. summary, @throws, @example on every function and method -----------------------------
const project = JSON.parse(readFileSync(path.join(target, "api.json"), "utf8"));
const FUNCTION = 64, CONSTRUCTOR = 512, METHOD = 2048;
const text = (parts) => (parts ?? []).map((p) => p.text).join("");
const examples = [];
let callables = 0;
(function walk(node, trail) {
  for (const child of node.children ?? []) {
    const name = [...trail, child.name].join(".");
    if ([FUNCTION, CONSTRUCTOR, METHOD].includes(child.kind)) {
      for (const [i, signature] of (child.signatures ?? []).entries()) {
        callables++;
        const where = child.signatures.length > 1 ? `${name} (signature ${i + 1})` : name;
        const comment = signature.comment ?? {};
        const tags = comment.blockTags ?? [];
        if (!text(comment.summary).trim()) fail(`${where} has no summary`);
        if (!tags.some((t) => t.tag === "@throws" && text(t.content).trim())) fail(`${where} has no @throws (write "@throws never." if it cannot fail)`);
        const code = tags.filter((t) => t.tag === "@example").flatMap((t) => t.content.filter((p) => p.kind === "code").map((p) => p.text));
        if (code.length === 0) fail(`${where} has no @example with a code block`);
        code.forEach((block, j) => examples.push({ name: `${name}${j ? `.${j + 1}` : ""}`, code: block.replace(/^```\w*\n?|```\s*$/g, "") }));
      }
    }
    walk(child, child.kind === 2 ? trail : [...trail, child.name]); // 2: a module, named by its path
  }
})(project, []);
if (callables < 35) fail(`only ${callables} functions and methods found: is typedoc still reading pkg/index.d.ts?`);

// ---- 3. the examples type-check -------------------------------------------------------------
const dir = path.join(target, "examples");
mkdirSync(dir, { recursive: true });
for (const { name, code } of examples) writeFileSync(path.join(dir, `${name}.ts`), prelude(code) + code);
const tsApp = JSON.parse(readFileSync(path.join(root, "tests/ts-app/tsconfig.json"), "utf8"));
writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
  compilerOptions: {
    ...tsApp.compilerOptions,
    paths: { apiless: [path.join(root, "pkg/index.d.ts")], "apiless/react": [path.join(root, "pkg/react.d.ts")] },
  },
  include: ["*.ts"],
}, null, 2));
const tsc = run(process.execPath, [path.join(tools, "node_modules/typescript/bin/tsc"), "-p", dir], { cwd: root });
if (tsc.status !== 0) {
  process.stderr.write(tsc.stdout + tsc.stderr);
  fail(`an @example does not type-check against the package's types (the files are in ${path.relative(root, dir)}/)`);
}

// ---- 4. npm publish --dry-run -----------------------------------------------------------------
const publish = run("npm", ["publish", "--dry-run", "--json", "--ignore-scripts"], { cwd: path.join(root, "pkg") });
if (publish.status !== 0) fail(`npm publish --dry-run exited with ${publish.status}:\n${publish.stderr}`);
for (const line of publish.stderr.split("\n")) {
  if (/^npm (warn|error|ERR)/i.test(line) && !/requires you to be logged in/.test(line)) fail(`npm publish --dry-run: ${line}`);
}
let packed = [];
try {
  const report = JSON.parse(publish.stdout);
  packed = (Object.values(report)[0]?.files ?? report.files ?? []).map((f) => f.path);
} catch {
  fail(`npm publish --dry-run printed no JSON report:\n${publish.stdout}`);
}
const normalised = packed.map((p) => p.replace(/^snippets\/apiless-[0-9a-f]+\//, "snippets/apiless-<hash>/")).sort();
const expected = [...SHIPPED].sort();
for (const p of normalised) if (!expected.includes(p)) fail(`npm would publish ${p}, which is not in SHIPPED (tools/reference.mjs)`);
for (const p of expected) if (!normalised.includes(p)) fail(`npm would not publish ${p}`);

if (failures) process.exit(1);
console.log(`docs: typedoc clean (target/docs/api/index.html); ${callables} functions and methods, each with a summary, @throws and @example; ${examples.length} examples type-check; npm publish --dry-run packs the ${packed.length} expected files`);
