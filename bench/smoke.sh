#!/usr/bin/env bash
# make bench-smoke: every row of bench/run.mjs and bench/scale.mjs once against a running backend;
# no time checked (the scale rows at small sizes: 500 items, 16 MiB).
#
# Few iterations, against an already running local backend. Fails only when the harness breaks (a stack throws,
# the whole job does not complete, a count or a figure is missing), never on a time: so that
# the harness cannot rot. Signs in as a fresh fixture user, never as the demo's users.
#
#   bench/smoke.sh CONFIG_JSON           the config the running backend wrote (e.g. .apiless/test.json)
#
# Uses pkg/ as it is (builds it only when missing) and builds the signer module
# (bench/build-signer.sh). Expects tools/setup.sh to have run.
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:?usage: bench/smoke.sh CONFIG_JSON (of a running local backend)}
[ -f pkg/apiless_bg.wasm ] || python3 tools/build.py --profile release
bench/build-signer.sh
node bench/run.mjs --config "$config" --smoke
node bench/scale.mjs --config "$config" --smoke
