#!/usr/bin/env python3
"""Builds the npm package from the settings in wasm-pack.toml.

wasm-pack reads no wasm-pack.toml, so this script is the build that does: it runs cargo for
wasm32-unknown-unknown, wasm-bindgen at the version pinned in Cargo.lock, wasm-opt from the npm
package `binaryen`, then lays pkg-template/ around the output and writes package.json.

    python3 tools/build.py [--profile release|dev] [--config wasm-pack.toml]

Prints the package's sizes (raw, gzip, brotli when available) as its last lines.
"""

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import wasm_names

ROOT = Path(__file__).resolve().parent.parent
TARGET = "wasm32-unknown-unknown"
TARGETS = {"web", "bundler", "nodejs", "no-modules", "deno", "experimental-nodejs-module"}


def fail(message):
    print(f"build: {message}", file=sys.stderr)
    sys.exit(1)


def load_settings(path, profile):
    """Reads and checks wasm-pack.toml; returns the package table and the chosen profile."""
    try:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        fail(f"cannot read {path}: {e}")
    package = doc.get("package", {})
    settings = doc.get("profile", {}).get(profile)
    if settings is None:
        fail(f"{path} has no [profile.{profile}]")
    name = package.get("name", "")
    scope = package.get("scope", "")
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name):
        fail(f"{path}: package.name {name!r} is not a valid npm package name")
    if scope and not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", scope):
        fail(f"{path}: package.scope {scope!r} is not a valid npm scope (no '@')")
    if package.get("target", "web") not in TARGETS:
        fail(f"{path}: package.target must be one of {sorted(TARGETS)}")
    wasm_opt = settings.get("wasm-opt", False)
    if wasm_opt is not False and not (isinstance(wasm_opt, list) and all(isinstance(a, str) for a in wasm_opt)):
        fail(f"{path}: profile.{profile}.wasm-opt must be false or a list of arguments")
    short = settings.get("short-names", False)
    if not isinstance(short, bool):
        fail(f"{path}: profile.{profile}.short-names must be true or false")
    if short and package.get("target", "web") != "web":
        fail(f"{path}: profile.{profile}.short-names works on --target web glue only")
    return package, settings


def run(cmd, **kw):
    print("+ " + " ".join(str(c) for c in cmd), flush=True)
    result = subprocess.run(cmd, **kw)
    if result.returncode != 0:
        fail(f"{cmd[0]} exited with {result.returncode}")


def crate_version():
    with open(ROOT / "Cargo.toml", "rb") as f:
        return tomllib.load(f)["package"]["version"]


def wasm_opt_binary():
    """The wasm-opt of the npm package binaryen; refuses Debian's broken one."""
    path = ROOT / "tools" / "node_modules" / ".bin" / "wasm-opt"
    if not path.exists():
        fail("wasm-opt from npm's binaryen is missing: run tools/setup.sh")
    out = subprocess.run([path, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"version (\d+)", out)
    if not m or int(m.group(1)) < 116:
        fail(f"{path} is {out.strip()!r}; binaryen 116 or newer is needed")
    return path


def build_paths():
    """(path, alias) pairs of the build machine's directories, most specific last (rustc
    applies the last matching --remap-path-prefix)."""
    home = Path.home()
    cargo_home = Path(os.environ.get("CARGO_HOME") or home / ".cargo")
    pairs = [(home, "/home"), (ROOT, "/apiless"), (cargo_home, "/cargo")]
    # Each registry's sources (`registry/src/index.crates.io-<hash>`) as just `crates`: the
    # shortest text that still names the crate and file of a panic.
    registries = cargo_home / "registry" / "src"
    if registries.is_dir():
        pairs += [(d, "crates") for d in sorted(registries.iterdir()) if d.is_dir()]
    return [(str(p.resolve()), alias) for p, alias in pairs if len(str(p.resolve())) > 1]


def check_no_build_paths(wasm):
    """Fails when the wasm names one of the build machine's directories."""
    data = wasm.read_bytes()
    for path, _ in build_paths():
        if (path + "/").encode() in data:
            fail(f"{wasm.name} holds the build machine's path {path}/ (panic locations?)")
    if b"/.cargo/registry/" in data:
        fail(f"{wasm.name} holds a cargo registry path (panic locations?)")


def sizes(out_dir, stem):
    """Raw, gzip and brotli sizes of the wasm and of the JS glue."""
    try:
        import brotli  # optional: present in the backend venv
    except ImportError:
        brotli = None
    rows = []
    for name in (f"{stem}_bg.wasm", f"{stem}.js"):
        data = (out_dir / name).read_bytes()
        gz = len(gzip.compress(data, compresslevel=9, mtime=0))
        br = len(brotli.compress(data, quality=11)) if brotli else None
        rows.append((name, len(data), gz, br))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="release", choices=["release", "dev"])
    parser.add_argument("--config", default=str(ROOT / "wasm-pack.toml"))
    args = parser.parse_args()

    package, settings = load_settings(args.config, args.profile)
    cargo_profile = settings.get("cargo-profile", args.profile)
    out_dir = ROOT / package.get("out-dir", "pkg")
    target = package.get("target", "web")
    stem = "apiless"  # the crate's name: wasm-bindgen names the files after it

    cargo = ["cargo", "build", "--lib", "--target", TARGET, "--profile", cargo_profile]
    env = dict(os.environ)
    if cargo_profile != "dev":
        # Panic locations name the source files of every crate; keep the build machine's paths
        # (home, cargo registry, checkout) out of the shipped wasm. Only this build gets the
        # flags (constant per machine, so it stays cached); test builds are left alone.
        remap = [f"--remap-path-prefix={path}={alias}" for path, alias in build_paths()]
        if env.get("RUSTFLAGS"):
            env["RUSTFLAGS"] += " " + " ".join(remap)
        else:
            cargo += ["--config", f"target.{TARGET}.rustflags={json.dumps(remap)}"]
    run(cargo, cwd=ROOT, env=env)
    profile_dir = "debug" if cargo_profile == "dev" else cargo_profile
    target_dir = Path(env.get("CARGO_TARGET_DIR") or ROOT / "target")
    wasm = (ROOT / target_dir) / TARGET / profile_dir / f"{stem}.wasm"

    if out_dir.exists():
        shutil.rmtree(out_dir)
    bindgen = ["wasm-bindgen", wasm, "--out-dir", out_dir, "--target", target, "--out-name", stem]
    if settings.get("debug-js-glue", False):
        bindgen.append("--debug")
    run(bindgen)
    strip_doc_comments(out_dir / f"{stem}.js")
    for snippet in sorted((out_dir / "snippets").glob("**/*.js")):
        strip_line_comments(snippet)

    wasm_opt = settings.get("wasm-opt", False)
    if wasm_opt:
        out_wasm = out_dir / f"{stem}_bg.wasm"
        run([wasm_opt_binary(), *wasm_opt, out_wasm, "-o", out_wasm])

    if cargo_profile != "dev":
        check_no_build_paths(out_dir / f"{stem}_bg.wasm")

    if settings.get("short-names", False):
        try:
            renamed = wasm_names.shorten(out_dir, stem)
        except wasm_names.Refused as e:
            fail(f"short-names: {e}")
        print(f"short names: {renamed[0]} imports, {renamed[1]} exports")

    # pkg-template/: copied as is, but package.json gets its name, version and file names here.
    template = ROOT / "pkg-template"
    for item in template.iterdir():
        if item.name == "package.json":
            continue
        dest = out_dir / item.name
        if item.is_dir():
            shutil.copytree(item, dest)
        else:
            shutil.copy2(item, dest)
    manifest = json.loads((template / "package.json").read_text())
    ship_snippet_once(out_dir, manifest)
    scope = package.get("scope", "")
    manifest["name"] = f"@{scope}/{package['name']}" if scope else package["name"]
    manifest["version"] = crate_version()
    (out_dir / "package.json").write_text(json.dumps(manifest, indent=2) + "\n")
    (out_dir / ".gitignore").unlink(missing_ok=True)

    print(f"built {manifest['name']}@{manifest['version']} ({args.profile}, --target {target}) in {out_dir.relative_to(ROOT)}/")
    for name, raw, gz, br in sizes(out_dir, stem):
        brs = f", brotli {br:,}" if br is not None else ""
        print(f"  {name}: {raw:,} bytes, gzip {gz:,}{brs}")


DOC_COMMENT = re.compile(r"^[ \t]*/\*\*.*?\*/[ \t]*\n", re.MULTILINE | re.DOTALL)


def strip_doc_comments(glue):
    """Drops the JSDoc blocks wasm-bindgen copies from the Rust doc comments into the JS glue:
    the reference lives in the .d.ts (where editors and typedoc read it), and in the glue every
    page would download it (the API docs with their examples are about 3.8 KB gzip). Only blocks
    that start a line go: nothing inside a string literal, and not `/* @ts-self-types */`."""
    text = glue.read_text()
    glue.write_text(DOC_COMMENT.sub("", text))


LINE_COMMENT = re.compile(r"^[ \t]*//[^\n]*\n", re.MULTILINE)


def strip_line_comments(snippet):
    """Drops the lines of a hand-written snippet (src/host.js, pkg-template/number.js) that are
    only a `//` comment: they explain the code to us, and every page would download them (host.js
    went from 6.3 to 4.1 KB gzip). A comment after code on its line stays. A line can start with
    `//` inside a string only if the string spans lines, so a snippet with a template literal or
    a line continued by a backslash is refused: that one needs a JavaScript parser instead."""
    text = snippet.read_text()
    code = LINE_COMMENT.sub("", text)
    if "`" in code or re.search(r"\\\n", code):
        fail(f"{snippet.name}: a string may span lines (a template literal or a line ending in \\), "
             "so its comments cannot be told from its text line by line")
    snippet.write_text(code)


def ship_snippet_once(out_dir, manifest):
    """A pkg-template/ file the wasm imports too (`module = "/pkg-template/x.js"`) is written by
    wasm-bindgen under snippets/: the entry point then imports that copy and the template's own
    is dropped, so a page loads the class once and `instanceof` needs no shared brand."""
    for snippet in sorted((out_dir / "snippets").glob("*/pkg-template/*.js")):
        name = snippet.name
        relative = snippet.relative_to(out_dir).as_posix()
        entry = out_dir / "index.js"
        text = entry.read_text()
        quoted = f'"./{name}"'
        if quoted not in text:
            fail(f"the wasm imports pkg-template/{name}, but index.js does not")
        entry.write_text(text.replace(quoted, f'"./{relative}"'))
        (out_dir / name).unlink()
        manifest["files"] = [f for f in manifest["files"] if f != name]


if __name__ == "__main__":
    main()
