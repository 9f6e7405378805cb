"use client";
// The job of every app in tests/apps (see its README), here in a Next.js client component. The
// server renders it too (apiless is imported there), but only the effect, in the browser, calls it.
import { useEffect, useState } from "react";
import { createClient, version } from "apiless";

async function job() {
  const { users, table, bucket, indexes, ...config } = await (await fetch("/config.json")).json();
  const nonce = new URLSearchParams(location.search).get("nonce");
  const aws = await createClient({ ...config, storage: "memory" });
  const { username, password } = users.find((u) => u.username === "alice");
  const { signedIn } = await aws.auth.signIn({ username, password });
  const items = aws.db(table);
  await items.put({ sk: "app-next", text: nonce });
  const item = await items.get("app-next");
  const user = aws.auth.currentUser()?.username;
  return { app: "next", version: version(), signedIn, user, identityId: await aws.identityId(), item };
}

export default function Job() {
  const [outcome, setOutcome] = useState(null);
  useEffect(() => {
    job().then((r) => setOutcome({ id: "result", text: JSON.stringify(r) }), (e) => setOutcome({ id: "error", text: `${e.name}: ${e.message}` }));
  }, []);
  return outcome ? <pre id={outcome.id}>{outcome.text}</pre> : <p>loading</p>;
}
