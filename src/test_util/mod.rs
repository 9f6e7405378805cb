//! Test utilities: one executor for futures that finish without real I/O, and one scripted
//! transport. Compiled for the crate's own unit tests and, through the `test-util` feature,
//! for the integration tests in `tests/` (`Cargo.toml` turns it on for them with a
//! dev-dependency on the crate itself). Never part of the package: DO NOT ENABLE IN
//! PRODUCTION.
//!
//! May use: any layer. No production module may use it (`tests/architecture.rs` checks that
//! only test code, an `x_tests.rs` file or a `#[cfg(test)]` module, names `crate::test_util`).

mod executor;
mod scripted;

pub use executor::{block_on, poll_once, Gate};
pub use scripted::{target, Answer, MakeAnswer, ScriptedTransport, Unanswered};
