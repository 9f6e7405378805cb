import { useEffect, useState } from "react";
import { createClient } from "apiless";
import { useSession } from "apiless/react";
import { Passkeys } from "./Passkeys.jsx";

// Injected by vite.config.js from the AWS config file (the local backend's by default).
const config = __APILESS_CONFIG__;
// Someone else's identity: what the "unauthorized" buttons try to reach.
const OTHER_ID = `${config.region}:00000000-0000-4000-8000-000000000000`;

/** When an item was written (ms since the epoch). */
const stamp = () => Date.now();

/** An error as the page shows it: the AWS exception name and its message, never a stack. */
function describe(e) {
  return e && e.name ? `${e.name}: ${e.message}` : String(e);
}

export function App() {
  const [aws, setAws] = useState(null);
  const [failure, setFailure] = useState(null);
  const [guest, setGuest] = useState(false);
  const { user } = useSession(aws);

  useEffect(() => {
    const { demoUsers, table, bucket, indexes, oauthDomain, ...clientConfig } = config;
    // Redirect sign-in through the managed login: the stack's domain on AWS (its oauthDomain
    // output), the local backend itself (it serves /oauth2/*); back to this page.
    const domain = oauthDomain ?? clientConfig.endpoint;
    const oauth = domain ? { oauth: { domain, redirectSignIn: `${location.origin}/` } } : {};
    // Signed-out visitors may continue as guests: the identity pool's unauthenticated role,
    // scoped to the guest's own identity id as a user's credentials are to theirs.
    createClient({ ...clientConfig, guestAccess: Boolean(clientConfig.identityPoolId), ...oauth })
      .then(async (client) => {
        setAws(client);
        // Back from the managed login (?code&state): completes the sign-in; else nothing.
        if (domain) await client.auth.handleRedirect();
      })
      .catch((e) => setFailure(describe(e)));
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
      {aws && !user && !guest && <SignIn aws={aws} onGuest={() => setGuest(true)} />}
      {aws && !user && guest && <Guest aws={aws} onLeave={() => setGuest(false)} />}
      {aws && user && <SignedIn aws={aws} user={user} />}
    </main>
  );
}

function SignIn({ aws, onGuest }) {
  const [mode, setMode] = useState("signIn");
  const [form, setForm] = useState({ username: "", password: "", code: "", newPassword: "", email: "" });
  const [step, setStep] = useState(null);
  const [totp, setTotp] = useState(null);
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
  // Choice-based sign-in: a code by email instead of the password, where the pool offers it.
  const signInWithCode = () => run(async () => {
    const r = await aws.auth.signIn({ username: form.username, preferredChallenge: "EMAIL_OTP" });
    if (!r.signedIn) setStep(r.nextStep);
  });
  // A passkey (WEB_AUTHN): the browser's passkey prompt opens inside signIn.
  const signInWithPasskey = () => run(async () => {
    const r = await aws.auth.signIn({ username: form.username, preferredChallenge: "WEB_AUTHN" });
    if (!r.signedIn) setStep(r.nextStep);
  });
  const answer = (input) => run(async () => {
    const r = await aws.auth.confirmSignIn(input);
    setStep(r.signedIn ? null : r.nextStep);
    setTotp(null);
    setForm((f) => ({ ...f, code: "" }));
  });
  const confirm = () => answer(step.name === "NEW_PASSWORD_REQUIRED" ? { newPassword: form.newPassword } : { code: form.code });
  // MFA_SETUP: an authenticator app is set up during the sign-in, then its first code answers.
  const setUpTotp = () => run(async () => setTotp(await aws.auth.setUpTotp()));
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
          <h2 data-testid="sign-in-step">{step.name}</h2>
          {step.codeDelivery && (
            <p className="muted">Code sent by {step.codeDelivery.medium} to {step.codeDelivery.destination}</p>
          )}
          {step.name === "SELECT_MFA_TYPE" ? (
            step.mfaTypes.map((t) => (
              <button key={t} disabled={busy} onClick={() => answer({ mfaType: t })}>{t}</button>
            ))
          ) : step.name === "MFA_SETUP" && !totp ? (
            <button disabled={busy} onClick={setUpTotp}>Set up an authenticator app</button>
          ) : (
            <>
              {totp && <p className="muted">Add this key to your authenticator app: <code>{totp.totpSecret}</code></p>}
              {step.name === "NEW_PASSWORD_REQUIRED" ? field("newPassword", "password") : field("code")}
              <button data-testid="confirm-step" disabled={busy} onClick={confirm}>Continue</button>
            </>
          )}
        </>
      ) : mode === "signIn" ? (
        <>
          <h2>Sign in</h2>
          {field("username", "text", early)} {field("password", "password")}
          <button data-testid="sign-in" disabled={busy} onClick={signIn}>Sign in</button>
          <button data-testid="sign-in-with-code" disabled={busy} onClick={signInWithCode}>Email me a code</button>
          <button data-testid="sign-in-with-passkey" disabled={busy} onClick={signInWithPasskey}>Sign in with a passkey</button>
          {(config.oauthDomain ?? config.endpoint) && (
            <p>
              <button data-testid="sign-in-google" disabled={busy}
                onClick={() => run(() => aws.auth.signInWithRedirect({ provider: "Google" }))}>Sign in with Google</button>
              <button data-testid="sign-in-hosted" disabled={busy}
                onClick={() => run(() => aws.auth.signInWithRedirect())}>Managed login</button>
            </p>
          )}
          <p className="muted">
            <a href="#" onClick={() => setMode("signUp")}>Sign up</a> · <a href="#" onClick={forgot}>Forgot password</a>
            {config.identityPoolId && (
              <> · <a href="#" data-testid="continue-as-guest" onClick={onGuest}>Continue as guest</a></>
            )}
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

/** Buttons whose results show next to them: `act(id, action)` runs one, `row` draws one. */
function useResults() {
  const [results, setResults] = useState({});
  async function act(name, action) {
    setResults((r) => ({ ...r, [name]: { pending: true } }));
    try {
      const value = await action();
      setResults((r) => ({ ...r, [name]: { ok: typeof value === "string" ? value : JSON.stringify(value ?? "done") } }));
    } catch (e) {
      setResults((r) => ({ ...r, [name]: { error: describe(e) } }));
    }
  }
  const row = ([label, id, action]) => (
    <tr key={id}>
      <td><button data-testid={id} onClick={() => act(id, action)}>{label}</button></td>
      <td data-testid={`${id}-result`} className={results[id]?.error ? "error" : "ok"}>
        {results[id]?.pending ? "…" : results[id]?.error ?? results[id]?.ok ?? ""}
      </td>
    </tr>
  );
  return { results, act, row };
}

/** The identity id of whoever is using the page (the signed-in user or the guest), or the error. */
function useIdentityId(aws) {
  const [identityId, setIdentityId] = useState(null);
  useEffect(() => {
    aws.identityId().then(setIdentityId, (e) => setIdentityId(describe(e)));
  }, [aws]);
  return identityId;
}

function Guest({ aws, onLeave }) {
  const { row } = useResults();
  const identityId = useIdentityId(aws);
  const table = aws.db(config.table, config.indexes ? { indexes: config.indexes } : undefined);
  const buttons = [
    ["Write my item", "guest-write-item", () => table.put({ sk: "guest-note", note: "hello from a guest", at: stamp() }).then(() => "written")],
    ["Read my item", "guest-read-item", () => table.get("guest-note")],
  ];
  return (
    <section>
      <p data-testid="guest">
        Guest · identity id <code data-testid="guest-identity-id">{identityId ?? "…"}</code>
      </p>
      <p className="muted">
        The identity pool's unauthenticated role, scoped to this guest's own identity id. Signing in links the guest
        identity to the user: what the guest wrote stays theirs.
      </p>
      <table><tbody>{buttons.map(row)}</tbody></table>
      <button data-testid="leave-guest" onClick={onLeave}>Sign in or sign up</button>
    </section>
  );
}

function SignedIn({ aws, user }) {
  const { row } = useResults();
  const identityId = useIdentityId(aws);
  const table = aws.db(config.table, config.indexes ? { indexes: config.indexes } : undefined);
  const files = aws.files(config.bucket);
  const unscoped = { unscopedForDemoOnly: true };
  const buttons = [
    ["Write my item", "write-own-item", () => table.put({ sk: "profile", note: `hello from ${user.username}`, at: stamp() }).then(() => "written")],
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

  return (
    <section>
      <p data-testid="signed-in">
        {/* At the top, and before who is signed in: the sections below, and the identity id and the
            countdown on this line, fill in as their data comes, and a button after them moves as
            they do (a click aimed at it can land on what took its place). */}
        <button data-testid="sign-out" onClick={() => aws.auth.signOut()}>Sign out</button>{" "}
        Signed in as <b>{user.username}</b> · identity id <code data-testid="identity-id">{identityId ?? "…"}</code> ·
        credentials expire in <Countdown aws={aws} />
      </p>
      <h2>Authorized: your own data</h2>
      <table><tbody>{buttons.map(row)}</tbody></table>
      <h2>Unauthorized: another identity's data (scope guard bypassed, so IAM decides)</h2>
      <table><tbody>{forbidden.map(row)}</tbody></table>
      <Profile aws={aws} />
      <MfaSettings aws={aws} />
      <Devices aws={aws} />
      <Uploads files={files} />
      <Passkeys aws={aws} />
    </section>
  );
}

/** Runs `action`, showing what became of it in `setMessage`; returns its value, or undefined. */
async function attempt(setMessage, action) {
  setMessage(null);
  try {
    return await action();
  } catch (e) {
    setMessage({ error: true, text: describe(e) });
    return undefined;
  }
}

function Profile({ aws }) {
  const [attributes, setAttributes] = useState(null);
  const [form, setForm] = useState({ attribute: "name", value: "", code: "" });
  const [pending, setPending] = useState(null);
  const [message, setMessage] = useState(null);
  const [version, setVersion] = useState(0);
  // Reloading keeps the message of what was just done.
  const reload = () => setVersion((v) => v + 1);
  useEffect(() => {
    aws.auth.fetchUserAttributes().then(setAttributes, (e) => setMessage({ error: true, text: describe(e) }));
  }, [aws, version]);

  const update = () => attempt(setMessage, async () => {
    const result = await aws.auth.updateUserAttributes({ attributes: { [form.attribute]: form.value } });
    const next = result[form.attribute];
    if (next.isUpdated) {
      setMessage({ text: `${form.attribute} updated` });
    } else {
      const d = next.nextStep.codeDelivery;
      setPending(form.attribute);
      setMessage({ text: `Code sent by ${d.medium} to ${d.destination}: enter it to confirm the new ${form.attribute}` });
    }
    reload();
  });
  const confirm = () => attempt(setMessage, async () => {
    await aws.auth.confirmUserAttribute({ attribute: pending, code: form.code });
    setMessage({ text: `${pending} verified` });
    setPending(null);
    reload();
  });

  return (
    <>
      <h2>Profile</h2>
      <table data-testid="profile-attributes"><tbody>
        {Object.entries(attributes ?? {}).sort().map(([name, value]) => (
          <tr key={name}><td>{name}</td><td data-testid={`attribute-${name}`}>{value}</td></tr>
        ))}
      </tbody></table>
      <select name="attribute" value={form.attribute} onChange={(e) => setForm({ ...form, attribute: e.target.value })}>
        <option value="name">name</option>
        <option value="email">email</option>
      </select>
      <input name="attribute-value" placeholder="new value" value={form.value} autoComplete="off"
        onChange={(e) => setForm({ ...form, value: e.target.value })} />
      <button data-testid="update-attribute" onClick={update}>Update</button>
      {pending && (
        <>
          <input name="attribute-code" placeholder="code" value={form.code} autoComplete="off"
            onChange={(e) => setForm({ ...form, code: e.target.value })} />
          <button data-testid="confirm-attribute" onClick={confirm}>Confirm</button>
        </>
      )}
      {message && <p data-testid="profile-message" className={message.error ? "error" : "ok"}>{message.text}</p>}
    </>
  );
}

const FACTORS = [["sms", "SMS"], ["totp", "TOTP"], ["email", "EMAIL"]];
const CHOICES = ["ENABLED", "PREFERRED", "NOT_PREFERRED", "DISABLED"];

function MfaSettings({ aws }) {
  const [preference, setPreference] = useState(null);
  const [form, setForm] = useState({ factor: "email", choice: "ENABLED", code: "" });
  const [totp, setTotp] = useState(null);
  const [message, setMessage] = useState(null);
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);
  useEffect(() => {
    aws.auth.fetchMFAPreference().then(setPreference, (e) => setMessage({ error: true, text: describe(e) }));
  }, [aws, version]);

  const save = () => attempt(setMessage, async () => {
    await aws.auth.updateMFAPreference({ [form.factor]: form.choice });
    setMessage({ text: "MFA preference saved: it applies from the next sign-in" });
    reload();
  });
  const setUp = () => attempt(setMessage, async () => setTotp(await aws.auth.setUpTotp()));
  const verify = () => attempt(setMessage, async () => {
    await aws.auth.verifyTotpSetup({ code: form.code });
    setTotp(null);
    setMessage({ text: "Authenticator app set up: it is now your preferred MFA" });
    reload();
  });

  return (
    <>
      <h2>MFA settings</h2>
      <p data-testid="mfa-preference">
        {preference
          ? `Enabled: ${preference.enabled.join(", ") || "none"} · preferred: ${preference.preferred ?? "none"}`
          : "…"}
      </p>
      <select name="mfa-factor" value={form.factor} onChange={(e) => setForm({ ...form, factor: e.target.value })}>
        {FACTORS.map(([field, label]) => <option key={field} value={field}>{label}</option>)}
      </select>
      <select name="mfa-choice" value={form.choice} onChange={(e) => setForm({ ...form, choice: e.target.value })}>
        {CHOICES.map((c) => <option key={c} value={c}>{c}</option>)}
      </select>
      <button data-testid="update-mfa" onClick={save}>Save</button>
      <button data-testid="setup-totp" onClick={setUp}>Set up an authenticator app</button>
      {totp && (
        <>
          <p className="muted">Add this key to your authenticator app: <code>{totp.totpSecret}</code></p>
          <input name="totp-code" placeholder="code" value={form.code} autoComplete="off"
            onChange={(e) => setForm({ ...form, code: e.target.value })} />
          <button data-testid="verify-totp" onClick={verify}>Verify</button>
        </>
      )}
      {message && <p data-testid="mfa-message" className={message.error ? "error" : "ok"}>{message.text}</p>}
    </>
  );
}

/**
 * A file of `mib` MiB made in the page, something to upload without a file picker: every MiB
 * different (its first four bytes are its number), and the same bytes, name and date each time, so
 * that after a reload the same file continues its unfinished upload. Byte j of every MiB is
 * (7j + j/1024) mod 256 before the number is written over its start.
 */
function generatedFile(mib) {
  const chunk = new Uint8Array(1 << 20);
  for (let j = 0; j < chunk.length; j++) chunk[j] = (7 * j + (j >> 10)) & 255;
  const parts = Array.from({ length: mib }, (_, i) => {
    new DataView(chunk.buffer).setUint32(0, i);
    return new Blob([chunk]);
  });
  return new File(parts, `generated-${mib}MiB.bin`, { type: "application/octet-stream", lastModified: Date.UTC(2026, 11, 1) });
}

/** A file to S3 under your prefix, in parts, with its progress: pause, resume, cancel. */
function Uploads({ files }) {
  const [upload, setUpload] = useState(null);
  const [progress, setProgress] = useState(null);
  const [reports, setReports] = useState(0);
  const [state, setState] = useState(null);
  const [message, setMessage] = useState(null);
  const start = (file) => {
    if (!file) return;
    setMessage(null);
    setProgress({ loaded: 0, total: file.size });
    setReports(0);
    const u = files.upload(`uploads/${file.name}`, file, {
      contentType: file.type || undefined,
      onProgress: (p) => {
        setProgress(p);
        setReports((n) => n + 1);
      },
    });
    setUpload(u);
    setState(u.state);
    u.result
      .then((r) => setMessage({ text: `uploaded ${r.key} (${r.size} bytes, ETag ${r.etag})` }), (e) => setMessage({ error: true, text: describe(e) }))
      .finally(() => setState(u.state));
  };
  const act = (f) => () => {
    f(upload);
    setState(upload.state);
  };
  const percent = progress && progress.total ? Math.floor((100 * progress.loaded) / progress.total) : 0;
  return (
    <>
      <h2>Upload a file</h2>
      <p className="muted">
        In parts (8 MiB, four at a time) above 8 MiB; a file left unfinished continues from its parts after a reload.
      </p>
      <input type="file" data-testid="upload-file" onChange={(e) => start(e.target.files[0])} />
      <button data-testid="upload-generated" onClick={() => start(generatedFile(24))}>Upload a generated 24 MiB file</button>{" "}
      <button data-testid="upload-generated-100" onClick={() => start(generatedFile(100))}>or a 100 MiB one</button>
      <p>
        <progress data-testid="upload-progress" data-reports={reports} value={progress?.loaded ?? 0} max={progress?.total || 1} />{" "}
        <span data-testid="upload-percent">{percent}%</span> <span data-testid="upload-state">{state ?? ""}</span>
      </p>
      <button data-testid="upload-pause" disabled={state !== "running"} onClick={act((u) => u.pause())}>Pause</button>
      <button data-testid="upload-resume" disabled={state !== "paused"} onClick={act((u) => u.resume())}>Resume</button>
      <button data-testid="upload-cancel" disabled={state !== "running" && state !== "paused"} onClick={act((u) => u.cancel())}>Cancel</button>
      {message && <p data-testid="upload-message" className={message.error ? "error" : "ok"}>{message.text}</p>}
    </>
  );
}

/** The user's devices (a user pool that tracks devices confirms this browser at sign-in). */
function Devices({ aws }) {
  const [devices, setDevices] = useState(null);
  const [message, setMessage] = useState(null);
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);
  useEffect(() => {
    aws.auth.fetchDevices().then(setDevices, (e) => {
      // Cognito's answer for a pool without a DeviceConfiguration: nothing to list.
      if (e.name === "InvalidUserPoolConfigurationException") return setDevices("untracked");
      setDevices([]);
      setMessage({ error: true, text: describe(e) });
    });
  }, [aws, version]);

  const remember = () => attempt(setMessage, async () => {
    await aws.auth.rememberDevice();
    setMessage({ text: "This browser is remembered" });
    reload();
  });
  const forget = (device) => attempt(setMessage, async () => {
    await aws.auth.forgetDevice(device ? { device } : undefined);
    setMessage({ text: device ? `Device ${device} forgotten` : "This browser is forgotten" });
    reload();
  });

  return (
    <>
      <h2>Devices</h2>
      <p data-testid="devices" className="muted">
        {devices === null ? "…" : devices === "untracked" ? "This user pool does not track devices"
          : devices.length === 0 ? "No device confirmed yet" : `${devices.length} device(s)`}
      </p>
      <table><tbody>
        {(Array.isArray(devices) ? devices : []).map((d) => (
          <tr key={d.id} data-testid="device-row">
            <td><code>{d.id}</code></td>
            <td>{d.name ?? ""}</td>
            <td>{d.attributes["dev:device_remembered_status"] ?? ""}</td>
            <td>{d.lastAuthenticatedDate ? d.lastAuthenticatedDate.toLocaleString() : ""}</td>
            <td><button onClick={() => forget(d.id)}>Forget</button></td>
          </tr>
        ))}
      </tbody></table>
      <button data-testid="remember-device" onClick={remember}>Remember this browser</button>
      <button data-testid="forget-device" onClick={() => forget()}>Forget this browser</button>
      {message && <p data-testid="devices-message" className={message.error ? "error" : "ok"}>{message.text}</p>}
    </>
  );
}
