#!/bin/bash
# What the crate's pure cores weigh alone: tools/size-floor/ exports SRP, SigV4, DynamoDB and S3
# request building and reading, errors and token claims, over a copy of src/ without js.rs (the
# session, fetch, storage and JS objects all hang from it). Same release profile, wasm-bindgen,
# wasm-opt and short names as the package. Prints the sizes; checks nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/size-floor
rm -rf "$out/crate" "$out/pkg"
mkdir -p "$out/crate"
cp -r src Cargo.lock "$out/crate/"
# The crate without its examples, tests and the js module.
sed '/^\[\[example\]\]/,/^crate-type/d; /^\[\[test\]\]/,/^harness/d' Cargo.toml > "$out/crate/Cargo.toml"
sed -i 's/^pub mod js;$//' "$out/crate/src/lib.rs"
cp Cargo.lock tools/size-floor/Cargo.lock
(cd tools/size-floor && CARGO_TARGET_DIR="../../$out/target" cargo build --release --target wasm32-unknown-unknown --quiet)
wasm-bindgen "$out/target/wasm32-unknown-unknown/release/apiless_size_floor.wasm" --out-dir "$out/pkg" --target web
python3 - "$out/pkg" <<'PY'
import sys, tomllib, pathlib, subprocess, gzip
sys.path.insert(0, "tools")
import wasm_names
out = pathlib.Path(sys.argv[1])
args = tomllib.load(open("wasm-pack.toml", "rb"))["profile"]["release"]["wasm-opt"]
wasm = out / "apiless_size_floor_bg.wasm"
subprocess.run(["tools/node_modules/.bin/wasm-opt", *args, wasm, "-o", wasm], check=True)
wasm_names.shorten(out, "apiless_size_floor")
for f in (wasm, out / "apiless_size_floor.js"):
    data = f.read_bytes()
    print(f"size floor: {f.name:32} {len(data):,} bytes, gzip {len(gzip.compress(data, 9)):,}")
PY
