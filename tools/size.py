#!/usr/bin/env python3
"""Prints the size of the built package (pkg/): the wasm and the JS glue, raw and gzipped."""

import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build import ROOT, sizes  # noqa: E402

with open(ROOT / "wasm-pack.toml", "rb") as f:
    out_dir = ROOT / tomllib.load(f)["package"].get("out-dir", "pkg")
rows = sizes(out_dir, "apiless")
total_raw = sum(r[1] for r in rows)
total_gz = sum(r[2] for r in rows)
for name, raw, gz, br in rows:
    brs = f", brotli {br:,}" if br is not None else ""
    print(f"package size: {name} {raw:,} bytes, gzip {gz:,}{brs}")
print(f"package size: wasm + js {total_raw:,} bytes, gzip {total_gz:,}")
