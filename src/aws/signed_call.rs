//! Sends SigV4-signed requests to AWS: each attempt is signed afresh with the skew-corrected
//! clock; every response's `Date` teaches the clock; a request AWS refuses as skewed
//! ("Signature expired", `RequestTimeTooSkewed`) is re-signed and sent again at once, once; and
//! transient failures are retried with the standard policy. `dynamodb` and `s3` build the
//! requests and read the answers; this module owns only the sending.

use crate::aws::credentials::Credentials;
use crate::aws::sigv4::{self, PayloadHash, Scope};
use crate::clock::{self, Clock};
use crate::codec::text;
use crate::error::{Error, Result};
use crate::http::retry::{self, Policy};
use crate::http::skew;
use crate::http::{Request, Response, Transport};

/// Everything a signed call needs.
pub struct SignedCall<'a, T> {
    /// Sends the requests.
    pub transport: &'a T,
    /// The clock with the learned skew.
    pub clock: &'a Clock,
    /// Local time now, ms since the epoch.
    pub now: &'a dyn Fn() -> f64,
    /// The credentials to sign with.
    pub credentials: &'a Credentials,
    /// The region of the service.
    pub region: &'a str,
    /// The signing name: `dynamodb`, `s3`.
    pub service: &'a str,
    /// Which failures are retried, how often.
    pub policy: Policy,
    /// A uniformly random number in [0, 1) for the backoff's jitter.
    pub jitter: &'a dyn Fn() -> f64,
}

/// Whether AWS refused the request because its clock and ours disagree.
pub fn is_skew_error(e: &Error) -> bool {
    matches!(
        e.code.as_str(),
        "RequestTimeTooSkewed" | "RequestExpired" | "RequestInTheFuture"
    ) || (e.code == "InvalidSignatureException"
        && (text::contains(&e.message, "Signature expired")
            || text::contains(&e.message, "not yet current")))
}

/// The server's time as a refusal for skew states it in its body, for when the browser may not
/// read `Date` (CORS exposes it only where the service or the bucket's rule says so): S3's
/// `<ServerTime>2026-12-06T10:20:00Z</ServerTime>`, or the time in parentheses of
/// "Signature expired: A is now earlier than B (C - 15 min.)" and
/// "Signature not yet current: A is still later than B (C + 15 min.)".
pub fn server_time_in(body: &[u8]) -> Option<f64> {
    let body = std::str::from_utf8(body).ok()?;
    if let Some((_, rest)) = text::split_once(body, "<ServerTime>") {
        let (time, _) = text::split_once(rest, "</ServerTime>")?;
        return clock::parse_iso_date(time.trim());
    }
    let (before, _) = text::split_once(body, " min.)")?;
    let open = before.bytes().rposition(|b| b == b'(')?;
    clock::parse_amz_date(before.get(open + 1..open + 17)?)
}

impl<T: Transport> SignedCall<'_, T> {
    async fn attempt(&self, request: &Request, hash: &PayloadHash) -> Result<Response> {
        let mut signed = request.clone();
        let scope = Scope {
            service: self.service,
            region: self.region,
            time_ms: self.clock.corrected((self.now)()),
        };
        sigv4::sign(&mut signed, self.credentials, &scope, hash)?;
        let response = self.transport.send(signed).await?;
        skew::learn_from_date(&response, self.clock, self.now);
        Ok(response)
    }

    /// `e` with any copy of the signing credentials cut out of its text: a service may quote
    /// what it was sent (a signature mismatch quotes the canonical request, session token
    /// included), and an `Error` reaches the app's logs.
    fn redacted(&self, mut e: Error) -> Error {
        e.message = self.credentials.redact(&e.message);
        e.code = self.credentials.redact(&e.code);
        e
    }

    /// Sends `request`, signed; `read_error` turns a non-2xx answer into the service's error,
    /// from which any copy of the credentials is then removed.
    /// Resolves to the first 2xx response (or a 304 for conditional reads).
    pub async fn send(
        &self,
        request: Request,
        hash: PayloadHash,
        read_error: fn(&Response) -> Error,
    ) -> Result<Response> {
        retry::run(
            self.policy,
            |_| async {
                let mut resigned = false;
                loop {
                    let response = self.attempt(&request, &hash).await?;
                    if (200..300).contains(&response.status) || response.status == 304 {
                        return Ok(response);
                    }
                    let e = self.redacted(read_error(&response));
                    if is_skew_error(&e) && !resigned {
                        // This very answer corrected the clock, through its Date where the
                        // browser may read it, and through the time its body states: sign
                        // again now.
                        if let Some(server) = server_time_in(&response.body) {
                            self.clock.learn(server, (self.now)());
                        }
                        resigned = true;
                        continue;
                    }
                    return Err(e);
                }
            },
            // The transport's pause, which an abort ends.
            |ms| self.transport.pause(ms),
            || (self.jitter)(),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_time_is_read_from_skew_refusals_as_aws_words_them() {
        let dynamodb = br#"{"__type":"com.amazon.coral.service#InvalidSignatureException","message":"Signature expired: 20260101T000000Z is now earlier than 20260101T001500Z (20260101T002000Z - 15 min.)"}"#;
        assert_eq!(
            server_time_in(dynamodb),
            clock::parse_amz_date("20260101T002000Z")
        );
        let future = br#"{"__type":"com.amazon.coral.service#InvalidSignatureException","message":"Signature not yet current: 20260101T010000Z is still later than 20260101T002000Z (20260101T000500Z + 15 min.)"}"#;
        assert_eq!(
            server_time_in(future),
            clock::parse_amz_date("20260101T000500Z")
        );
        let s3 = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the current time is too large.</Message><RequestTime>20260101T000000Z</RequestTime><ServerTime>2026-01-01T00:20:00Z</ServerTime><MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds></Error>";
        assert_eq!(
            server_time_in(s3),
            clock::parse_iso_date("2026-01-01T00:20:00Z")
        );
        assert!(server_time_in(s3).is_some());
        for nothing in [
            &b""[..],
            b"{\"message\":\"Signature expired\"}",
            b"(2026 - 15 min.)",
            b"<ServerTime>soon</ServerTime>",
            b"\xff (20260101T002000Z - 15 min.)",
        ] {
            assert_eq!(server_time_in(nothing), None);
        }
    }

    #[test]
    fn skew_errors_are_recognised_as_aws_words_them() {
        let e = |code: &str, msg: &str| Error::service(code, msg, 400, None);
        assert!(is_skew_error(&e("InvalidSignatureException", "Signature expired: 20260101T000000Z is now earlier than 20260101T001500Z (20260101T002000Z - 15 min.)")));
        assert!(is_skew_error(&e("InvalidSignatureException", "Signature not yet current: 20260101T010000Z is still later than 20260101T002000Z (20260101T000500Z + 15 min.)")));
        assert!(is_skew_error(&e(
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large."
        )));
        assert!(!is_skew_error(&e(
            "InvalidSignatureException",
            "The request signature we calculated does not match"
        )));
        assert!(!is_skew_error(&e(
            "AccessDeniedException",
            "Signature expired"
        )));
    }
}
