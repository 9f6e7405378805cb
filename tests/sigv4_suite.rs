//! Known answers from the AWS SigV4 test suite (the v4 cases as packaged in aws-sigv4 1.6.4,
//! copied under `tests/vectors/sigv4/`; see the README there).
//!
//! Each case is signed with apiless's own `sigv4::sign` (header mode) and `sigv4::presign`
//! (query mode, where the case has `query-signature.txt`), and the signature is compared with
//! the suite's. Cases that need a setting apiless deliberately does not expose are listed in
//! [`SKIPPED`] with the reason; a skipped case is still signed, and must still differ, so that a
//! stale entry is noticed.
//!
//! Then requests to the app's own APIs (`aws.fetch`: API Gateway, Lambda function URLs, AppSync,
//! custom domains) against signatures from botocore, an independent signer
//! (`tests/vectors/sigv4_api/`), with the service and region read from the host as `aws.fetch`
//! reads them.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};

use apiless::aws::credentials::Credentials;
use apiless::aws::sigv4::{presign, sign, PayloadHash, Scope};
use apiless::http::Request;
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Header,
    Query,
}

const NOT_NORMALIZED: &str = "normalize=false for a non-s3 service: apiless normalises every \
     path except s3's, as the AWS SDKs do";
const RAW_SPACE: &str = "expects the path /example%20space/ signed single-encoded with \
     normalisation for service \"service\"; apiless double-encodes non-s3 paths \
     (/example%2520space/) as the AWS SDKs do (aws-sigv4 ignores this case for the same reason)";
const RAW_UTF8: &str = "the request path is raw UTF-8 (/\u{1234}); apiless takes URLs \
     percent-encoded as fetch sends them (/%E1%88%B4), which non-s3 double encoding signs as \
     /%25E1%2588%25B4 (aws-sigv4 ignores this case too)";
const OMITS_TOKEN: &str =
    "omit_session_token=true: apiless always signs the session token (SessionTokenMode::Include)";
const BODY_HEADER: &str = "sign_body=true: expects x-amz-content-sha256 for service \
     \"service\"; apiless adds that header for s3 only";
const PRESIGN_HEADERS: &str = "signs request headers other than host (and a body hash); \
     presign takes only a method and a URL, so it signs host alone over an empty body";

/// Cases (and modes) apiless cannot express through its public API, with the reason.
const SKIPPED: &[(&str, Mode, &str)] = &[
    (
        "get-relative-relative-unnormalized",
        Mode::Header,
        NOT_NORMALIZED,
    ),
    (
        "get-relative-relative-unnormalized",
        Mode::Query,
        NOT_NORMALIZED,
    ),
    ("get-relative-unnormalized", Mode::Header, NOT_NORMALIZED),
    ("get-relative-unnormalized", Mode::Query, NOT_NORMALIZED),
    (
        "get-slash-dot-slash-unnormalized",
        Mode::Header,
        NOT_NORMALIZED,
    ),
    (
        "get-slash-dot-slash-unnormalized",
        Mode::Query,
        NOT_NORMALIZED,
    ),
    (
        "get-slash-pointless-dot-unnormalized",
        Mode::Header,
        NOT_NORMALIZED,
    ),
    (
        "get-slash-pointless-dot-unnormalized",
        Mode::Query,
        NOT_NORMALIZED,
    ),
    ("get-slash-unnormalized", Mode::Header, NOT_NORMALIZED),
    ("get-slash-unnormalized", Mode::Query, NOT_NORMALIZED),
    ("get-slashes-unnormalized", Mode::Header, NOT_NORMALIZED),
    ("get-slashes-unnormalized", Mode::Query, NOT_NORMALIZED),
    ("get-space-unnormalized", Mode::Header, NOT_NORMALIZED),
    ("get-space-unnormalized", Mode::Query, NOT_NORMALIZED),
    ("get-space-normalized", Mode::Header, RAW_SPACE),
    ("get-space-normalized", Mode::Query, RAW_SPACE),
    ("get-utf8", Mode::Header, RAW_UTF8),
    ("get-utf8", Mode::Query, RAW_UTF8),
    ("post-sts-header-after", Mode::Header, OMITS_TOKEN),
    ("post-sts-header-after", Mode::Query, OMITS_TOKEN),
    ("post-x-www-form-urlencoded", Mode::Header, BODY_HEADER),
    (
        "post-x-www-form-urlencoded-parameters",
        Mode::Header,
        BODY_HEADER,
    ),
    ("get-header-key-duplicate", Mode::Query, PRESIGN_HEADERS),
    ("get-header-value-multiline", Mode::Query, PRESIGN_HEADERS),
    ("get-header-value-order", Mode::Query, PRESIGN_HEADERS),
    ("get-header-value-trim", Mode::Query, PRESIGN_HEADERS),
    ("post-header-key-sort", Mode::Query, PRESIGN_HEADERS),
    ("post-header-value-case", Mode::Query, PRESIGN_HEADERS),
    ("post-x-www-form-urlencoded", Mode::Query, PRESIGN_HEADERS),
    (
        "post-x-www-form-urlencoded-parameters",
        Mode::Query,
        PRESIGN_HEADERS,
    ),
];

/// One #[test] per case directory; a missing directory fails its test.
macro_rules! cases {
    ($($test:ident => $dir:literal,)*) => {
        const CASES: &[&str] = &[$($dir),*];
        $(
            #[test]
            fn $test() {
                run_case($dir);
            }
        )*
    };
}

cases! {
    double_encode_path => "double-encode-path",
    double_url_encode => "double-url-encode",
    get_header_key_duplicate => "get-header-key-duplicate",
    get_header_value_multiline => "get-header-value-multiline",
    get_header_value_order => "get-header-value-order",
    get_header_value_trim => "get-header-value-trim",
    get_relative_normalized => "get-relative-normalized",
    get_relative_relative_normalized => "get-relative-relative-normalized",
    get_relative_relative_unnormalized => "get-relative-relative-unnormalized",
    get_relative_unnormalized => "get-relative-unnormalized",
    get_slash_dot_slash_normalized => "get-slash-dot-slash-normalized",
    get_slash_dot_slash_unnormalized => "get-slash-dot-slash-unnormalized",
    get_slash_normalized => "get-slash-normalized",
    get_slash_pointless_dot_normalized => "get-slash-pointless-dot-normalized",
    get_slash_pointless_dot_unnormalized => "get-slash-pointless-dot-unnormalized",
    get_slash_unnormalized => "get-slash-unnormalized",
    get_slashes_normalized => "get-slashes-normalized",
    get_slashes_unnormalized => "get-slashes-unnormalized",
    get_space_normalized => "get-space-normalized",
    get_space_unnormalized => "get-space-unnormalized",
    get_unreserved => "get-unreserved",
    get_utf8 => "get-utf8",
    get_vanilla => "get-vanilla",
    get_vanilla_empty_query_key => "get-vanilla-empty-query-key",
    get_vanilla_query => "get-vanilla-query",
    get_vanilla_query_order_encoded => "get-vanilla-query-order-encoded",
    get_vanilla_query_order_key_case => "get-vanilla-query-order-key-case",
    get_vanilla_query_unreserved => "get-vanilla-query-unreserved",
    get_vanilla_utf8_query => "get-vanilla-utf8-query",
    get_vanilla_with_session_token => "get-vanilla-with-session-token",
    post_header_key_case => "post-header-key-case",
    post_header_key_sort => "post-header-key-sort",
    post_header_value_case => "post-header-value-case",
    post_sts_header_after => "post-sts-header-after",
    post_sts_header_before => "post-sts-header-before",
    post_vanilla => "post-vanilla",
    post_vanilla_empty_query_value => "post-vanilla-empty-query-value",
    post_vanilla_query => "post-vanilla-query",
    post_x_www_form_urlencoded => "post-x-www-form-urlencoded",
    post_x_www_form_urlencoded_parameters => "post-x-www-form-urlencoded-parameters",
}

/// What context.json says (or, for the two legacy cases without one, what aws-sigv4's own tests
/// sign them with).
struct Context {
    credentials: Credentials,
    region: String,
    service: String,
    time_ms: f64,
    expires_secs: u64,
    normalize: bool,
    omit_session_token: bool,
    sign_body: bool,
}

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/sigv4")
}

fn read(dir: &Path, file: &str) -> Option<String> {
    fs::read_to_string(dir.join(file)).ok()
}

fn run_case(name: &str) {
    let dir = suite_dir().join(name);
    assert!(dir.is_dir(), "missing case directory {}", dir.display());
    let context = context(name, &dir);
    let request = parse_request(&read(&dir, "request.txt").expect("request.txt"));

    let expected = header_signature(&dir);
    let actual = sign_headers(&request, &context);
    check(name, Mode::Header, &context, &expected, actual);

    if let Some(expected) = read(&dir, "query-signature.txt") {
        let actual = presign_query(&request, &context);
        check(name, Mode::Query, &context, expected.trim(), actual);
    }
}

fn check(name: &str, mode: Mode, context: &Context, expected: &str, actual: Option<String>) {
    let skip = SKIPPED
        .iter()
        .find(|(case, m, _)| *case == name && *m == mode);
    match skip {
        Some((_, _, reason)) => {
            assert_ne!(
                actual.as_deref(),
                Some(expected),
                "{name} ({mode:?}) is listed as skipped but now passes: remove it from SKIPPED"
            );
            eprintln!("{name} ({mode:?}): skipped: {reason}");
        }
        None => {
            if let Some(unexposed) = needs_unexposed_setting(context, mode) {
                panic!("{name} ({mode:?}) needs {unexposed}: list it in SKIPPED with the reason");
            }
            assert_eq!(
                actual.as_deref(),
                Some(expected),
                "{name} ({mode:?}): signature"
            );
            eprintln!("{name} ({mode:?}): passed");
        }
    }
}

/// A setting the case needs that apiless's API does not offer, if any.
fn needs_unexposed_setting(context: &Context, mode: Mode) -> Option<&'static str> {
    let s3 = context.service == "s3";
    if !context.normalize && !s3 {
        Some("normalize=false for a non-s3 service")
    } else if context.omit_session_token {
        Some("omit_session_token")
    } else if context.sign_body && !s3 && mode == Mode::Header {
        Some("x-amz-content-sha256 for a non-s3 service")
    } else {
        None
    }
}

fn scope(context: &Context) -> Scope<'_> {
    Scope {
        service: &context.service,
        region: &context.region,
        time_ms: context.time_ms,
    }
}

/// The signature in the Authorization header `sign` adds, or `None` if signing failed.
fn sign_headers(request: &Request, context: &Context) -> Option<String> {
    let mut request = request.clone();
    sign(
        &mut request,
        &context.credentials,
        &scope(context),
        &PayloadHash::Compute,
    )
    .ok()?;
    let authorization = request
        .headers
        .iter()
        .find(|(name, _)| name == "authorization")
        .map(|(_, value)| value.clone())
        .expect("sign adds an authorization header");
    signature_in(&authorization)
}

/// The X-Amz-Signature of the URL `presign` builds, or `None` if presigning failed.
fn presign_query(request: &Request, context: &Context) -> Option<String> {
    let url = presign(
        &request.method,
        &request.url,
        &context.credentials,
        &scope(context),
        context.expires_secs,
    )
    .ok()?;
    let query = url.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("X-Amz-Signature="))
        .map(str::to_owned)
}

fn signature_in(authorization: &str) -> Option<String> {
    let signature = authorization.split("Signature=").nth(1)?;
    Some(signature.trim().to_owned())
}

/// header-signature.txt, or for the legacy cases the signature in header-signed-request.txt.
fn header_signature(dir: &Path) -> String {
    if let Some(signature) = read(dir, "header-signature.txt") {
        return signature.trim().to_owned();
    }
    let signed = read(dir, "header-signed-request.txt").expect("header-signed-request.txt");
    signed
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("authorization")
                .then(|| signature_in(value))?
        })
        .expect("an Authorization line in header-signed-request.txt")
}

fn context(name: &str, dir: &Path) -> Context {
    let Some(json) = read(dir, "context.json") else {
        return legacy_context(name);
    };
    let json: Value = serde_json::from_str(&json).expect("context.json is JSON");
    let text = |value: &Value| value.as_str().expect("a string").to_owned();
    let creds = &json["credentials"];
    Context {
        credentials: Credentials {
            access_key_id: text(&creds["access_key_id"]),
            secret_access_key: text(&creds["secret_access_key"]),
            session_token: creds["token"].as_str().map(str::to_owned),
            expires_at_ms: 0,
            signing_key: Default::default(),
        },
        region: text(&json["region"]),
        service: text(&json["service"]),
        time_ms: rfc3339_ms(json["timestamp"].as_str().expect("timestamp")),
        expires_secs: json["expiration_in_seconds"].as_u64().expect("expiration"),
        normalize: json["normalize"].as_bool().expect("normalize"),
        omit_session_token: json["omit_session_token"].as_bool().unwrap_or(false),
        // aws-sigv4's harness defaults a missing sign_body to true.
        sign_body: json["sign_body"].as_bool().unwrap_or(true),
    }
}

/// The two legacy-format cases carry no context.json.
fn legacy_context(name: &str) -> Context {
    let (access_key_id, secret, region, service, timestamp) = match name {
        // As aws-sigv4 1.6.4 signs it in `test_sign_url_escape` (src/http_request/sign.rs),
        // with `Credentials::for_tests()`.
        "double-encode-path" => (
            "ANOTREAL",
            "notrealrnrELgWzOk3IfjzDKtFBhDby",
            "us-east-1",
            "service",
            "2015-08-30T12:36:00Z",
        ),
        // The scope named in header-signed-request.txt, with the suite's example secret.
        "double-url-encode" => (
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "us-east-2",
            "lambda",
            "2021-05-11T15:40:45Z",
        ),
        other => panic!("{other} has no context.json"),
    };
    Context {
        credentials: Credentials {
            access_key_id: access_key_id.into(),
            secret_access_key: secret.into(),
            session_token: None,
            expires_at_ms: 0,
            signing_key: Default::default(),
        },
        region: region.into(),
        service: service.into(),
        time_ms: rfc3339_ms(timestamp),
        expires_secs: 3600,
        normalize: true,
        omit_session_token: false,
        sign_body: false,
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` as ms since the epoch.
fn rfc3339_ms(timestamp: &str) -> f64 {
    let number = |range: std::ops::Range<usize>| -> i64 { timestamp[range].parse().unwrap() };
    assert_eq!(timestamp.len(), 20, "{timestamp}");
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let seconds = number(11..13) * 3600 + number(14..16) * 60 + number(17..19);
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    ((days * 86_400 + seconds) * 1000) as f64
}

/// Parses request.txt: the request line, headers (folded continuation lines joined with a
/// space, duplicates kept, Host moved into the URL) and the body after the blank line.
fn parse_request(text: &str) -> Request {
    let text = text.replace("\r\n", "\n");
    let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let request_line = lines.next().expect("a request line");
    let (method, rest) = request_line.split_once(' ').expect("METHOD target");
    // The target may hold a raw space (get-space-unnormalized), so the version is cut from the end.
    let target = rest.strip_suffix(" HTTP/1.1").unwrap_or(rest);

    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let (_, value) = headers.last_mut().expect("a header before a continuation");
            value.push(' ');
            value.push_str(line.trim());
        } else {
            let (name, value) = line.split_once(':').expect("Name:value");
            headers.push((name.to_owned(), value.trim().to_owned()));
        }
    }
    let host_at = headers
        .iter()
        .position(|(name, _)| name.eq_ignore_ascii_case("host"))
        .expect("a Host header");
    let (_, host) = headers.remove(host_at);
    Request {
        method: method.to_owned(),
        url: format!("https://{host}{}", as_sent(target)),
        headers,
        body: body.as_bytes().to_vec(),
    }
}

/// The request target as a browser sends it: spaces and non-ASCII bytes percent-encoded, the
/// rest untouched (apiless takes URLs already encoded).
fn as_sent(target: &str) -> String {
    let mut out = String::with_capacity(target.len());
    for byte in target.bytes() {
        if byte == b' ' || !byte.is_ascii() {
            out.push_str(&format!("%{byte:02X}"));
        } else {
            out.push(char::from(byte));
        }
    }
    out
}

#[test]
fn every_case_directory_is_listed_and_every_skip_names_a_case() {
    let mut on_disk: Vec<String> = fs::read_dir(suite_dir())
        .expect("tests/vectors/sigv4")
        .filter_map(|entry| {
            let entry = entry.ok()?;
            entry
                .file_type()
                .ok()?
                .is_dir()
                .then(|| entry.file_name().to_string_lossy().into_owned())
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<&str> = CASES.to_vec();
    listed.sort();
    assert_eq!(on_disk, listed, "every case directory has its own #[test]");
    for (case, mode, _) in SKIPPED {
        assert!(
            CASES.contains(case),
            "SKIPPED names unknown case {case} ({mode:?})"
        );
    }
}

#[test]
fn the_request_parser_folds_lines_and_keeps_duplicates() {
    let request =
        parse_request("GET /a b/\u{1234}?q=1 HTTP/1.1\nHost:h.example\nA:x\n  y\nA: z \n\nbody");
    assert_eq!(request.url, "https://h.example/a%20b/%E1%88%B4?q=1");
    assert_eq!(
        request.headers,
        vec![("A".into(), "x y".into()), ("A".into(), "z".into())]
    );
    assert_eq!(request.body, b"body");
    assert_eq!(rfc3339_ms("2015-08-30T12:36:00Z"), 1_440_938_160_000.0);
}

// ---- the app's own APIs (aws.fetch), against botocore -------------------------------------------

/// `tests/vectors/sigv4_api/cases.json`: requests to API Gateway, Lambda function URLs and AppSync
/// signed by botocore's SigV4Auth (written by `tools/api_sigv4_vectors.py`). Each is signed as
/// `aws.fetch` signs it: the service and region from `data::api::target` (read from the host, or
/// given where the host names none), the request from `data::api::request`.
fn api_case(name: &str) {
    use apiless::data::api;
    let text = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/sigv4_api/cases.json"),
    )
    .expect("tests/vectors/sigv4_api/cases.json");
    let doc: Value = serde_json::from_str(&text).expect("JSON");
    let case = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name:?}"));
    let s = |v: &Value| v.as_str().unwrap().to_owned();
    let creds = &doc["credentials"];
    let credentials = Credentials {
        access_key_id: s(&creds["accessKeyId"]),
        secret_access_key: s(&creds["secretAccessKey"]),
        session_token: Some(s(&creds["sessionToken"])),
        expires_at_ms: 0,
        signing_key: Default::default(),
    };
    let given = case["given"].as_bool().unwrap();
    let (service, region) = (s(&case["service"]), s(&case["region"]));
    let target = api::target(
        case["url"].as_str().unwrap(),
        given.then_some(service.as_str()),
        given.then_some(region.as_str()),
        "us-east-1",
    )
    .unwrap();
    assert_eq!(
        (target.service, target.region.as_str()),
        (service.as_str(), region.as_str())
    );
    let headers = case["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| (s(&pair[0]), s(&pair[1])))
        .collect();
    let body = hex::decode(case["bodyHex"].as_str().unwrap()).unwrap();
    let mut request = api::request(
        case["method"].as_str().unwrap(),
        case["url"].as_str().unwrap(),
        headers,
        body,
    );
    let scope = Scope {
        service: target.service,
        region: &target.region,
        time_ms: apiless::clock::parse_amz_date(doc["time"].as_str().unwrap()).unwrap(),
    };
    sign(&mut request, &credentials, &scope, &PayloadHash::Compute).unwrap();
    let authorization = request
        .headers
        .iter()
        .find(|(n, _)| n == "authorization")
        .map(|(_, v)| v.as_str());
    assert_eq!(authorization, case["authorization"].as_str(), "{name}");
}

macro_rules! api_cases {
    ($($test:ident: $name:literal,)*) => {
        $(#[test] fn $test() { api_case($name); })*
        /// Every case of the file has its test.
        #[test]
        fn every_api_case_has_its_test() {
            let text = fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/sigv4_api/cases.json"),
            )
            .unwrap();
            let doc: Value = serde_json::from_str(&text).unwrap();
            let mut in_file: Vec<&str> = doc["cases"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap())
                .collect();
            let mut tested = vec![$($name),*];
            in_file.sort_unstable();
            tested.sort_unstable();
            assert_eq!(in_file, tested);
        }
    };
}

api_cases! {
    api_execute_api_get_with_query_and_encoded_path: "execute-api GET with a query and encoded path",
    api_execute_api_post_json_with_app_header: "execute-api POST of JSON with an app header",
    api_execute_api_china_region: "execute-api in a China region",
    api_lambda_url_post_bytes: "lambda function URL POST of bytes",
    api_lambda_url_get_dot_segments: "lambda function URL GET with dot segments",
    api_appsync_graphql_query: "appsync GraphQL query",
    api_custom_domain_form_body: "custom domain, service and region given, a form body",
    api_custom_domain_appsync: "custom domain for AppSync",
}
