//! An expiring value: tokens and credentials are reused until shortly before the expiry the
//! service gave them, never for a fixed TTL.
//!
//! Pure: every check takes `now_ms`. The single-flight refresh that wraps it arrives with
//! issue #4.

/// A value and the moment (ms since the epoch, server time) it stops being valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expiring<T> {
    /// The cached value.
    pub value: T,
    /// When it expires, by the service's clock.
    pub expires_at_ms: i64,
}

impl<T> Expiring<T> {
    /// Wraps `value`, valid until `expires_at_ms`.
    pub fn new(value: T, expires_at_ms: i64) -> Self {
        Expiring {
            value,
            expires_at_ms,
        }
    }

    /// Whether the value is still good at `now_ms` with `margin_ms` to spare, so that a request
    /// signed now does not reach AWS after the expiry.
    pub fn is_fresh(&self, now_ms: i64, margin_ms: i64) -> bool {
        now_ms.saturating_add(margin_ms) < self.expires_at_ms
    }

    /// Milliseconds left at `now_ms` (negative once expired).
    pub fn remaining_ms(&self, now_ms: i64) -> i64 {
        self.expires_at_ms.saturating_sub(now_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness_keeps_a_margin_before_expiry() {
        let e = Expiring::new("creds", 10_000);
        assert!(e.is_fresh(0, 5_000));
        assert!(!e.is_fresh(5_000, 5_000));
        assert!(!e.is_fresh(12_000, 0));
        assert_eq!(e.remaining_ms(12_000), -2_000);
        assert!(!Expiring::new((), i64::MAX).is_fresh(i64::MAX - 1, 5));
    }
}
