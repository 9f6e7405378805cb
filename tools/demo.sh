#!/usr/bin/env bash
# make demo: builds the package, starts the local backend and serves the demo (www/) on 127.0.0.1.
#
# Sets up what is missing first. No backend when APILESS_CONFIG names a real-AWS config file.
# Ctrl-C stops everything.
#
#   APILESS_BACKEND_PORT  local backend port (default 4566)
#   APILESS_DEMO_PORT     demo page port (default 5173)
#   APILESS_CONFIG        a config JSON for real AWS instead of the local backend
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/backend.sh

backend_port=${APILESS_BACKEND_PORT:-4566}
demo_port=${APILESS_DEMO_PORT:-5173}
trap backend_stop EXIT
trap 'exit 130' INT TERM

tools/setup.sh
python3 tools/build.py --profile release
if [ -z "${APILESS_CONFIG:-}" ]; then
  backend_start "$backend_port" .apiless/local.json target/backend-demo.log
fi

echo
echo "apiless demo: http://127.0.0.1:$demo_port/   (Ctrl-C stops the demo and the backend)"
echo
cd www
# Not exec: this shell stays to stop the backend when vite ends.
node node_modules/vite/bin/vite.js --host 127.0.0.1 --port "$demo_port" --strictPort &
vite_pid=$!
trap 'kill -TERM $vite_pid 2>/dev/null; wait $vite_pid 2>/dev/null; backend_stop' EXIT
wait $vite_pid
