#!/usr/bin/env bash
# make pack-app: the npm package as a user gets it, in a fresh Vite + React app loaded in Chromium.
#
# `npm pack` of pkg/, installed into an app made here, built with no Vite plugin and no Vite
# config; tools/checks.mjs app then loads it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/pack
rm -rf "$out" && mkdir -p "$out/app/src"
tarball=$(cd pkg && npm pack --silent --pack-destination "../$out")
echo "packed $tarball: $(tar -tzf "$out/$tarball" | sed 's|^package/||' | tr '\n' ' ')"

cd "$out/app"
cat > package.json <<JSON
{ "name": "fresh-app", "private": true, "type": "module" }
JSON
cat > index.html <<'HTML'
<!doctype html>
<html><body><div id="root"></div><script type="module" src="/src/main.jsx"></script></body></html>
HTML
cat > src/main.jsx <<'JSX'
import { createRoot } from "react-dom/client";
import { useEffect, useState } from "react";
import { createClient, version } from "apiless";
import { useSession } from "apiless/react";

function App() {
  const [aws, setAws] = useState(null);
  const [error, setError] = useState(null);
  const { signedIn } = useSession(aws);
  useEffect(() => {
    createClient({ region: "us-east-1", userPoolId: "us-east-1_AbC123", userPoolClientId: "client1", storage: "memory" })
      .then(setAws, (e) => setError(`${e.name}: ${e.message}`));
  }, []);
  if (error) return <p id="error">{error}</p>;
  return aws ? <p id="ready">apiless {version()} ready, signed in: {String(signedIn)}</p> : <p>loading</p>;
}
createRoot(document.getElementById("root")).render(<App />);
JSX
npm install --no-audit --no-fund --loglevel=error "../$tarball" react@19.3.1 react-dom@19.3.1 vite@8.3.8 >/dev/null
node node_modules/vite/bin/vite.js build --logLevel warn
ls dist/assets | grep -q '\.wasm$' || { echo "pack test: the built app has no .wasm asset" >&2; exit 1; }
cd - >/dev/null
node tools/checks.mjs app "$out/app/dist" "#ready" "apiless .* ready, signed in: false"
