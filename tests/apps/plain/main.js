// The job of every app in tests/apps (see its README), here loaded by a plain <script type="module">, no bundler.
import { createClient, version } from "apiless";

async function job() {
  const { users, table, bucket, indexes, ...config } = await (await fetch("/config.json")).json();
  const nonce = new URLSearchParams(location.search).get("nonce");
  const aws = await createClient({ ...config, storage: "memory" });
  const { username, password } = users.find((u) => u.username === "alice");
  const { signedIn } = await aws.auth.signIn({ username, password });
  const items = aws.db(table);
  await items.put({ sk: "app-plain", text: nonce });
  const item = await items.get("app-plain");
  const user = aws.auth.currentUser()?.username;
  return { app: "plain", version: version(), signedIn, user, identityId: await aws.identityId(), item };
}

function show(id, text) {
  document.body.append(Object.assign(document.createElement("pre"), { id, textContent: text }));
}

job().then((r) => show("result", JSON.stringify(r)), (e) => show("error", `${e.name}: ${e.message}`));
