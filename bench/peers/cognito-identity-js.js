// Peer (b): amazon-cognito-identity-js, as apps use it: CognitoUser.authenticateUser (SRP).
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from "amazon-cognito-identity-js";

/** A per-call in-memory storage, so runs do not share browser state. */
function memoryStorage() {
  const m = new Map();
  return {
    setItem: (k, v) => m.set(k, String(v)),
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    removeItem: (k) => m.delete(k),
    clear: () => m.clear(),
  };
}

export function signIn(config, username, password) {
  const Storage = memoryStorage();
  const pool = new CognitoUserPool({
    UserPoolId: config.userPoolId,
    ClientId: config.userPoolClientId,
    endpoint: `${config.endpoint}/`,
    Storage,
  });
  const user = new CognitoUser({ Username: username, Pool: pool, Storage });
  const details = new AuthenticationDetails({ Username: username, Password: password });
  return new Promise((resolve, reject) =>
    user.authenticateUser(details, { onSuccess: () => resolve(true), onFailure: reject }),
  );
}
