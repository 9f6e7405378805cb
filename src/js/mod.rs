//! The JavaScript surface: the only module with `#[wasm_bindgen]` items and `JsValue` in
//! signatures.
//!
//! JS users get plain objects in and out, Promises, and errors as real `Error` objects
//! (`instanceof Error` holds) whose `name` is the AWS exception name where there is one, with
//! `code`, `requestId`, `httpStatus`, `retryable` and, for bad input, `field`. Each exported
//! async method parses its input and clones the session handle before its future starts, so a
//! JS caller freeing the client cannot leave a dangling borrow. TypeScript types are written
//! here, beside the items they describe.
//!
//! May use: every layer below (`auth`, `data`, `aws`, `http`, the leaves, `codec`).

use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::spawn_local;
use zeroize::Zeroizing;

use futures_util::future::LocalBoxFuture;
use web_sys::AbortSignal;

use crate::auth::session::{AwsIdentity, ChallengeResponse, NextStep, Session, SignInStep, User};
use crate::auth::storage;
use crate::auth::user_pool::CodeDelivery;
use crate::aws::signed::{self, BodyHash};
use crate::aws::signer;
use crate::clock;
use crate::config::{Config, FieldValue, RawConfig, Service, StorageKind};
use crate::data::dynamodb::{self, Doc, Item};
use crate::data::owner::ScopeCheck;
use crate::data::s3;
use crate::error::Error;
use crate::http::retry::Policy;
use crate::http::{Fetch, Request, Response, Transport};

mod auth_api;
mod call;
mod client;
mod files;
mod input;
mod promise;
mod table;
mod values;

use call::*;
pub use client::*;
pub use files::*;
use input::*;
pub use promise::*;
pub use table::*;
pub use values::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r##"
/** The client's configuration: a plain object, validated once by `createClient`. */
export interface ApilessConfig {
  /** AWS region, e.g. "us-east-1". */
  region: string;
  /** Cognito User Pool id, "<region>_<id>". */
  userPoolId: string;
  /** App client id of the pool (a client without a secret). */
  userPoolClientId: string;
  /** Cognito Identity Pool id, "<region>:<uuid>", for AWS credentials. */
  identityPoolId?: string;
  /** One base URL for every service (a local emulator); the real AWS endpoints when absent. */
  endpoint?: string;
  /** Where the session persists; "local" (localStorage) by default. */
  storage?: "local" | "session" | "memory";
  /**
   * Milliseconds one attempt of a request may take, from sending it to the last byte of the
   * answer, before it is abandoned (and retried where the call retries): 60000 by default, 0
   * for no limit. An `AbortSignal` bounds a whole call, retries included.
   */
  attemptTimeoutMs?: number;
}

/** A configuration after validation, with the endpoint of each service. */
export interface ValidatedConfig {
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  identityPoolId: string | null;
  storage: "local" | "session" | "memory";
  endpoints: { "cognito-idp": string; "cognito-identity": string; dynamodb: string; s3: string };
}

/** The signed-in user. */
/**
 * What every failed call rejects with (and every refused argument throws): a real `Error`.
 * `name` is the AWS exception name where AWS answered ("NotAuthorizedException",
 * "ConditionalCheckFailedException", "AccessDenied", ...), otherwise the kind's own name
 * ("ConfigError", "InvalidInputError", "OutOfScopeError", "NetworkError", "ProtocolError",
 * "AbortError", "InternalError"). Messages never contain a password, token or key.
 */
export interface ApilessError extends Error {
  /** Same as `name`. */
  code: string;
  kind: "Config" | "InvalidInput" | "OutOfScope" | "Service" | "Network" | "Protocol" | "Aborted" | "Internal";
  /** Whether trying the same call again may succeed (apiless has already retried where AWS SDKs do). */
  retryable: boolean;
  /** The AWS request id of the failed response. */
  requestId?: string;
  /** The HTTP status of the failed response. */
  httpStatus?: number;
  /** The config field or argument at fault, for "Config" and "InvalidInput". */
  field?: string;
}

export interface User {
  username: string;
  sub: string;
  email?: string;
  /** When the current tokens expire, ms since the epoch (AWS's clock). */
  expiresAt: number;
}

/** Where Cognito sent a code. */
export interface CodeDelivery {
  destination: string;
  /** "EMAIL" or "SMS". */
  medium: string;
  attribute: string;
}

/** Cognito's challenge names that `confirmSignIn` answers. */
export type ChallengeName =
  | "NEW_PASSWORD_REQUIRED" | "SMS_MFA" | "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP"
  | "SELECT_MFA_TYPE" | "MFA_SETUP" | "CUSTOM_CHALLENGE";

/** What the next sign-in step asks for. */
export interface NextStep {
  name: ChallengeName;
  codeDelivery?: CodeDelivery;
  /** MFA types to choose from (SELECT_MFA_TYPE) or to set up (MFA_SETUP). */
  mfaTypes: string[];
  /** Attributes to supply with the new password (NEW_PASSWORD_REQUIRED). */
  requiredAttributes: string[];
  /** Public parameters of a custom challenge. */
  parameters: Record<string, string>;
}

/** The result of `signIn` and `confirmSignIn`. */
export type SignInResult =
  | { signedIn: true; user: User }
  | { signedIn: false; nextStep: NextStep };

export interface SignInInput { username: string; password: string }

export interface ConfirmSignInInput {
  /** The MFA / OTP code. */
  code?: string;
  /** NEW_PASSWORD_REQUIRED: the new password. */
  newPassword?: string;
  /** NEW_PASSWORD_REQUIRED: user attributes to set with it. */
  attributes?: StringMap;
  /** SELECT_MFA_TYPE: the chosen type. */
  mfaType?: string;
  /** CUSTOM_CHALLENGE: the answer. */
  answer?: string;
}

/** Names to strings: a plain object (own properties) or a Map. */
export type StringMap = Record<string, string> | Map<string, string>;

export interface SignUpInput { username: string; password: string; attributes?: StringMap }
export interface SignUpResult { userConfirmed: boolean; userSub: string; codeDelivery?: CodeDelivery }
export interface UsernameInput { username: string }
export interface ConfirmSignUpInput { username: string; code: string }
export interface ConfirmForgotPasswordInput { username: string; code: string; newPassword: string }
export interface ChangePasswordInput { oldPassword: string; newPassword: string }
export interface SignOutInput {
  /** Sign out of every device (GlobalSignOut); otherwise only here (the refresh token is revoked). */
  global?: boolean;
}

export interface SessionOptions {
  /** Refresh the tokens now, even when they are not about to expire. */
  forceRefresh?: boolean;
}
/** Valid tokens of the signed-in user, refreshed when they were about to expire. */
export interface AuthSession {
  user: User;
  idToken: string;
  accessToken: string;
  /** ms since the epoch (AWS's clock). */
  expiresAt: number;
}

/** A new TOTP secret: show `totpUri` as a QR code, or `totpSecret` to type in. */
export interface TotpSetup { totpSecret: string; totpUri: string }
export interface CodeInput { code: string }

export type SessionEvent = "signedIn" | "tokensRefreshed" | "signedOut" | "sessionExpired";

/**
 * Options every data call takes. Every options bag and input object is read the same way: only
 * its own properties count, an `undefined` value is as if left out, and a name not listed in
 * its type, or a value of another type, is refused with an `InvalidInputError` naming it
 * (`field: "options.limit"`).
 */
export interface CallOptions {
  /** Cancels the call. */
  signal?: AbortSignal;
  /**
   * Sends the request even when it names another identity's data, so that AWS (IAM) decides.
   * For demonstrating IAM only: no app should set it.
   */
  unscopedForDemoOnly?: boolean;
}

import type { NumberValue } from "./number.js";
/**
 * An attribute as read: strings, booleans, null, Uint8Array, arrays, objects, Sets, and numbers
 * by one rule: a `number` when the double prints back to the same decimal, else a `bigint`
 * (integers) or a `NumberValue` (the exact text). Written back with `put`, each is stored as
 * it was read.
 */
export type AttributeValue =
  | string | number | bigint | NumberValue | boolean | null | Uint8Array
  | AttributeValue[] | { [name: string]: AttributeValue }
  | Set<string> | Set<number | bigint | NumberValue> | Set<Uint8Array>;
export type Item = { [name: string]: AttributeValue };
/**
 * What an attribute may be written as: an AttributeValue, or what `@aws-sdk/util-dynamodb`'s
 * `marshall` also takes: a Map with string keys (stored as a map), an ArrayBuffer or every view of
 * one (typed arrays, DataView: stored as its bytes, read back as Uint8Array). `undefined`
 * members of objects and Maps are left out. A Date, Blob or class instance is refused.
 */
export type AttributeInput =
  | AttributeValue | ArrayBuffer | ArrayBufferView
  | AttributeInput[] | { [name: string]: AttributeInput | undefined } | Map<string, AttributeInput | undefined>
  | Set<string> | Set<number | bigint | NumberValue> | Set<Uint8Array | ArrayBuffer | ArrayBufferView>;
export type ItemInput = { [name: string]: AttributeInput | undefined };

/** Options of `db(table, options)`; the table name is 3 to 255 letters, digits, '_', '.' and '-'. */
export interface TableOptions {
  /** The partition key attribute, which holds the identity id ("pk" by default). */
  partitionKey?: string;
  /** The sort key attribute ("sk" by default; null for a table without one). */
  sortKey?: string | null;
  /**
   * Secondary indexes whose partition key attribute holds an identity id, by index name. A
   * write that sets one of these attributes to another identity's id is refused before it is
   * signed (OutOfScopeError), and `query({ index: "name" })` finds the index here.
   */
  indexes?: Record<string, IndexKeys>;
}
export interface IndexKeys {
  /** The index's partition key attribute (it holds an identity id). */
  partitionKey: string;
  /** The index's sort key attribute, if it has one. */
  sortKey?: string;
}
export interface ExpressionOptions extends CallOptions {
  /** ExpressionAttributeNames, e.g. { "#n": "name" }. */
  names?: StringMap;
  /** ExpressionAttributeValues, e.g. { ":v": 3 }. */
  values?: ItemInput;
}
/** Options of `put`. */
export interface WriteOptions extends ExpressionOptions {
  condition?: string;
  returnValues?: "NONE" | "ALL_OLD";
}
/** Options of `delete`. */
export interface DeleteOptions extends WriteOptions {
  /** With unscopedForDemoOnly: another identity's partition key. */
  partitionKeyForDemoOnly?: string;
}
export interface UpdateOptions extends ExpressionOptions {
  /** The UpdateExpression. */
  update: string;
  condition?: string;
  returnValues?: "NONE" | "ALL_OLD" | "UPDATED_OLD" | "ALL_NEW" | "UPDATED_NEW";
  partitionKeyForDemoOnly?: string;
}
export interface GetOptions extends CallOptions {
  /** ExpressionAttributeNames of the projection. */
  names?: StringMap;
  projection?: string;
  consistentRead?: boolean;
  partitionKeyForDemoOnly?: string;
}
export type SortKeyCondition =
  | { eq: AttributeValue } | { lt: AttributeValue } | { le: AttributeValue }
  | { gt: AttributeValue } | { ge: AttributeValue }
  | { between: [AttributeValue, AttributeValue] } | { beginsWith: string | Uint8Array };
export interface QueryOptions extends ExpressionOptions {
  sortKey?: SortKeyCondition;
  filter?: string;
  projection?: string;
  /**
   * Query a secondary index instead of the table: the name of one declared in
   * `db(table, { indexes })`, or its keys. Its partition key is matched to your identity id,
   * and only your own items come back (the table's partition key is filtered on too), whoever
   * wrote your id into the index's key attribute.
   */
  index?: string | ({ name: string } & IndexKeys);
  /** At most this many items are read (a whole number from 1). */
  limit?: number;
  /** Descending sort-key order. */
  reverse?: boolean;
  consistentRead?: boolean;
  /** Where the previous page ended. */
  pageToken?: string;
  partitionKeyForDemoOnly?: string;
}
export interface QueryPage { items: Item[]; count: number; pageToken?: string }

/**
 * Options of `files(bucket, options)`; the bucket name follows S3's rules (3 to 63 lower-case
 * letters, digits, '.' and '-', no IP address, ...).
 */
export interface FilesOptions {
  /** Virtual-hosted URLs (bucket.s3.region.amazonaws.com); path-style otherwise. */
  virtualHost?: boolean;
}
export interface PutObjectOptions extends CallOptions {
  contentType?: string;
  /**
   * x-amz-meta-* headers. Names: letters, digits, '-' and '_', distinct ignoring case; values:
   * printable ASCII; at most 2,048 bytes of names and values together (S3's limit).
   */
  metadata?: StringMap;
  /** Sign with UNSIGNED-PAYLOAD instead of hashing the body. */
  unsignedPayload?: boolean;
}
export interface PutObjectResult { key: string; etag?: string }
export interface GetObjectOptions extends CallOptions {
  as?: "bytes" | "text" | "json" | "blob";
  /** e.g. "bytes=0-99". */
  range?: string;
}
export interface ObjectHead {
  contentType?: string; contentLength?: number; etag?: string; lastModified?: string;
  metadata: Record<string, string>;
}
export interface ListOptions extends CallOptions {
  prefix?: string;
  /** At most this many objects (a whole number from 1; S3 returns at most 1000). */
  maxKeys?: number;
  continuationToken?: string;
}
export interface ObjectList {
  objects: { key: string; size: number; etag: string; lastModified: string }[];
  continuationToken?: string;
}
export interface PresignOptions extends CallOptions {
  method?: "GET" | "PUT";
  /**
   * Whole seconds the URL is valid, 1 to 604800 (900 by default), clamped to what the signing
   * credentials have left (at most an hour): a URL never outlives them.
   */
  expiresIn?: number;
}
"##;

/// The package version.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// A plain object of string properties from names that come from outside (Cognito's challenge
/// parameters, S3 metadata). Each becomes an own property, as `Object.fromEntries` makes them:
/// assigning them one by one would send a name `__proto__` to the prototype setter, which drops
/// a string value, so that entry would be lost.
fn object_of<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> JsValue {
    let entries = js_sys::Array::new();
    for (k, v) in pairs {
        entries.push(&js_sys::Array::of2(&k.into(), &v.into()));
    }
    // An array of [string, string] pairs is always accepted.
    js_sys::Object::from_entries(&entries).map_or(JsValue::UNDEFINED, JsValue::from)
}

fn set(target: &js_sys::Object, key: &str, value: &JsValue) {
    // Defining a property on a fresh Error object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        let js = js_sys::Error::new(&e.message);
        js.set_name(&e.code);
        let obj: &js_sys::Object = js.as_ref();
        set(obj, "code", &e.code.as_str().into());
        set(obj, "kind", &e.kind.as_str().into());
        set(obj, "retryable", &e.retryable.into());
        set(
            obj,
            "requestId",
            &e.request_id
                .as_deref()
                .map_or(JsValue::UNDEFINED, JsValue::from),
        );
        set(
            obj,
            "httpStatus",
            &e.http_status.map_or(JsValue::UNDEFINED, JsValue::from),
        );
        set(
            obj,
            "field",
            &e.field.as_deref().map_or(JsValue::UNDEFINED, JsValue::from),
        );
        js.into()
    }
}
