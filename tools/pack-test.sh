#!/usr/bin/env bash
# make pack-app: the npm package as a user gets it, in the apps of tests/apps, one per bundler.
#
#   tools/pack-test.sh CONFIG.json [APP...]
#
# APP is a folder of tests/apps, or next-webpack: the Next.js app built by webpack instead of
# Turbopack (`next build --webpack`). Every one of them by default.
#
# `npm pack` of pkg/; then for each app: its pinned dependencies (`npm ci`, only when its
# package-lock.json changed since the last install), the tarball installed as a user would
# install it (`npm install <tarball>`, --no-save so the lockfile stays pinned), `npm run build`
# (the bundler, with no plugin for the wasm: tests/apps/README.md), and tools/checks.mjs app,
# which loads the build in Chromium against the running backend (CONFIG.json). Ends with the time
# each app took to install, build and check.
set -euo pipefail
cd "$(dirname "$0")/.."
config=$1
shift
apps=("$@")
[ $# -gt 0 ] || apps=(vite webpack rollup esbuild next next-webpack plain)

out=$PWD/target/pack
rm -rf "$out" && mkdir -p "$out"
tarball=$out/$(cd pkg && npm pack --silent --pack-destination "$out")
echo "packed $(basename "$tarball"): $(tar -tzf "$tarball" | sed 's|^package/||' | tr '\n' ' ')"

times=()
for name in "${apps[@]}"; do
  app=${name%-webpack}
  dir=tests/apps/$app
  script=build
  [ "$app" = "$name" ] || script=build:webpack
  [ -f "$dir/package.json" ] || { echo "pack-app: no app tests/apps/$name" >&2; exit 2; }
  echo "--- $name"
  t0=$SECONDS
  mark=$dir/node_modules/.apiless-lock.sha256
  lock=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$mark" ] || [ "$(cat "$mark")" != "$lock" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    mkdir -p "$dir/node_modules" && echo "$lock" > "$mark"
  fi
  (cd "$dir" && npm install --no-save --no-audit --no-fund --loglevel=error "$tarball" >/dev/null)
  t1=$SECONDS
  # Next.js's build cache takes node_modules/apiless for unchanged while its version is: a build
  # from it would test the package of an earlier run.
  rm -rf "$dir/.next"
  (cd "$dir" && npm run --silent "$script")
  t2=$SECONDS
  build=dist
  [ "$app" != next ] || build=out
  node tools/checks.mjs app "$name" "$dir/$build" "$config"
  times+=("$(printf '%-12s install %3d s, build %3d s, check %3d s' "$name" $((t1 - t0)) $((t2 - t1)) $((SECONDS - t2)))")
done
echo
echo "pack-app times:"
printf '  %s\n' "${times[@]}"
