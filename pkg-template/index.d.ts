// The facade's types, derived from the ones wasm-bindgen writes from the Rust sources
// (apiless.d.ts): nothing here is typed twice.
import type { ApilessConfig, Client, Files, Table } from "./apiless.js";
export * from "./apiless.js";
export { NumberValue } from "./number.js";

/** The signed-in user's account life. */
export type Auth = Pick<
  Client,
  | "prepareSignIn" | "signIn" | "confirmSignIn" | "setUpTotp" | "verifyTotpSetup" | "signUp"
  | "confirmSignUp" | "resendSignUpCode" | "forgotPassword" | "confirmForgotPassword"
  | "changePassword" | "signOut" | "currentUser" | "onChange"
> & {
  /** Valid tokens, refreshed when about to expire (or now, with `{ forceRefresh: true }`). */
  currentSession(options?: Parameters<Client["currentSession"]>[0]): ReturnType<Client["currentSession"]>;
};

/** What `createClient` resolves to. */
export interface Apiless {
  auth: Auth;
  /** Your items in a DynamoDB table whose partition key is your identity id. */
  db(table: string, options?: Parameters<Client["db"]>[1]): Table;
  /** Your objects in an S3 bucket, under `<identityId>/`. */
  files(bucket: string, options?: Parameters<Client["files"]>[1]): Files;
  identityId: Client["identityId"];
  credentialsExpireAt: Client["credentialsExpireAt"];
}

/**
 * Loads the wasm module (createClient does it for you). Rejects with a `ConfigError` where there
 * is no browser, as on a server rendering a page.
 */
export function load(): Promise<unknown>;
/**
 * Makes a client from a plain config object; a stored session is restored. In a browser only:
 * on a server (Next.js rendering a page) it rejects with a `ConfigError` that says so.
 */
export function createClient(config: ApilessConfig): Promise<Apiless>;
