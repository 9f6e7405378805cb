# Sourced by tools/test.sh and tools/demo.sh: starts the local backend in the background and
# stops it by PID on exit.
#
#   backend_start PORT CONFIG_JSON LOG   sets BACKEND_PID; returns when the backend is ready
#   backend_stop                         SIGTERM, then SIGKILL after 10 s

BACKEND_PID=""

backend_start() {
  local port=$1 config=$2 log=$3 deadline
  mkdir -p "$(dirname "$log")"
  : > "$log"
  APILESS_BACKEND_PORT=$port APILESS_LOCAL_JSON=$config \
    .apiless/venv/bin/python -u backend/serve.py > "$log" 2>&1 &
  BACKEND_PID=$!
  deadline=$((SECONDS + 60))
  until grep -q "apiless backend ready" "$log"; do
    if ! kill -0 "$BACKEND_PID" 2>/dev/null; then
      echo "backend: failed to start; its output:" >&2
      cat "$log" >&2
      BACKEND_PID=""
      return 1
    fi
    if [ $SECONDS -ge $deadline ]; then
      echo "backend: not ready after 60 s; its output:" >&2
      cat "$log" >&2
      backend_stop
      return 1
    fi
    sleep 0.2
  done
  grep "apiless backend ready" "$log"
}

backend_stop() {
  [ -n "$BACKEND_PID" ] || return 0
  if kill -0 "$BACKEND_PID" 2>/dev/null; then
    kill -TERM "$BACKEND_PID" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$BACKEND_PID" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$BACKEND_PID" 2>/dev/null || true
  fi
  wait "$BACKEND_PID" 2>/dev/null || true
  BACKEND_PID=""
}
