//! Codecs: text formats with no knowledge of AWS or the browser. Our JSON reader and writer
//! ([`json`]) and the text helpers ([`text`]: hex, base64, percent-encoding, substring search,
//! sorting names), written for size instead of taking serde_json, base64 and friends along
//! (ARCHITECTURE.md has the measured reasons, each checked against the crate by a property).
//!
//! May use: nothing else in the crate. Everything else may use it.

pub mod json;
pub mod text;
