/**
 * `import { createClient } from "apiless"`: the client (`createClient`, then `aws.auth`,
 * `aws.db(table)`, `aws.files(bucket)`), the types of everything it takes and returns, and
 * `ApilessError`, what every failed call rejects with.
 *
 * @module apiless
 */
// The facade's types, derived from the ones wasm-bindgen writes from the Rust sources
// (apiless.d.ts): nothing here is typed twice. Only what index.js exports is exported: the
// wasm classes are types here (an app gets a Table from `db`, never constructs one), and the
// glue's init functions and raw export table stay inside.
import type { ApilessConfig, Client, Files as WasmFiles, Table as WasmTable } from "./apiless.js";
export type {
  ApilessConfig, ApilessError, AttributeInput, AttributeValue, AuthSession, CallOptions, ChallengeName,
  ChangePasswordInput, CodeDelivery, CodeInput, ConfirmForgotPasswordInput, ConfirmSignInInput,
  ConfirmSignUpInput, DeleteOptions, ExpressionOptions, FilesOptions, FirstFactor, GetObjectOptions, GetOptions,
  IndexKeys, Item, ItemInput, ListOptions, NextStep, ObjectHead, ObjectList, PresignOptions,
  PrepareSignInInput, PutObjectOptions, PutObjectResult, QueryOptions, QueryPage, SessionEvent, SessionOptions,
  SignInInput, SignInResult, SignOutInput, SignUpInput, SignUpResult, SortKeyCondition, StringMap,
  TableOptions, TotpSetup, UpdateOptions, User, UsernameInput, ValidatedConfig, WriteOptions,
  AttributeUpdate, ConfirmUserAttributeInput, DeleteUserAttributesInput, MfaChoice, MfaPreference,
  MfaType, UpdateMfaPreferenceInput, UpdateUserAttributesInput, UpdateUserAttributesResult,
  UserAttributeInput, UserAttributes, Device, FetchDevicesOptions, ForgetDeviceInput,
} from "./apiless.js";
export { validateConfig, version } from "./apiless.js";
export { NumberValue } from "./number.js";

/** wasm-bindgen's memory plumbing, which an app never needs (the objects free themselves). */
type Plumbing = "free" | typeof Symbol.dispose;

/** The signed-in user's account life: `aws.auth`. */
export interface Auth extends Pick<
  Client,
  | "prepareSignIn" | "signIn" | "confirmSignIn" | "setUpTotp" | "verifyTotpSetup" | "signUp"
  | "confirmSignUp" | "autoSignIn" | "resendSignUpCode" | "forgotPassword" | "confirmForgotPassword"
  | "changePassword" | "signOut" | "currentUser" | "currentSession" | "onChange"
  | "fetchUserAttributes" | "updateUserAttributes" | "deleteUserAttributes"
  | "sendUserAttributeVerificationCode" | "confirmUserAttribute" | "fetchMFAPreference"
  | "updateMFAPreference" | "deleteUser" | "rememberDevice" | "forgetDevice" | "fetchDevices"
> {}

/** Your items in one DynamoDB table, whose partition key is your identity id: `aws.db(table)`. */
export interface Table extends Omit<WasmTable, Plumbing> {}

/** Your objects in one S3 bucket, all under `<identityId>/`: `aws.files(bucket)`. */
export interface Files extends Omit<WasmFiles, Plumbing> {}

/** What `createClient` resolves to. */
export interface Apiless extends Pick<Client, "identityId" | "credentialsExpireAt"> {
  /** The account: sign-up, sign-in, MFA, passwords, the session. */
  auth: Auth;
  /**
   * Your items in DynamoDB table `table`, whose partition key (`"pk"` unless `partitionKey`
   * says otherwise) holds your identity id; the sort key is `"sk"` (`sortKey: null` for a table
   * without one). No request: the calls on the `Table` make them.
   *
   * @throws `InvalidInputError` (with `field`) for a table name DynamoDB would refuse (3 to 255
   * letters, digits, `_`, `.` and `-`) or a bad option, at once (not a rejected promise).
   * @example
   * ```ts
   * const notes = aws.db("my-table");
   * const byOwner = aws.db("my-table", { indexes: { byOwner: { partitionKey: "owner", sortKey: "sk" } } });
   * const { items } = await byOwner.query({ index: "byOwner" });
   * ```
   */
  db(table: string, options?: Parameters<Client["db"]>[1]): Table;
  /**
   * Your objects in S3 bucket `bucket`, under `<identityId>/`. Virtual-hosted URLs on AWS,
   * path-style with a custom `endpoint` (`virtualHost` chooses). No request: the calls on the
   * `Files` make them.
   *
   * @throws `InvalidInputError` (with `field`) for a bucket name S3 would refuse or a bad
   * option, at once (not a rejected promise).
   * @example
   * ```ts
   * const files = aws.files("my-bucket");
   * await files.put("notes/1.txt", "hello"); // stored as "<identityId>/notes/1.txt"
   * ```
   */
  files(bucket: string, options?: Parameters<Client["files"]>[1]): Files;
}

/**
 * Loads the wasm module once; every later call returns the same promise. `createClient` calls
 * it: call it yourself only to start the download early.
 *
 * @throws (rejects) `ConfigError` where there is no browser (a server rendering a page, as
 * Next.js does); a `TypeError` or `WebAssembly.CompileError` when `apiless_bg.wasm` cannot be
 * fetched or compiled (a bundler that did not copy it, a server that serves it with another
 * MIME type).
 * @example
 * ```ts
 * import { load } from "apiless";
 * void load(); // start fetching the wasm while the page renders
 * ```
 */
export function load(): Promise<unknown>;
/**
 * Makes a client from a plain config object, loading the wasm module first; a session stored by
 * an earlier visit (with `storage` `"local"` or `"session"`) is restored, so a returning user is
 * signed in at once.
 *
 * @throws (rejects) `ConfigError` with `field` naming the first bad field (a region, pool id or
 * client id of the wrong shape, an `http://` endpoint that is not this machine, an unknown
 * name, `storage` that the browser has not got), before a request is sent; in a browser only:
 * on a server it rejects with a `ConfigError` that says so; what `load` throws.
 * @example
 * ```ts
 * import { createClient } from "apiless";
 * const aws = await createClient({
 *   region: "us-east-1",
 *   userPoolId: "us-east-1_AbC123",
 *   userPoolClientId: "4lq2abc9r6vq8",
 *   identityPoolId: "us-east-1:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9",
 * });
 * console.log(aws.auth.currentUser()?.username ?? "signed out");
 * ```
 */
export function createClient(config: ApilessConfig): Promise<Apiless>;
