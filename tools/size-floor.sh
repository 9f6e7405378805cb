#!/usr/bin/env bash
# Prints what the crate's pure cores weigh alone, as a package without the js module.
#
# tools/size-floor/ exports SRP, SigV4, DynamoDB and S3 request building and reading, errors and
# token claims, over the crate without its `js` feature (src/js: the session's JS face, storage
# events and JS objects). Same release profile, wasm-bindgen, wasm-opt and short names as the
# package.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/size-floor
rm -rf "$out/pkg"
# The size-floor crate's lock is a copy of the package's, so both build the same versions.
cp Cargo.lock tools/size-floor/Cargo.lock
(cd tools/size-floor && CARGO_TARGET_DIR="../../$out/target" cargo build --release --target wasm32-unknown-unknown --quiet)
wasm-bindgen "$out/target/wasm32-unknown-unknown/release/apiless_size_floor.wasm" --out-dir "$out/pkg" --target web
python3 - "$out/pkg" <<'PY'
# The package build's own wasm-opt (npm's binaryen, checked), arguments, short names and sizes.
import sys, pathlib
sys.path.insert(0, "tools")
import build, wasm_names
out, stem = pathlib.Path(sys.argv[1]), "apiless_size_floor"
args = build.load_settings("wasm-pack.toml", "release")[1]["wasm-opt"]
wasm = out / f"{stem}_bg.wasm"
build.run([build.wasm_opt_binary(), *args, wasm, "-o", wasm])
wasm_names.shorten(out, stem)
for name, raw, gz, _ in build.sizes(out, stem):
    print(f"size floor: {name:32} {raw:,} bytes, gzip {gz:,}")
PY
