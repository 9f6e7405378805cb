#!/usr/bin/env bash
# Runs the steps of `make test`: all of them, or the named ones (each make target names one).
#
#   tools/test.sh [STEP...]      (`make clippy` is `tools/test.sh clippy`)
#
# The steps, in the order `make test` runs them (one Makefile target each, `make help`):
#   setup fmt clippy lint native cfn-lint build-selftest backend-selftest browser package types
#   docs smoke redirect oracle passkeys pack-app demo-build demo-e2e bench-smoke secrets size
# A step first runs what it needs (below), once per run: so `make smoke` builds the package and
# starts the local backend, and `make test` starts one backend for all its steps. The run stops
# the backend and the fault proxy at its end, and ends with the timings, the figures and the
# package's size.
#
#   APILESS_ENGINES      the browsers of the browser, smoke and demo-e2e steps (default
#                        "chromium firefox webkit"; e.g. APILESS_ENGINES=firefox make browser)
#   APILESS_TEST_PORT    port of the test backend (default 4567, so a running demo on 4566 is fine)
#   APILESS_FAULT_PORT   port of the fault proxy (default: the backend's port + 1)
#   APILESS_APPS         the apps of tests/apps that pack-app builds (default: all; tools/pack-test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/backend.sh

all_steps=(setup fmt clippy lint native cfn-lint build-selftest backend-selftest browser package types
  docs smoke redirect oracle passkeys pack-app demo-build demo-e2e bench-smoke secrets size)
# What each step needs to have run before it in the same run (backend and fault-proxy are steps
# too, without a target of their own).
declare -A needs=(
  [backend-selftest]="backend"
  [browser]="backend fault-proxy"
  [types]="package"
  [docs]="package"
  [smoke]="package backend"
  [redirect]="package backend"
  [oracle]="package backend"
  [passkeys]="package backend"
  [pack-app]="package backend"
  [demo-build]="package backend"
  [demo-e2e]="demo-build"
  [bench-smoke]="package backend"
  [size]="package"
)

export APILESS_ENGINES=${APILESS_ENGINES:-chromium firefox webkit}
port=${APILESS_TEST_PORT:-4567}
fault_port=${APILESS_FAULT_PORT:-$((port + 1))}
config=.apiless/test.json
export APILESS_LOCAL_JSON=$config
export APILESS_SECRETS_LOG=$PWD/target/secrets.log
venv=.apiless/venv/bin

steps=("$@")
[ $# -gt 0 ] || steps=("${all_steps[@]}")
for name in "${steps[@]}"; do
  [[ " ${all_steps[*]} " == *" $name "* ]] || {
    echo "tools/test.sh: no step '$name'; the steps: ${all_steps[*]}" >&2
    exit 2
  }
done

# Everything printed is kept, and the secrets step searches it for every secret the backend
# handed out. `make secrets` alone checks what the last run left instead of writing over it.
mkdir -p target
log=target/test-output.log
[ "$*" != secrets ] || log=target/test-secrets.log
exec > >(tee "$log") 2>&1
trap 'faults_stop; backend_stop' EXIT
trap 'exit 130' INT TERM

step_setup() { bash tools/setup.sh; }
step_fmt() { cargo fmt --all -- --check; }
step_clippy() {
  cargo clippy --all-targets --quiet -- -D warnings
  cargo clippy --all-targets --quiet --target wasm32-unknown-unknown -- -D warnings
  # The crate without its js feature, and tools/size-floor over it (`make size-floor` measures
  # it), so that neither rots unbuilt.
  cargo clippy --lib --quiet --no-default-features --target wasm32-unknown-unknown -- -D warnings
  cp Cargo.lock tools/size-floor/Cargo.lock
  (cd tools/size-floor && CARGO_TARGET_DIR=../../target/size-floor/target \
    cargo clippy --quiet --target wasm32-unknown-unknown -- -D warnings)
}
# Python by ruff (ruff.toml), the hand-written JS by eslint (tools/eslint.config.js).
step_lint() {
  $venv/ruff check --quiet .
  node tools/node_modules/eslint/bin/eslint.js -c tools/eslint.config.js .
  echo "lint: ruff and eslint found nothing"
}
step_native() { cargo test --quiet; }
step_cfn-lint() { $venv/cfn-lint infra/apiless.yaml; }
step_build-selftest() {
  $venv/python -m pytest tools/test_wasm_names.py tools/test_build.py -q -p no:cacheprovider |
    sed -E "s/^([0-9]+ passed)/build tools self-test: \1/"
}
step_backend() {
  rm -f "$APILESS_SECRETS_LOG"
  backend_start "$port" "$config" target/backend-test.log
}
step_backend-selftest() { $venv/python -m pytest backend/tests -q -p no:cacheprovider; }
# The fault proxy sits between the fault tests (tests/faults.rs) and the backend.
step_fault-proxy() { faults_start "http://127.0.0.1:$port" "$fault_port" target/faultproxy-test.log; }
# The browser tests once per engine: wasm-bindgen-test-runner picks its WebDriver server from
# CHROMEDRIVER, GECKODRIVER or SAFARIDRIVER (the first set wins, so only one is); WebKitGTK's
# WebKitWebDriver speaks the protocol the runner's Safari mode sends, and starts MiniBrowser,
# which needs a display: xvfb-run gives it one.
step_browser() {
  # Every tests/*.rs that is compiled only for wasm32 is a browser test.
  local tests=() f engine t0 driver=() wrap=()
  for f in $(grep -l '^#!\[cfg(target_arch = "wasm32")\]' tests/*.rs); do
    tests+=(--test "$(basename "$f" .rs)")
  done
  for engine in $APILESS_ENGINES; do
    case $engine in
      chromium) driver=(CHROMEDRIVER=/usr/bin/chromedriver) wrap=() ;;
      firefox) driver=(GECKODRIVER="$(command -v geckodriver)") wrap=() ;;
      webkit) driver=(SAFARIDRIVER="$(command -v WebKitWebDriver)") wrap=(xvfb-run -a) ;;
      *) echo "APILESS_ENGINES: no engine '$engine' (chromium firefox webkit)" >&2; return 2 ;;
    esac
    echo "--- browser tests in $engine"
    t0=$SECONDS
    env -u CHROMEDRIVER -u GECKODRIVER -u SAFARIDRIVER "${driver[@]}" \
      APILESS_TEST_ENDPOINT="http://127.0.0.1:$port" APILESS_FAULT_ENDPOINT="http://127.0.0.1:$fault_port" \
      WASM_BINDGEN_TEST_TIMEOUT=180 \
      "${wrap[@]}" cargo test --target wasm32-unknown-unknown "${tests[@]}" -- --nocapture
    timings+=("$(printf '%-22s %4d s' "browser/$engine" $((SECONDS - t0)))")
  done
  faults_summary
  faults_stop
}
step_package() { python3 tools/build.py --profile release; }
step_types() {
  node tools/node_modules/typescript/bin/tsc -p tests/ts-app
  node tools/checks.mjs no-any
}
# The API reference from the package's types, and what npm would publish (tools/reference.mjs).
step_docs() { node tools/reference.mjs; }
step_smoke() { node tools/checks.mjs smoke "$config"; }
# Redirect sign-in leaves the page, which a wasm-bindgen-test page cannot survive: Playwright's
# Chromium drives it from Node (tools/redirect-check.mjs).
step_redirect() { node tools/redirect-check.mjs "$config"; }
# DynamoDB values against @aws-sdk/util-dynamodb, in the packaged wasm (Playwright traps SIGTERM).
step_oracle() { timeout -s KILL 600 node tools/dynamodb-oracle.mjs "$config"; }
# Passkeys with a WebAuthn virtual authenticator (DevTools protocol), in the packaged wasm.
step_passkeys() { timeout -s KILL 300 node tools/passkeys.mjs "$config"; }
step_pack-app() { bash tools/pack-test.sh "$config" ${APILESS_APPS:-}; }
step_demo-build() {
  (cd www && APILESS_CONFIG=$config node node_modules/vite/bin/vite.js build --logLevel warn)
}
step_demo-e2e() { node tools/checks.mjs e2e "$config"; }
# The benchmark harness, once and quickly, so that it cannot rot; no time is checked.
step_bench-smoke() { bash bench/smoke.sh "$config"; }
step_secrets() {
  faults_stop
  backend_stop
  python3 tools/secrets-check.py --self-test
  python3 tools/secrets-check.py --secrets target/secrets.log --config "$config" \
    --storage target/demo-storage.jsonl --storage target/two-tabs-storage.jsonl \
    target/test-output.log target/demo-console.log
}
# Printed at the very end of the run (after the timings and figures); printed at once on failure.
step_size() { node tools/size.mjs > target/size.txt || { cat target/size.txt; return 1; }; }

declare -A ran=()
timings=()
run() {
  local name=$1 need t0
  [ -z "${ran[$name]:-}" ] || return 0
  ran[$name]=1
  for need in ${needs[$name]:-}; do run "$need"; done
  t0=$SECONDS
  echo
  echo "=== $name"
  "step_$name"
  timings+=("$(printf '%-22s %4d s' "$name" $((SECONDS - t0)))")
}

report() {
  echo
  echo "=== timings"
  printf '%s\n' "${timings[@]}"
  local figures
  figures=$(
    grep -h -E '^(property figures|fault proxy:|secrets-check:|build tools self-test:|dynamodb oracle:|passkeys:|docs:)' "$log" || true
    awk '/^test result: ok\./ { n += $4 } END { if (n) print "Rust tests passed (native and browser): " n }' "$log"
    grep -h -E '^[0-9]+ passed' "$log" | sed 's/^/backend self-test: /' || true
  )
  if [ -n "$figures" ]; then
    echo
    echo "=== figures"
    echo "$figures"
  fi
  if [ -n "${ran[size]:-}" ]; then
    echo
    cat target/size.txt
  fi
}

run setup
for name in "${steps[@]}"; do run "$name"; done
faults_stop
backend_stop
report
