/**
 * `import { createClient } from "apiless"`: the client (`createClient`, then `aws.auth`,
 * `aws.db(table)`, `aws.files(bucket)`, `aws.fetch(url, init)`), the types of everything it takes and returns, and
 * `ApilessError`, what every failed call rejects with.
 *
 * @module apiless
 */
// The facade's types, derived from the ones wasm-bindgen writes from the Rust sources
// (apiless.d.ts): nothing here is typed twice. Only what index.js exports is exported: the
// wasm classes are types here (an app gets a Table from `db`, never constructs one), and the
// glue's init functions and raw export table stay inside.
import type { ApilessConfig, AwsFetchInit, Client, Files as WasmFiles, Table as WasmTable } from "./apiless.js";
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
  WebAuthnCredential, ListWebAuthnCredentialsOptions, DeleteWebAuthnCredentialInput,
  CopyObjectOptions, PresignPostOptions, PresignedPost, UploadOptions, UploadTask, UploadResult, UploadState,
  UploadChecksumAlgorithm,
  OAuthConfig, RedirectProvider, SignInWithRedirectInput, RedirectResult,
  AwsFetchInit, AwsSigning,
  BatchGetOptions, BatchWriteOptions, BatchWriteRequest, TransactActionOptions, TransactGetOptions,
  TransactWriteAction, TransactWriteOptions,
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
  | "signInWithRedirect" | "handleRedirect"
  | "associateWebAuthnCredential" | "listWebAuthnCredentials" | "deleteWebAuthnCredential"
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
  /**
   * `fetch`, signed with your credentials (a guest's with `guestAccess`) for your own API behind
   * IAM: API Gateway (`execute-api`), Lambda function URLs (`lambda`), AppSync (`appsync`). The
   * service and region come from the host (`{id}.execute-api.{region}.amazonaws.com`,
   * `{id}.lambda-url.{region}.on.aws`, `{id}.appsync-api.{region}.amazonaws.com`), or from
   * `init.aws` for a custom domain. The body (string, `ArrayBuffer`, typed array, `Blob`,
   * `URLSearchParams`, `FormData`) and every header you give are signed exactly as the browser
   * sends them.
   *
   * Resolves to a real `Response` for every answer, whatever its status, as `fetch` does: your
   * API's own errors (and IAM's 403) are answers to read, so the code you have for `fetch` keeps
   * working. Before that, what every apiless call does: 5xx and throttling answers retried with
   * backoff (the last answer returned when the attempts are spent), a clock-skew refusal
   * re-signed with the server's time, `attemptTimeoutMs` per attempt, `signal` for the whole
   * call. The body is read whole; `url` is empty; the headers are those CORS exposes.
   *
   * @throws (rejects) `InvalidInputError` (`field`: `"init"` for what fetch refuses,
   * `"init.aws"` for a host that names no service without it, `"url"` for plain `http:` to
   * anything but this machine), `NotAuthorizedException` when no one is signed in,
   * `AbortError`, `NetworkError` when no answer came.
   * @example
   * ```ts
   * const res = await aws.fetch("https://abc123.execute-api.us-east-1.amazonaws.com/prod/orders", {
   *   method: "POST",
   *   headers: { "content-type": "application/json" },
   *   body: JSON.stringify({ item: "book" }),
   * });
   * if (!res.ok) console.log(res.status, await res.text());
   * await aws.fetch("https://api.example.com/orders", { aws: { service: "execute-api", region: "us-east-1" } });
   * ```
   */
  fetch(input: RequestInfo | URL, init?: AwsFetchInit): Promise<Response>;
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
