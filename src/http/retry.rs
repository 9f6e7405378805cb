//! The AWS SDKs' standard retry mode: which failures are retried, how long to wait, how many
//! attempts.
//!
//! Retried: network faults, throttling (`ThrottlingException`,
//! `ProvisionedThroughputExceededException`, HTTP 429, ...), transient errors and 5xx other than
//! 501, the same set as [`Error::retryable`](crate::error::Error). Never retried: an abort, bad
//! input, an out-of-scope request, or any other service error. The wait before retry n is a
//! uniformly random fraction of `min(cap, base * 2^(n-1))` ("full jitter"), with a longer base
//! for throttling. Sleep and randomness are parameters, so the loop is tested natively.

use std::future::Future;

use crate::error::{is_throttling, Error, ErrorKind, Result};

/// A retry policy.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Policy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Backoff base for transient errors.
    pub base_ms: f64,
    /// Backoff base for throttling.
    pub throttle_base_ms: f64,
    /// The longest single wait.
    pub cap_ms: f64,
}

impl Policy {
    /// The AWS SDKs' standard mode: 3 attempts, 50 ms base (1 s when throttled), 20 s cap.
    pub const STANDARD: Policy = Policy {
        max_attempts: 3,
        base_ms: 50.0,
        throttle_base_ms: 1000.0,
        cap_ms: 20_000.0,
    };
    /// DynamoDB gets one attempt more, as the AWS SDKs give it.
    pub const DYNAMODB: Policy = Policy {
        max_attempts: 4,
        ..Policy::STANDARD
    };

    /// The wait before the next attempt after `failures` failed ones (>= 1); `jitter` is a
    /// uniformly random number in [0, 1).
    pub fn delay_ms(&self, failures: u32, throttled: bool, jitter: f64) -> f64 {
        let base = if throttled {
            self.throttle_base_ms
        } else {
            self.base_ms
        };
        let exp = 2f64.powi(failures.saturating_sub(1).min(30) as i32);
        jitter.clamp(0.0, 1.0) * (base * exp).min(self.cap_ms)
    }
}

/// Whether a failed attempt may be retried.
pub fn should_retry(e: &Error) -> bool {
    e.retryable
        && !matches!(
            e.kind,
            ErrorKind::Aborted
                | ErrorKind::InvalidInput
                | ErrorKind::OutOfScope
                | ErrorKind::Config
        )
}

/// Runs `attempt(n)` (n from 1) until it succeeds, fails for good, or the policy's attempts
/// are spent; waits with `sleep(ms)` between attempts. The error of the last attempt is
/// returned, with how many attempts were made added to its message when there was more than one.
pub async fn run<T, A, AF, S, SF>(
    policy: Policy,
    mut attempt: A,
    sleep: S,
    mut jitter: impl FnMut() -> f64,
) -> Result<T>
where
    A: FnMut(u32) -> AF,
    AF: Future<Output = Result<T>>,
    S: Fn(f64) -> SF,
    SF: Future<Output = ()>,
{
    let mut n = 1;
    loop {
        match attempt(n).await {
            Ok(v) => return Ok(v),
            Err(e) if n < policy.max_attempts && should_retry(&e) => {
                let throttled = e.http_status.is_some_and(|s| is_throttling(&e.code, s));
                sleep(policy.delay_ms(n, throttled, jitter())).await;
                n += 1;
            }
            Err(mut e) => {
                // An abort during a wait is refused before the next attempt is sent: no count.
                if n > 1 && e.kind != ErrorKind::Aborted {
                    e.message = format!("{} (after {n} attempts)", e.message);
                }
                return Err(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::block_on;
    use std::cell::RefCell;

    /// Runs the policy over scripted outcomes; returns the result and the waits.
    fn scripted(policy: Policy, outcomes: Vec<Result<u32>>) -> (Result<u32>, Vec<f64>, u32) {
        let outcomes = RefCell::new(outcomes.into_iter());
        let waits = RefCell::new(Vec::new());
        let calls = RefCell::new(0);
        let r = block_on(run(
            policy,
            |_| {
                *calls.borrow_mut() += 1;
                let next = outcomes.borrow_mut().next().unwrap_or(Ok(0));
                async move { next }
            },
            |ms| {
                waits.borrow_mut().push(ms);
                async {}
            },
            || 0.5,
        ));
        (r, waits.into_inner(), calls.into_inner())
    }

    #[test]
    fn backoff_is_exponential_jittered_and_capped() {
        let p = Policy::STANDARD;
        assert_eq!(p.delay_ms(1, false, 1.0), 50.0);
        assert_eq!(p.delay_ms(2, false, 1.0), 100.0);
        assert_eq!(p.delay_ms(3, false, 0.5), 100.0);
        assert_eq!(p.delay_ms(1, true, 1.0), 1000.0);
        assert_eq!(p.delay_ms(40, true, 1.0), 20_000.0);
        assert_eq!(p.delay_ms(2, false, 0.0), 0.0);
    }

    #[test]
    fn transient_failures_are_retried_until_success() {
        let (r, waits, calls) = scripted(
            Policy::STANDARD,
            vec![
                Err(Error::network("reset")),
                Err(Error::service("", "x", 503, None)),
                Ok(7),
            ],
        );
        assert_eq!(r.unwrap(), 7);
        assert_eq!(calls, 3);
        assert_eq!(waits, vec![25.0, 50.0]);
    }

    #[test]
    fn the_attempts_are_bounded_and_the_last_error_is_typed() {
        let throttle = || {
            Err(Error::service(
                "ThrottlingException",
                "Rate exceeded",
                400,
                None,
            ))
        };
        let (r, waits, calls) = scripted(
            Policy::DYNAMODB,
            vec![throttle(), throttle(), throttle(), throttle(), Ok(1)],
        );
        let e = r.unwrap_err();
        assert_eq!(calls, 4);
        assert_eq!(e.code, "ThrottlingException");
        assert!(e.message.ends_with("(after 4 attempts)"), "{}", e.message);
        assert_eq!(waits, vec![500.0, 1000.0, 2000.0]);
    }

    #[test]
    fn an_abort_during_a_wait_ends_the_call_without_an_attempt_count() {
        // The attempt after an aborted wait is refused before it is sent (Fetch checks the
        // signal), so the count would only say how often the loop ran.
        let (r, waits, calls) = scripted(
            Policy::STANDARD,
            vec![Err(Error::network("dropped")), Err(Error::aborted()), Ok(1)],
        );
        assert_eq!(r.unwrap_err(), Error::aborted());
        assert_eq!((calls, waits.len()), (2, 1));
    }

    #[test]
    fn non_retryable_errors_stop_at_once() {
        for e in [
            Error::service(
                "ConditionalCheckFailedException",
                "The conditional request failed",
                400,
                None,
            ),
            Error::service("AccessDeniedException", "denied", 400, None),
            Error::aborted(),
            Error::out_of_scope("key", "not yours"),
        ] {
            let (r, waits, calls) = scripted(Policy::STANDARD, vec![Err(e.clone()), Ok(1)]);
            assert_eq!(r.unwrap_err(), e);
            assert_eq!((calls, waits.len()), (1, 0));
        }
    }
}
