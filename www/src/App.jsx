import { useEffect, useState } from "react";
import { createClient } from "apiless";
import { useSession } from "apiless/react";

// Injected by vite.config.js from the AWS config file (the local backend's by default).
const config = __APILESS_CONFIG__;
// Someone else's identity: what the "unauthorized" buttons try to reach.
const OTHER_ID = `${config.region}:00000000-0000-4000-8000-000000000000`;

/** An error as the page shows it: the AWS exception name and its message, never a stack. */
function describe(e) {
  return e && e.name ? `${e.name}: ${e.message}` : String(e);
}

export function App() {
  const [aws, setAws] = useState(null);
  const [failure, setFailure] = useState(null);
  const { user } = useSession(aws);

  useEffect(() => {
    const { demoUsers, table, bucket, indexes, ...clientConfig } = config;
    createClient(clientConfig).then(setAws, (e) => setFailure(describe(e)));
  }, []);

  return (
    <main>
      <h1>apiless demo</h1>
      <p className="muted">
        Cognito SRP sign-in, Identity Pool credentials and SigV4-signed DynamoDB and S3 calls, straight from this page
        to {config.endpoint || "AWS"}.
      </p>
      {failure && <p className="error">{failure}</p>}
      {!aws && !failure && <p>Loading…</p>}
      {aws && !user && <SignIn aws={aws} />}
      {aws && user && <SignedIn aws={aws} user={user} />}
    </main>
  );
}

function SignIn({ aws }) {
  const [mode, setMode] = useState("signIn");
  const [form, setForm] = useState({ username: "", password: "", code: "", newPassword: "", email: "" });
  const [step, setStep] = useState(null);
  const [message, setMessage] = useState(null);
  const [busy, setBusy] = useState(false);
  const field = (name, type = "text", more = {}) => (
    <input name={name} type={type} placeholder={name} value={form[name]} autoComplete="off"
      onChange={(e) => setForm({ ...form, [name]: e.target.value })} {...more} />
  );
  // Once the username is known, InitiateAuth starts: the submit then waits for one round trip.
  const early = { onBlur: (e) => aws.auth.prepareSignIn({ username: e.target.value }) };

  useEffect(() => {
    aws.auth.prepareSignIn();
  }, [aws]);

  async function run(action) {
    setBusy(true);
    setMessage(null);
    try {
      await action();
    } catch (e) {
      setMessage({ error: true, text: describe(e) });
    } finally {
      setBusy(false);
    }
  }

  const signIn = () => run(async () => {
    const r = await aws.auth.signIn({ username: form.username, password: form.password });
    if (!r.signedIn) setStep(r.nextStep);
  });
  const confirm = () => run(async () => {
    const answer = step.name === "NEW_PASSWORD_REQUIRED" ? { newPassword: form.newPassword } : { code: form.code };
    const r = await aws.auth.confirmSignIn(answer);
    setStep(r.signedIn ? null : r.nextStep);
  });
  const signUp = () => run(async () => {
    const r = await aws.auth.signUp({ username: form.username, password: form.password, attributes: { email: form.email } });
    setMode("confirmSignUp");
    setMessage({ text: `Code sent by ${r.codeDelivery?.medium ?? "email"} to ${r.codeDelivery?.destination ?? form.email}` });
  });
  const confirmSignUp = () => run(async () => {
    await aws.auth.confirmSignUp({ username: form.username, code: form.code });
    setMode("signIn");
    setMessage({ text: "Confirmed: sign in." });
  });
  const forgot = () => run(async () => {
    const d = await aws.auth.forgotPassword({ username: form.username });
    setMode("reset");
    setMessage({ text: `Reset code sent to ${d.destination || "you"}` });
  });
  const reset = () => run(async () => {
    await aws.auth.confirmForgotPassword({ username: form.username, code: form.code, newPassword: form.newPassword });
    setMode("signIn");
    setMessage({ text: "Password changed: sign in." });
  });

  return (
    <section>
      {step ? (
        <>
          <h2>{step.name}</h2>
          {step.name === "NEW_PASSWORD_REQUIRED" ? field("newPassword", "password") : field("code")}
          <button disabled={busy} onClick={confirm}>Continue</button>
        </>
      ) : mode === "signIn" ? (
        <>
          <h2>Sign in</h2>
          {field("username", "text", early)} {field("password", "password")}
          <button data-testid="sign-in" disabled={busy} onClick={signIn}>Sign in</button>
          <p className="muted">
            <a href="#" onClick={() => setMode("signUp")}>Sign up</a> · <a href="#" onClick={forgot}>Forgot password</a>
          </p>
          {config.demoUsers.length > 0 && (
            <p className="muted">Local demo users: {config.demoUsers.map((u) => <code key={u.username}>{u.username} / {u.password} </code>)}</p>
          )}
        </>
      ) : mode === "signUp" ? (
        <>
          <h2>Sign up</h2>
          {field("username")} {field("email")} {field("password", "password")}
          <button disabled={busy} onClick={signUp}>Sign up</button>
        </>
      ) : mode === "confirmSignUp" ? (
        <>
          <h2>Confirm sign-up</h2>
          {field("code")}
          <button disabled={busy} onClick={confirmSignUp}>Confirm</button>
        </>
      ) : (
        <>
          <h2>Reset password</h2>
          {field("code")} {field("newPassword", "password")}
          <button disabled={busy} onClick={reset}>Set password</button>
        </>
      )}
      {message && <p data-testid="auth-message" className={message.error ? "error" : "ok"}>{message.text}</p>}
    </section>
  );
}

function Countdown({ aws }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const at = aws.credentialsExpireAt();
  if (!at) return <span>no credentials yet</span>;
  const s = Math.max(0, Math.round((at - now) / 1000));
  return <span data-testid="countdown">{Math.floor(s / 60)}:{String(s % 60).padStart(2, "0")}</span>;
}

function SignedIn({ aws, user }) {
  const [identityId, setIdentityId] = useState(null);
  const [results, setResults] = useState({});
  const table = aws.db(config.table, config.indexes ? { indexes: config.indexes } : undefined);
  const files = aws.files(config.bucket);

  useEffect(() => {
    aws.identityId().then(setIdentityId, (e) => setResults((r) => ({ ...r, identity: { error: describe(e) } })));
  }, [aws]);

  async function act(name, action) {
    setResults((r) => ({ ...r, [name]: { pending: true } }));
    try {
      const value = await action();
      setResults((r) => ({ ...r, [name]: { ok: typeof value === "string" ? value : JSON.stringify(value ?? "done") } }));
    } catch (e) {
      setResults((r) => ({ ...r, [name]: { error: describe(e) } }));
    }
  }
  const unscoped = { unscopedForDemoOnly: true };
  const buttons = [
    ["Write my item", "write-own-item", () => table.put({ sk: "profile", note: `hello from ${user.username}`, at: Date.now() }).then(() => "written")],
    ["Read my item", "read-own-item", () => table.get("profile")],
    ["Upload my file", "write-own-file", () => files.put("hello.txt", `hello from ${user.username}`).then((r) => `uploaded ${r.key}`)],
    ["Read my file", "read-own-file", () => files.get("hello.txt", { as: "text" })],
  ];
  const forbidden = [
    ["Write another user's item", "write-other-item", () => table.put({ pk: OTHER_ID, sk: "profile", note: "not mine" }, unscoped)],
    ["Read another user's item", "read-other-item", () => table.get("profile", { ...unscoped, partitionKeyForDemoOnly: OTHER_ID })],
    ["Upload to another user's prefix", "write-other-file", () => files.put(`${OTHER_ID}/hello.txt`, "not mine", unscoped)],
    ["Read another user's file", "read-other-file", () => files.get(`${OTHER_ID}/hello.txt`, { ...unscoped, as: "text" })],
  ];
  const row = ([label, id, action]) => (
    <tr key={id}>
      <td><button data-testid={id} onClick={() => act(id, action)}>{label}</button></td>
      <td data-testid={`${id}-result`} className={results[id]?.error ? "error" : "ok"}>
        {results[id]?.pending ? "…" : results[id]?.error ?? results[id]?.ok ?? ""}
      </td>
    </tr>
  );

  return (
    <section>
      <p data-testid="signed-in">
        Signed in as <b>{user.username}</b> · identity id <code data-testid="identity-id">{identityId ?? "…"}</code> ·
        credentials expire in <Countdown aws={aws} />
      </p>
      <h2>Authorized: your own data</h2>
      <table><tbody>{buttons.map(row)}</tbody></table>
      <h2>Unauthorized: another identity's data (scope guard bypassed, so IAM decides)</h2>
      <table><tbody>{forbidden.map(row)}</tbody></table>
      <button data-testid="sign-out" onClick={() => aws.auth.signOut()}>Sign out</button>
    </section>
  );
}
