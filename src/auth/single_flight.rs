//! One fetch at a time, and an expiring value refreshed that way: tokens and credentials are
//! reused until shortly before the expiry the service gave them (never a fixed TTL), and
//! however many callers need a new one at once, one request fetches it.
//!
//! Time is a parameter: every check takes `now_ms`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};

use crate::error::Result;

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
}

/// A fetch in flight, shared by every caller waiting for it.
pub type InFlight<T> = Shared<LocalBoxFuture<'static, Result<T>>>;

/// One fetch at a time: callers that come while one is in flight join it. Used for the token
/// refresh and, through [`SingleFlight`], for the AWS credentials.
pub struct OneAtATime<T: Clone + 'static> {
    pending: RefCell<Option<InFlight<T>>>,
    generation: Cell<u64>,
}

impl<T: Clone + 'static> OneAtATime<T> {
    /// Nothing in flight.
    pub fn new() -> Rc<Self> {
        Rc::new(OneAtATime {
            pending: RefCell::new(None),
            generation: Cell::new(0),
        })
    }

    /// Joins the fetch in flight, or starts the one `fetch` makes.
    pub fn run(
        self: &Rc<Self>,
        fetch: impl FnOnce() -> LocalBoxFuture<'static, Result<T>>,
    ) -> InFlight<T> {
        if let Some(pending) = self.pending.borrow().as_ref() {
            return pending.clone();
        }
        let this = self.clone();
        let generation = self.generation.get();
        let fetch = fetch();
        let future = async move {
            let result = fetch.await;
            // A forget has already emptied the slot, perhaps for a newer fetch.
            if this.generation.get() == generation {
                *this.pending.borrow_mut() = None;
            }
            result
        }
        .boxed_local()
        .shared();
        *self.pending.borrow_mut() = Some(future.clone());
        future
    }

    /// Counts [`OneAtATime::forget`]s: a fetch begun at another count is no longer current.
    pub fn generation(&self) -> u64 {
        self.generation.get()
    }

    /// Lets go of the fetch in flight: the next caller starts a new one, and the old one
    /// settles as no longer current.
    pub fn forget(&self) {
        self.generation.set(self.generation.get() + 1);
        *self.pending.borrow_mut() = None;
    }
}

/// An expiring value refreshed by one request at a time.
pub struct SingleFlight<T: Clone + 'static> {
    current: RefCell<Option<Expiring<T>>>,
    flight: Rc<OneAtATime<T>>,
}

impl<T: Clone + 'static> SingleFlight<T> {
    /// An empty cache.
    pub fn new() -> Rc<Self> {
        Rc::new(SingleFlight {
            current: RefCell::new(None),
            flight: OneAtATime::new(),
        })
    }

    /// The cached value, if fresh at `now_ms` with `margin_ms` to spare.
    pub fn fresh(&self, now_ms: i64, margin_ms: i64) -> Option<T> {
        self.current
            .borrow()
            .as_ref()
            .filter(|e| e.is_fresh(now_ms, margin_ms))
            .map(|e| e.value.clone())
    }

    /// When the cached value expires, if there is one.
    pub fn expires_at_ms(&self) -> Option<i64> {
        self.current.borrow().as_ref().map(|e| e.expires_at_ms)
    }

    /// Joins the refresh in flight, or starts one with `start`; its result is cached. A
    /// refresh that started before [`SingleFlight::clear`] is not cached.
    pub fn refresh(
        self: &Rc<Self>,
        start: impl FnOnce() -> LocalBoxFuture<'static, Result<Expiring<T>>>,
    ) -> InFlight<T> {
        let this = self.clone();
        let generation = self.flight.generation();
        self.flight.run(move || {
            let fetch = start();
            async move {
                let fresh = fetch.await;
                if this.flight.generation() != generation {
                    return Err(crate::error::Error::aborted());
                }
                let fresh = fresh?;
                let value = fresh.value.clone();
                *this.current.borrow_mut() = Some(fresh);
                Ok(value)
            }
            .boxed_local()
        })
    }

    /// Forgets the value and any refresh in flight.
    pub fn clear(&self) {
        self.flight.forget();
        *self.current.borrow_mut() = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{poll_once, Gate};

    #[test]
    fn freshness_keeps_a_margin_before_expiry() {
        let e = Expiring::new("creds", 10_000);
        assert!(e.is_fresh(0, 5_000));
        assert!(!e.is_fresh(5_000, 5_000));
        assert!(!e.is_fresh(12_000, 0));
        assert!(!Expiring::new((), i64::MAX).is_fresh(i64::MAX - 1, 5));
    }

    #[test]
    fn fifty_waiters_share_one_fetch_and_the_value_is_cached() {
        let cache = SingleFlight::<u32>::new();
        let gate = Gate::closed();
        let fetches = Rc::new(Cell::new(0));
        let mut waiters: Vec<_> = (0..50)
            .map(|_| {
                let (gate, fetches) = (gate.clone(), fetches.clone());
                cache.refresh(move || {
                    fetches.set(fetches.get() + 1);
                    async move {
                        gate.wait().await;
                        Ok(Expiring::new(7, 1_000))
                    }
                    .boxed_local()
                })
            })
            .collect();
        assert!(waiters.iter_mut().all(|w| poll_once(w).is_none()));
        gate.open();
        assert!(waiters.iter_mut().all(|w| poll_once(w) == Some(Ok(7))));
        assert_eq!(fetches.get(), 1);
        assert_eq!(cache.fresh(0, 100), Some(7));
        assert_eq!(cache.fresh(950, 100), None, "within the margin of expiry");
    }

    #[test]
    fn a_failed_fetch_wakes_every_waiter_with_the_error_and_the_next_call_tries_again() {
        let cache = SingleFlight::<u32>::new();
        let mut a =
            cache.refresh(|| async { Err(crate::error::Error::network("down")) }.boxed_local());
        let mut b = cache.refresh(|| unreachable!("joins a"));
        assert_eq!(poll_once(&mut a).unwrap().unwrap_err().code, "NetworkError");
        assert_eq!(poll_once(&mut b).unwrap().unwrap_err().code, "NetworkError");
        let mut c = cache.refresh(|| async { Ok(Expiring::new(3, 10)) }.boxed_local());
        assert_eq!(poll_once(&mut c), Some(Ok(3)));
    }

    #[test]
    fn clearing_discards_a_fetch_in_flight() {
        let cache = SingleFlight::<u32>::new();
        let gate = Gate::closed();
        let held = gate.clone();
        let mut old = cache.refresh(move || {
            async move {
                held.wait().await;
                Ok(Expiring::new(1, 1_000))
            }
            .boxed_local()
        });
        assert!(poll_once(&mut old).is_none());
        cache.clear();
        let mut new = cache.refresh(|| async { Ok(Expiring::new(2, 1_000)) }.boxed_local());
        assert_eq!(poll_once(&mut new), Some(Ok(2)));
        gate.open();
        assert_eq!(poll_once(&mut old).unwrap().unwrap_err().code, "AbortError");
        assert_eq!(
            cache.fresh(0, 0),
            Some(2),
            "the old fetch did not overwrite the new value"
        );
    }
}
