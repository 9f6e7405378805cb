#!/usr/bin/env bash
# make bench: the side-by-side benchmarks (bench/run.mjs) against a local backend, to BENCHMARKS.md.
#
# The benchmarks of issue #6; starts and stops its own backend. Not part of `make test`, which
# runs only the one-round smoke (bench/smoke.sh).
#
#   APILESS_BENCH_PORT   backend port (default 4568)
#   extra arguments go to bench/run.mjs (e.g. --rounds 5; the default is 15)
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/backend.sh
port=${APILESS_BENCH_PORT:-4568}
config=.apiless/bench.json
trap backend_stop EXIT
trap 'exit 130' INT TERM

# The command as typed, for BENCHMARKS.md.
if [ -n "${MAKELEVEL:-}" ]; then
  command="make bench"
else
  command="bench/bench.sh${*:+ $*}"
fi
[ -z "${APILESS_BENCH_PORT:-}" ] || command="APILESS_BENCH_PORT=$APILESS_BENCH_PORT $command"
export APILESS_BENCH_COMMAND=${APILESS_BENCH_COMMAND:-$command}

tools/setup.sh
python3 tools/build.py --profile release
bench/build-signer.sh
# The sign-in rows measure the sign-in protocol of a pool that does not track devices (the
# template with TrackDevices=false); with tracking, every stack adds ConfirmDevice, or the device's
# two challenges (make test's bench-smoke runs against such a pool and prints it).
APILESS_TRACK_DEVICES=false backend_start "$port" "$config" target/backend-bench.log
node bench/run.mjs --config "$config" --write BENCHMARKS.md "$@"
