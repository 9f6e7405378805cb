//! A small transport over plain request and response values, with `fetch` inside.
//!
//! Protocol modules build a [`Request`] and read a [`Response`]; they never touch `fetch`, so
//! they can be exercised natively with any [`Transport`]. [`Fetch`] is the browser transport.

use std::future::Future;

use gloo_net::http::{Method, RequestBuilder};
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
        let method = match request.method.as_str() {
            "GET" => Method::GET,
            "PUT" => Method::PUT,
            "POST" => Method::POST,
            "DELETE" => Method::DELETE,
            "HEAD" => Method::HEAD,
            other => {
                return Err(Error::invalid_input(
                    "method",
                    format!("unsupported HTTP method {other}"),
                ))
            }
        };
        let mut builder = RequestBuilder::new(&request.url)
            .method(method)
            .abort_signal(self.signal.as_ref());
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let built = if request.body.is_empty() {
            builder.build()
        } else {
            builder.body(js_sys::Uint8Array::from(request.body.as_slice()))
        }
        .map_err(|e| {
            Error::invalid_input("request", format!("the request could not be built: {e}"))
        })?;

        let response = built.send().await.map_err(|e| self.fault(&request, e))?;
        let status = response.status();
        let headers = response.headers().entries().collect();
        let body = response
            .binary()
            .await
            .map_err(|e| self.fault(&request, e))?;
        Ok(Response {
            status,
            headers,
            body,
        })
    }
}

impl Fetch {
    fn fault(&self, request: &Request, e: gloo_net::Error) -> Error {
        if self.signal.as_ref().is_some_and(AbortSignal::aborted) {
            return Error::aborted();
        }
        // The URL names the service, never a secret: signatures travel in headers.
        let host = request.url.split('?').next().unwrap_or_default();
        Error::network(format!("no response from {host}: {e}"))
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
