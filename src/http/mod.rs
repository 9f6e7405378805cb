//! A small transport over plain request and response values, with `fetch` inside.
//!
//! Protocol modules build a [`Request`] and read a [`Response`]; they never touch `fetch`, so
//! they can be exercised natively with any [`Transport`]. [`Fetch`] is the browser transport;
//! [`retry`] is the AWS standard retry policy every service call runs under.
//!
//! May use: the crate-wide leaves (`error`, `config`, `clock`, `crypto`) and `codec`.

pub mod join;
pub mod retry;
pub mod skew;

use std::future::Future;

use js_sys::{Array, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use zeroize::Zeroize;

use crate::error::{Error, Result};

/// An HTTP request as plain data. Header values are wiped when it is dropped: a signed request
/// carries the session token in `x-amz-security-token`. (Being `Drop`, it cannot be built with
/// `..Request::default()`: name every field.)
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `PUT`, `POST`, `DELETE`, `HEAD`; `PATCH` and `OPTIONS` too for the app's own APIs.
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes (empty for none).
    pub body: Vec<u8>,
}

impl Drop for Request {
    fn drop(&mut self) {
        for (_, value) in &mut self.headers {
            value.zeroize();
        }
    }
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

    /// Waits `ms` milliseconds before a retry. The default returns at once, for transports
    /// with no clock (scripted answers in tests); [`Fetch`] waits with `setTimeout`, or until
    /// its signal aborts.
    fn pause(&self, ms: f64) -> impl Future<Output = ()> {
        let _ = ms;
        std::future::ready(())
    }

    /// A uniformly random number in [0, 1): the jitter of a retry's wait. The default is the
    /// middle; [`Fetch`] draws one with `Math.random`.
    fn jitter(&self) -> f64 {
        0.5
    }
}

/// The browser's `fetch` (as it was when apiless loaded), optionally tied to an `AbortSignal`,
/// each attempt bounded by a timeout.
#[derive(Clone, Debug)]
pub struct Fetch {
    /// Aborts the request when signalled, and ends a retry's backoff wait.
    pub signal: Option<AbortSignal>,
    /// Abandons one attempt after this many milliseconds; 0 for no limit. With `progress`,
    /// after this many milliseconds without bytes going out or coming in.
    pub timeout_ms: f64,
    /// A body the page holds (a `Blob` slice or an `ArrayBuffer`), sent instead of the
    /// request's own bytes, over XMLHttpRequest so that its progress is seen: a large body
    /// never enters wasm memory.
    pub body: Option<JsValue>,
    /// With `body` a `Blob`: only its bytes `[start, end)` are sent, sliced and sent by the
    /// page's part worker where it has one (`src/host.js` `part`), off the main thread.
    pub range: Option<(f64, f64)>,
    /// Called as the bytes go: with `body`, `(sent)`, the bytes of the attempt sent so far;
    /// otherwise `({ loaded, total })`, the answer's bytes received so far and its
    /// Content-Length (`total` left out when the answer names none).
    pub progress: Option<js_sys::Function>,
}

impl Default for Fetch {
    fn default() -> Self {
        Fetch {
            signal: None,
            timeout_ms: f64::from(crate::config::ATTEMPT_TIMEOUT_MS),
            body: None,
            range: None,
            progress: None,
        }
    }
}

impl Fetch {
    /// A fetch tied to `signal`, with the default timeout per attempt.
    pub fn with_signal(signal: Option<AbortSignal>) -> Self {
        Fetch {
            signal,
            ..Fetch::default()
        }
    }
}

impl Transport for Fetch {
    async fn send(&self, request: Request) -> Result<Response> {
        if self.signal.as_ref().is_some_and(AbortSignal::aborted) {
            return Err(Error::aborted());
        }
        if !matches!(
            request.method.as_str(),
            "GET" | "PUT" | "POST" | "DELETE" | "HEAD" | "PATCH" | "OPTIONS"
        ) {
            return Err(Error::invalid_input(
                "method",
                format!("unsupported HTTP method {}", request.method),
            ));
        }
        // One crossing each way: the headers travel as one "name\nvalue\n..." string (a
        // header can hold no line break: the signer refuses one), and the snippet builds the
        // plain init object `fetch` takes.
        // Sized exactly, so that no copy of the session token is left in a smaller buffer that
        // grew; wiped once JS has its own copy.
        let mut head = String::with_capacity(
            request
                .headers
                .iter()
                .map(|(name, value)| name.len() + value.len() + 2)
                .sum(),
        );
        for (name, value) in &request.headers {
            head.push_str(name);
            head.push('\n');
            head.push_str(value);
            head.push('\n');
        }
        let answer = match (&self.body, &self.progress) {
            // A part of a page-held Blob: the part worker's, or sent from here where there is
            // none.
            (Some(blob), progress) if self.range.is_some() => {
                let (start, end) = self.range.unwrap_or_default();
                glue::part(
                    &request.url,
                    &request.method,
                    &head,
                    blob,
                    start,
                    end,
                    self.signal.as_ref(),
                    self.timeout_ms,
                    progress.as_ref(),
                )
            }
            // A page-held body whose progress someone follows: XHR, whose upload events fetch
            // lacks.
            (Some(body), Some(progress)) => glue::upload(
                &request.url,
                &request.method,
                &head,
                body,
                self.signal.as_ref(),
                self.timeout_ms,
                progress,
            ),
            // fetch: the page-held body, or the request's own bytes (a download's progress
            // is fetch's too).
            (page_held, progress) => {
                let bytes = (page_held.is_none() && !request.body.is_empty())
                    .then(|| JsValue::from(Uint8Array::from(request.body.as_slice())));
                glue::exchange(
                    &request.url,
                    &request.method,
                    &head,
                    page_held.as_ref().or(bytes.as_ref()),
                    self.signal.as_ref(),
                    self.timeout_ms,
                    progress.as_ref(),
                )
            }
        };
        head.zeroize();
        let answer: Array = JsFuture::from(answer)
            .await
            .map_err(|e| self.fault(&request, &e))?
            .unchecked_into();
        let head = answer.get(1).as_string().unwrap_or_default();
        let headers = head
            .split_terminator('\n')
            .collect::<Vec<_>>()
            .chunks_exact(2)
            .map(|pair| (pair[0].to_owned(), pair[1].to_owned()))
            .collect();
        Ok(Response {
            status: answer.get(0).as_f64().unwrap_or_default() as u16,
            headers,
            body: answer.get(2).unchecked_into::<Uint8Array>().to_vec(),
        })
    }

    fn pause(&self, ms: f64) -> impl Future<Output = ()> {
        crate::clock::sleep_ms(ms, self.signal.as_ref())
    }

    fn jitter(&self) -> f64 {
        js_sys::Math::random()
    }
}

/// A whole exchange in one crossing each way: what would otherwise be a crossing per header
/// and an await per step.
mod glue {
    use js_sys::Promise;
    use wasm_bindgen::prelude::*;
    use web_sys::AbortSignal;

    #[wasm_bindgen(module = "/src/host.js")]
    extern "C" {
        /// `fetch(url, { method, headers, body, signal })` (`body` bytes or a `Blob`), the headers as
        /// `"name\nvalue\n..."`, then the whole body: resolves to `[status, headers as
        /// "name\nvalue\n..." (names lower-case, as fetch gives them), body bytes]`. `fetch`
        /// is the one the host had when this module loaded, so a script that replaces it later
        /// sees no request or answer. Rejects when `signal` aborts, or after `timeout_ms`
        /// (unless 0) with "no answer within ... ms".
        pub fn exchange(
            url: &str,
            method: &str,
            head: &str,
            body: Option<&JsValue>,
            signal: Option<&AbortSignal>,
            timeout_ms: f64,
            progress: Option<&js_sys::Function>,
        ) -> Promise;

        /// [`exchange`] over XMLHttpRequest with `body` (a `Blob` or `ArrayBuffer`), calling
        /// `progress(sent)` as the bytes go out; `timeout_ms` counts from the last progress.
        pub fn upload(
            url: &str,
            method: &str,
            head: &str,
            body: &JsValue,
            signal: Option<&AbortSignal>,
            timeout_ms: f64,
            progress: &js_sys::Function,
        ) -> Promise;

        /// Lets the part worker go when no part is under way (an upload has ended): the Blobs
        /// it was sent go with it.
        #[wasm_bindgen(js_name = partsDone)]
        pub fn parts_done();

        /// The bytes `[start, end)` of `blob`, sent as [`upload`] sends a body (as
        /// [`exchange`] without `progress`), by the page's part worker where it has one.
        #[allow(clippy::too_many_arguments)]
        pub fn part(
            url: &str,
            method: &str,
            head: &str,
            blob: &JsValue,
            start: f64,
            end: f64,
            signal: Option<&AbortSignal>,
            timeout_ms: f64,
            progress: Option<&js_sys::Function>,
        ) -> Promise;
    }
}

/// An upload has ended: the page's part worker is let go unless parts of another are under way,
/// and with it the Blobs it held (`src/host.js` `partsDone`).
pub fn parts_done() {
    glue::parts_done();
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
