//! Checks that imports between modules flow one way, as `src/lib.rs` and `STYLE.md` describe:
//! `js` -> `session` -> (`user_pool`, `identity_pool`, `cache`, `storage`) -> (`aws_json`,
//! `srp`) -> `http`; `dynamodb` and `s3` -> `signer`; `error`, `config`, `clock`, `json`, `text`,
//! `mac` and `credentials` are leaves anyone may use. A module may use what lies below it; service
//! modules never use `session` or each other.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

/// Direct edges of the design; a module may reach anything below it, transitively.
const EDGES: &[(&str, &[&str])] = &[
    ("js", &["session", "dynamodb", "s3"]),
    (
        "session",
        &["user_pool", "identity_pool", "cache", "storage"],
    ),
    ("user_pool", &["aws_json", "srp"]),
    ("identity_pool", &["aws_json"]),
    ("dynamodb", &["signed", "aws_json"]),
    ("s3", &["signed", "http"]),
    ("signed", &["signer", "retry"]),
    ("retry", &["http"]),
    ("aws_json", &["retry", "http"]),
    ("signer", &["http"]),
    ("cache", &[]),
    ("storage", &["tokens"]),
    ("tokens", &[]),
    ("srp", &["modp"]),
    ("modp", &[]),
    ("http", &[]),
];
const LEAVES: &[&str] = &[
    "error",
    "config",
    "clock",
    "credentials",
    "json",
    "text",
    "mac",
];

fn below(module: &str, graph: &BTreeMap<&str, &[&str]>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = graph.get(module).copied().unwrap_or(&[]).to_vec();
    while let Some(m) = todo.pop() {
        if seen.insert(m.to_owned()) {
            todo.extend(graph.get(m).copied().unwrap_or(&[]));
        }
    }
    seen
}

/// Every `crate::<module>` a source file names (in `use` lines and paths alike).
fn crate_refs(source: &str) -> Vec<(usize, String)> {
    let mut refs = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name.is_empty() {
                // `use crate::{a, b}`: every name in the braces.
                if let Some(inner) = rest.strip_prefix('{') {
                    let inner = inner.split('}').next().unwrap_or("");
                    for part in inner.split(',') {
                        let m: String = part
                            .trim()
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        if !m.is_empty() {
                            refs.push((n + 1, m));
                        }
                    }
                }
            } else {
                refs.push((n + 1, name));
            }
        }
    }
    refs
}

#[test]
fn imports_flow_one_way() {
    let graph: BTreeMap<&str, &[&str]> = EDGES.iter().copied().collect();
    let mut violations = Vec::new();
    let mut checked = 0;
    for entry in fs::read_dir("src").expect("src/") {
        let path = entry.expect("dir entry").path();
        let module = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        if path.extension().and_then(|s| s.to_str()) != Some("rs") || module == "lib" {
            continue;
        }
        assert!(
            graph.contains_key(module.as_str()) || LEAVES.contains(&module.as_str()),
            "src/{module}.rs is not placed in the module graph of tests/architecture.rs"
        );
        let allowed = below(&module, &graph);
        let source = fs::read_to_string(&path).expect("readable source");
        for (line, used) in crate_refs(&source) {
            checked += 1;
            let is_module = graph.contains_key(used.as_str()) || LEAVES.contains(&used.as_str());
            if is_module
                && used != module
                && !LEAVES.contains(&used.as_str())
                && !allowed.contains(&used)
            {
                violations.push(format!("src/{module}.rs:{line} uses crate::{used}"));
            }
            if LEAVES.contains(&module.as_str()) && is_module && !LEAVES.contains(&used.as_str()) {
                violations.push(format!(
                    "src/{module}.rs:{line}: leaf module uses crate::{used}"
                ));
            }
        }
    }
    assert!(
        checked > 0,
        "no crate:: references found: is the test reading src/?"
    );
    assert!(
        violations.is_empty(),
        "imports against the one-way design:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_reference_scanner_sees_braced_and_plain_paths() {
    let refs =
        crate_refs("use crate::{http::Request, error};\nlet x = crate::session::x(); // crate::js");
    let names: Vec<&str> = refs.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(names, ["http", "error", "session"]);
}

/// The wasm imports its JavaScript from two files only: `src/host.js` (the helpers) and
/// `pkg-template/number.js` (the exported `NumberValue`). Each `inline_js` or further module
/// is one more module a page must fetch before the wasm starts; the test runner's server
/// (tiny_http behind wasm-bindgen-test-runner) was seen to leave a page loading forever once a
/// test page needed more module fetches than Chromium opens connections (six).
#[test]
fn javascript_comes_from_one_helper_module() {
    let mut found = Vec::new();
    for entry in fs::read_dir("src").expect("src/") {
        let path = entry.expect("dir entry").path();
        if path.extension().and_then(|s| s.to_str()) != Some("rs") {
            continue;
        }
        let source = fs::read_to_string(&path).expect("readable source");
        for (i, line) in source.lines().enumerate() {
            let attribute = line.trim_start();
            if !attribute.starts_with("#[wasm_bindgen(") {
                continue;
            }
            let module = attribute
                .split("module = \"")
                .nth(1)
                .and_then(|rest| rest.split('"').next());
            let allowed = matches!(module, Some("/src/host.js" | "/pkg-template/number.js"));
            if attribute.contains("inline_js") || (module.is_some() && !allowed) {
                found.push(format!("{}:{}: {attribute}", path.display(), i + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "JavaScript outside src/host.js:\n{}",
        found.join("\n")
    );
}
