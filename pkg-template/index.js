// apiless, the package entry: loads the wasm module once, by itself (no init() ritual), and
// gives apps the client in the shape they use: aws.auth.*, aws.db(table), aws.files(bucket),
// aws.fetch(url, init).
import init, { createClient as createWasmClient, validateConfig, version } from "./apiless.js";

let loading;

/** Loads the wasm module, once; off the browser (a server rendering a page), a ConfigError. */
export function load() {
  if (typeof window === "undefined" && typeof WorkerGlobalScope === "undefined") {
    const e = new Error("apiless runs in a browser, not on a server: create the client there, e.g. in an effect");
    return Promise.reject(Object.assign(e, { name: "ConfigError", code: "ConfigError", kind: "Config", retryable: false }));
  }
  loading ??= init();
  return loading;
}

/** Makes a client from a plain config object; a stored session is restored. */
export async function createClient(config) {
  await load();
  const client = createWasmClient(config);
  return {
    auth: {
      prepareSignIn: (input) => client.prepareSignIn(input),
      signIn: (input) => client.signIn(input),
      confirmSignIn: (input) => client.confirmSignIn(input),
      setUpTotp: () => client.setUpTotp(),
      verifyTotpSetup: (input) => client.verifyTotpSetup(input),
      signUp: (input) => client.signUp(input),
      confirmSignUp: (input) => client.confirmSignUp(input),
      autoSignIn: () => client.autoSignIn(),
      resendSignUpCode: (input) => client.resendSignUpCode(input),
      forgotPassword: (input) => client.forgotPassword(input),
      confirmForgotPassword: (input) => client.confirmForgotPassword(input),
      changePassword: (input) => client.changePassword(input),
      fetchUserAttributes: () => client.fetchUserAttributes(),
      updateUserAttributes: (input) => client.updateUserAttributes(input),
      deleteUserAttributes: (input) => client.deleteUserAttributes(input),
      sendUserAttributeVerificationCode: (input) => client.sendUserAttributeVerificationCode(input),
      confirmUserAttribute: (input) => client.confirmUserAttribute(input),
      fetchMFAPreference: () => client.fetchMFAPreference(),
      updateMFAPreference: (input) => client.updateMFAPreference(input),
      deleteUser: () => client.deleteUser(),
      rememberDevice: () => client.rememberDevice(),
      forgetDevice: (input) => client.forgetDevice(input),
      fetchDevices: (options) => client.fetchDevices(options),
      signInWithRedirect: (input) => client.signInWithRedirect(input),
      handleRedirect: () => client.handleRedirect(),
      associateWebAuthnCredential: () => client.associateWebAuthnCredential(),
      listWebAuthnCredentials: (options) => client.listWebAuthnCredentials(options),
      deleteWebAuthnCredential: (input) => client.deleteWebAuthnCredential(input),
      signOut: (input) => client.signOut(input),
      currentUser: () => client.currentUser(),
      currentSession: (options) => client.currentSession(options),
      onChange: (listener) => client.onChange(listener),
    },
    db: (table, options) => client.db(table, options),
    files: (bucket, options) => client.files(bucket, options),
    fetch: (input, init) => client.fetch(input, init),
    identityId: () => client.identityId(),
    credentialsExpireAt: () => client.credentialsExpireAt(),
  };
}

export { validateConfig, version };
export { NumberValue } from "./number.js";
