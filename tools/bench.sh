#!/usr/bin/env bash
# Runs the side-by-side benchmarks (bench/run.mjs) against a local backend it starts and stops.
#
#   APILESS_BENCH_PORT   backend port (default 4568)
#   extra arguments go to bench/run.mjs (e.g. --rounds 5)
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/backend.sh
port=${APILESS_BENCH_PORT:-4568}
config=.apiless/bench.json
trap backend_stop EXIT
trap 'exit 130' INT TERM

tools/setup.sh
python3 tools/build.py --profile release
# apiless's signer alone, as a separate wasm module for the page (not part of the package).
cargo build --release --example sign_bench --target wasm32-unknown-unknown
wasm-bindgen target/wasm32-unknown-unknown/release/examples/sign_bench.wasm --out-dir target/bench-pkg --target web
backend_start "$port" "$config" target/backend-bench.log
node bench/run.mjs --config "$config" "$@"
