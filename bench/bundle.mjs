// Bundles a bench entry as an app ships it (esbuild, minified ESM for browsers): shared by
// bench/run.mjs (the whole-job rows) and bench/scale.mjs (the scale rows).
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));

/** A text file's content (package.json, package-lock.json). */
export const readText = (file) => readFileSync(file, "utf8");

/**
 * esbuild reads a package's `browser` field for file swaps but misses the ones keyed without
 * ".js" (`"./dist-es/index": "./dist-es/index.browser"` in @aws-sdk/credential-providers), which
 * pulls Node-only providers into a browser bundle. Vite honours them; this plugin does too.
 */
const browserField = {
  name: "browser-field",
  setup(b) {
    b.onResolve({ filter: /^(@[^/]+\/)?[^./@][^/]*$/ }, (args) => {
      let manifest;
      try {
        manifest = createRequire(path.join(args.resolveDir, "x.js")).resolve(`${args.path}/package.json`);
      } catch {
        return undefined;
      }
      const pkg = JSON.parse(readText(manifest));
      if (!pkg.module || typeof pkg.browser !== "object") return undefined;
      const entry = `./${path.posix.normalize(pkg.module)}`;
      const swapped = pkg.browser[entry] ?? pkg.browser[entry.replace(/\.js$/, "")];
      if (typeof swapped !== "string") return undefined;
      const file = path.join(path.dirname(manifest), swapped);
      return { path: existsSync(file) ? file : `${file}.js` };
    });
  },
};

/** `entry` (relative to bench/) bundled: the minified ESM bytes. */
export async function bundle(entry) {
  const out = await build({
    entryPoints: [path.join(here, entry)], bundle: true, minify: true, format: "esm", platform: "browser",
    write: false, define: { global: "globalThis" }, logLevel: "error", plugins: [browserField],
  });
  return Buffer.from(out.outputFiles[0].contents);
}
