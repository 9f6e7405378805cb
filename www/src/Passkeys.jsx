import { useEffect, useState } from "react";

/** An error as the page shows it: its name and message, never a stack. */
function describe(e) {
  return e && e.name ? `${e.name}: ${e.message}` : String(e);
}

/**
 * The signed-in user's passkeys: "Add a passkey" (the browser's passkey prompt, then Cognito
 * verifies the new credential), the list, and deleting one. Passkeys are bound to the pool's
 * relying party, `localhost` on the local backend: open the demo at http://localhost:5173.
 */
export function Passkeys({ aws }) {
  const [passkeys, setPasskeys] = useState(null);
  const [message, setMessage] = useState(null);
  const [version, setVersion] = useState(0);
  const reload = () => setVersion((v) => v + 1);
  useEffect(() => {
    aws.auth.listWebAuthnCredentials().then(setPasskeys, (e) => {
      // Cognito's answer for a pool that does not allow WEB_AUTHN: nothing to list.
      if (e.name === "WebAuthnNotEnabledException") return setPasskeys("off");
      setPasskeys([]);
      setMessage({ error: true, text: describe(e) });
    });
  }, [aws, version]);

  async function attempt(action, done) {
    setMessage(null);
    try {
      await action();
      setMessage({ text: done });
      reload();
    } catch (e) {
      setMessage({ error: true, text: describe(e) });
    }
  }

  return (
    <>
      <h2>Passkeys</h2>
      <p data-testid="passkeys" className="muted">
        {passkeys === null ? "…" : passkeys === "off" ? "This user pool does not offer passkeys"
          : passkeys.length === 0 ? "No passkey yet" : `${passkeys.length} passkey(s)`}
      </p>
      <table><tbody>
        {(Array.isArray(passkeys) ? passkeys : []).map((p) => (
          <tr key={p.credentialId} data-testid="passkey-row">
            <td>{p.friendlyCredentialName}</td>
            <td>{p.authenticatorAttachment ?? ""}</td>
            <td>{p.createdAt ? p.createdAt.toLocaleString() : ""}</td>
            <td><button data-testid="delete-passkey" onClick={() => attempt(
              () => aws.auth.deleteWebAuthnCredential({ credentialId: p.credentialId }), "Passkey deleted")}>Delete</button></td>
          </tr>
        ))}
      </tbody></table>
      <button data-testid="add-passkey" onClick={() => attempt(() => aws.auth.associateWebAuthnCredential(), "Passkey added")}>
        Add a passkey
      </button>
      {message && <p data-testid="passkeys-message" className={message.error ? "error" : "ok"}>{message.text}</p>}
    </>
  );
}
