// The demo imports `apiless` from the package that tools/build.py writes to ../pkg, and reads
// its AWS config from a JSON file: the local backend's .apiless/local.json by default, or the
// file named by APILESS_CONFIG (for real AWS, see the README).
import { defineConfig } from "vite";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const configPath = path.resolve(root, process.env.APILESS_CONFIG || ".apiless/local.json");

function loadConfig() {
  try {
    const { users, ...config } = JSON.parse(readFileSync(configPath, "utf8"));
    // Demo users are shown on the page only for the local backend.
    return { ...config, demoUsers: process.env.APILESS_CONFIG ? [] : users || [] };
  } catch (e) {
    throw new Error(`apiless demo: cannot read the AWS config ${configPath} (${e.message}); start it with \`make demo\``, {
      cause: e,
    });
  }
}

export default defineConfig({
  // The package is linked from ../pkg: React must come from the app, as in a real install.
  resolve: { alias: { apiless: path.resolve(root, "pkg") }, dedupe: ["react", "react-dom"] },
  define: { __APILESS_CONFIG__: JSON.stringify(loadConfig()) },
  server: { fs: { allow: [root] } },
});
