//! apiless: talk to AWS straight from the browser, with no API layer in between.
//!
//! A user signs in to a Cognito User Pool with SRP (the password never leaves the page), the ID
//! token is exchanged at a Cognito Identity Pool for temporary AWS credentials, and DynamoDB and
//! S3 requests are SigV4-signed with them, always scoped to the user's identity id.
//!
//! The crate is laid out in layers, one folder each, one concern per module. Imports flow one
//! way, top to bottom:
//!
//! - [`js`]: the exports JavaScript sees;
//! - [`auth`] (sign-in, tokens, the session) and [`data`] (DynamoDB, S3), which never use each
//!   other;
//! - [`aws`]: credentials, SigV4, signed calls, the AWS JSON protocol;
//! - [`http`]: requests, responses, `fetch`, the retry policy;
//! - the crate-wide leaves [`error`], [`config`], [`clock`], [`crypto`] (SHA-256 and HMAC-SHA-256)
//!   and [`crc`] (the upload checksums);
//! - [`codec`]: JSON and text encodings.
//!
//! `tests/architecture.rs` checks that direction, and the arrows between modules of one layer,
//! on every test run.
#![forbid(unsafe_code)]

pub mod auth;
pub mod aws;
pub mod clock;
pub mod codec;
pub mod config;
pub mod crc;
pub mod crypto;
pub mod data;
pub mod error;
pub mod http;
#[cfg(feature = "js")]
pub mod js;
#[cfg(any(test, feature = "test-util"))]
pub mod test_util;
pub use error::{Details, Error, ErrorKind};
