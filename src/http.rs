//! A small transport over plain request and response values, with `fetch` inside.
//!
//! Protocol modules build a [`Request`] and read a [`Response`]; they never touch `fetch`, so
//! they can be exercised natively with any [`Transport`]. [`Fetch`] is the browser transport.

use std::future::Future;

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use crate::error::{Error, Result};

/// An HTTP request as plain data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `PUT`, `POST`, `DELETE`, `HEAD`.
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes (empty for none).
    pub body: Vec<u8>,
}

/// An HTTP response as plain data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Response {
    /// HTTP status code.
    pub status: u16,
    /// Header names (lower-case) and values.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of header `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The AWS request id, whichever header the service used.
    pub fn request_id(&self) -> Option<String> {
        self.header("x-amzn-requestid")
            .or_else(|| self.header("x-amz-request-id"))
            .map(str::to_owned)
    }
}

/// Sends requests. Implemented by [`Fetch`] in the browser.
pub trait Transport {
    /// Sends `request`, resolving to the response whatever its status; `Err` only when no
    /// response arrived (network fault, CORS refusal, abort).
    fn send(&self, request: Request) -> impl Future<Output = Result<Response>>;
}

/// The browser's `fetch`, optionally tied to an `AbortSignal`.
#[derive(Clone, Debug, Default)]
pub struct Fetch {
    /// Aborts the request when signalled.
    pub signal: Option<AbortSignal>,
}

impl Transport for Fetch {
    async fn send(&self, request: Request) -> Result<Response> {
        if self.signal.as_ref().is_some_and(AbortSignal::aborted) {
            return Err(Error::aborted());
        }
        if !matches!(
            request.method.as_str(),
            "GET" | "PUT" | "POST" | "DELETE" | "HEAD"
        ) {
            return Err(Error::invalid_input(
                "method",
                format!("unsupported HTTP method {}", request.method),
            ));
        }
        // fetch(url, init) with a plain init object: no Request or URL objects to build.
        let init = Object::new();
        set(&init, "method", &JsValue::from_str(&request.method));
        let headers = Array::new();
        for (name, value) in &request.headers {
            headers.push(&Array::of2(
                &JsValue::from_str(name),
                &JsValue::from_str(value),
            ));
        }
        set(&init, "headers", &headers);
        if !request.body.is_empty() {
            set(&init, "body", &Uint8Array::from(request.body.as_slice()));
        }
        if let Some(signal) = &self.signal {
            set(&init, "signal", signal);
        }
        let fetch = Reflect::get(&js_sys::global(), &"fetch".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .ok_or_else(|| Error::config("fetch", "this JavaScript host has no fetch"))?;
        let pending = fetch
            .call2(&JsValue::NULL, &JsValue::from_str(&request.url), &init)
            .map_err(|e| self.fault(&request, &e))?;
        let response: web_sys::Response = JsFuture::from(Promise::from(pending))
            .await
            .map_err(|e| self.fault(&request, &e))?
            .unchecked_into();
        let status = response.status();
        let mut headers = Vec::new();
        for pair in js_sys::try_iter(&response.headers())
            .ok()
            .flatten()
            .into_iter()
            .flatten()
            .flatten()
        {
            let pair: Array = pair.unchecked_into();
            if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                headers.push((k, v));
            }
        }
        let body = match response.array_buffer() {
            Ok(p) => JsFuture::from(p)
                .await
                .map_err(|e| self.fault(&request, &e))?,
            Err(e) => return Err(self.fault(&request, &e)),
        };
        Ok(Response {
            status,
            headers,
            body: Uint8Array::new(&body).to_vec(),
        })
    }
}

fn set(target: &Object, key: &str, value: &JsValue) {
    // Defining a property on a fresh plain object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

impl Fetch {
    fn fault(&self, request: &Request, e: &JsValue) -> Error {
        if self.signal.as_ref().is_some_and(AbortSignal::aborted) {
            return Error::aborted();
        }
        let why = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| "unknown error".into());
        // The URL names the service, never a secret: signatures travel in headers.
        let host = request.url.split('?').next().unwrap_or_default();
        Error::network(format!("no response from {host}: {why}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_found_case_insensitively() {
        let r = Response {
            status: 200,
            headers: vec![
                ("x-amzn-RequestId".into(), "abc".into()),
                ("date".into(), "d".into()),
            ],
            body: vec![],
        };
        assert_eq!(r.header("X-AMZN-REQUESTID"), Some("abc"));
        assert_eq!(r.request_id().as_deref(), Some("abc"));
        assert_eq!(r.header("etag"), None);
    }
}
