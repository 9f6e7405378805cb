//! What every AWS call shares: temporary [`credentials`], SigV4 signing ([`sigv4`]), sending a
//! signed request with skew correction and retries ([`signed_call`]) and the AWS JSON protocol of
//! Cognito and DynamoDB ([`aws_json`]). Knows nothing of users, sessions or tables.
//!
//! May use: `http`, the crate-wide leaves (`error`, `config`, `clock`, `crypto`) and `codec`.

pub mod aws_json;
pub mod credentials;
pub mod signed_call;
pub mod sigv4;
