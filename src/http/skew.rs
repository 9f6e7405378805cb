//! The one place the clock learns the skew from answers: [`learn_from_date`] reads a response's
//! `Date` header (where the browser may read it), and [`SkewLearning`] wraps a transport so
//! every response teaches the clock. The session wraps its Cognito calls in it; `aws::signed_call`
//! calls [`learn_from_date`] after each signed attempt (one async layer less in every call).

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

/// Teaches `clock` the server's time from `response`'s `Date` header, when it has one.
pub fn learn_from_date(response: &Response, clock: &Clock, now: &dyn Fn() -> f64) {
    if let Some(server) = response.header("date").and_then(clock::parse_http_date) {
        clock.learn(server, now());
    }
}

impl<T: Transport> Transport for SkewLearning<'_, T> {
    async fn send(&self, request: Request) -> Result<Response> {
        let response = self.inner.send(request).await?;
        learn_from_date(&response, self.clock, self.now);
        Ok(response)
    }

    fn pause(&self, ms: f64) -> impl Future<Output = ()> {
        self.inner.pause(ms)
    }

    fn jitter(&self) -> f64 {
        self.inner.jitter()
    }
}
