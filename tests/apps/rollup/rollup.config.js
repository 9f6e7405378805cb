// Rollup finds npm packages only through @rollup/plugin-node-resolve, which every Rollup app has;
// nothing for the wasm. Rollup keeps `new URL("apiless_bg.wasm", import.meta.url)` as it is, so
// the .wasm must sit next to the bundle: package.json's build copies it into dist/.
import { nodeResolve } from "@rollup/plugin-node-resolve";

export default {
  input: "src/index.js",
  output: { file: "dist/main.js", format: "es" },
  plugins: [nodeResolve({ browser: true })],
};
