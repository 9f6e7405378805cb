#!/usr/bin/env bash
# Runs every test: setup, rustfmt, clippy (warnings are errors), native tests (property tests
# included), the backend and its self-test, the fault proxy, browser tests in headless Chromium,
# the release package build, its smoke and two-tab tests, DynamoDB values against the AWS SDK's
# marshaller, the npm-pack app, the demo end to end,
# the benchmark harness's smoke run, and the secrets check over everything printed. Starts and
# stops the local backend and the fault proxy itself. Ends with the package's size.
#
#   APILESS_TEST_PORT    port of the test backend (default 4567, so a running demo on 4566 is fine)
#   APILESS_FAULT_PORT   port of the fault proxy (default: the backend's port + 1)
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/backend.sh
source tools/faults.sh

port=${APILESS_TEST_PORT:-4567}
fault_port=${APILESS_FAULT_PORT:-$((port + 1))}
config=.apiless/test.json
export APILESS_LOCAL_JSON=$config
# Everything printed is kept, and at the end searched for every secret the backend handed out.
mkdir -p target
exec > >(tee target/test-output.log) 2>&1
export APILESS_SECRETS_LOG=$PWD/target/secrets.log
rm -f "$APILESS_SECRETS_LOG"
trap 'faults_stop; backend_stop' EXIT
trap 'exit 130' INT TERM

timings=()
step() {
  local name=$1 t0=$SECONDS
  shift
  echo
  echo "=== $name"
  "$@"
  timings+=("$(printf '%-22s %4d s' "$name" $((SECONDS - t0)))")
}

step setup tools/setup.sh
step rustfmt cargo fmt --all -- --check
step clippy bash -c 'cargo clippy --all-targets --quiet -- -D warnings &&
  cargo clippy --all-targets --quiet --target wasm32-unknown-unknown -- -D warnings'
step native-tests cargo test --quiet
step cfn-lint .apiless/venv/bin/cfn-lint infra/apiless.yaml
step build-selftest bash -c 'set -o pipefail; .apiless/venv/bin/python -m pytest tools/test_wasm_names.py tools/test_build.py \
  -q -p no:cacheprovider | sed -E "s/^([0-9]+ passed)/build tools self-test: \1/"'
step backend backend_start "$port" "$config" target/backend-test.log
step backend-selftest .apiless/venv/bin/python -m pytest backend/tests -q -p no:cacheprovider
# The fault proxy sits between the fault tests (tests/faults.rs) and the backend.
step fault-proxy faults_start "http://127.0.0.1:$port" "$fault_port" target/faultproxy-test.log
# Every tests/*.rs that is compiled only for wasm32 is a browser test.
browser_tests=()
for f in $(grep -l '^#!\[cfg(target_arch = "wasm32")\]' tests/*.rs); do
  browser_tests+=(--test "$(basename "$f" .rs)")
done
step browser-tests env APILESS_TEST_ENDPOINT="http://127.0.0.1:$port" \
  APILESS_FAULT_ENDPOINT="http://127.0.0.1:$fault_port" \
  CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=180 \
  cargo test --target wasm32-unknown-unknown "${browser_tests[@]}" -- --nocapture
faults_summary
faults_stop
step package python3 tools/build.py --profile release
step types bash -c 'node tools/node_modules/typescript/bin/tsc -p tests/ts-app && node tools/no-any.mjs'
step package-smoke node tools/smoke-pkg.mjs "$config"
# DynamoDB values against @aws-sdk/util-dynamodb, in the packaged wasm (Playwright traps SIGTERM).
step dynamodb-oracle timeout -s KILL 600 node tools/dynamodb-oracle.mjs "$config"
step npm-pack-app bash tools/pack-test.sh
step demo-build bash -c "cd www && APILESS_CONFIG=$config node node_modules/vite/bin/vite.js build --logLevel warn"
step demo-e2e node tools/e2e-demo.mjs "$config"
# The benchmark harness, once and quickly, so that it cannot rot; no time is checked.
step bench-smoke bash tools/bench-smoke.sh "$config"
backend_stop
step secrets bash -c "python3 tools/secrets-check.py --self-test && python3 tools/secrets-check.py \
  --secrets target/secrets.log --config $config \
  --storage target/demo-storage.jsonl --storage target/two-tabs-storage.jsonl \
  target/test-output.log target/demo-console.log"

echo
echo "=== timings"
printf '%s\n' "${timings[@]}"
echo
echo "=== figures"
grep -h -E '^(property figures|fault proxy:|secrets-check:|build tools self-test:|dynamodb oracle:)' target/test-output.log || true
awk '/^test result: ok\./ { n += $4 } END { print "Rust tests passed (native and browser): " n }' target/test-output.log
grep -h -E '^[0-9]+ passed' target/test-output.log | sed 's/^/backend self-test: /' || true
echo
node tools/size.mjs
