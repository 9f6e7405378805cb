//! Checks that imports flow one way, as `src/lib.rs` and `STYLE.md` describe. `src/` is grouped
//! by layer, one folder each: `js` -> (`auth`, `data`) -> `aws` -> `http` -> the crate-wide
//! leaves (`error`, `config`, `clock`, `mac`, the files directly in `src/`) -> `codec`. A module
//! may use any layer below its own, and, inside its own layer, the modules below it in
//! `WITHIN`. `auth` and `data` never use each other, nor the two data services each other.
//! `test_util` (tests only) may use any layer, and only test code may use it: an `x_tests.rs`
//! file or a `#[cfg(test)]` module.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Each layer and the layers below it that it may use. No layer may use `test_util`: only test
/// code may (see [`test_code`]).
const LAYERS: &[(&str, &[&str])] = &[
    (
        "test_util",
        &["js", "auth", "data", "aws", "http", "leaf", "codec"],
    ),
    ("js", &["auth", "data", "aws", "http", "leaf", "codec"]),
    ("auth", &["aws", "http", "leaf", "codec"]),
    ("data", &["aws", "http", "leaf", "codec"]),
    ("aws", &["http", "leaf", "codec"]),
    ("http", &["leaf", "codec"]),
    ("leaf", &["codec"]),
    ("codec", &[]),
];

/// Arrows between modules of one layer; a module may reach anything below it, transitively.
/// A module of a layer that is not named here may use no other module of its layer.
const WITHIN: &[(&str, &[&str])] = &[
    (
        "session",
        &[
            "user_pool",
            "identity_pool",
            "single_flight",
            "tab_lock",
            "storage",
            "tokens",
            "srp",
            "oauth",
        ],
    ),
    ("storage", &["tokens"]),
    ("signed_call", &["sigv4", "credentials"]),
    ("sigv4", &["credentials"]),
    ("config", &["error"]),
    ("json", &["text"]),
    ("skew", &["http"]),
    ("dynamodb", &["owner"]),
    ("s3", &["owner"]),
];

/// A module of the crate: its name (unique in the crate), its layer and its file.
struct Module {
    name: String,
    layer: String,
    file: String,
}

/// Every module under `src/`, recursing into the layer folders: `src/x.rs` is the leaf `x`,
/// `src/layer/mod.rs` is the module `layer`, `src/layer/x.rs` the module `x` of that layer, and
/// every file of `src/layer/x/` belongs to the module `x` (a module split by concern).
fn modules() -> Vec<Module> {
    fn files(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut entries: Vec<_> = fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        entries
    }
    fn stem(path: &Path) -> String {
        path.file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned()
    }
    let is_rust = |p: &Path| p.extension().and_then(|s| s.to_str()) == Some("rs");
    let mut out = Vec::new();
    let mut add = |name: String, layer: &str, path: &Path| {
        out.push(Module {
            name,
            layer: layer.to_owned(),
            file: path.display().to_string(),
        })
    };
    // `x_tests.rs` holds the unit tests of `x` (`#[path]`): it belongs to `x`.
    let owner = |path: &Path| {
        let s = stem(path);
        s.strip_suffix("_tests").map(str::to_owned).unwrap_or(s)
    };
    for path in files(Path::new("src")) {
        if is_rust(&path) && stem(&path) != "lib" {
            add(owner(&path), "leaf", &path);
        } else if path.is_dir() {
            let layer = stem(&path);
            for inner in files(&path) {
                if inner.is_dir() {
                    for file in files(&inner) {
                        assert!(
                            is_rust(&file),
                            "{}: a module's folder holds its files only",
                            file.display()
                        );
                        add(stem(&inner), &layer, &file);
                    }
                } else if is_rust(&inner) {
                    let name = if stem(&inner) == "mod" {
                        layer.clone()
                    } else {
                        owner(&inner)
                    };
                    add(name, &layer, &inner);
                }
            }
        }
    }
    out
}

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

/// Every `crate::a::b::...` path a source file names (in `use` lines and paths alike), as
/// its segments; `use crate::{a::b, c}` gives one path per name in the braces.
fn crate_refs(source: &str) -> Vec<(usize, Vec<String>)> {
    fn segments(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = text;
        loop {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name.is_empty() {
                break;
            }
            rest = &rest[name.len()..];
            out.push(name);
            match rest.strip_prefix("::") {
                Some(r) => rest = r,
                None => break,
            }
        }
        out
    }
    let mut refs = Vec::new();
    for (n, line) in source.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            if let Some(inner) = rest.strip_prefix('{') {
                let inner = inner.split('}').next().unwrap_or("");
                for part in inner.split(',') {
                    let path = segments(part.trim());
                    if !path.is_empty() {
                        refs.push((n + 1, path));
                    }
                }
            } else {
                let path = segments(rest);
                if !path.is_empty() {
                    refs.push((n + 1, path));
                }
            }
        }
    }
    refs
}

/// Which lines of a source file are test code: all of an `x_tests.rs` (or `tests.rs`) file,
/// else each `#[cfg(test)]` inline module, from its attribute to its closing `}` at the start of
/// a line (where rustfmt puts it).
fn test_code(file: &str, source: &str) -> Vec<bool> {
    let stem = Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let lines: Vec<&str> = source.lines().collect();
    if stem == "tests" || stem.ends_with("_tests") {
        return vec![true; lines.len()];
    }
    let mut test = vec![false; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        if lines[i].trim() == "#[cfg(test)]" {
            let item = lines[i + 1..]
                .iter()
                .position(|l| !l.trim_start().starts_with("#["))
                .map(|n| i + 1 + n);
            if let Some(item) = item.filter(|&n| {
                let l = lines[n].trim_start();
                l.starts_with("mod ") && l.ends_with('{')
            }) {
                let end = lines[item..]
                    .iter()
                    .position(|l| *l == "}")
                    .map_or(lines.len() - 1, |n| item + n);
                test[i..=end].iter_mut().for_each(|t| *t = true);
                i = end;
            }
        }
        i += 1;
    }
    test
}

/// The module a path names: its deepest segment that is a module of the crate.
fn target<'a>(path: &[String], by_name: &BTreeMap<&str, &'a Module>) -> Option<&'a Module> {
    path.iter()
        .take(2)
        .filter_map(|s| by_name.get(s.as_str()).copied())
        .next_back()
}

#[test]
fn imports_flow_one_way() {
    let layers: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let within: BTreeMap<&str, &[&str]> = WITHIN.iter().copied().collect();
    let modules = modules();
    let by_name: BTreeMap<&str, &Module> = modules.iter().map(|m| (m.name.as_str(), m)).collect();
    for m in &modules {
        let first = by_name[m.name.as_str()];
        assert_eq!(
            (&first.layer, Path::new(&first.file).parent()),
            (&m.layer, Path::new(&m.file).parent()),
            "two modules are named {}",
            m.name
        );
    }
    let mut violations = Vec::new();
    let mut checked = 0;
    for module in &modules {
        assert!(
            layers.contains_key(module.layer.as_str()),
            "{} is in the folder {}, which is not a layer of tests/architecture.rs",
            module.file,
            module.layer
        );
        let allowed = below(&module.name, &within);
        let source = fs::read_to_string(&module.file).expect("readable source");
        let test = test_code(&module.file, &source);
        for (line, path) in crate_refs(&source) {
            let Some(used) = target(&path, &by_name) else {
                continue; // a macro or an item at the crate root (`crate::Error`)
            };
            checked += 1;
            let ok = if used.layer == "test_util" && module.layer != "test_util" {
                test[line - 1]
            } else if used.name == module.name {
                true
            } else if used.layer == module.layer {
                allowed.contains(&used.name) || module.name == module.layer
            } else {
                layers[module.layer.as_str()].contains(&used.layer.as_str())
            };
            if !ok {
                violations.push(format!(
                    "{}:{line} ({}) uses crate::{} ({})",
                    module.file,
                    module.layer,
                    path.join("::"),
                    used.layer
                ));
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} crate:: references found: is the test reading src/?"
    );
    assert!(
        violations.is_empty(),
        "imports against the one-way design:\n{}",
        violations.join("\n")
    );
}

/// Every layer folder says in its module doc what it holds and what it may use.
#[test]
fn each_layer_says_what_it_may_use() {
    for (layer, _) in LAYERS.iter().filter(|(l, _)| *l != "leaf") {
        let file = format!("src/{layer}/mod.rs");
        let source = fs::read_to_string(&file).unwrap_or_else(|_| panic!("{file} is missing"));
        let doc: String = source
            .lines()
            .take_while(|l| l.starts_with("//!"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            doc.contains("May use:"),
            "{file}: its //! doc says what it may use"
        );
    }
}

/// The test utilities are compiled for tests only: the crate's own unit tests, and the
/// integration tests through the `test-util` feature, which the package build never turns on.
#[test]
fn test_util_is_compiled_for_tests_only() {
    let lib = fs::read_to_string("src/lib.rs").expect("readable source");
    let declared: Vec<&str> = lib
        .lines()
        .collect::<Vec<_>>()
        .windows(2)
        .filter(|w| w[1].contains("mod test_util"))
        .map(|w| w[0].trim())
        .collect();
    assert_eq!(
        declared,
        [r#"#[cfg(any(test, feature = "test-util"))]"#],
        "src/lib.rs declares test_util once, behind cfg(any(test, feature = \"test-util\"))"
    );
}

#[test]
fn the_test_code_finder_sees_test_modules_and_test_files() {
    let source = "use crate::a;\n#[cfg(test)]\n#[path = \"x_tests.rs\"]\nmod tests;\nfn f() {}\n\
                  #[cfg(test)]\nmod tests {\n    fn g() {\n    }\n}\nfn h() {}\n";
    assert_eq!(
        test_code("src/x.rs", source),
        [false, false, false, false, false, true, true, true, true, true, false]
    );
    assert_eq!(test_code("src/x_tests.rs", "a\nb"), [true, true]);
}

#[test]
fn the_reference_scanner_sees_braced_and_plain_paths() {
    let refs = crate_refs(
        "use crate::{http::Request, error};\nlet x = crate::auth::session::x(); // crate::js",
    );
    let paths: Vec<String> = refs.iter().map(|(_, p)| p.join("::")).collect();
    assert_eq!(paths, ["http::Request", "error", "auth::session::x"]);
}

/// The wasm imports its JavaScript from two files only: `src/host.js` (the helpers) and
/// `pkg-template/number.js` (the exported `NumberValue`). Each `inline_js` or further module
/// is one more module a page must fetch before the wasm starts; the test runner's server
/// (tiny_http behind wasm-bindgen-test-runner) was seen to leave a page loading forever once a
/// test page needed more module fetches than Chromium opens connections (six).
#[test]
fn javascript_comes_from_one_helper_module() {
    let mut found = Vec::new();
    for module in modules() {
        let path = Path::new(&module.file);
        let source = fs::read_to_string(path).expect("readable source");
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

/// One place hashes: only `src/crypto.rs` may name the `sha2` crate, so that every SHA-256 and
/// HMAC goes through the helpers that wipe what they must (unit tests in sibling files may use
/// it as a reference).
#[test]
fn only_crypto_uses_the_hash_crate() {
    let found: Vec<String> = modules()
        .iter()
        .filter(|m| m.name != "crypto" && !m.file.ends_with("tests.rs"))
        .flat_map(|m| {
            let source = fs::read_to_string(&m.file).expect("readable source");
            source
                .lines()
                .enumerate()
                .filter(|(_, line)| line.contains("sha2::") && !line.trim_start().starts_with("//"))
                .map(|(i, line)| format!("{}:{}: {}", m.file, i + 1, line.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        found.is_empty(),
        "sha2 used outside src/crypto.rs:\n{}",
        found.join("\n")
    );
}
