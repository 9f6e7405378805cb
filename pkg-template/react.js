// apiless/react: the session as React state.
import { useEffect, useState } from "react";

/**
 * The signed-in user (or null) of an apiless client, kept current: re-renders on sign-in,
 * refresh, sign-out and session expiry. `aws` may be null while the client is being created.
 */
export function useSession(aws) {
  const [user, setUser] = useState(() => (aws ? aws.auth.currentUser() : null));
  useEffect(() => {
    if (!aws) return undefined;
    // The user lives in the wasm session, not in React: read it when the client arrives (one
    // render more), then on each change.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setUser(aws.auth.currentUser());
    return aws.auth.onChange(() => setUser(aws.auth.currentUser()));
  }, [aws]);
  return { user, signedIn: user !== null };
}
