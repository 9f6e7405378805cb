# Starts and stops the local backend and its fault proxy in the background (sourced, not run).
#
# Sourced by tools/test.sh, tools/demo.sh and bench/bench.sh; each process is stopped by its PID.
#
#   backend_start PORT CONFIG_JSON LOG     sets BACKEND_PID; returns when the backend is ready
#   backend_stop                           SIGTERM, then SIGKILL after 10 s
#   faults_start UPSTREAM_URL PORT LOG     the fault proxy (backend/faultproxy.py) in front of a
#                                          running backend, for tests/faults.rs; sets FAULTS_PID
#   faults_summary                         one line: cases run, faults injected (by kind), requests
#   faults_stop                            SIGTERM, then SIGKILL after 10 s
#
# The browser tests reach the proxy through APILESS_FAULT_ENDPOINT=http://127.0.0.1:PORT.

BACKEND_PID=""
FAULTS_PID=""
FAULTS_PORT=""

# proc_start VAR NAME READY_LINE TIMEOUT_S LOG CMD...: runs CMD in the background with its output
# in LOG, sets the variable named VAR to its PID, and returns once LOG holds READY_LINE (printing
# that line). If CMD exits or the time runs out first, prints LOG, stops CMD and returns 1.
proc_start() {
  local var=$1 name=$2 ready=$3 timeout=$4 log=$5 pid deadline
  shift 5
  mkdir -p "$(dirname "$log")"
  : > "$log"
  "$@" > "$log" 2>&1 &
  pid=$!
  printf -v "$var" %s "$pid"
  deadline=$((SECONDS + timeout))
  until grep -q "$ready" "$log"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name: failed to start; its output:" >&2
    elif [ $SECONDS -ge $deadline ]; then
      echo "$name: not ready after $timeout s; its output:" >&2
    else
      sleep 0.1
      continue
    fi
    cat "$log" >&2
    proc_stop "$var"
    return 1
  done
  grep "$ready" "$log"
}

# proc_stop VAR: SIGTERM to the PID in the variable named VAR, SIGKILL if it still runs after
# 10 s; then empties VAR. Does nothing when VAR is empty.
proc_stop() {
  local var=$1 pid=${!1}
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  printf -v "$var" %s ""
}

backend_start() {
  local port=$1 config=$2 log=$3
  APILESS_BACKEND_PORT=$port APILESS_LOCAL_JSON=$config \
    proc_start BACKEND_PID backend "apiless backend ready" 60 "$log" \
    .apiless/venv/bin/python -u backend/serve.py
}

backend_stop() { proc_stop BACKEND_PID; }

faults_start() {
  local upstream=$1 port=$2 log=$3
  FAULTS_PORT=$port
  proc_start FAULTS_PID "fault proxy" "apiless fault proxy ready" 20 "$log" \
    .apiless/venv/bin/python -u backend/faultproxy.py "$upstream" "$port"
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

faults_stop() { proc_stop FAULTS_PID; }
