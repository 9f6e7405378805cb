// The job of every app in tests/apps (see its README), here built by esbuild with no plugin:
// esbuild keeps `new URL("apiless_bg.wasm", import.meta.url)` as is, so the build copies the .wasm
// next to the bundle (package.json).
import { createClient, version } from "apiless";

async function job() {
  const { users, table, bucket, indexes, ...config } = await (await fetch("/config.json")).json();
  const nonce = new URLSearchParams(location.search).get("nonce");
  const aws = await createClient({ ...config, storage: "memory" });
  const { username, password } = users.find((u) => u.username === "alice");
  const { signedIn } = await aws.auth.signIn({ username, password });
  const items = aws.db(table);
  await items.put({ sk: "app-esbuild", text: nonce });
  const item = await items.get("app-esbuild");
  const user = aws.auth.currentUser()?.username;
  return { app: "esbuild", version: version(), signedIn, user, identityId: await aws.identityId(), item };
}

function show(id, text) {
  document.body.append(Object.assign(document.createElement("pre"), { id, textContent: text }));
}

job().then((r) => show("result", JSON.stringify(r)), (e) => show("error", `${e.name}: ${e.message}`));
