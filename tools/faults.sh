# Sourced by tools/test.sh: starts the fault proxy (backend/faultproxy.py) in front of a running
# backend, for the browser tests in tests/faults.rs, and stops it by PID.
#
#   faults_start UPSTREAM_URL PORT LOG   sets FAULTS_PID; returns when the proxy is ready
#   faults_summary                       one line: cases run, faults injected (by kind), requests
#   faults_stop                          SIGTERM, then SIGKILL after 5 s
#
# The browser tests reach the proxy through APILESS_FAULT_ENDPOINT=http://127.0.0.1:PORT.

FAULTS_PID=""
FAULTS_PORT=""

faults_start() {
  local upstream=$1 port=$2 log=$3 deadline
  mkdir -p "$(dirname "$log")"
  : > "$log"
  .apiless/venv/bin/python -u backend/faultproxy.py "$upstream" "$port" > "$log" 2>&1 &
  FAULTS_PID=$!
  FAULTS_PORT=$port
  deadline=$((SECONDS + 20))
  until grep -q "apiless fault proxy ready" "$log"; do
    if ! kill -0 "$FAULTS_PID" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      echo "fault proxy: failed to start; its output:" >&2
      cat "$log" >&2
      faults_stop
      return 1
    fi
    sleep 0.1
  done
  grep "apiless fault proxy ready" "$log"
}

faults_summary() {
  [ -n "$FAULTS_PID" ] || return 0
  .apiless/venv/bin/python - "$FAULTS_PORT" <<'EOF'
import json, sys, urllib.request
s = json.load(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/_fault/stats", timeout=5))
kinds = ", ".join(f"{k} {v}" for k, v in s["injected"].items()) or "none"
print(f"fault proxy: {s['cases']} fault cases, {s['injectedTotal']} faults injected ({kinds}), "
      f"{s['requests']} requests through the proxy")
EOF
}

faults_stop() {
  [ -n "$FAULTS_PID" ] || return 0
  if kill -0 "$FAULTS_PID" 2>/dev/null; then
    kill -TERM "$FAULTS_PID" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$FAULTS_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$FAULTS_PID" 2>/dev/null || true
  fi
  wait "$FAULTS_PID" 2>/dev/null || true
  FAULTS_PID=""
}
