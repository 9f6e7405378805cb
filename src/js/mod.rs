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

use crate::auth::session::{AwsIdentity, ChallengeAnswer, NextStep, Session, SignInStep, User};
use crate::auth::storage;
use crate::auth::user_pool::CodeDelivery;
use crate::aws::signed::{self, BodyHash};
use crate::aws::signer;
use crate::clock;
use crate::config::{Config, FieldValue, RawConfig, Service, StorageKind};
use crate::data::dynamodb::{self, Doc, Item};
use crate::data::s3;
use crate::error::Error;
use crate::http::retry::Policy;
use crate::http::{Fetch, Request, Response, Transport};

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

#[wasm_bindgen]
extern "C" {
    /// `Object.entries(o)`: the own enumerable string-keyed properties, never inherited ones;
    /// `Err` when a getter or a proxy throws.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = entries)]
    fn own_entries(o: &JsValue) -> Result<js_sys::Array, JsValue>;
}

/// An input object or options bag, read by the one reader every input and option goes
/// through. Only the object's own enumerable properties count, read once, so a property
/// inherited from a polluted `Object.prototype` changes nothing; a property whose value is
/// `undefined` is absent, as if left out; a name the object does not declare is refused (with
/// the closest known name); a value of the wrong type is refused, never coerced or ignored.
/// The first fault is an `InvalidInputError` whose `field` names it (`options.limit`,
/// `signIn.password`). A value is never quoted back: it may be a password.
struct Fields {
    /// How errors name the object: `options`, `signIn`, `options.index`.
    name: String,
    /// The own properties that are not `undefined`.
    entries: Vec<(String, JsValue)>,
    /// The first fault; once there is one, nothing more is read.
    error: Option<Error>,
}

/// An input struct, read from its [`Fields`].
trait Input: Sized {
    /// The field names the input object may have.
    const FIELDS: &'static [&'static str];
    fn read(f: &mut Fields) -> Self;
}

impl Fields {
    /// Reads `value`, which must be an object whose property names are all in `known`.
    fn new(name: &str, value: &JsValue, known: &[&str]) -> Fields {
        let mut f = Fields::optional(name, &JsValue::UNDEFINED, known);
        if !value.is_object() || value.is_function() || js_sys::Array::is_array(value) {
            f.fail(
                name,
                format!("{name} must be an object, not {}", type_name(value)),
            );
            return f;
        }
        let Ok(entries) = own_entries(value) else {
            f.fail(name, format!("{name} could not be read (a getter threw)"));
            return f;
        };
        for entry in entries.iter() {
            let pair: js_sys::Array = entry.unchecked_into();
            let (key, v) = (pair.get(0).as_string().unwrap_or_default(), pair.get(1));
            if v.is_undefined() {
                // As if left out, whatever its name (`{ ...options, limit: undefined }`).
                continue;
            }
            if !known.contains(&key.as_str()) {
                let field = format!("{name}.{key}");
                f.fail(
                    &field,
                    crate::config::unknown_field(&field, &key, name, known),
                );
                return f;
            }
            f.entries.push((key, v));
        }
        f
    }

    /// Like [`Fields::new`], with `undefined` read as an empty object: an options argument
    /// left out.
    fn optional(name: &str, value: &JsValue, known: &[&str]) -> Fields {
        if !value.is_undefined() {
            return Fields::new(name, value, known);
        }
        Fields {
            name: name.to_owned(),
            entries: Vec::new(),
            error: None,
        }
    }

    /// Records a fault, unless there is one already.
    fn fail(&mut self, field: &str, message: String) {
        if self.error.is_none() {
            self.error = Some(Error::invalid_input(field, message));
        }
    }

    /// Records `r`'s error, if any, as the fault.
    fn check<T>(&mut self, r: Result<T, Error>) -> Option<T> {
        r.map_err(|e| {
            self.error.get_or_insert(e);
        })
        .ok()
    }

    /// The value of `key`, `None` when it is absent (or reading has stopped).
    fn get(&self, key: &str) -> Option<JsValue> {
        if self.error.is_some() {
            return None;
        }
        let (_, v) = self.entries.iter().find(|(k, _)| k == key)?;
        Some(v.clone())
    }

    /// Records that `key`'s value is not what the input expects.
    fn wrong(&mut self, key: &str, expected: &str) {
        let field = format!("{}.{key}", self.name);
        self.fail(&field, format!("{field} must be {expected}"));
    }

    /// The value of `key` when `ok` holds for it; a fault naming `expected` when not. (A
    /// function pointer, not a generic: one copy serves every type.)
    fn read(&mut self, key: &str, expected: &str, ok: fn(&JsValue) -> bool) -> Option<JsValue> {
        let v = self.get(key)?;
        if ok(&v) {
            return Some(v);
        }
        self.mistyped(key, expected, &v);
        None
    }

    fn mistyped(&mut self, key: &str, expected: &str, v: &JsValue) {
        self.wrong(key, &format!("{expected}, not {}", type_name(v)));
    }

    /// A string that may be absent.
    fn string(&mut self, key: &str) -> Option<String> {
        self.read(key, "a string", JsValue::is_string)?.as_string()
    }

    /// A required string.
    fn required(&mut self, key: &str) -> String {
        if self.get(key).is_none() && self.error.is_none() {
            self.wrong(key, "given");
        }
        self.string(key).unwrap_or_default()
    }

    /// `true` or `false`, or absent.
    fn bool(&mut self, key: &str) -> Option<bool> {
        self.read(key, "true or false", |v| v.as_bool().is_some())?
            .as_bool()
    }

    /// A whole number from 1 to `max`, or absent.
    fn whole(&mut self, key: &str, max: u32) -> Option<u32> {
        let n = self
            .read(key, "a number", |v| v.as_f64().is_some())?
            .as_f64()?;
        if n.fract() == 0.0 && (1.0..=f64::from(max)).contains(&n) {
            return Some(n as u32);
        }
        // Written by the integer formatter: formatting an f64 costs kilobytes of wasm.
        self.wrong(key, &format!("a whole number from 1 to {max}"));
        None
    }

    /// One of the strings `allowed`, or absent.
    fn one_of(&mut self, key: &str, allowed: &[&'static str]) -> Option<&'static str> {
        let s = self.string(key)?;
        let found = allowed.iter().find(|a| **a == s).copied();
        if found.is_none() {
            self.wrong(
                key,
                &format!("one of \"{}\"", crate::codec::text::join(allowed, "\", \"")),
            );
        }
        found
    }

    /// An object of strings, in order; empty when absent.
    fn pairs(&mut self, key: &str) -> Vec<(String, String)> {
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        string_pairs(&v).unwrap_or_else(|| {
            self.mistyped(key, "an object of strings", &v);
            Vec::new()
        })
    }

    /// A nested object (`options.index`), read by its own [`Fields`]; see [`Fields::merge`].
    fn object(&mut self, key: &str, known: &[&str]) -> Option<Fields> {
        let v = self.get(key)?;
        Some(Fields::new(&format!("{}.{key}", self.name), &v, known))
    }

    /// Takes on the fault of a nested object read with [`Fields::object`].
    fn merge(&mut self, inner: Fields) {
        if let Some(e) = inner.error {
            self.error.get_or_insert(e);
        }
    }

    /// The options every AWS call takes: `signal` and the loudly named scope bypass.
    fn call(&mut self) -> CallOptions {
        CallOptions {
            signal: self
                .read("signal", "an AbortSignal", |v| {
                    v.is_instance_of::<AbortSignal>()
                })
                .map(JsCast::unchecked_into),
            scope: if self.bool("unscopedForDemoOnly") == Some(true) {
                s3::ScopeCheck::UnscopedForDemoOnly
            } else {
                s3::ScopeCheck::Enforce
            },
        }
    }

    fn finish(self) -> Result<(), Error> {
        self.error.map_or(Ok(()), Err)
    }
}

fn parse<T: Input>(field: &str, value: &JsValue) -> Result<T, Error> {
    let mut fields = Fields::new(field, value, T::FIELDS);
    let input = T::read(&mut fields);
    fields.finish().map(|()| input)
}

/// The names each options bag may hold; [`Fields`] refuses any other. A new option is one more
/// name here (and in the TypeScript types above) and one read in its method.
const TABLE_OPTIONS: &[&str] = &["partitionKey", "sortKey", "indexes"];
const INDEX_KEYS: &[&str] = &["partitionKey", "sortKey"];
const FILES_OPTIONS: &[&str] = &["virtualHost"];
const CALL_OPTIONS: &[&str] = &["signal", "unscopedForDemoOnly"];
const PUT_ITEM_OPTIONS: &[&str] = &[
    "signal",
    "unscopedForDemoOnly",
    "condition",
    "names",
    "values",
    "returnValues",
];
const GET_ITEM_OPTIONS: &[&str] = &[
    "signal",
    "unscopedForDemoOnly",
    "partitionKeyForDemoOnly",
    "projection",
    "names",
    "consistentRead",
];
const UPDATE_ITEM_OPTIONS: &[&str] = &[
    "signal",
    "unscopedForDemoOnly",
    "partitionKeyForDemoOnly",
    "update",
    "condition",
    "names",
    "values",
    "returnValues",
];
const DELETE_ITEM_OPTIONS: &[&str] = &[
    "signal",
    "unscopedForDemoOnly",
    "partitionKeyForDemoOnly",
    "condition",
    "names",
    "values",
    "returnValues",
];
/// `queryAll` takes these but `pageToken` (the last).
const QUERY_OPTIONS: &[&str] = &[
    "signal",
    "unscopedForDemoOnly",
    "partitionKeyForDemoOnly",
    "sortKey",
    "filter",
    "projection",
    "names",
    "values",
    "index",
    "limit",
    "reverse",
    "consistentRead",
    "pageToken",
];
const INDEX_FIELDS: &[&str] = &["name", "partitionKey", "sortKey"];
const SORT_KEY_CONDITIONS: &[&str] = &["eq", "lt", "le", "gt", "ge", "between", "beginsWith"];
const PUT_OBJECT_OPTIONS: &[&str] = &[
    "signal",
    "unscopedForDemoOnly",
    "contentType",
    "metadata",
    "unsignedPayload",
];
const GET_OBJECT_OPTIONS: &[&str] = &["signal", "unscopedForDemoOnly", "as", "range"];
const LIST_OPTIONS: &[&str] = &[
    "signal",
    "unscopedForDemoOnly",
    "prefix",
    "maxKeys",
    "continuationToken",
];
const PRESIGN_OPTIONS: &[&str] = &["signal", "unscopedForDemoOnly", "method", "expiresIn"];

/// The largest `limit` and `maxKeys`: AWS reads them as 32-bit integers.
const MAX_INT: u32 = 2_147_483_647;

/// What a JS value is, for an error message ("a number"); never the value itself.
fn type_name(v: &JsValue) -> &'static str {
    if v.is_undefined() {
        "undefined"
    } else if v.is_null() {
        "null"
    } else if v.is_string() {
        "a string"
    } else if v.as_f64().is_some() {
        "a number"
    } else if v.is_bigint() {
        "a bigint"
    } else if v.as_bool().is_some() {
        "a boolean"
    } else if js_sys::Array::is_array(v) {
        "an array"
    } else if v.is_function() {
        "a function"
    } else if v.is_object() {
        "an object"
    } else {
        "a symbol"
    }
}

/// The `[key, value]` pairs of an object (own properties only) or of a `Map` whose keys and
/// values are all strings, in order, the last of equal keys kept in the place of the first;
/// `None` when it is not one.
fn string_pairs(v: &JsValue) -> Option<Vec<(String, String)>> {
    if !v.is_object() || v.is_function() || js_sys::Array::is_array(v) {
        return None;
    }
    let entries: Vec<JsValue> = match v.dyn_ref::<js_sys::Map>() {
        Some(map) => map.entries().into_iter().collect::<Result<_, _>>().ok()?,
        None => own_entries(v).ok()?.to_vec(),
    };
    let mut pairs: Vec<(String, String)> = Vec::with_capacity(entries.len());
    for entry in entries {
        let entry: js_sys::Array = entry.unchecked_into();
        let (k, v) = (entry.get(0).as_string()?, entry.get(1).as_string()?);
        crate::codec::json::set_field(&mut pairs, k, v);
    }
    Some(pairs)
}

/// A JS array of strings.
fn strings_to_js(strings: &[String]) -> js_sys::Array {
    strings.iter().map(|s| JsValue::from_str(s)).collect()
}

/// The config object, read as own properties only (as every input is, see [`Fields`]); its
/// fields are checked by [`RawConfig::from_fields`] and [`Config::validate`].
fn validate(config: JsValue) -> Result<Config, Error> {
    let entries = match own_entries(&config) {
        Ok(entries) if config.is_object() && !js_sys::Array::is_array(&config) => entries,
        _ => {
            return Err(Error::config(
                "config",
                format!("the config must be an object, not {}", type_name(&config)),
            ))
        }
    };
    let fields = entries.into_iter().map(|entry| {
        let pair: js_sys::Array = entry.unchecked_into();
        (
            pair.get(0).as_string().unwrap_or_default(),
            field_value(&pair.get(1)),
        )
    });
    Config::validate(RawConfig::from_fields(fields)?)
}

/// A config field's value; anything but a string is named by its type, never shown.
fn field_value(v: &JsValue) -> FieldValue {
    if v.is_undefined() || v.is_null() {
        FieldValue::Absent
    } else if let Some(s) = v.as_string() {
        FieldValue::Text(s)
    } else if let Some(n) = v.as_f64() {
        FieldValue::Number(n)
    } else {
        FieldValue::Other(type_name(v))
    }
}

/// Validates a config object and returns it normalised, with the endpoint of each service;
/// throws an `Error` whose `field` names the first bad field.
#[wasm_bindgen(js_name = validateConfig, unchecked_return_type = "ValidatedConfig")]
pub fn validate_config(
    #[wasm_bindgen(unchecked_param_type = "ApilessConfig")] config: JsValue,
) -> Result<JsValue, JsValue> {
    let c = validate(config)?;
    let storage = match c.storage {
        crate::config::StorageKind::Local => "local",
        crate::config::StorageKind::Session => "session",
        crate::config::StorageKind::Memory => "memory",
    };
    // By name ("cognito-identity" first), the order they have always come in.
    let endpoints = js_sys::Object::new();
    for s in [
        Service::IdentityPool,
        Service::UserPool,
        Service::DynamoDb,
        Service::S3,
    ] {
        set(&endpoints, s.name(), &c.endpoint_for(s).into());
    }
    let out = js_sys::Object::new();
    set(&out, "region", &c.region.as_str().into());
    set(&out, "userPoolId", &c.user_pool_id.as_str().into());
    set(
        &out,
        "userPoolClientId",
        &c.user_pool_client_id.as_str().into(),
    );
    set(
        &out,
        "identityPoolId",
        &c.identity_pool_id
            .as_deref()
            .map_or(JsValue::NULL, JsValue::from),
    );
    set(&out, "storage", &storage.into());
    set(&out, "endpoints", &endpoints);
    Ok(out.into())
}

/// Random bytes from `crypto.getRandomValues`.
fn random(buf: &mut [u8]) -> Result<(), Error> {
    getrandom::fill(buf).map_err(|_| {
        Error::config(
            "crypto",
            "crypto.getRandomValues is not available in this context",
        )
    })
}

/// An apiless client: the signed-in session and, with issue #4, AWS calls.
#[wasm_bindgen(js_name = Client)]
pub struct Client {
    session: Rc<Session<Fetch>>,
    /// With `storage: "local"`: follows other tabs' sign-in and sign-out.
    _tabs: Option<TabSync>,
}

impl Client {
    /// A client over an existing session (Rust callers and tests: the session's clock,
    /// transport and storage are theirs to choose). Not exported to JS.
    pub fn with_session(session: Rc<Session<Fetch>>) -> Client {
        Client {
            session,
            _tabs: None,
        }
    }
}

/// Listens to the window's `storage` event, which the browser fires in every other tab of the
/// origin when one writes localStorage: a write to this client's keys syncs the session
/// (sign-in, refreshed tokens, sign-out). Removed when the client is freed.
struct TabSync {
    window: web_sys::Window,
    listener: Closure<dyn Fn(web_sys::StorageEvent)>,
}

impl TabSync {
    fn start(session: &Rc<Session<Fetch>>) -> Option<TabSync> {
        let window = web_sys::window()?;
        let prefix = format!(
            "CognitoIdentityServiceProvider.{}.",
            session.config().user_pool_client_id
        );
        let session = Rc::downgrade(session);
        let listener =
            Closure::<dyn Fn(web_sys::StorageEvent)>::new(move |event: web_sys::StorageEvent| {
                // No key: the other tab cleared the whole storage.
                let ours = event.key().is_none_or(|key| key.starts_with(&prefix));
                if let Some(session) = session.upgrade().filter(|_| ours) {
                    session.sync_from_store();
                }
            });
        window
            .add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref())
            .ok()?;
        Some(TabSync { window, listener })
    }
}

impl Drop for TabSync {
    fn drop(&mut self) {
        let _ = self
            .window
            .remove_event_listener_with_callback("storage", self.listener.as_ref().unchecked_ref());
    }
}

/// Makes a client from a config object (see `ApilessConfig`); a stored session is restored.
/// Throws a `ConfigError` naming the bad field.
#[wasm_bindgen(js_name = createClient)]
pub fn create_client(
    #[wasm_bindgen(unchecked_param_type = "ApilessConfig")] config: JsValue,
) -> Result<Client, JsValue> {
    install_panic_hook();
    let config = validate(config)?;
    let store = storage::open(config.storage)?;
    let fetch = Fetch {
        signal: None,
        timeout_ms: f64::from(config.attempt_timeout_ms),
    };
    let session = Session::new(
        config,
        fetch,
        store,
        Box::new(clock::browser_now_ms),
        Box::new(random),
    );
    let tabs = (session.config().storage == StorageKind::Local)
        .then(|| TabSync::start(&session))
        .flatten();
    Ok(Client {
        session,
        _tabs: tabs,
    })
}

fn user_to_js(u: &User) -> JsValue {
    let o = js_sys::Object::new();
    set(&o, "username", &u.username.as_str().into());
    set(&o, "sub", &u.sub.as_str().into());
    if let Some(email) = &u.email {
        set(&o, "email", &email.as_str().into());
    }
    set(&o, "expiresAt", &(u.expires_at_ms as f64).into());
    o.into()
}

fn code_delivery_to_js(c: &CodeDelivery) -> JsValue {
    let o = js_sys::Object::new();
    set(&o, "destination", &c.destination.as_str().into());
    set(&o, "medium", &c.medium.as_str().into());
    set(&o, "attribute", &c.attribute.as_str().into());
    o.into()
}

fn next_step_to_js(s: &NextStep) -> JsValue {
    let o = js_sys::Object::new();
    set(&o, "name", &s.name.as_str().into());
    if let Some(c) = &s.code_delivery {
        set(&o, "codeDelivery", &code_delivery_to_js(c));
    }
    set(&o, "mfaTypes", &strings_to_js(&s.mfa_types));
    set(
        &o,
        "requiredAttributes",
        &strings_to_js(&s.required_attributes),
    );
    // Unique names already: they come from a JSON object.
    set(
        &o,
        "parameters",
        &object_of(s.parameters.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
    );
    o.into()
}

struct CodeInput {
    code: String,
}

impl Input for CodeInput {
    const FIELDS: &'static [&'static str] = &["code"];

    fn read(f: &mut Fields) -> Self {
        CodeInput {
            code: f.required("code"),
        }
    }
}

fn sign_in_result(step: SignInStep) -> Result<JsValue, Error> {
    let o = js_sys::Object::new();
    match step {
        SignInStep::Done(user) => {
            set(&o, "signedIn", &true.into());
            set(&o, "user", &user_to_js(&user));
        }
        SignInStep::Next(next) => {
            set(&o, "signedIn", &false.into());
            set(&o, "nextStep", &next_step_to_js(&next));
        }
    }
    Ok(o.into())
}

struct SignInInput {
    username: String,
    password: String,
}

impl Input for SignInInput {
    const FIELDS: &'static [&'static str] = &["username", "password"];

    fn read(f: &mut Fields) -> Self {
        SignInInput {
            username: f.required("username"),
            password: f.required("password"),
        }
    }
}

#[derive(Default)]
struct ConfirmSignInInput {
    code: Option<String>,
    new_password: Option<String>,
    attributes: Vec<(String, String)>,
    mfa_type: Option<String>,
    answer: Option<String>,
}

impl Input for ConfirmSignInInput {
    const FIELDS: &'static [&'static str] =
        &["code", "newPassword", "attributes", "mfaType", "answer"];

    fn read(f: &mut Fields) -> Self {
        ConfirmSignInInput {
            code: f.string("code"),
            new_password: f.string("newPassword"),
            attributes: f.pairs("attributes"),
            mfa_type: f.string("mfaType"),
            answer: f.string("answer"),
        }
    }
}

struct SignUpInput {
    username: String,
    password: String,
    attributes: Vec<(String, String)>,
}

impl Input for SignUpInput {
    const FIELDS: &'static [&'static str] = &["username", "password", "attributes"];

    fn read(f: &mut Fields) -> Self {
        SignUpInput {
            username: f.required("username"),
            password: f.required("password"),
            attributes: f.pairs("attributes"),
        }
    }
}

struct UsernameInput {
    username: String,
}

impl Input for UsernameInput {
    const FIELDS: &'static [&'static str] = &["username"];

    fn read(f: &mut Fields) -> Self {
        UsernameInput {
            username: f.required("username"),
        }
    }
}

struct ConfirmSignUpInput {
    username: String,
    code: String,
}

impl Input for ConfirmSignUpInput {
    const FIELDS: &'static [&'static str] = &["username", "code"];

    fn read(f: &mut Fields) -> Self {
        ConfirmSignUpInput {
            username: f.required("username"),
            code: f.required("code"),
        }
    }
}

struct ConfirmForgotPasswordInput {
    username: String,
    code: String,
    new_password: String,
}

impl Input for ConfirmForgotPasswordInput {
    const FIELDS: &'static [&'static str] = &["username", "code", "newPassword"];

    fn read(f: &mut Fields) -> Self {
        ConfirmForgotPasswordInput {
            username: f.required("username"),
            code: f.required("code"),
            new_password: f.required("newPassword"),
        }
    }
}

struct ChangePasswordInput {
    old_password: String,
    new_password: String,
}

impl Input for ChangePasswordInput {
    const FIELDS: &'static [&'static str] = &["oldPassword", "newPassword"];

    fn read(f: &mut Fields) -> Self {
        ChangePasswordInput {
            old_password: f.required("oldPassword"),
            new_password: f.required("newPassword"),
        }
    }
}

#[derive(Default)]
struct SessionOptions {
    force_refresh: bool,
}

impl Input for SessionOptions {
    const FIELDS: &'static [&'static str] = &["forceRefresh"];

    fn read(f: &mut Fields) -> Self {
        SessionOptions {
            force_refresh: f.bool("forceRefresh").unwrap_or(false),
        }
    }
}

#[derive(Default)]
struct SignOutInput {
    global: bool,
}

impl Input for SignOutInput {
    const FIELDS: &'static [&'static str] = &["global"];

    fn read(f: &mut Fields) -> Self {
        SignOutInput {
            global: f.bool("global").unwrap_or(false),
        }
    }
}

/// Runs `future` as a Promise; a rejected Promise carries a real `Error`.
///
/// Every async export goes through here. Should the future panic (a bug), the panic hook
/// (installed by `createClient`) rejects this Promise with an `InternalError` instead of
/// leaving it pending forever, and the module goes on serving other calls.
pub fn promise<F>(future: F) -> Promise
where
    F: std::future::Future<Output = Result<JsValue, Error>> + 'static,
{
    // One copy of the Promise plumbing for every export: only the boxing is per future.
    promise_of(Box::pin(future))
}

/// A call's future, boxed.
type CallFuture = LocalBoxFuture<'static, Result<JsValue, Error>>;

fn promise_of(future: CallFuture) -> Promise {
    let mut future = Some(future);
    Promise::new(&mut |resolve, reject| {
        let Some(future) = future.take() else { return };
        let guarded = PanicGuard {
            future,
            reject: reject.clone(),
        };
        spawn_local(async move {
            let (settle, value) = match guarded.await {
                Ok(value) => (resolve, value),
                Err(e) => (reject, JsValue::from(e)),
            };
            // Calling resolve or reject only fails if they throw, which they never do.
            let _ = settle.call1(&JsValue::UNDEFINED, &value);
        });
    })
}

thread_local! {
    /// The `reject` of the Promise whose future is being polled right now, if any.
    static POLLING: std::cell::RefCell<Option<Function>> = const { std::cell::RefCell::new(None) };
}

/// Marks its Promise as the one being polled, for the panic hook.
struct PanicGuard {
    future: CallFuture,
    reject: Function,
}

impl std::future::Future for PanicGuard {
    type Output = Result<JsValue, Error>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let reject = self.reject.clone();
        let outer = POLLING.with(|p| p.try_borrow_mut().ok()?.replace(reject));
        let polled = self.future.as_mut().poll(cx);
        POLLING.with(|p| {
            if let Ok(mut p) = p.try_borrow_mut() {
                *p = outer;
            }
        });
        polled
    }
}

/// Installs (once) the panic hook that turns a panic into an `InternalError`: it rejects the
/// Promise being polled, if any, and logs the panic's message and place on the console. The
/// wasm instance stays usable: each call holds its own state, and a panic only ends the call
/// that hit it. (A panic in a synchronous method throws a `WebAssembly.RuntimeError`, also an
/// `Error`, after the same console line.)
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let payload = info.payload_as_str().unwrap_or("a panic");
            let place = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let message = format!(
                "apiless hit a bug and stopped this call ({payload}{place}); please report it"
            );
            web_sys::console::error_1(&message.as_str().into());
            let reject = POLLING.with(|p| p.try_borrow_mut().ok()?.take());
            if let Some(reject) = reject {
                let _ = reject.call1(&JsValue::UNDEFINED, &Error::internal(message).into());
            }
        }));
    });
}

/// A Promise rejected with `e` (input refused before any request).
fn rejected(e: Error) -> Promise {
    Promise::reject(&JsValue::from(e))
}

/// Parses the input object of method `name` and starts `call` with it; a Promise rejected
/// with an `InvalidInputError` when the input is malformed (nothing is sent).
fn with_input<I, F>(name: &str, input: JsValue, call: impl FnOnce(I) -> F) -> Promise
where
    I: Input,
    F: std::future::Future<Output = Result<JsValue, Error>> + 'static,
{
    match parse(name, &input) {
        Ok(input) => promise(call(input)),
        Err(e) => rejected(e),
    }
}

/// An input object that may be left out (`undefined`).
fn optional<T: Input + Default>(field: &str, value: &JsValue) -> Result<T, Error> {
    if value.is_undefined() {
        Ok(T::default())
    } else {
        parse(field, value)
    }
}

#[wasm_bindgen(js_class = Client)]
impl Client {
    /// Computes the SRP public value now (a few ms), so that `signIn` waits only on the
    /// network. Call it when the sign-in form appears; optional.
    #[wasm_bindgen(js_name = prepareSignIn)]
    pub fn prepare_sign_in(&self) -> Result<(), JsValue> {
        Ok(self.session.prepare_sign_in()?)
    }

    /// Signs in with SRP; the password never leaves the page.
    #[wasm_bindgen(js_name = signIn, unchecked_return_type = "Promise<SignInResult>")]
    pub fn sign_in(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SignInInput")] input: JsValue,
    ) -> Promise {
        with_input("signIn", input, |i: SignInInput| {
            let future = self
                .session
                .sign_in(&i.username, Zeroizing::new(i.password));
            async move { sign_in_result(future.await?) }
        })
    }

    /// Answers the step `signIn` returned (new password, MFA code, MFA choice, TOTP code).
    #[wasm_bindgen(js_name = confirmSignIn, unchecked_return_type = "Promise<SignInResult>")]
    pub fn confirm_sign_in(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConfirmSignInInput")] input: JsValue,
    ) -> Promise {
        with_input("confirmSignIn", input, |i: ConfirmSignInInput| {
            let answer = ChallengeAnswer {
                code: i.code,
                new_password: i.new_password,
                attributes: i.attributes,
                mfa_type: i.mfa_type,
                answer: i.answer,
            };
            let future = self.session.confirm_sign_in(answer);
            async move { sign_in_result(future.await?) }
        })
    }

    /// Starts TOTP setup and returns the secret for an authenticator app: during an
    /// `MFA_SETUP` sign-in step (then `confirmSignIn({ code })`), or when signed in (then
    /// `verifyTotpSetup({ code })`).
    #[wasm_bindgen(js_name = setUpTotp, unchecked_return_type = "Promise<TotpSetup>")]
    pub fn set_up_totp(&self) -> Promise {
        let future = self.session.setup_totp();
        promise(async move {
            let setup = future.await?;
            let out = js_sys::Object::new();
            set(&out, "totpSecret", &setup.secret.as_str().into());
            set(&out, "totpUri", &setup.uri.as_str().into());
            Ok(out.into())
        })
    }

    /// Completes TOTP setup for the signed-in user with the app's first code; TOTP becomes
    /// their preferred MFA, asked for at every sign-in.
    #[wasm_bindgen(js_name = verifyTotpSetup, unchecked_return_type = "Promise<void>")]
    pub fn verify_totp_setup(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CodeInput")] input: JsValue,
    ) -> Promise {
        with_input("verifyTotpSetup", input, |i: CodeInput| {
            let future = self.session.verify_totp_setup(i.code);
            async move { future.await.map(|()| JsValue::UNDEFINED) }
        })
    }

    /// Registers a user; Cognito sends a confirmation code unless the pool auto-confirms.
    #[wasm_bindgen(js_name = signUp, unchecked_return_type = "Promise<SignUpResult>")]
    pub fn sign_up(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SignUpInput")] input: JsValue,
    ) -> Promise {
        with_input("signUp", input, |i: SignUpInput| {
            let future = self
                .session
                .sign_up(i.username, Zeroizing::new(i.password), i.attributes);
            async move {
                let r = future.await?;
                let out = js_sys::Object::new();
                set(&out, "userConfirmed", &r.user_confirmed.into());
                set(&out, "userSub", &r.user_sub.into());
                if let Some(c) = &r.code_delivery {
                    set(&out, "codeDelivery", &code_delivery_to_js(c));
                }
                Ok(out.into())
            }
        })
    }

    /// Confirms a sign-up with the emailed or texted code.
    #[wasm_bindgen(js_name = confirmSignUp, unchecked_return_type = "Promise<void>")]
    pub fn confirm_sign_up(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConfirmSignUpInput")] input: JsValue,
    ) -> Promise {
        with_input("confirmSignUp", input, |i: ConfirmSignUpInput| {
            let future = self.session.confirm_sign_up(i.username, i.code);
            async move { future.await.map(|()| JsValue::UNDEFINED) }
        })
    }

    /// Sends the sign-up confirmation code again.
    #[wasm_bindgen(js_name = resendSignUpCode, unchecked_return_type = "Promise<CodeDelivery>")]
    pub fn resend_sign_up_code(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UsernameInput")] input: JsValue,
    ) -> Promise {
        with_input("resendSignUpCode", input, |i: UsernameInput| {
            let future = self.session.resend_sign_up_code(i.username);
            async move { Ok(code_delivery_to_js(&future.await?)) }
        })
    }

    /// Starts a password reset: Cognito sends a code.
    #[wasm_bindgen(js_name = forgotPassword, unchecked_return_type = "Promise<CodeDelivery>")]
    pub fn forgot_password(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UsernameInput")] input: JsValue,
    ) -> Promise {
        with_input("forgotPassword", input, |i: UsernameInput| {
            let future = self.session.forgot_password(i.username);
            async move { Ok(code_delivery_to_js(&future.await?)) }
        })
    }

    /// Sets a new password with the reset code.
    #[wasm_bindgen(js_name = confirmForgotPassword, unchecked_return_type = "Promise<void>")]
    pub fn confirm_forgot_password(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConfirmForgotPasswordInput")] input: JsValue,
    ) -> Promise {
        with_input(
            "confirmForgotPassword",
            input,
            |i: ConfirmForgotPasswordInput| {
                let future = self.session.confirm_forgot_password(
                    i.username,
                    i.code,
                    Zeroizing::new(i.new_password),
                );
                async move { future.await.map(|()| JsValue::UNDEFINED) }
            },
        )
    }

    /// Changes the signed-in user's password.
    #[wasm_bindgen(js_name = changePassword, unchecked_return_type = "Promise<void>")]
    pub fn change_password(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ChangePasswordInput")] input: JsValue,
    ) -> Promise {
        with_input("changePassword", input, |i: ChangePasswordInput| {
            let future = self.session.change_password(
                Zeroizing::new(i.old_password),
                Zeroizing::new(i.new_password),
            );
            async move { future.await.map(|()| JsValue::UNDEFINED) }
        })
    }

    /// Signs out here (revoking the refresh token), or everywhere with `{ global: true }`.
    #[wasm_bindgen(js_name = signOut, unchecked_return_type = "Promise<void>")]
    pub fn sign_out(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SignOutInput | undefined")] input: JsValue,
    ) -> Promise {
        let input: SignOutInput = match optional("signOut", &input) {
            Ok(i) => i,
            Err(e) => return rejected(e),
        };
        let future = self.session.sign_out(input.global);
        promise(async move { future.await.map(|()| JsValue::UNDEFINED) })
    }

    /// The signed-in user, or `null`.
    #[wasm_bindgen(js_name = currentUser, unchecked_return_type = "User | null")]
    pub fn current_user(&self) -> Result<JsValue, JsValue> {
        match self.session.current_user() {
            Some(u) => Ok(user_to_js(&u)),
            None => Ok(JsValue::NULL),
        }
    }

    /// Valid tokens of the signed-in user, refreshed first when about to expire (or now, with
    /// `{ forceRefresh: true }`); rejects with `NotAuthorizedException` when no one is signed
    /// in or the session ended.
    #[wasm_bindgen(js_name = currentSession, unchecked_return_type = "Promise<AuthSession>")]
    pub fn current_session(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SessionOptions | undefined")] options: JsValue,
    ) -> Promise {
        let options: SessionOptions = match optional("currentSession", &options) {
            Ok(o) => o,
            Err(e) => return rejected(e),
        };
        let session = self.session.clone();
        let future: LocalBoxFuture<'static, Result<crate::auth::tokens::Tokens, Error>> =
            if options.force_refresh {
                Box::pin(self.session.refresh())
            } else {
                Box::pin(self.session.tokens())
            };
        promise(async move {
            let tokens = future.await?;
            let user = session.current_user().ok_or_else(|| {
                Error::service("NotAuthorizedException", "no user is signed in", 400, None)
            })?;
            let out = js_sys::Object::new();
            set(&out, "user", &user_to_js(&user));
            set(&out, "idToken", &tokens.id_token.as_str().into());
            set(&out, "accessToken", &tokens.access_token.as_str().into());
            set(&out, "expiresAt", &(user.expires_at_ms as f64).into());
            Ok(out.into())
        })
    }

    /// The signed-in user's identity id in the identity pool: the partition key and S3 prefix
    /// of their data. Fetches credentials if there are none yet.
    #[wasm_bindgen(js_name = identityId, unchecked_return_type = "Promise<string>")]
    pub fn identity_id(&self) -> Promise {
        let future = self.session.aws_identity();
        promise(async move { Ok(JsValue::from_str(&future.await?.identity_id)) })
    }

    /// When the cached AWS credentials expire (ms since the epoch, AWS's clock), or `null`.
    #[wasm_bindgen(js_name = credentialsExpireAt)]
    pub fn credentials_expire_at(&self) -> Option<f64> {
        self.session.credentials_expire_at_ms().map(|ms| ms as f64)
    }

    /// Your items in DynamoDB table `table` (3 to 255 letters, digits, `_`, `.` and `-`), whose
    /// partition key (default `"pk"`) holds the identity id; `sortKey` defaults to `"sk"`
    /// (`null` for a table without one). Throws an `InvalidInputError` naming a bad name or
    /// option.
    #[wasm_bindgen(js_name = db)]
    pub fn db(
        &self,
        table: String,
        #[wasm_bindgen(unchecked_param_type = "TableOptions | undefined")] options: JsValue,
    ) -> Result<Table, JsValue> {
        crate::config::validate_table_name(&table)?;
        let mut o = Fields::optional("options", &options, TABLE_OPTIONS);
        let pk = o.string("partitionKey").unwrap_or_else(|| "pk".into());
        // `null`: a table without a sort key.
        let sk = match o.get("sortKey") {
            Some(v) if v.is_null() => None,
            Some(_) => o
                .read("sortKey", "a string or null", JsValue::is_string)
                .and_then(|v| v.as_string()),
            None => Some("sk".to_owned()),
        };
        let indexes = o.indexes();
        o.finish()?;
        Ok(Table {
            session: self.session.clone(),
            table: Rc::new(dynamodb::Table {
                name: table,
                pk_name: pk,
                sk_name: sk,
                indexes,
            }),
        })
    }

    /// Your objects in S3 bucket `bucket` (a name by S3's rules), under `<identityId>/`.
    /// `virtualHost` defaults to true on AWS and false with a custom endpoint. Throws an
    /// `InvalidInputError` naming a bad name or option.
    #[wasm_bindgen(js_name = files)]
    pub fn files(
        &self,
        bucket: String,
        #[wasm_bindgen(unchecked_param_type = "FilesOptions | undefined")] options: JsValue,
    ) -> Result<Files, JsValue> {
        crate::config::validate_bucket_name(&bucket)?;
        let mut o = Fields::optional("options", &options, FILES_OPTIONS);
        let custom = self.session.config().endpoint.is_some();
        let virtual_host = o
            .bool("virtualHost")
            .unwrap_or(!custom && !bucket.contains('.'));
        o.finish()?;
        let endpoint = self.session.config().endpoint_for(Service::S3);
        Ok(Files {
            session: self.session.clone(),
            bucket: Rc::new(s3::Bucket {
                name: bucket,
                endpoint,
                virtual_host,
            }),
        })
    }

    /// Calls `listener` with a `SessionEvent` on every session change; returns a function
    /// that removes it.
    #[wasm_bindgen(js_name = onChange, unchecked_return_type = "() => void")]
    pub fn on_change(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(event: SessionEvent) => void")] listener: Function,
    ) -> JsValue {
        let id = self.session.on_change(Rc::new(move |event| {
            // A listener that throws must not break the SDK.
            let _ = listener.call1(&JsValue::NULL, &JsValue::from_str(event.name()));
        }));
        let session = Rc::downgrade(&self.session);
        // Calling the returned function again is harmless, as unsubscribe functions should be.
        Closure::<dyn Fn()>::new(move || {
            if let Some(s) = session.upgrade() {
                s.off(id);
            }
        })
        .into_js_value()
    }
}

// ---- AWS data: DynamoDB and S3 ------------------------------------------------------------

/// A JS value as a DynamoDB document value, as `@aws-sdk/util-dynamodb`'s `marshall` stores it,
/// or an `InvalidInputError` whose `field` is the attribute's path (`item.tags[2]`): plain
/// objects and `Map`s with string keys are M (`undefined` members are skipped, as the
/// DocumentClient's `removeUndefinedValues` does), arrays L, `Set`s of strings, numbers or binary
/// SS, NS or BS, `NumberValue`, `number` and `bigint` N, `ArrayBuffer` and every view of one
/// (typed arrays, `DataView`) B (the view's bytes), boxed strings, numbers and booleans their
/// primitive. Anything else (a `Date`, a `Blob`, a class instance, a function) is refused,
/// never stored as something else.
fn doc_from_js(v: &JsValue, path: &str) -> Result<Doc, Error> {
    doc_from_js_at(v, &dynamodb::Path::Root(path), 0)
}

/// Lists and maps deeper than this are refused while reading, before DynamoDB would refuse
/// them: an object that contains itself must not recurse until the stack runs out.
const MAX_JS_DEPTH: usize = 32;

fn doc_from_js_at(v: &JsValue, path: &dynamodb::Path<'_>, depth: usize) -> Result<Doc, Error> {
    let bad = |what: &str| {
        let field = path.to_string();
        let message = format!("{field}: {what}");
        Error::invalid_input(&field, message)
    };
    if depth > MAX_JS_DEPTH {
        return Err(bad(
            "lists and maps nest deeper than 32 levels (does an object contain itself?)",
        ));
    }
    if v.is_null() {
        return Ok(Doc::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(Doc::Bool(b));
    }
    if let Some(s) = v.as_string() {
        return exact_text(s, v).map(Doc::S).map_err(&bad);
    }
    if let Some(n) = v.as_f64() {
        return number_from_js(n).map_err(|e| bad(&e));
    }
    if v.is_bigint() {
        let text: String = js_sys::BigInt::from(v.clone())
            .to_string(10)
            .map(String::from)
            .unwrap_or_default();
        return Ok(Doc::N(
            dynamodb::validate_number(&text).map_err(|e| bad(&e.message))?,
        ));
    }
    if !v.is_object() {
        return Err(bad(
            "this JS value has no DynamoDB type (a function, a symbol or undefined)",
        ));
    }
    if js_sys::Array::is_array(v) {
        let array: &js_sys::Array = v.unchecked_ref();
        let mut items = Vec::with_capacity(array.length() as usize);
        for (i, item) in array.iter().enumerate() {
            let here = dynamodb::Path::Index(path, i);
            if item.is_undefined() {
                return Err(Error::invalid_input(
                    &here.to_string(),
                    format!("{here}: undefined in a list (a list keeps its places: use null)"),
                ));
            }
            items.push(doc_from_js_at(&item, &here, depth + 1)?);
        }
        return Ok(Doc::L(items));
    }
    if is_plain_object(v) {
        let object: &js_sys::Object = v.unchecked_ref();
        let mut fields = Vec::new();
        for entry in js_sys::Object::entries(object).iter() {
            let pair: js_sys::Array = entry.unchecked_into();
            let value = pair.get(1);
            if value.is_undefined() {
                continue;
            }
            let key = attribute_name(&pair.get(0), path)?;
            let doc = doc_from_js_at(&value, &dynamodb::Path::Key(path, &key), depth + 1)?;
            fields.push((key, doc));
        }
        return Ok(Doc::M(fields));
    }
    if let Some(n) = v.dyn_ref::<NumberValue>() {
        return number_value_text(n).map(Doc::N).map_err(|e| bad(&e));
    }
    if let Some(bytes) = binary_of(v) {
        return Ok(Doc::B(bytes));
    }
    if let Some(set) = v.dyn_ref::<js_sys::Set>() {
        return set_from_js(set, path, depth);
    }
    if let Some(map) = v.dyn_ref::<js_sys::Map>() {
        let mut entries = Vec::new();
        map.for_each(&mut |value, key| entries.push((key, value)));
        let mut fields = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            if !key.is_string() {
                return Err(bad("a Map's keys must be strings (attribute names)"));
            }
            if value.is_undefined() {
                continue;
            }
            let key = attribute_name(&key, path)?;
            let doc = doc_from_js_at(&value, &dynamodb::Path::Key(path, &key), depth + 1)?;
            fields.push((key, doc));
        }
        return Ok(Doc::M(fields));
    }
    if v.is_instance_of::<js_sys::JsString>() {
        let primitive = JsValue::from(v.unchecked_ref::<js_sys::Object>().to_string());
        let text = primitive.as_string().unwrap_or_default();
        return exact_text(text, &primitive).map(Doc::S).map_err(&bad);
    }
    if v.is_instance_of::<js_sys::Number>() {
        let n = v.unchecked_ref::<js_sys::Number>().value_of();
        return number_from_js(n).map_err(|e| bad(&e));
    }
    if v.is_instance_of::<js_sys::Boolean>() {
        return Ok(Doc::Bool(v.unchecked_ref::<js_sys::Boolean>().value_of()));
    }
    if v.is_instance_of::<js_sys::Date>() {
        return Err(bad(
            "a Date is not a DynamoDB type: store date.toISOString() or date.getTime()",
        ));
    }
    let class = Reflect::get(v, &"constructor".into())
        .and_then(|c| Reflect::get(&c, &"name".into()))
        .ok()
        .and_then(|n| n.as_string())
        .filter(|n| !n.is_empty() && n.len() <= 64)
        .unwrap_or_else(|| "class instance".to_owned());
    Err(bad(&format!(
        "a {class} has no DynamoDB type (plain objects, arrays, Map, Set, strings, numbers, \
         bigint, NumberValue, booleans, null and binary have one)"
    )))
}

/// `text`, which wasm-bindgen read from the JS string `js`, unless `js` is not well-formed
/// UTF-16: a lone surrogate arrives as U+FFFD, which would store another string.
fn exact_text(text: String, js: &JsValue) -> Result<String, &'static str> {
    // U+FFFD's UTF-8 bytes, searched as bytes: `contains` of a non-ASCII char would bring in
    // the substring searcher and str slicing's panics (about 6 KB of wasm).
    let replaced = text.as_bytes().windows(3).any(|w| w == [0xEF, 0xBF, 0xBD]);
    if replaced && !well_formed(js) {
        return Err(
            "a string with a lone surrogate (half of a UTF-16 pair) has no UTF-8 form, \
                    which DynamoDB stores",
        );
    }
    Ok(text)
}

/// An object's or a `Map`'s key (a JS string) as an attribute name, whole ([`exact_text`]).
fn attribute_name(key: &JsValue, path: &dynamodb::Path<'_>) -> Result<String, Error> {
    let text = key.as_string().unwrap_or_default();
    exact_text(text, key).map_err(|why| {
        let field = dynamodb::Path::Key(path, &key.as_string().unwrap_or_default()).to_string();
        let message = format!("{field}: the name is {why}");
        Error::invalid_input(&field, message)
    })
}

#[wasm_bindgen(module = "/src/host.js")]
extern "C" {
    /// Whether a string is well-formed UTF-16 (`encodeURIComponent` throws on a lone surrogate).
    #[wasm_bindgen(js_name = wellFormed)]
    fn well_formed(s: &JsValue) -> bool;
}

/// A JS number as DynamoDB number text: the decimal `String(n)` prints, as `marshall` writes it.
fn number_from_js(n: f64) -> Result<Doc, String> {
    if !n.is_finite() {
        return Err("NaN and Infinity are not DynamoDB numbers".to_owned());
    }
    // Whole numbers (the usual case) are written here; others as JS writes them.
    let text: String = if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0 {
        (n as i64).to_string()
    } else {
        js_sys::Number::from(n)
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_default()
    };
    dynamodb::validate_number(&text)
        .map(Doc::N)
        .map_err(|e| e.message.clone())
}

/// The text of a `NumberValue`, checked as a DynamoDB number.
fn number_value_text(n: &NumberValue) -> Result<String, String> {
    let text = n
        .value()
        .as_string()
        .ok_or_else(|| "a NumberValue holds its decimal text in `value`".to_owned())?;
    dynamodb::validate_number(&text).map_err(|e| e.message.clone())
}

/// `{...}` or `Object.create(null)`: an object whose prototype is `Object.prototype` (of any
/// realm) or none, which is stored as a map. An instance of any class is not.
fn is_plain_object(v: &JsValue) -> bool {
    let proto = js_sys::Object::get_prototype_of(v);
    proto.is_null() || js_sys::Object::get_prototype_of(&proto).is_null()
}

/// A `Set` as SS, NS or BS: every member a string, every member a number (`number`, `bigint`
/// or `NumberValue`), or every member binary.
fn set_from_js(set: &js_sys::Set, path: &dynamodb::Path<'_>, depth: usize) -> Result<Doc, Error> {
    let members: Vec<JsValue> = set.values().into_iter().filter_map(|m| m.ok()).collect();
    let is_number =
        |m: &JsValue| m.as_f64().is_some() || m.is_bigint() || m.is_instance_of::<NumberValue>();
    let wrong = |i: usize, kind: &str| {
        let here = dynamodb::Path::Member(path, i);
        Error::invalid_input(
            &here.to_string(),
            format!("{here}: a Set holds {kind} only (one DynamoDB set type)"),
        )
    };
    let Some(first) = members.first() else {
        let field = path.to_string();
        return Err(Error::invalid_input(
            &field,
            format!(
                "{field}: DynamoDB has no empty sets; leave the attribute out or use an empty list"
            ),
        ));
    };
    if first.is_string() {
        let mut ss = Vec::with_capacity(members.len());
        for (i, m) in members.iter().enumerate() {
            let text = m.as_string().ok_or_else(|| wrong(i, "strings"))?;
            ss.push(exact_text(text, m).map_err(|why| {
                let here = dynamodb::Path::Member(path, i);
                Error::invalid_input(&here.to_string(), format!("{here}: {why}"))
            })?);
        }
        Ok(Doc::SS(ss))
    } else if is_number(first) {
        let mut ns = Vec::with_capacity(members.len());
        for (i, m) in members.iter().enumerate() {
            if !is_number(m) {
                return Err(wrong(i, "numbers"));
            }
            match doc_from_js_at(m, &dynamodb::Path::Member(path, i), depth + 1)? {
                Doc::N(n) => ns.push(n),
                _ => return Err(wrong(i, "numbers")),
            }
        }
        Ok(Doc::NS(ns))
    } else if binary_of(first).is_some() {
        let mut bs = Vec::with_capacity(members.len());
        for (i, m) in members.iter().enumerate() {
            bs.push(binary_of(m).ok_or_else(|| wrong(i, "binary values"))?);
        }
        Ok(Doc::BS(bs))
    } else {
        Err(wrong(
            0,
            "strings, numbers (number, bigint, NumberValue) or binary values",
        ))
    }
}

/// The bytes of an `ArrayBuffer`, or of the part of one that a view (a typed array of any
/// element type, a `DataView`) covers.
fn binary_of(v: &JsValue) -> Option<Vec<u8>> {
    if let Some(a) = v.dyn_ref::<js_sys::Uint8Array>() {
        return Some(a.to_vec());
    }
    if let Some(b) = v.dyn_ref::<js_sys::ArrayBuffer>() {
        return Some(js_sys::Uint8Array::new(b).to_vec());
    }
    if !js_sys::ArrayBuffer::is_view(v) {
        return None;
    }
    let number = |key: &str| Reflect::get(v, &key.into()).ok().and_then(|n| n.as_f64());
    let buffer = Reflect::get(v, &"buffer".into()).ok()?;
    let bytes = js_sys::Uint8Array::new_with_byte_offset_and_length(
        &buffer,
        number("byteOffset")? as u32,
        number("byteLength")? as u32,
    );
    Some(bytes.to_vec())
}

#[wasm_bindgen(module = "/pkg-template/number.js")]
extern "C" {
    /// `NumberValue` (pkg-template/number.js): a DynamoDB number as its exact decimal text.
    #[wasm_bindgen(js_name = NumberValue)]
    type NumberValue;
    #[wasm_bindgen(constructor, js_class = NumberValue)]
    fn new(value: &str) -> NumberValue;
    #[wasm_bindgen(method, getter, js_class = NumberValue)]
    fn value(this: &NumberValue) -> JsValue;
}

/// `new NumberValue(text)`, the class the package exports.
pub fn number_value(text: &str) -> JsValue {
    NumberValue::new(text).into()
}

/// A DynamoDB number as JS, by the one rule of [`dynamodb::JsNumber`]: a `number` when the
/// double prints back to the same decimal, else a `bigint` (integers) or a `NumberValue`.
fn number_to_js(n: &str) -> JsValue {
    let print_back = |t: &str| -> String {
        js_sys::Number::from(js_sys::Number::parse_float(t))
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_default()
    };
    match dynamodb::js_number(n, print_back) {
        dynamodb::JsNumber::Number => JsValue::from_f64(js_sys::Number::parse_float(n)),
        dynamodb::JsNumber::BigInt => js_sys::BigInt::new(&JsValue::from_str(n))
            .map_or_else(|_| number_value(n), JsValue::from),
        dynamodb::JsNumber::NumberValue => number_value(n),
    }
}

#[wasm_bindgen(module = "/src/host.js")]
extern "C" {
    /// `JSON.parse(text)`, with the strings `"\u0000<i>"` replaced by `specials[i]`.
    #[wasm_bindgen(js_name = parseItems)]
    fn parse_items(text: &str, specials: &js_sys::Array) -> js_sys::Array;
}

/// Items as JS objects, through one `JSON.parse` ([`dynamodb::plain_json`]).
fn items_to_js(items: &[Item]) -> js_sys::Array {
    let plain = dynamodb::plain_json(items);
    let specials: js_sys::Array = plain.specials.iter().map(|d| special_to_js(d)).collect();
    parse_items(&plain.text, &specials)
}

/// A value [`dynamodb::plain_json`] set aside, as JS: a string that begins with U+0000, a
/// number a `number` would round, binary, or a set.
fn special_to_js(d: &Doc) -> JsValue {
    match d {
        Doc::S(s) => JsValue::from_str(s),
        Doc::N(n) => number_to_js(n),
        Doc::B(b) => js_sys::Uint8Array::from(b.as_slice()).into(),
        Doc::SS(v) => set_of(v.iter().map(|s| JsValue::from_str(s))),
        Doc::NS(v) => set_of(v.iter().map(|n| number_to_js(n))),
        Doc::BS(v) => set_of(
            v.iter()
                .map(|b| js_sys::Uint8Array::from(b.as_slice()).into()),
        ),
        // Written into the JSON text, never set aside; should that change, they still come
        // out right, through the same parse.
        Doc::Null | Doc::Bool(_) | Doc::L(_) | Doc::M(_) => {
            let wrapped = items_to_js(&[vec![(String::new(), d.clone())]]).get(0);
            Reflect::get(&wrapped, &JsValue::from_str("")).unwrap_or(JsValue::UNDEFINED)
        }
    }
}

fn set_of(values: impl Iterator<Item = JsValue>) -> JsValue {
    let set = js_sys::Set::new(&JsValue::UNDEFINED);
    for v in values {
        set.add(&v);
    }
    set.into()
}

fn item_from_js(v: &JsValue, path: &str) -> Result<Item, Error> {
    match doc_from_js(v, path)? {
        Doc::M(fields) => Ok(fields),
        _ => Err(Error::invalid_input(
            "item",
            format!("{path} must be an object"),
        )),
    }
}

/// `fetch` for one AWS call, which sends nothing once the sign-in the call began under has
/// ended: a retry after a sign-out must not go out with the signed-out user's credentials.
struct CallFetch {
    fetch: Fetch,
    session: Rc<Session<Fetch>>,
    generation: u64,
}

impl Transport for CallFetch {
    async fn send(&self, request: Request) -> Result<Response, Error> {
        self.session.still_current(self.generation)?;
        self.fetch.send(request).await
    }

    fn pause(&self, ms: f64) -> impl std::future::Future<Output = ()> {
        self.fetch.pause(ms)
    }

    fn jitter(&self) -> f64 {
        self.fetch.jitter()
    }
}

/// The body of one signed AWS call: what to send and how to read the answer, given the
/// signed-in user's identity and the signed-call context.
type AwsCall = Box<
    dyn for<'a> FnOnce(
        &'a AwsIdentity,
        &'a signed::Context<'a, CallFetch>,
    ) -> LocalBoxFuture<'a, Result<JsValue, Error>>,
>;

/// Boxes a call body (the bound lets closures infer their higher-ranked signature).
fn aws_call<F>(call: F) -> AwsCall
where
    F: for<'a> FnOnce(
            &'a AwsIdentity,
            &'a signed::Context<'a, CallFetch>,
        ) -> LocalBoxFuture<'a, Result<JsValue, Error>>
        + 'static,
{
    Box::new(call)
}

/// Runs `call` for the signed-in user with their identity and a signed-call context whose
/// fetches obey `signal` and stop at a sign-out; the future owns everything it needs. Not
/// generic: one copy of this machinery serves every DynamoDB and S3 method.
fn with_aws(
    session: &Rc<Session<Fetch>>,
    service: &'static str,
    signal: Option<AbortSignal>,
    call: AwsCall,
) -> Promise {
    let session = session.clone();
    let generation = session.generation();
    let identity = session.aws_identity();
    promise_of(Box::pin(async move {
        let identity = identity.await?;
        let transport = CallFetch {
            fetch: Fetch {
                signal,
                timeout_ms: f64::from(session.config().attempt_timeout_ms),
            },
            session: session.clone(),
            generation,
        };
        let jitter = js_sys::Math::random;
        let policy = if service == "dynamodb" {
            Policy::DYNAMODB
        } else {
            Policy::STANDARD
        };
        let ctx = signed::Context {
            transport: &transport,
            clock: session.clock(),
            now: &|| session.local_now_ms(),
            credentials: &identity.credentials,
            region: &session.config().region,
            service,
            policy,
            jitter: &jitter,
        };
        call(&identity, &ctx).await
    }))
}

/// The signed-in user's objects in one bucket, all under `<identityId>/`.
#[wasm_bindgen(js_name = Files)]
pub struct Files {
    session: Rc<Session<Fetch>>,
    bucket: Rc<s3::Bucket>,
}

/// Options common to every call: `signal` and the loudly named scope bypass.
struct CallOptions {
    signal: Option<AbortSignal>,
    scope: s3::ScopeCheck,
}

/// The body of a PutObject: a string (UTF-8), `Uint8Array`, `ArrayBuffer` or `Blob`/`File`.
async fn body_bytes(body: JsValue) -> Result<(Vec<u8>, Option<String>), Error> {
    if let Some(s) = body.as_string() {
        return Ok((s.into_bytes(), Some("text/plain; charset=utf-8".into())));
    }
    if let Some(bytes) = binary_of(&body) {
        return Ok((bytes, None));
    }
    if let Some(blob) = body.dyn_ref::<web_sys::Blob>() {
        let kind = blob.type_();
        let buffer = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
            .await
            .map_err(|_| Error::invalid_input("body", "the Blob could not be read"))?;
        return Ok((
            js_sys::Uint8Array::new(&buffer).to_vec(),
            (!kind.is_empty()).then_some(kind),
        ));
    }
    Err(Error::invalid_input(
        "body",
        "the body must be a string, Uint8Array, ArrayBuffer or Blob",
    ))
}

/// SHA-256 of `bytes` by WebCrypto (native code, not on the wasm side), as hex.
async fn sha256_hex(bytes: &[u8]) -> Result<String, Error> {
    let subtle = Reflect::get(&js_sys::global(), &"crypto".into())
        .ok()
        .and_then(|c| Reflect::get(&c, &"subtle".into()).ok())
        .and_then(|s| s.dyn_into::<web_sys::SubtleCrypto>().ok())
        .ok_or_else(|| Error::config("crypto", "crypto.subtle is not available (a page served over plain http from a non-local host?)"))?;
    let data = js_sys::Uint8Array::from(bytes);
    let digest = subtle
        .digest_with_str_and_buffer_source("SHA-256", &data)
        .map_err(|_| Error::protocol("crypto.subtle.digest refused SHA-256"))?;
    let digest = wasm_bindgen_futures::JsFuture::from(digest)
        .await
        .map_err(|_| Error::protocol("SHA-256 failed"))?;
    Ok(crate::codec::text::hex(
        &js_sys::Uint8Array::new(&digest).to_vec(),
    ))
}

/// Bodies at least this large are hashed by WebCrypto; smaller ones on the wasm side.
const WEBCRYPTO_FROM_BYTES: usize = 64 * 1024;

fn relative_key(identity_id: &str, key: &str) -> String {
    key.strip_prefix(&format!("{identity_id}/"))
        .unwrap_or(key)
        .to_owned()
}

#[wasm_bindgen(js_class = Files)]
impl Files {
    /// Uploads `body` (string, Uint8Array, ArrayBuffer, Blob/File) to `key` under your prefix.
    /// Options: `contentType`, `metadata` (an object of strings), `unsignedPayload` (skip
    /// hashing the body), `signal`.
    #[wasm_bindgen(js_name = put, unchecked_return_type = "Promise<PutObjectResult>")]
    pub fn put(
        &self,
        key: String,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | ArrayBuffer | Blob")]
        body: JsValue,
        #[wasm_bindgen(unchecked_param_type = "PutObjectOptions | undefined")] options: JsValue,
    ) -> Promise {
        let mut o = Fields::optional("options", &options, PUT_OBJECT_OPTIONS);
        let opts = o.call();
        let content_type = o.string("contentType");
        let unsigned = o.bool("unsignedPayload") == Some(true);
        let metadata = o.pairs("metadata");
        if let Err(e) = o.finish() {
            return rejected(e);
        }
        let bucket = self.bucket.clone();
        with_aws(
            &self.session,
            "s3",
            opts.signal,
            aws_call(move |identity, ctx| {
                Box::pin(async move {
                    let full = s3::scoped_key(&identity.identity_id, &key, opts.scope)?;
                    let (bytes, detected) = body_bytes(body).await?;
                    let hash = if unsigned {
                        BodyHash::Unsigned
                    } else if bytes.len() >= WEBCRYPTO_FROM_BYTES {
                        BodyHash::Precomputed(sha256_hex(&bytes).await?)
                    } else {
                        BodyHash::Compute
                    };
                    let request = bucket.put(
                        &full,
                        bytes,
                        content_type.as_deref().or(detected.as_deref()),
                        &metadata,
                    )?;
                    let response = s3::send(ctx, request, hash).await?;
                    let out = js_sys::Object::new();
                    set(
                        &out,
                        "key",
                        &relative_key(&identity.identity_id, &full).into(),
                    );
                    set(
                        &out,
                        "etag",
                        &response
                            .header("etag")
                            .map_or(JsValue::UNDEFINED, JsValue::from),
                    );
                    Ok(JsValue::from(out))
                })
            }),
        )
    }

    /// Downloads `key`: `as` "bytes" (Uint8Array, the default), "text", "json" or "blob";
    /// `range` ("bytes=0-99"); `signal`.
    #[wasm_bindgen(js_name = get, unchecked_return_type = "Promise<unknown>")]
    pub fn get(
        &self,
        key: String,
        #[wasm_bindgen(unchecked_param_type = "GetObjectOptions | undefined")] options: JsValue,
    ) -> Promise {
        let mut o = Fields::optional("options", &options, GET_OBJECT_OPTIONS);
        let opts = o.call();
        let as_ = o
            .one_of("as", &["bytes", "text", "json", "blob"])
            .unwrap_or("bytes");
        let range = o.string("range");
        if let Err(e) = o.finish() {
            return rejected(e);
        }
        let bucket = self.bucket.clone();
        with_aws(
            &self.session,
            "s3",
            opts.signal,
            aws_call(move |identity, ctx| {
                Box::pin(async move {
                    let full = s3::scoped_key(&identity.identity_id, &key, opts.scope)?;
                    let response =
                        s3::send(ctx, bucket.get(&full, range.as_deref()), BodyHash::Compute)
                            .await?;
                    match as_ {
                        "text" => Ok(JsValue::from_str(&String::from_utf8_lossy(&response.body))),
                        "json" => js_sys::JSON::parse(&String::from_utf8_lossy(&response.body))
                            .map_err(|_| {
                                Error::protocol(format!(
                                    "the object {} is not JSON",
                                    crate::codec::json::quoted(&key)
                                ))
                            }),
                        "blob" => {
                            let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(
                                response.body.as_slice(),
                            ));
                            let props = web_sys::BlobPropertyBag::new();
                            props.set_type(response.header("content-type").unwrap_or(""));
                            web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &props)
                                .map(JsValue::from)
                                .map_err(|_| Error::protocol("could not build a Blob"))
                        }
                        _ => Ok(js_sys::Uint8Array::from(response.body.as_slice()).into()),
                    }
                })
            }),
        )
    }

    /// The object's metadata without its body: `contentType`, `contentLength`, `etag`,
    /// `lastModified`, `metadata` (the `x-amz-meta-*` headers the bucket's CORS exposes).
    #[wasm_bindgen(js_name = head, unchecked_return_type = "Promise<ObjectHead>")]
    pub fn head(
        &self,
        key: String,
        #[wasm_bindgen(unchecked_param_type = "CallOptions | undefined")] options: JsValue,
    ) -> Promise {
        let mut o = Fields::optional("options", &options, CALL_OPTIONS);
        let opts = o.call();
        if let Err(e) = o.finish() {
            return rejected(e);
        }
        let bucket = self.bucket.clone();
        with_aws(
            &self.session,
            "s3",
            opts.signal,
            aws_call(move |identity, ctx| {
                Box::pin(async move {
                    let full = s3::scoped_key(&identity.identity_id, &key, opts.scope)?;
                    let response = s3::send(ctx, bucket.head(&full), BodyHash::Compute).await?;
                    let out = js_sys::Object::new();
                    let header = |name: &str| {
                        response
                            .header(name)
                            .map_or(JsValue::UNDEFINED, JsValue::from)
                    };
                    set(&out, "contentType", &header("content-type"));
                    set(
                        &out,
                        "contentLength",
                        &response
                            .header("content-length")
                            .and_then(|l| l.parse::<u64>().ok().map(|n| n as f64))
                            .map_or(JsValue::UNDEFINED, JsValue::from),
                    );
                    set(&out, "etag", &header("etag"));
                    set(&out, "lastModified", &header("last-modified"));
                    // Header names come lower-case from fetch.
                    let metadata = response.headers.iter().filter_map(|(name, value)| {
                        Some((name.strip_prefix("x-amz-meta-")?, value.as_str()))
                    });
                    set(&out, "metadata", &object_of(metadata));
                    Ok(JsValue::from(out))
                })
            }),
        )
    }

    /// Deletes `key`.
    #[wasm_bindgen(js_name = delete, unchecked_return_type = "Promise<void>")]
    pub fn delete(
        &self,
        key: String,
        #[wasm_bindgen(unchecked_param_type = "CallOptions | undefined")] options: JsValue,
    ) -> Promise {
        let mut o = Fields::optional("options", &options, CALL_OPTIONS);
        let opts = o.call();
        if let Err(e) = o.finish() {
            return rejected(e);
        }
        let bucket = self.bucket.clone();
        with_aws(
            &self.session,
            "s3",
            opts.signal,
            aws_call(move |identity, ctx| {
                Box::pin(async move {
                    let full = s3::scoped_key(&identity.identity_id, &key, opts.scope)?;
                    s3::send(ctx, bucket.delete(&full), BodyHash::Compute).await?;
                    Ok(JsValue::UNDEFINED)
                })
            }),
        )
    }

    /// Lists your objects (one page): `prefix` (under your prefix), `maxKeys`,
    /// `continuationToken` from the previous page, `signal`. Keys come back relative to your
    /// prefix.
    #[wasm_bindgen(js_name = list, unchecked_return_type = "Promise<ObjectList>")]
    pub fn list(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ListOptions | undefined")] options: JsValue,
    ) -> Promise {
        let mut o = Fields::optional("options", &options, LIST_OPTIONS);
        let opts = o.call();
        let prefix = o.string("prefix").unwrap_or_default();
        let token = o.string("continuationToken");
        let max_keys = o.whole("maxKeys", MAX_INT);
        if let Err(e) = o.finish() {
            return rejected(e);
        }
        let bucket = self.bucket.clone();
        with_aws(
            &self.session,
            "s3",
            opts.signal,
            aws_call(move |identity, ctx| {
                Box::pin(async move {
                    let full_prefix = if opts.scope == s3::ScopeCheck::UnscopedForDemoOnly {
                        prefix.clone()
                    } else {
                        if prefix.split('/').any(|s| s == "." || s == "..") {
                            return Err(Error::invalid_input(
                                "prefix",
                                "the prefix has a '.' or '..' segment",
                            ));
                        }
                        format!("{}/{prefix}", identity.identity_id)
                    };
                    let response = s3::send(
                        ctx,
                        bucket.list(&full_prefix, token.as_deref(), max_keys, None),
                        BodyHash::Compute,
                    )
                    .await?;
                    let listing = s3::read_listing(&response)?;
                    let objects = js_sys::Array::new();
                    for o in &listing.objects {
                        let item = js_sys::Object::new();
                        set(
                            &item,
                            "key",
                            &relative_key(&identity.identity_id, &o.key).into(),
                        );
                        set(&item, "size", &(o.size as f64).into());
                        set(&item, "etag", &o.etag.as_str().into());
                        set(&item, "lastModified", &o.last_modified.as_str().into());
                        objects.push(&item);
                    }
                    let out = js_sys::Object::new();
                    set(&out, "objects", &objects);
                    set(
                        &out,
                        "continuationToken",
                        &listing
                            .next_continuation_token
                            .as_deref()
                            .map_or(JsValue::UNDEFINED, JsValue::from),
                    );
                    Ok(JsValue::from(out))
                })
            }),
        )
    }

    /// A presigned URL for GET (default) or PUT on `key`, valid `expiresIn` seconds (default
    /// 900, at most 604800 and never past the credentials' own expiry).
    #[wasm_bindgen(js_name = presign, unchecked_return_type = "Promise<string>")]
    pub fn presign(
        &self,
        key: String,
        #[wasm_bindgen(unchecked_param_type = "PresignOptions | undefined")] options: JsValue,
    ) -> Promise {
        let mut o = Fields::optional("options", &options, PRESIGN_OPTIONS);
        let opts = o.call();
        let method = o.one_of("method", &["GET", "PUT"]).unwrap_or("GET");
        let expires = f64::from(o.whole("expiresIn", 604_800).unwrap_or(900));
        if let Err(e) = o.finish() {
            return rejected(e);
        }
        let bucket = self.bucket.clone();
        with_aws(
            &self.session,
            "s3",
            opts.signal,
            aws_call(move |identity, ctx| {
                Box::pin(async move {
                    let full = s3::scoped_key(&identity.identity_id, &key, opts.scope)?;
                    let now = ctx.clock.corrected((ctx.now)());
                    let left = ((identity.credentials.expires_at_ms as f64 - now) / 1000.0)
                        .floor()
                        .max(1.0);
                    let scope = signer::Scope {
                        service: "s3",
                        region: ctx.region,
                        time_ms: now,
                    };
                    let url = signer::presign(
                        method,
                        &bucket.object_url(&full),
                        ctx.credentials,
                        &scope,
                        expires.min(left) as u64,
                    )?;
                    Ok(JsValue::from_str(&url))
                })
            }),
        )
    }
}

/// The signed-in user's items in one table, whose partition key is the identity id.
#[wasm_bindgen(js_name = Table)]
pub struct Table {
    session: Rc<Session<Fetch>>,
    table: Rc<dynamodb::Table>,
}

fn ddb_scope(call: &CallOptions) -> dynamodb::ScopeCheck {
    match call.scope {
        s3::ScopeCheck::UnscopedForDemoOnly => dynamodb::ScopeCheck::UnscopedForDemoOnly,
        s3::ScopeCheck::Enforce => dynamodb::ScopeCheck::Enforce,
    }
}

impl Fields {
    /// `values: { ":v": anything }`.
    fn values(&mut self) -> Item {
        let values = self.get("values").map(|v| item_from_js(&v, "values"));
        values.and_then(|v| self.check(v)).unwrap_or_default()
    }

    /// `returnValues`, one of `allowed`.
    fn return_values(&mut self, allowed: &[&'static str]) -> Option<dynamodb::ReturnValues> {
        use dynamodb::ReturnValues as R;
        Some(match self.one_of("returnValues", allowed)? {
            "NONE" => R::None,
            "ALL_OLD" => R::AllOld,
            "UPDATED_OLD" => R::UpdatedOld,
            "ALL_NEW" => R::AllNew,
            _ => R::UpdatedNew,
        })
    }

    /// `partitionKeyForDemoOnly`: another identity's partition key, with the scope bypass.
    fn demo_partition_key(&mut self) -> Option<Doc> {
        let key = self
            .get("partitionKeyForDemoOnly")
            .map(|v| doc_from_js(&v, "partitionKeyForDemoOnly"));
        key.and_then(|k| self.check(k))
    }

    /// `sortKey: { eq: v }`, `{ beginsWith: v }`, `{ between: [a, b] }`, ...: exactly one.
    fn sort_condition(&mut self) -> Option<dynamodb::SortKeyCondition> {
        use dynamodb::SortKeyCondition as C;
        let mut c = self.object("sortKey", SORT_KEY_CONDITIONS)?;
        let mut found = None;
        for name in SORT_KEY_CONDITIONS {
            if let Some(v) = c.get(name) {
                if found.is_some() {
                    c.wrong(name, "the only condition");
                }
                found = Some((*name, v));
            }
        }
        let condition = match found {
            None => {
                let name = c.name.clone();
                c.fail(
                    &name,
                    format!("{name} takes one of eq, lt, le, gt, ge, between, beginsWith"),
                );
                None
            }
            Some(("between", v)) => {
                let pair = v
                    .dyn_into::<js_sys::Array>()
                    .ok()
                    .filter(|p| p.length() == 2);
                match pair {
                    None => {
                        c.wrong("between", "[low, high]");
                        None
                    }
                    Some(p) => {
                        let low = doc_from_js(&p.get(0), "sortKey");
                        let high = doc_from_js(&p.get(1), "sortKey");
                        c.check(low.and_then(|l| Ok(C::Between(l, high?))))
                    }
                }
            }
            Some((name, v)) => {
                let doc = c.check(doc_from_js(&v, "sortKey"));
                doc.map(|d| match name {
                    "eq" => C::Eq(d),
                    "lt" => C::Lt(d),
                    "le" => C::Le(d),
                    "gt" => C::Gt(d),
                    "ge" => C::Ge(d),
                    _ => C::BeginsWith(d),
                })
            }
        };
        self.merge(c);
        condition
    }

    /// `indexes` of `db(table, { indexes })`: index name to `{ partitionKey, sortKey? }`.
    fn indexes(&mut self) -> Vec<dynamodb::Index> {
        let mut indexes = Vec::new();
        let Some(declared) = self.read("indexes", "an object of index names", |v| {
            v.is_object() && !js_sys::Array::is_array(v)
        }) else {
            return indexes;
        };
        let Ok(entries) = own_entries(&declared) else {
            self.wrong("indexes", "readable (a getter threw)");
            return indexes;
        };
        for entry in entries.iter() {
            let pair: js_sys::Array = entry.unchecked_into();
            let name = pair.get(0).as_string().unwrap_or_default();
            let mut keys = Fields::new(
                &format!("{}.indexes.{name}", self.name),
                &pair.get(1),
                INDEX_KEYS,
            );
            let index = dynamodb::Index {
                pk_name: keys.required("partitionKey"),
                sk_name: keys.string("sortKey"),
                name,
            };
            self.merge(keys);
            indexes.push(index);
        }
        indexes
    }

    /// `index`: the name of an index declared in `db(table, { indexes })`, or
    /// `{ name, partitionKey, sortKey? }`.
    fn index(&mut self, declared: &[dynamodb::Index]) -> Option<dynamodb::Index> {
        if let Some(name) = self.get("index").and_then(|v| v.as_string()) {
            let found = declared.iter().find(|x| x.name == name).cloned();
            if found.is_none() {
                self.wrong(
                    "index",
                    &format!(
                        "the name of an index declared in db(table, {{ indexes }}), not {}",
                        crate::codec::json::quoted(&name)
                    ),
                );
            }
            return found;
        }
        let mut i = self.object("index", INDEX_FIELDS)?;
        let index = dynamodb::Index {
            name: i.required("name"),
            pk_name: i.required("partitionKey"),
            sk_name: i.string("sortKey"),
        };
        self.merge(i);
        Some(index)
    }
}

fn sort_key_of(sort_key: &JsValue) -> Result<Option<Doc>, Error> {
    if sort_key.is_undefined() || sort_key.is_null() {
        Ok(None)
    } else {
        doc_from_js(sort_key, "sortKey").map(Some)
    }
}

fn attributes_to_js(item: Option<Item>) -> JsValue {
    item.map_or(JsValue::UNDEFINED, |i| items_to_js(&[i]).get(0))
}

#[wasm_bindgen(module = "/src/host.js")]
extern "C" {
    /// An async iterator over the items of every page `fetchPage(token)` returns.
    #[wasm_bindgen(js_name = pagesToItems)]
    fn pages_to_items(fetch_page: &JsValue) -> JsValue;
}

/// Makes the request body of a DynamoDB call for a table and the user's identity id.
type DdbBuild = Box<dyn FnOnce(&dynamodb::Table, &str) -> Result<crate::codec::json::Json, Error>>;

/// Runs a DynamoDB operation for the signed-in user: `parsed` is the call's input as read
/// from JS (a rejected Promise if it was malformed, nothing sent), `build` makes the request
/// body from it, `read` the JS result from the answer. Only this thin part is generic; the
/// call itself is `ddb_run`, one copy for every operation.
fn ddb_call<P: 'static>(
    session: &Rc<Session<Fetch>>,
    table: Rc<dynamodb::Table>,
    signal: Option<AbortSignal>,
    op: dynamodb::Operation,
    parsed: Result<P, Error>,
    build: impl FnOnce(&dynamodb::Table, &str, P) -> Result<crate::codec::json::Json, Error> + 'static,
    read: fn(&crate::codec::json::Json) -> Result<JsValue, Error>,
) -> Promise {
    match parsed {
        Ok(input) => ddb_run(
            session,
            table,
            signal,
            op,
            Box::new(move |table, id| build(table, id, input)),
            read,
        ),
        Err(e) => rejected(e),
    }
}

fn ddb_run(
    session: &Rc<Session<Fetch>>,
    table: Rc<dynamodb::Table>,
    signal: Option<AbortSignal>,
    op: dynamodb::Operation,
    build: DdbBuild,
    read: fn(&crate::codec::json::Json) -> Result<JsValue, Error>,
) -> Promise {
    let endpoint = session.config().endpoint_for(Service::DynamoDb);
    with_aws(
        session,
        "dynamodb",
        signal,
        aws_call(move |identity, ctx| {
            Box::pin(async move {
                let body = build(&table, &identity.identity_id)?;
                let answer = dynamodb::call(ctx, &endpoint, op, &body).await?;
                read(&answer)
            })
        }),
    )
}

#[wasm_bindgen(js_class = Table)]
impl Table {
    /// Writes `item`; its partition key is set to your identity id (another value is refused).
    /// Options: `condition`, `names`, `values`, `returnValues` ("NONE" | "ALL_OLD"), `signal`.
    /// Resolves to the old item when `returnValues` asked for it.
    #[wasm_bindgen(js_name = put, unchecked_return_type = "Promise<Item | undefined>")]
    pub fn put(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ItemInput")] item: JsValue,
        #[wasm_bindgen(unchecked_param_type = "WriteOptions | undefined")] options: JsValue,
    ) -> Promise {
        let mut o = Fields::optional("options", &options, PUT_ITEM_OPTIONS);
        let call = o.call();
        let put = dynamodb::PutItem {
            item: Vec::new(),
            condition_expression: o.string("condition"),
            expression_attribute_names: o.pairs("names"),
            expression_attribute_values: o.values(),
            return_values: o.return_values(&["NONE", "ALL_OLD"]),
        };
        let parsed = o.finish().and_then(|()| {
            Ok(dynamodb::PutItem {
                item: item_from_js(&item, "item")?,
                ..put
            })
        });
        let scope = ddb_scope(&call);
        ddb_call(
            &self.session,
            self.table.clone(),
            call.signal,
            dynamodb::Operation::PutItem,
            parsed,
            move |table, id, mut put| {
                // The caller need not name the partition key: it is always the identity id.
                if !put.item.iter().any(|(k, _)| *k == table.pk_name) {
                    put.item
                        .insert(0, (table.pk_name.clone(), Doc::S(id.to_owned())));
                }
                dynamodb::put_item_request(table, id, &put, scope)
            },
            |answer| Ok(attributes_to_js(dynamodb::parse_write_response(answer)?)),
        )
    }

    /// Reads your item with sort key `sortKey` (omit it for a table without one), or
    /// `undefined`. Options: `projection`, `names`, `consistentRead`, `signal`.
    #[wasm_bindgen(js_name = get, unchecked_return_type = "Promise<Item | undefined>")]
    pub fn get(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AttributeValue | undefined")] sort_key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "GetOptions | undefined")] options: JsValue,
    ) -> Promise {
        let mut o = Fields::optional("options", &options, GET_ITEM_OPTIONS);
        let call = o.call();
        let get = dynamodb::GetItem {
            partition_key: o.demo_partition_key(),
            sort_key: None,
            projection_expression: o.string("projection"),
            expression_attribute_names: o.pairs("names"),
            consistent_read: o.bool("consistentRead"),
        };
        let parsed = o.finish().and_then(|()| {
            Ok(dynamodb::GetItem {
                sort_key: sort_key_of(&sort_key)?,
                ..get
            })
        });
        let scope = ddb_scope(&call);
        ddb_call(
            &self.session,
            self.table.clone(),
            call.signal,
            dynamodb::Operation::GetItem,
            parsed,
            move |table, id, get| dynamodb::get_item_request(table, id, &get, scope),
            |answer| Ok(attributes_to_js(dynamodb::parse_get_item_response(answer)?)),
        )
    }

    /// Updates your item with sort key `sortKey`: `update` (an UpdateExpression) with `names`
    /// and `values`; `condition`, `returnValues`, `signal`.
    #[wasm_bindgen(js_name = update, unchecked_return_type = "Promise<Item | undefined>")]
    pub fn update(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AttributeValue | undefined")] sort_key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "UpdateOptions")] options: JsValue,
    ) -> Promise {
        // Required: an update without an UpdateExpression is a mistake.
        let mut o = Fields::new("options", &options, UPDATE_ITEM_OPTIONS);
        let call = o.call();
        let update = dynamodb::UpdateItem {
            partition_key: o.demo_partition_key(),
            sort_key: None,
            update_expression: o.required("update"),
            condition_expression: o.string("condition"),
            expression_attribute_names: o.pairs("names"),
            expression_attribute_values: o.values(),
            return_values: o.return_values(&[
                "NONE",
                "ALL_OLD",
                "UPDATED_OLD",
                "ALL_NEW",
                "UPDATED_NEW",
            ]),
        };
        let parsed = o.finish().and_then(|()| {
            Ok(dynamodb::UpdateItem {
                sort_key: sort_key_of(&sort_key)?,
                ..update
            })
        });
        let scope = ddb_scope(&call);
        ddb_call(
            &self.session,
            self.table.clone(),
            call.signal,
            dynamodb::Operation::UpdateItem,
            parsed,
            move |table, id, update| dynamodb::update_item_request(table, id, &update, scope),
            |answer| Ok(attributes_to_js(dynamodb::parse_write_response(answer)?)),
        )
    }

    /// Deletes your item with sort key `sortKey`. Options: `condition`, `names`, `values`,
    /// `returnValues`, `signal`.
    #[wasm_bindgen(js_name = delete, unchecked_return_type = "Promise<Item | undefined>")]
    pub fn delete(
        &self,
        #[wasm_bindgen(unchecked_param_type = "AttributeValue | undefined")] sort_key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "DeleteOptions | undefined")] options: JsValue,
    ) -> Promise {
        let mut o = Fields::optional("options", &options, DELETE_ITEM_OPTIONS);
        let call = o.call();
        let delete = dynamodb::DeleteItem {
            partition_key: o.demo_partition_key(),
            sort_key: None,
            condition_expression: o.string("condition"),
            expression_attribute_names: o.pairs("names"),
            expression_attribute_values: o.values(),
            return_values: o.return_values(&["NONE", "ALL_OLD"]),
        };
        let parsed = o.finish().and_then(|()| {
            Ok(dynamodb::DeleteItem {
                sort_key: sort_key_of(&sort_key)?,
                ..delete
            })
        });
        let scope = ddb_scope(&call);
        ddb_call(
            &self.session,
            self.table.clone(),
            call.signal,
            dynamodb::Operation::DeleteItem,
            parsed,
            move |table, id, delete| dynamodb::delete_item_request(table, id, &delete, scope),
            |answer| Ok(attributes_to_js(dynamodb::parse_write_response(answer)?)),
        )
    }

    /// One page of your items: `sortKey` condition (`{ eq }`, `{ lt }`, `{ le }`, `{ gt }`,
    /// `{ ge }`, `{ between: [a, b] }`, `{ beginsWith }`), `filter`, `projection`, `names`,
    /// `values`, `index` (`{ name, partitionKey, sortKey? }`), `limit`, `reverse`,
    /// `consistentRead`, `pageToken` (from the previous page), `signal`. Resolves to
    /// `{ items, pageToken? }`.
    #[wasm_bindgen(js_name = query, unchecked_return_type = "Promise<QueryPage>")]
    pub fn query(
        &self,
        #[wasm_bindgen(unchecked_param_type = "QueryOptions | undefined")] options: JsValue,
    ) -> Promise {
        self.query_page(&options, QUERY_OPTIONS, JsValue::UNDEFINED)
    }
}

impl Table {
    /// One page of `query`: the options are checked against `known` (which `queryAll` gives
    /// without `pageToken`, passing each page's `token` itself).
    fn query_page(&self, options: &JsValue, known: &[&str], token: JsValue) -> Promise {
        let mut o = Fields::optional("options", options, known);
        let call = o.call();
        let query = dynamodb::Query {
            partition_key: o.demo_partition_key(),
            sort_key: o.sort_condition(),
            index: o.index(&self.table.indexes),
            filter_expression: o.string("filter"),
            projection_expression: o.string("projection"),
            expression_attribute_names: o.pairs("names"),
            expression_attribute_values: o.values(),
            limit: o.whole("limit", MAX_INT),
            scan_forward: o.bool("reverse").map(|r| !r),
            consistent_read: o.bool("consistentRead"),
            exclusive_start_key: None,
        };
        let token = match known.contains(&"pageToken") {
            true => o.string("pageToken"),
            false => token.as_string(),
        };
        let parsed = o.finish().map(|()| (query, token));
        let scope = ddb_scope(&call);
        ddb_call(
            &self.session,
            self.table.clone(),
            call.signal,
            dynamodb::Operation::Query,
            parsed,
            move |table, id, (mut query, token): (dynamodb::Query, Option<String>)| {
                if let Some(token) = token {
                    let pk_name = query
                        .index
                        .as_ref()
                        .map_or(table.pk_name.as_str(), |i| i.pk_name.as_str());
                    query.exclusive_start_key =
                        Some(dynamodb::page_token_decode(&token, pk_name, id, scope)?);
                }
                dynamodb::query_request(table, id, &query, scope)
            },
            |answer| {
                let page = dynamodb::parse_query_response(answer)?;
                let out = js_sys::Object::new();
                let items = items_to_js(&page.items);
                set(&out, "items", &items);
                set(&out, "count", &(page.count as f64).into());
                let token = page
                    .last_evaluated_key
                    .as_deref()
                    .map(dynamodb::page_token_encode)
                    .transpose()?;
                set(
                    &out,
                    "pageToken",
                    &token.as_deref().map_or(JsValue::UNDEFINED, JsValue::from),
                );
                Ok(JsValue::from(out))
            },
        )
    }
}

#[wasm_bindgen(js_class = Table)]
impl Table {
    /// Every item the query matches, page after page, as an async iterator:
    /// `for await (const item of table.queryAll({ sortKey: { beginsWith: "note-" } }))`.
    /// Takes the options of `query` but `pageToken`.
    #[wasm_bindgen(js_name = queryAll, unchecked_return_type = "AsyncIterableIterator<Item>")]
    pub fn query_all(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Omit<QueryOptions, \"pageToken\"> | undefined")]
        options: JsValue,
    ) -> JsValue {
        let table = Table {
            session: self.session.clone(),
            table: self.table.clone(),
        };
        // A copy of a plain options object's own properties (defined, as `Object.fromEntries`
        // does, so that a `__proto__` key stays a key), so that changing the object later does
        // not change later pages; anything else is kept for the reader to refuse.
        let copy = match options.is_object() && !js_sys::Array::is_array(&options) {
            true => own_entries(&options).and_then(|e| js_sys::Object::from_entries(&e)),
            false => Err(JsValue::UNDEFINED),
        };
        let base = copy.map_or(options, JsValue::from);
        let known = &QUERY_OPTIONS[..QUERY_OPTIONS.len() - 1];
        let fetch_page = Closure::<dyn Fn(JsValue) -> Promise>::new(move |token: JsValue| {
            table.query_page(&base, known, token)
        });
        pages_to_items(&fetch_page.into_js_value())
    }
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
