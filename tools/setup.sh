#!/usr/bin/env bash
# Installs what the build, the tests and the demo need, each piece only when it is missing.
#
# On a ready machine this takes a second or two. Safe to run on every command.
#
#   rustup target wasm32-unknown-unknown       (rustup)
#   chromium, chromium-driver                  (Debian packages)
#   firefox-esr, webkit2gtk-driver, xvfb       (Debian packages: Firefox, WebKitGTK's
#                                              WebKitWebDriver and MiniBrowser, a display for it)
#   geckodriver                                (cargo install: Firefox's WebDriver server)
#   wasm-bindgen-cli == wasm-bindgen in Cargo.lock   (cargo install; must match exactly)
#   tools/node_modules: binaryen (wasm-opt), playwright-core, typescript, fast-check and
#                       @aws-sdk/util-dynamodb (the values oracle), eslint   (npm ci)
#   www/node_modules: vite, react              (npm ci)
#   bench/node_modules: the peer SDKs, esbuild  (npm ci)
#   .apiless/venv: ministack and the backend's Python packages, cfn-lint, ruff (backend/requirements.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
start_ns=$(date +%s%N)

say() { echo "setup: $*"; }
stamp_of() { sha256sum "$1" | cut -d' ' -f1; }

# Rust's wasm target.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# Debian's Chromium and its driver (same version by construction).
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing Debian's chromium and chromium-driver"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# Firefox ESR, and WebKitGTK's WebDriver server (it brings MiniBrowser) with Xvfb for a display.
if ! command -v firefox-esr >/dev/null || ! command -v WebKitWebDriver >/dev/null || ! command -v xvfb-run >/dev/null; then
  say "installing Debian's firefox-esr, webkit2gtk-driver and xvfb"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq firefox-esr webkit2gtk-driver xvfb >/dev/null
fi

# geckodriver, Firefox's WebDriver server, from crates.io (Debian has no package of it).
if ! command -v geckodriver >/dev/null; then
  say "installing geckodriver (cargo install); this takes a few minutes once"
  cargo install geckodriver --version 0.37.1 --locked
fi

# wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$want" ] || { echo "setup: cannot read wasm-bindgen's version from Cargo.lock" >&2; exit 1; }
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
have_runner=$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ] || [ "$have_runner" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (found '${have:-none}'); this takes a few minutes once"
  # Not --locked: the 0.2.130 lockfile names a webpki-roots release missing from the index.
  cargo install wasm-bindgen-cli --version "=$want" --force
fi

# npm dependencies, reinstalled when the lockfile changes.
for dir in tools www bench; do
  lock="$dir/package-lock.json"
  mark="$dir/node_modules/.apiless-lock.sha256"
  if [ ! -f "$mark" ] || [ "$(cat "$mark")" != "$(stamp_of "$lock")" ]; then
    say "npm ci in $dir/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    stamp_of "$lock" > "$mark"
  fi
done

# The backend's Python environment, rebuilt when its requirements change.
venv=.apiless/venv
mark="$venv/.requirements.sha256"
if [ ! -f "$mark" ] || [ "$(cat "$mark")" != "$(stamp_of backend/requirements.txt)" ]; then
  say "creating the backend's Python environment in $venv"
  rm -rf "$venv"
  mkdir -p .apiless
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r backend/requirements.txt
  stamp_of backend/requirements.txt > "$mark"
fi

# Never let Debian's wasm-opt (108) be the one a tool finds first; ours is called by path.
if command -v wasm-opt >/dev/null && [ "$(command -v wasm-opt)" = /usr/bin/wasm-opt ]; then
  say "warning: /usr/bin/wasm-opt (Debian's binaryen) is on PATH; the build ignores it"
fi

elapsed_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
say "ready in $((elapsed_ms / 1000)).$(printf %03d $((elapsed_ms % 1000))) s"
