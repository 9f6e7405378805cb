//! Signing a user in and keeping them signed in: SRP ([`srp`], over the group arithmetic of
//! `srp::group`), the Cognito User Pool ([`user_pool`]) and Identity Pool ([`identity_pool`])
//! operations, tokens ([`tokens`]) and where they are stored ([`storage`]), the expiring
//! single-flight cache ([`single_flight`]), the lock that lets one tab refresh at a time
//! ([`tab_lock`]) and the [`session`] that composes them.
//!
//! May use: `aws`, `http`, the crate-wide leaves and `codec`. Never `data` or `js`.

pub mod identity_pool;
pub mod oauth;
pub mod session;
pub mod single_flight;
pub mod srp;
pub mod storage;
pub mod tab_lock;
pub mod tokens;
pub mod user_pool;
