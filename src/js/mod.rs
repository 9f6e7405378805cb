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
use crate::aws::signed_call;
use crate::aws::sigv4;
use crate::aws::sigv4::PayloadHash;
use crate::clock;
use crate::config::{Config, FieldValue, RawConfig, Service, StorageKind};
use crate::data::dynamodb::{self, AttributeValue, Item};
use crate::data::owner::ScopeCheck;
use crate::data::s3;
use crate::error::Error;
use crate::http::retry::Policy;
use crate::http::{Fetch, Request, Response, Transport};

mod api_fetch;
mod auth_api;
mod call;
mod client;
mod data_api;
mod devices_api;
mod files;
mod input;
mod passkeys_api;
mod profile_api;
mod promise;
mod redirect_api;
mod table;
mod table_batch;
mod upload;
mod values;

use call::*;
pub use client::*;
pub use files::*;
use input::*;
pub use promise::*;
use redirect_api::navigate;
pub use table::*;
pub use upload::*;
pub use values::*;

/// TypeScript types: errors (`ApilessError`, made by `From<Error> for JsValue` below).
#[wasm_bindgen(typescript_custom_section)]
const ERROR_TYPES: &'static str = r##"
/**
 * What every failed call rejects with (and every refused argument throws): a real `Error`.
 * `name` is the AWS exception name where AWS answered ("NotAuthorizedException",
 * "ConditionalCheckFailedException", "AccessDenied", ...), otherwise the kind's own name
 * ("ConfigError", "InvalidInputError", "OutOfScopeError", "NetworkError", "ProtocolError",
 * "AbortError", "InternalError"), and for the passkey prompt "PasskeyNotSupportedError",
 * "PasskeyCancelledError", "PasskeyAlreadyRegisteredError" or "PasskeyError" (kind "Passkey").
 * Messages never contain a password, token or key.
 */
export interface ApilessError extends Error {
  /** Same as `name`. */
  code: string;
  /**
   * The family of `name`: "Service" for every name AWS gave (and "ServiceError", an AWS error
   * answer without a name), otherwise the name without its "Error" ("InvalidInput" for
   * "InvalidInputError"; "Aborted" for "AbortError").
   */
  kind: "Config" | "InvalidInput" | "OutOfScope" | "Service" | "Network" | "Protocol" | "Aborted" | "Internal" | "Passkey";
  /** Whether trying the same call again may succeed (apiless has already retried where AWS SDKs do). */
  retryable: boolean;
  /** The AWS request id of the failed response. */
  requestId?: string;
  /** The HTTP status of the failed response. */
  httpStatus?: number;
  /** The config field or argument at fault, for "Config" and "InvalidInput". */
  field?: string;
  /**
   * "UnprocessedItemsError" (`batchGet`, `batchWrite`): the places, in the list given, of the
   * keys or requests DynamoDB still left unprocessed after every attempt.
   */
  unprocessed?: number[];
  /**
   * "TransactionCanceledException" (`transactWrite`, `transactGet`): why DynamoDB cancelled the
   * transaction, one entry per action in order; `code` is "None" for an action not at fault,
   * else "ConditionalCheckFailed", "TransactionConflict", "ItemCollectionSizeLimitExceeded", ...
   */
  cancellationReasons?: { code: string; message?: string }[];
}
"##;

/// The package version, e.g. `"0.1.0"`. Needs the wasm module: after `load()` or `createClient`.
///
/// @throws a `TypeError` when called before the wasm module has loaded.
/// @example
/// ```ts
/// import { load, version } from "apiless";
/// await load();
/// console.log(`apiless ${version()}`);
/// ```
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
        if !e.unprocessed.is_empty() {
            let places: js_sys::Array = e.unprocessed.iter().map(|&i| JsValue::from(i)).collect();
            set(obj, "unprocessed", &places);
        }
        if !e.cancellation_reasons.is_empty() {
            let reasons: js_sys::Array = e
                .cancellation_reasons
                .iter()
                .map(|r| {
                    let reason = js_sys::Object::new();
                    set(&reason, "code", &r.code.as_str().into());
                    if let Some(message) = &r.message {
                        set(&reason, "message", &message.as_str().into());
                    }
                    JsValue::from(reason)
                })
                .collect();
            set(obj, "cancellationReasons", &reasons);
        }
        js.into()
    }
}
