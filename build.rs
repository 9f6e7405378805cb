//! Turns every known-answer file under tests/vectors/ into its own #[test], so that adding a
//! file is all it takes to add a case (see tests/vectors.rs).

use std::fmt::Write;
use std::path::Path;
use std::{env, fs};

fn main() {
    let mut out = String::new();
    for suite in ["srp", "srp_device"] {
        let dir = Path::new("tests/vectors").join(suite);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = fs::read_dir(&dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "json"));
        files.sort();
        for path in files {
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let name: String = stem
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '_'
                    }
                })
                .collect();
            let _ = writeln!(
                out,
                "#[test]\nfn {suite}_{name}() {{ check_{suite}(\"{}\"); }}",
                path.display()
            );
        }
    }
    let dest = Path::new(&env::var("OUT_DIR").unwrap_or_default()).join("vector_tests.rs");
    if let Err(e) = fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}
