#!/usr/bin/env bash
# make bench: the side-by-side benchmarks (bench/run.mjs) against a local backend, to BENCHMARKS.md.
#
# The benchmarks of issue #6; starts and stops its own backend. Not part of `make test`, which
# runs only the one-round smoke (bench/smoke.sh).
#
#   APILESS_BENCH_PORT   backend port (default 4568)
#   APILESS_BENCH_ROWS   which rows, comma-separated (default job,queryAll,upload): `job` is every
#                        row of bench/run.mjs (the whole job), `queryAll` and `upload` the scale rows
#                        of bench/scale.mjs; BENCHMARKS.md gets the parts that ran, the rest kept
#   extra arguments go to both harnesses (e.g. --rounds 5; the defaults are 15 for the whole job,
#   3 for the scale rows)
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
[ -z "${APILESS_BENCH_ROWS:-}" ] || command="APILESS_BENCH_ROWS=$APILESS_BENCH_ROWS $command"
[ -z "${APILESS_BENCH_PORT:-}" ] || command="APILESS_BENCH_PORT=$APILESS_BENCH_PORT $command"
export APILESS_BENCH_COMMAND=${APILESS_BENCH_COMMAND:-$command}

tools/setup.sh
python3 tools/build.py --profile release
bench/build-signer.sh
# The sign-in rows measure the sign-in protocol of a pool that does not track devices (the
# template with TrackDevices=false); with tracking, every stack adds ConfirmDevice, or the device's
# two challenges (make test's bench-smoke runs against such a pool and prints it).
APILESS_TRACK_DEVICES=false backend_start "$port" "$config" target/backend-bench.log
rows=",${APILESS_BENCH_ROWS:-job,queryAll,upload},"
scale=$(echo "$rows" | tr ',' '\n' | grep -vx -e job -e '' | paste -sd, - || true)
case $rows in *,job,*) node bench/run.mjs --config "$config" --write BENCHMARKS.md "$@" ;; esac
[ -z "$scale" ] || node bench/scale.mjs --config "$config" --write BENCHMARKS.md --rows "$scale" "$@"
