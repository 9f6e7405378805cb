//! The one place the clock learns the skew from answers: a transport wrapper that reads every
//! response's `Date` header (where the browser may read it) before handing the response on.
//! The session wraps its Cognito calls in it, and `aws::signed` every signed attempt.

use std::future::Future;

use crate::clock::{self, Clock};
use crate::error::Result;
use crate::http::{Request, Response, Transport};

/// `inner`, teaching `clock` the server's time from each response's `Date`.
pub struct SkewLearning<'a, T> {
    /// Sends the requests.
    pub inner: &'a T,
    /// The clock that learns.
    pub clock: &'a Clock,
    /// Local time now, ms since the epoch.
    pub now: &'a dyn Fn() -> f64,
}

impl<T> SkewLearning<'_, T> {
    /// Teaches the clock that the server's time is `server_ms` now.
    pub fn learn(&self, server_ms: f64) {
        self.clock.learn(server_ms, (self.now)());
    }
}

impl<T: Transport> Transport for SkewLearning<'_, T> {
    async fn send(&self, request: Request) -> Result<Response> {
        let response = self.inner.send(request).await?;
        if let Some(server) = response.header("date").and_then(clock::parse_http_date) {
            self.learn(server);
        }
        Ok(response)
    }

    fn pause(&self, ms: f64) -> impl Future<Output = ()> {
        self.inner.pause(ms)
    }

    fn jitter(&self) -> f64 {
        self.inner.jitter()
    }
}
