//! The data services: [`dynamodb`]'s item API and [`s3`]'s objects, as request builders that
//! keep every call inside the caller's identity id (the partition key, the key prefix) and
//! readers of the answers. The caller passes the identity id and sends through `aws::signed_call`.
//!
//! May use: `aws`, `http`, the crate-wide leaves and `codec`. Never `auth` or `js`, and the two
//! services never use each other; both use `owner`, the one scope guard.

pub mod dynamodb;
pub mod owner;
pub mod s3;
