// Fails when `any` appears in the package's public types. wasm-bindgen's raw export table
// (`InitOutput`, the wasm module's own functions) is not the public surface and is skipped.
import { readFileSync } from "node:fs";

let failures = 0;
for (const file of ["pkg/index.d.ts", "pkg/react.d.ts", "pkg/apiless.d.ts"]) {
  const text = readFileSync(file, "utf8").replace(/export interface InitOutput \{[\s\S]*?\n\}/, "");
  text.split("\n").forEach((line, i) => {
    const code = line.replace(/\/\/.*$|\/\*.*?\*\//g, "");
    if (/\bany\b/.test(code)) {
      console.error(`${file}:${i + 1}: \`any\` on the public surface: ${line.trim()}`);
      failures++;
    }
  });
}
if (failures) process.exit(1);
console.log("public types: no `any` in pkg/index.d.ts, pkg/react.d.ts, pkg/apiless.d.ts");
