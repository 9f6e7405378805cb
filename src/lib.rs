//! apiless: talk to AWS straight from the browser, with no API layer in between.
//!
//! A user signs in to a Cognito User Pool with SRP (the password never leaves the page), the ID
//! token is exchanged at a Cognito Identity Pool for temporary AWS credentials, and DynamoDB and
//! S3 requests are SigV4-signed with them, always scoped to the user's identity id.
//!
//! The crate is laid out one concern per module. Imports flow one way:
//! `js` -> `session` -> (`user_pool`, `identity_pool`, `cache`, `storage`) -> (`aws_json`, `srp`)
//! -> `http`; `dynamodb` and `s3` -> (`signer`, `retry`) -> `http`; `error`, `config`, `clock`,
//! `json` (our small JSON reader and writer), `text` (substring search, hex, base64), `mac`
//! (HMAC-SHA-256) and `credentials` (plain data) are leaves.
//! `tests/architecture.rs` checks that direction on every test run.

#![forbid(unsafe_code)]

pub mod aws_json;
pub mod cache;
pub mod clock;
pub mod config;
pub mod credentials;
pub mod dynamodb;
pub mod error;
pub mod http;
pub mod identity_pool;
pub mod js;
pub mod json;
pub mod mac;
pub mod modp;
pub mod retry;
pub mod s3;
pub mod session;
pub mod signed;
pub mod signer;
pub mod srp;
pub mod storage;
pub mod text;
pub mod tokens;
pub mod user_pool;

pub use error::{Details, Error, ErrorKind};
