//! A small runner over proptest's `TestRunner`: each property runs a fixed number of cases and
//! counts every input it was given, so that the suite can print what it tried.

use std::cell::Cell;
use std::fmt::Debug;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngSeed, TestCaseResult, TestError, TestRunner};

/// Where and why the last panic happened.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Records panics instead of printing them: while proptest shrinks a failing input, the code
/// under test may panic hundreds of times. A failure report gives the place of its own.
pub fn record_panics() {
    panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(info.to_string());
        }
    }));
}

/// One property: a name, how many cases it runs, and the check.
pub struct Property {
    /// `module: what holds`.
    pub name: &'static str,
    /// Passing cases to run (`PROPTEST_CASES` overrides every property's own number).
    pub cases: u32,
    /// Runs the property through [`Check::run`].
    pub run: fn(&mut Check) -> Result<(), String>,
}

/// Runs the cases of one property and counts the inputs tried.
pub struct Check {
    cases: u32,
    seed: u64,
    tried: u64,
}

impl Check {
    /// A check of `cases` cases from RNG seed `seed`.
    pub fn new(cases: u32, seed: u64) -> Check {
        Check {
            cases,
            seed,
            tried: 0,
        }
    }

    /// Inputs given to the property so far, shrinking steps after a failure included.
    pub fn tried(&self) -> u64 {
        self.tried
    }

    /// Runs `test` on `cases` values of `strategy`. A failure or a panic is shrunk to a
    /// minimal input, which is run once more to learn where it panics; the error describes the
    /// input and why it failed.
    pub fn run<S>(
        &mut self,
        strategy: &S,
        test: impl Fn(S::Value) -> TestCaseResult,
    ) -> Result<(), String>
    where
        S: Strategy,
        S::Value: Clone + Debug,
    {
        let config = Config {
            cases: self.cases,
            failure_persistence: None,
            rng_seed: RngSeed::Fixed(self.seed),
            max_shrink_iters: 2_000,
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        let tried = Cell::new(0u64);
        let result = runner.run(strategy, |value| {
            tried.set(tried.get() + 1);
            test(value)
        });
        self.tried += tried.get();
        match result {
            Ok(()) => Ok(()),
            Err(TestError::Abort(why)) => Err(format!("aborted: {why}")),
            Err(TestError::Fail(why, value)) => {
                if let Ok(mut last) = LAST_PANIC.lock() {
                    *last = None;
                }
                let rerun = panic::catch_unwind(AssertUnwindSafe(|| test(value.clone())));
                let how = match rerun {
                    Err(_) => match LAST_PANIC.lock().ok().and_then(|mut p| p.take()) {
                        Some(place) => format!("it {place}"),
                        None => format!("it panicked: {why}"),
                    },
                    Ok(Err(_)) => format!("the property does not hold: {why}"),
                    Ok(Ok(())) => format!("it failed once ({why}) but passes when run again"),
                };
                let mut shown = format!("{value:#?}");
                if shown.len() > 4_000 {
                    let cut = (0..=4_000)
                        .rev()
                        .find(|&i| shown.is_char_boundary(i))
                        .unwrap_or(0);
                    shown.truncate(cut);
                    shown.push_str(" ...");
                }
                Err(format!("{how}\nminimal input: {shown}"))
            }
        }
    }
}
