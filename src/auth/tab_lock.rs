//! One token refresh at a time across the app's tabs. Tabs that share `localStorage` share a
//! refresh token; where the pool rotates it, two tabs refreshing at once would both spend the
//! same token, and the second would meet `RefreshTokenReuseException` once the grace period is
//! over. A [`TabLock`] serialises them: the tab that gets the lock second re-reads storage and
//! adopts what the first one wrote.
//!
//! The lock is a parameter of the session: the browser's Web Locks in the package (`js`), a
//! test lock in tests, and [`NoTabLock`] where the host has none (then each tab refreshes on
//! its own, and the reuse error is answered by adopting storage, see `session::refresh`).

use std::any::Any;

use futures_util::future::{FutureExt, LocalBoxFuture};

/// Holds the lock until it is dropped.
pub type LockGuard = Box<dyn Any>;

/// A lock shared by every tab of the app (same origin).
pub trait TabLock {
    /// Waits until this tab holds the lock called `name`; it is released when the guard drops.
    /// The flag says whether another tab held it first (this tab had to wait). Never fails: a
    /// host that cannot lock answers at once (no exclusion, as [`NoTabLock`]).
    fn acquire(&self, name: &str) -> LocalBoxFuture<'static, (LockGuard, bool)>;
}

/// No lock at all: for hosts without Web Locks, and for storage no other tab reads.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoTabLock;

impl TabLock for NoTabLock {
    fn acquire(&self, _name: &str) -> LocalBoxFuture<'static, (LockGuard, bool)> {
        async { (Box::new(()) as LockGuard, false) }.boxed_local()
    }
}

/// The lock's name for an app client: one per client id, as storage keys are.
pub fn refresh_lock_name(client_id: &str) -> String {
    format!("apiless.refresh.{client_id}")
}
