// The job of every app in tests/apps (see its README), here in React built by Vite with no config.
import { createRoot } from "react-dom/client";
import { useEffect, useState } from "react";
import { createClient, version } from "apiless";
import { useSession } from "apiless/react";

async function job(setAws) {
  const { users, table, bucket, indexes, ...config } = await (await fetch("/config.json")).json();
  const nonce = new URLSearchParams(location.search).get("nonce");
  const aws = await createClient({ ...config, storage: "memory" });
  setAws(aws);
  const { username, password } = users.find((u) => u.username === "alice");
  const { signedIn } = await aws.auth.signIn({ username, password });
  const items = aws.db(table);
  await items.put({ sk: "app-vite", text: nonce });
  const item = await items.get("app-vite");
  return { app: "vite", version: version(), signedIn, identityId: await aws.identityId(), item };
}

function App() {
  const [aws, setAws] = useState(null);
  const [outcome, setOutcome] = useState(null);
  const { user } = useSession(aws);
  useEffect(() => {
    job(setAws).then((r) => setOutcome({ id: "result", r }), (e) => setOutcome({ id: "error", text: `${e.name}: ${e.message}` }));
  }, []);
  if (!outcome) return <p>loading</p>;
  // The user comes from useSession: it re-rendered when alice signed in.
  const text = outcome.text ?? JSON.stringify({ ...outcome.r, user: user?.username });
  return <pre id={outcome.id}>{text}</pre>;
}

createRoot(document.getElementById("root")).render(<App />);
