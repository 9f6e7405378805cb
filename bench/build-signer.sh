#!/usr/bin/env bash
# Builds apiless's SigV4 signer alone (examples/sign_bench.rs) as a wasm module for the bench page.
#
# Into target/bench-pkg/ (not part of the npm package). Release profile, like the package, so
# after tools/build.py only the example itself is compiled.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --release --example sign_bench --target wasm32-unknown-unknown
wasm-bindgen "${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/release/examples/sign_bench.wasm" \
  --out-dir target/bench-pkg --target web
