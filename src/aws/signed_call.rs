//! Sends SigV4-signed requests to AWS: each attempt is signed afresh with the skew-corrected
//! clock; every response's `Date` teaches the clock; a request AWS refuses as skewed
//! ("Signature expired", `RequestTimeTooSkewed`) is re-signed and sent again at once, once; and
//! transient failures are retried with the standard policy. `dynamodb` and `s3` build the
//! requests and read the answers; this module owns only the sending.

use std::cell::RefCell;

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

impl<'a, T> SignedCall<'a, T> {
    /// The same call's settings over another transport (one transfer's own).
    pub fn over<'b, U>(&'b self, transport: &'b U) -> SignedCall<'b, U>
    where
        'a: 'b,
    {
        SignedCall {
            transport,
            clock: self.clock,
            now: self.now,
            credentials: self.credentials,
            region: self.region,
            service: self.service,
            policy: self.policy,
            jitter: self.jitter,
        }
    }
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
        self.exchange(request, hash, read_error, false).await
    }

    /// Sends `request`, signed, and resolves to its last answer whatever the status, as `fetch`
    /// does: an answer below 400 ends the call at once; of the others, `read_error` says what
    /// each is: a skew refusal is re-signed and sent again at once (once), a transient one
    /// (5xx, throttling) is retried by the policy, and the last answer is returned when the
    /// attempts are spent. `Err` only when no answer came (network, timeout, abort), or for a
    /// request that cannot be signed.
    pub async fn send_for_answer(
        &self,
        request: Request,
        hash: PayloadHash,
        read_error: fn(&Response) -> Error,
    ) -> Result<Response> {
        self.exchange(request, hash, read_error, true).await
    }

    /// Both of the above, one copy of the loop: `answers` says whether an error answer is
    /// resolved (`send_for_answer`) or rejected as the service's error (`send`).
    async fn exchange(
        &self,
        request: Request,
        hash: PayloadHash,
        read_error: fn(&Response) -> Error,
        answers: bool,
    ) -> Result<Response> {
        // With `answers`: the answer of the latest attempt, when it was one to retry.
        let last: RefCell<Option<Response>> = RefCell::new(None);
        let result = retry::run(
            self.policy,
            |_| async {
                last.replace(None);
                let mut resigned = false;
                loop {
                    let response = self.attempt(&request, &hash).await?;
                    let status = response.status;
                    if (200..300).contains(&status) || status == 304 || (answers && status < 400) {
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
                    if answers {
                        if !retry::should_retry(&e) {
                            return Ok(response);
                        }
                        last.replace(Some(response));
                    }
                    return Err(e);
                }
            },
            // The transport's pause, which an abort ends.
            |ms| self.transport.pause(ms),
            || (self.jitter)(),
        )
        .await;
        match (result, last.into_inner()) {
            (Err(_), Some(answer)) => Ok(answer),
            (result, _) => result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::credentials::SigningKeyCache;
    use crate::test_util::block_on;
    use crate::test_util::{Answer, ScriptedTransport};

    const NOW_MS: f64 = 1_767_225_600_000.0; // 2026-01-01T00:00:00Z

    /// `send_for_answer` over `answers`: its result and the requests sent.
    fn for_answer(answers: Vec<Answer>) -> (Result<Response>, Vec<Request>, i64) {
        let transport = ScriptedTransport::answering(answers);
        let clock = Clock::new();
        let credentials = Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "secret".into(),
            session_token: Some("token".into()),
            expires_at_ms: i64::MAX,
            signing_key: SigningKeyCache::default(),
        };
        let call = SignedCall {
            transport: &transport,
            clock: &clock,
            now: &|| NOW_MS,
            credentials: &credentials,
            region: "us-east-1",
            service: "execute-api",
            policy: Policy::STANDARD,
            jitter: &|| 0.5,
        };
        let request = Request {
            method: "POST".into(),
            url: "https://abc.execute-api.us-east-1.amazonaws.com/prod/hello".into(),
            headers: vec![("content-type".into(), "text/plain".into())],
            body: b"hi".to_vec(),
        };
        let result = block_on(call.send_for_answer(request, PayloadHash::Compute, read_error));
        let sent = transport.requests().clone();
        (result, sent, clock.skew_ms())
    }

    /// As a service words its errors: the skew refusal names itself in its message.
    fn read_error(r: &Response) -> Error {
        let body = std::str::from_utf8(&r.body).unwrap_or_default();
        let skew = body.contains("Signature expired");
        let code = if skew {
            "InvalidSignatureException"
        } else {
            ""
        };
        Error::service(code, body, r.status, None)
    }

    fn status_of(r: &Result<Response>) -> Option<u16> {
        r.as_ref().ok().map(|r| r.status)
    }

    #[test]
    fn every_answer_is_resolved_and_only_transient_ones_are_retried() {
        // The app's own 4xx is its answer: one attempt.
        for status in [200, 204, 301, 400, 403, 404, 501] {
            let (r, sent, _) = for_answer(vec![Answer::status(status, "{}")]);
            assert_eq!((status_of(&r), sent.len()), (Some(status), 1), "{status}");
        }
        // 5xx and throttling are retried; the first good answer ends the call.
        let (r, sent, _) = for_answer(vec![
            Answer::status(503, "{}"),
            Answer::status(429, r#"{"message":"Too Many Requests"}"#),
            Answer::status(200, "ok"),
        ]);
        assert_eq!((status_of(&r), sent.len()), (Some(200), 3));
        // Spent: the last answer itself, not an error.
        let (r, sent, _) = for_answer(vec![
            Answer::status(502, "a"),
            Answer::status(500, "b"),
            Answer::status(503, "c"),
            Answer::status(200, "never"),
        ]);
        assert_eq!(r.as_ref().map(|r| r.body.as_slice()).ok(), Some(&b"c"[..]));
        assert_eq!((status_of(&r), sent.len()), (Some(503), 3));
        // Each attempt is signed afresh, the body hash with it.
        assert!(sent
            .iter()
            .all(|r| r.headers.iter().any(|(n, _)| n == "authorization")));
    }

    #[test]
    fn no_answer_is_an_error_after_the_retries_and_a_lost_answer_hides_no_earlier_one() {
        let (r, sent, _) = for_answer(vec![Answer::Fail(Error::network("reset")); 3]);
        assert_eq!(r.err().map(|e| e.code.clone()), Some("NetworkError".into()));
        assert_eq!(sent.len(), 3);
        let (r, _, _) = for_answer(vec![
            Answer::status(503, "{}"),
            Answer::status(503, "{}"),
            Answer::Fail(Error::network("reset")),
        ]);
        assert_eq!(r.err().map(|e| e.code.clone()), Some("NetworkError".into()));
        let (r, sent, _) = for_answer(vec![Answer::Fail(Error::aborted())]);
        assert_eq!((r.err(), sent.len()), (Some(Error::aborted()), 1));
    }

    #[test]
    fn a_skew_refusal_teaches_the_clock_and_is_re_signed_at_once() {
        let skewed = Answer::status(
            403,
            r#"{"message":"Signature expired: 20251231T235000Z is now earlier than 20260101T001500Z (20260101T002000Z - 5 min.)"}"#,
        );
        let (r, sent, skew) = for_answer(vec![skewed.clone(), Answer::status(200, "ok")]);
        assert_eq!((status_of(&r), sent.len()), (Some(200), 2));
        assert_eq!(skew, 20 * 60 * 1000);
        let date = |r: &Request| {
            r.headers
                .iter()
                .find(|(n, _)| n == "x-amz-date")
                .map(|(_, v)| v.clone())
        };
        assert_eq!(date(&sent[0]).as_deref(), Some("20260101T000000Z"));
        assert_eq!(date(&sent[1]).as_deref(), Some("20260101T002000Z"));
        // Refused again: the refusal is the answer (one re-signing per attempt, no retry).
        let (r, sent, _) = for_answer(vec![skewed.clone(), skewed, Answer::status(200, "ok")]);
        assert_eq!((status_of(&r), sent.len()), (Some(403), 2));
    }

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
