//! The JavaScript surface: the only module with `#[wasm_bindgen]` items and `JsValue` in
//! signatures.
//!
//! Errors cross as real JS `Error` objects (`instanceof Error` holds) whose `name` is the AWS
//! exception name where there is one, with `code`, `requestId`, `httpStatus`, `retryable` and,
//! for bad input, `field`.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use crate::config::{Config, RawConfig, Service};
use crate::error::Error;

/// The package version.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Validates a config object and returns it normalised, with the endpoint of each service;
/// throws an `Error` whose `field` names the first bad field.
#[wasm_bindgen(js_name = validateConfig)]
pub fn validate_config(config: JsValue) -> Result<JsValue, JsValue> {
    let raw: RawConfig = serde_wasm_bindgen::from_value(config).map_err(|e| {
        Error::config(
            "config",
            format!("config must be an object of strings: {e}"),
        )
    })?;
    let c = Config::validate(raw)?;
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
    let endpoints = js_sys::Object::new();
    for s in [
        Service::UserPool,
        Service::IdentityPool,
        Service::DynamoDb,
        Service::S3,
    ] {
        set(&endpoints, s.name(), &c.endpoint_for(s).into());
    }
    set(&out, "endpoints", &endpoints);
    Ok(out.into())
}

fn set(target: &js_sys::Object, key: &str, value: &JsValue) {
    // Defining a property on a fresh plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        let js = js_sys::Error::new(&e.message);
        js.set_name(&e.code);
        let obj: &js_sys::Object = js.as_ref();
        set(obj, "code", &e.code.as_str().into());
        set(obj, "kind", &format!("{:?}", e.kind).into());
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
