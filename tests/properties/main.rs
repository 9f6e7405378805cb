//! Bad input never panics (issue #7): property tests over everything that reads input from the
//! app or from the network — config validation, JWT claims, DynamoDB marshalling both ways and
//! its request builders and page tokens, S3 key encoding and listings, error bodies, Cognito
//! answers, HTTP dates and the SRP inputs. Every input gives a value or a typed [`Error`], and
//! round trips give back what went in. Our SigV4 signer is held to aws-sigv4's complete signer
//! over random requests of every kind we send, and each hand-written piece to what it stands in
//! for: base64 to the base64 crate, percent-encoding to the percent-encoding crate, search to
//! `str::find`, sorting to `slice::sort`, the S3 XML reading to quick-xml, and the upload's join
//! to futures' `join_all`.
//!
//! This is its own harness (`harness = false`), so that `cargo test` prints the figures without
//! `--nocapture`: one line per property with the inputs it tried (only failures when the binary
//! itself is given `--quiet`; `cargo test --quiet` does not pass it on), then
//!
//! ```text
//! properties: 24 passed, 0 failed
//! property figures: 24 properties, 22960 inputs tried, seed 1234 (PROPTEST_RNG_SEED=1234 repeats it)
//! ```
//!
//! A failing property is shrunk to a minimal input, which is printed with the place it panicked
//! or the assertion it broke; the run then exits non-zero.
//!
//! `PROPTEST_CASES=N` runs N cases of every property (a longer soak); `PROPTEST_RNG_SEED=S`
//! repeats a run. A name filter as for libtest runs only the properties whose name contains it.
//!
//! [`Error`]: apiless::Error

#[cfg(not(target_arch = "wasm32"))]
mod answers;
#[cfg(not(target_arch = "wasm32"))]
mod config;
#[cfg(not(target_arch = "wasm32"))]
mod crc;
#[cfg(not(target_arch = "wasm32"))]
mod dynamodb;
#[cfg(not(target_arch = "wasm32"))]
mod gen;
#[cfg(not(target_arch = "wasm32"))]
mod harness;
#[cfg(not(target_arch = "wasm32"))]
mod join;
#[cfg(not(target_arch = "wasm32"))]
mod s3;
#[cfg(not(target_arch = "wasm32"))]
mod sigv4;
#[cfg(not(target_arch = "wasm32"))]
mod srp;
#[cfg(not(target_arch = "wasm32"))]
mod text;
#[cfg(not(target_arch = "wasm32"))]
mod tokens;

/// The properties are native only (the browser tests are elsewhere).
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use std::hash::{BuildHasher, RandomState};
    use std::process::ExitCode;

    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| args.iter().any(|a| a == f);
    let quiet = flag("--quiet") || flag("-q");
    let filter = args.iter().find(|a| !a.starts_with('-'));
    let properties: Vec<&harness::Property> = [
        config::PROPERTIES,
        tokens::PROPERTIES,
        dynamodb::PROPERTIES,
        s3::PROPERTIES,
        sigv4::PROPERTIES,
        answers::PROPERTIES,
        srp::PROPERTIES,
        text::PROPERTIES,
        join::PROPERTIES,
        crc::PROPERTIES,
    ]
    .iter()
    .flat_map(|list| list.iter())
    .filter(|p| filter.is_none_or(|f| p.name.contains(f.as_str())))
    .collect();
    if flag("--list") {
        for p in &properties {
            println!("{}: test", p.name);
        }
        return ExitCode::SUCCESS;
    }
    // Nothing here is ignored, so a run of the ignored tests runs none of these.
    if flag("--ignored") {
        return ExitCode::SUCCESS;
    }

    harness::record_panics();
    let env = |name: &str| std::env::var(name).ok();
    let cases: Option<u32> = env("PROPTEST_CASES").and_then(|v| v.trim().parse().ok());
    let seed: u64 = env("PROPTEST_RNG_SEED")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| RandomState::new().hash_one(0u8));

    let (mut passed, mut failed, mut tried) = (0, 0, 0);
    for p in &properties {
        let mut check = harness::Check::new(cases.unwrap_or(p.cases), seed);
        let result = (p.run)(&mut check);
        tried += check.tried();
        match result {
            Ok(()) => {
                passed += 1;
                if !quiet {
                    println!("ok     {:>6} inputs  {}", check.tried(), p.name);
                }
            }
            Err(why) => {
                failed += 1;
                println!("FAILED {:>6} inputs  {}\n{why}\n", check.tried(), p.name);
            }
        }
    }
    println!("properties: {passed} passed, {failed} failed");
    println!(
        "property figures: {} properties, {tried} inputs tried, seed {seed} \
         (PROPTEST_RNG_SEED={seed} repeats it)",
        properties.len()
    );
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
