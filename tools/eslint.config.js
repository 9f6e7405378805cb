// eslint's settings for the hand-written JS (make lint).
//
// The recommended rules, the React hooks rules, and a few more that catch real bugs. TypeScript
// (pkg-template/*.d.ts, tests/ts-app) is left to tsc in `make types`.
import js from "@eslint/js";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";

export default [
  {
    // Paths are relative to the repository root: run eslint there with `-c tools/eslint.config.js`.
    ignores: [".apiless/", "target/", "pkg/", "www/dist/", "tests/apps/*/dist/", "tests/apps/next/.next/", "tests/apps/next/out/"],
  },
  {

    files: ["**/*.js", "**/*.mjs", "**/*.jsx"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "module",
      parserOptions: { ecmaFeatures: { jsx: true } },
      globals: globals.node,
    },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...js.configs.recommended.rules,
      ...reactHooks.configs.recommended.rules,
      "array-callback-return": "error",
      eqeqeq: ["error", "smart"],
      "no-constructor-return": "error",
      "no-self-compare": "error",
      "no-template-curly-in-string": "error",
      "no-unmodified-loop-condition": "error",
      "no-unreachable-loop": "error",
      "no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
      "no-var": "error",
      "prefer-const": "error",
    },
  },
  {
    // What runs in the page: the package, the wasm's host snippet, the demo, the bench stacks and floor.

    files: ["pkg-template/**/*.js", "src/host.js", "www/src/**/*.jsx", "bench/stacks/*.js", "bench/peers/*.js",
      "bench/floor.js", "bench/payload.js", "bench/page.js", "bench/scale-page.js", "bench/scale/*.js", "tests/apps/*/src/**", "tests/apps/next/app/**", "tests/apps/plain/*.js"],
    languageOptions: { globals: globals.browser },
  },
  {
    // vite.config.js defines it for the demo's code.
    files: ["www/src/**/*.jsx"],
    languageOptions: { globals: { __APILESS_CONFIG__: "readonly" } },
  },
  {
    // Node scripts that drive browsers: the functions they hand to evaluate run in the page.
    files: ["tools/checks.mjs", "tools/webdriver.mjs", "tools/dynamodb-oracle.mjs", "tools/redirect-check.mjs", "tools/passkeys.mjs", "bench/run.mjs", "bench/scale.mjs"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
];
