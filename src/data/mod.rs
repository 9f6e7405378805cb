//! The data services: [`dynamodb`]'s item API and [`s3`]'s objects, as request builders that
//! keep every call inside the caller's identity id (the partition key, the key prefix) and
//! readers of the answers. The caller passes the identity id and sends through `aws::signed_call`.
//!
//! [`api`] prepares signed calls to the app's own APIs (API Gateway, Lambda function URLs,
//! AppSync), which IAM and the API scope, not apiless.
//!
//! May use: `aws`, `http`, the crate-wide leaves and `codec`. Never `auth` or `js`, and the two
//! services never use each other; both use `owner`, the one scope guard.

pub mod api;
pub mod dynamodb;
pub mod owner;
pub mod s3;
