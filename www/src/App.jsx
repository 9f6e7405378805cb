import { useEffect, useState } from "react";
import init, { version, validateConfig } from "apiless";

// Injected by vite.config.js from the backend's config file.
const config = __APILESS_CONFIG__;

export function App() {
  const [state, setState] = useState({ status: "loading" });

  useEffect(() => {
    init()
      .then(() => {
        const { demoUsers, table, bucket, ...clientConfig } = config;
        setState({ status: "ready", version: version(), validated: validateConfig(clientConfig) });
      })
      .catch((e) => setState({ status: "failed", error: `${e.name}: ${e.message}` }));
  }, []);

  return (
    <main>
      <h1>apiless demo</h1>
      {state.status === "loading" && <p>Loading the package…</p>}
      {state.status === "failed" && <p className="error" data-testid="error">{state.error}</p>}
      {state.status === "ready" && (
        <>
          <p className="ok" data-testid="ready">
            apiless {state.version} loaded; the config below validated.
          </p>
          <h2>Backend</h2>
          <pre data-testid="config">{JSON.stringify({ ...state.validated, table: config.table, bucket: config.bucket }, null, 2)}</pre>
          {config.demoUsers.length > 0 && (
            <p>
              Demo users: {config.demoUsers.map((u) => <code key={u.username}>{u.username} / {u.password} </code>)}
            </p>
          )}
          <p>Sign-in, credentials and the DynamoDB and S3 buttons arrive with the next issues.</p>
        </>
      )}
    </main>
  );
}
