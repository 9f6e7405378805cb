//! Unit tests of `sigv4`.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::*;
use crate::error::ErrorKind;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// Has `/`, `+` and `=`, which a presigned URL must percent-encode.
const TOKEN: &str = "IQoJb3JpZ2luX2Vj/EXAMPLE+TOKEN==";
/// 2015-08-30T12:36:00Z.
const TIME_MS: f64 = 1_440_938_160_000.0;
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

#[test]
fn sort_small_is_the_standard_stable_sort() {
    // Every arrangement of a list with repeated keys, tagged with their first place, sorts
    // as the standard library's stable sort does (so repeats keep their order).
    let keys = [3, 1, 3, 0, 1, 2];
    let mut seed = 7u32;
    for _ in 0..500 {
        let mut v: Vec<(u32, usize)> = Vec::new();
        for (i, _) in keys.iter().enumerate() {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            v.push((keys[(seed >> 16) as usize % keys.len()], i));
        }
        let mut ours = v.clone();
        sort_small(&mut ours, |a, b| a.0 < b.0);
        let mut std = v;
        std.sort_by_key(|p| p.0);
        assert_eq!(ours, std);
    }
    let mut empty: Vec<u8> = Vec::new();
    sort_small(&mut empty, |a, b| a < b);
    assert!(empty.is_empty());
}

fn credentials(token: Option<&str>) -> Credentials {
    Credentials {
        access_key_id: "ASIAEXAMPLE".into(),
        secret_access_key: SECRET.into(),
        session_token: token.map(str::to_owned),
        expires_at_ms: 0,
        signing_key: Default::default(),
    }
}

fn scope(service: &str) -> Scope<'_> {
    Scope {
        service,
        region: "eu-west-1",
        time_ms: TIME_MS,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The signature of `canonical_request`, computed independently of aws-sigv4 from the
/// SigV4 definition, for 2015-08-30T12:36:00Z in eu-west-1.
fn reference_signature(service: &str, canonical_request: &str) -> String {
    let scope = format!("20150830/eu-west-1/{service}/aws4_request");
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n20150830T123600Z\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let mut key = hmac(format!("AWS4{SECRET}").as_bytes(), "20150830");
    for part in ["eu-west-1", service, "aws4_request"] {
        key = hmac(&key, part);
    }
    hex(&hmac(&key, &string_to_sign))
}

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    let mut values = request.headers.iter().filter(|(k, _)| k == name);
    let value = values.next().map(|(_, v)| v.as_str());
    assert!(values.next().is_none(), "{name} appears twice");
    value
}

fn signature_of(request: &Request) -> &str {
    let authorization = header(request, "authorization").unwrap();
    authorization.rsplit("Signature=").next().unwrap()
}

fn get(url: &str) -> Request {
    Request {
        method: "GET".into(),
        url: url.into(),
        headers: Vec::new(),
        body: Vec::new(),
    }
}

#[test]
fn s3_signs_the_path_single_encoded_with_the_content_hash_and_the_token() {
    let mut request = Request {
        method: "PUT".into(),
        url: "https://bucket.s3.eu-west-1.amazonaws.com/private/eu-west-1%3Aabc/my%20file.txt"
            .into(),
        headers: vec![("content-type".into(), "text/plain".into())],
        body: b"hello".to_vec(),
    };
    let body_hash = sha256_hex(b"hello");
    sign(
        &mut request,
        &credentials(Some(TOKEN)),
        &scope("s3"),
        &PayloadHash::Compute,
    )
    .unwrap();

    let canonical = format!(
        "PUT\n/private/eu-west-1%3Aabc/my%20file.txt\n\n\
         content-type:text/plain\nhost:bucket.s3.eu-west-1.amazonaws.com\n\
         x-amz-content-sha256:{body_hash}\nx-amz-date:20150830T123600Z\n\
         x-amz-security-token:{TOKEN}\n\n\
         content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token\n{body_hash}"
    );
    assert_eq!(
        signature_of(&request),
        reference_signature("s3", &canonical)
    );
    assert_eq!(
        header(&request, "authorization").unwrap(),
        format!(
            "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20150830/eu-west-1/s3/aws4_request, \
             SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;\
             x-amz-security-token, Signature={}",
            reference_signature("s3", &canonical)
        )
    );
    assert_eq!(header(&request, "x-amz-content-sha256"), Some(&*body_hash));
    assert_eq!(header(&request, "x-amz-security-token"), Some(TOKEN));
    assert_eq!(header(&request, "x-amz-date"), Some("20150830T123600Z"));
}

#[test]
fn s3_does_not_normalise_the_path() {
    let mut request = get("https://b.s3.eu-west-1.amazonaws.com/a//./b%2Fc");
    sign(
        &mut request,
        &credentials(None),
        &scope("s3"),
        &PayloadHash::Unsigned,
    )
    .unwrap();
    let canonical = "GET\n/a//./b%2Fc\n\nhost:b.s3.eu-west-1.amazonaws.com\n\
                     x-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:20150830T123600Z\n\n\
                     host;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD";
    assert_eq!(signature_of(&request), reference_signature("s3", canonical));
    assert_eq!(
        header(&request, "x-amz-content-sha256"),
        Some("UNSIGNED-PAYLOAD")
    );
    assert_eq!(header(&request, "x-amz-security-token"), None);
}

#[test]
fn other_services_double_encode_and_normalise_without_a_content_hash_header() {
    let body = br#"{"TableName":"t"}"#;
    let mut request = Request {
        method: "POST".into(),
        url: "https://dynamodb.eu-west-1.amazonaws.com/x%3Ay/./z".into(),
        headers: vec![
            ("Content-Type".into(), "application/x-amz-json-1.0".into()),
            ("X-Amz-Target".into(), "DynamoDB_20120810.GetItem".into()),
        ],
        body: body.to_vec(),
    };
    sign(
        &mut request,
        &credentials(Some(TOKEN)),
        &scope("dynamodb"),
        &PayloadHash::Compute,
    )
    .unwrap();
    let canonical = format!(
        "POST\n/x%253Ay/z\n\n\
         content-type:application/x-amz-json-1.0\n\
         host:dynamodb.eu-west-1.amazonaws.com\nx-amz-date:20150830T123600Z\n\
         x-amz-security-token:{TOKEN}\nx-amz-target:DynamoDB_20120810.GetItem\n\n\
         content-type;host;x-amz-date;x-amz-security-token;x-amz-target\n{}",
        sha256_hex(body)
    );
    assert_eq!(
        signature_of(&request),
        reference_signature("dynamodb", &canonical)
    );
    assert_eq!(header(&request, "x-amz-content-sha256"), None);
    assert_eq!(header(&request, "x-amz-security-token"), Some(TOKEN));
}

#[test]
fn a_precomputed_hash_signs_like_the_bytes() {
    let sign_with_payload = |payload: &PayloadHash| {
        let mut request = get("https://b.s3.eu-west-1.amazonaws.com/k");
        sign(&mut request, &credentials(None), &scope("s3"), payload).unwrap();
        request
    };
    let from_bytes = sign_with_payload(&PayloadHash::Compute);
    let upper = EMPTY_SHA256.to_ascii_uppercase();
    let precomputed = sign_with_payload(&PayloadHash::Sha256Hex(upper.clone()));
    assert_eq!(from_bytes, precomputed);
    assert_eq!(
        header(&precomputed, "x-amz-content-sha256"),
        Some(EMPTY_SHA256)
    );
}

#[test]
fn no_host_header_is_added_and_resigning_replaces_the_signature() {
    let mut request = get("https://dynamodb.eu-west-1.amazonaws.com/");
    let creds = credentials(Some(TOKEN));
    sign(
        &mut request,
        &creds,
        &scope("dynamodb"),
        &PayloadHash::Compute,
    )
    .unwrap();
    let first = signature_of(&request).to_owned();
    let later = Scope {
        time_ms: TIME_MS + 60_000.0,
        ..scope("dynamodb")
    };
    sign(&mut request, &creds, &later, &PayloadHash::Compute).unwrap();

    let names: Vec<&str> = request.headers.iter().map(|(k, _)| k.as_str()).collect();
    assert!(
        !names.iter().any(|n| n.eq_ignore_ascii_case("host")),
        "{names:?}"
    );
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!(header(&request, "x-amz-date"), Some("20150830T123700Z"));
    assert_ne!(signature_of(&request), first);
}

#[test]
fn presign_puts_every_signing_value_in_the_query() {
    let url = presign(
        "GET",
        "https://b.s3.eu-west-1.amazonaws.com/private/eu-west-1%3Aabc/my%20file.txt?x-id=GetObject",
        &credentials(Some(TOKEN)),
        &scope("s3"),
        900,
    )
    .unwrap();
    let (base, query) = url.split_once('?').unwrap();
    assert_eq!(
        base,
        "https://b.s3.eu-west-1.amazonaws.com/private/eu-west-1%3Aabc/my%20file.txt"
    );
    let params: Vec<(&str, &str)> = query
        .split('&')
        .map(|kv| kv.split_once('=').unwrap())
        .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
            .unwrap_or_else(|| panic!("{name} missing from {url}"))
    };
    let encoded_token = "IQoJb3JpZ2luX2Vj%2FEXAMPLE%2BTOKEN%3D%3D";
    assert_eq!(param("x-id"), "GetObject");
    assert_eq!(param("X-Amz-Algorithm"), "AWS4-HMAC-SHA256");
    let credential = "ASIAEXAMPLE%2F20150830%2Feu-west-1%2Fs3%2Faws4_request";
    assert_eq!(param("X-Amz-Credential"), credential);
    assert_eq!(param("X-Amz-Date"), "20150830T123600Z");
    assert_eq!(param("X-Amz-Expires"), "900");
    assert_eq!(param("X-Amz-SignedHeaders"), "host");
    assert_eq!(param("X-Amz-Security-Token"), encoded_token);

    let canonical = format!(
        "GET\n/private/eu-west-1%3Aabc/my%20file.txt\n\
         X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={credential}\
         &X-Amz-Date=20150830T123600Z&X-Amz-Expires=900\
         &X-Amz-Security-Token={encoded_token}&X-Amz-SignedHeaders=host&x-id=GetObject\n\
         host:b.s3.eu-west-1.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD"
    );
    assert_eq!(
        param("X-Amz-Signature"),
        reference_signature("s3", &canonical)
    );
}

#[test]
fn presign_without_a_token_has_no_token_param() {
    let url = presign(
        "GET",
        "https://example.amazonaws.com/",
        &credentials(None),
        &scope("service"),
        1,
    )
    .unwrap();
    assert!(
        url.starts_with("https://example.amazonaws.com/?X-Amz-"),
        "{url}"
    );
    assert!(!url.contains("X-Amz-Security-Token"), "{url}");
}

fn assert_invalid(result: Result<impl std::fmt::Debug>, field: &str) {
    let error = result.unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidInput, "{error:?}");
    assert_eq!(error.field.as_deref(), Some(field), "{error:?}");
    let shown = format!("{error} {error:?}");
    assert!(
        !shown.contains(SECRET) && !shown.contains("EXAMPLE+TOKEN"),
        "{shown}"
    );
}

#[test]
fn bad_urls_are_refused() {
    let creds = credentials(Some(TOKEN));
    for url in [
        "",
        "not a url",
        "/relative/path",
        "dynamodb.eu-west-1.amazonaws.com/",
        "ftp://example.com/",
        "https:///nohost",
        "https://example.com/caf\u{e9}",
        "https://example.com/a b",
        "https://example.com/a#fragment",
    ] {
        let mut request = get(url);
        assert_invalid(
            sign(&mut request, &creds, &scope("s3"), &PayloadHash::Unsigned),
            "url",
        );
        assert_invalid(presign("GET", url, &creds, &scope("s3"), 60), "url");
    }
}

#[test]
fn bad_headers_methods_payloads_and_scopes_are_refused() {
    let creds = credentials(Some(TOKEN));
    let url = "https://dynamodb.eu-west-1.amazonaws.com/";
    let with_header = |name: &str, value: &str| {
        let mut request = get(url);
        request.headers = vec![(name.into(), value.into())];
        request
    };
    let ddb = scope("dynamodb");
    for mut request in [
        with_header("bad name", "v"),
        with_header("", "v"),
        with_header("x-ok", "line\nbreak"),
        with_header("Host", "evil.example.com"),
    ] {
        assert_invalid(
            sign(&mut request, &creds, &ddb, &PayloadHash::Compute),
            "headers",
        );
    }
    for method in ["", "GE T"] {
        let mut request = get(url);
        request.method = method.into();
        assert_invalid(
            sign(&mut request, &creds, &ddb, &PayloadHash::Compute),
            "method",
        );
        assert_invalid(presign(method, url, &creds, &ddb, 60), "method");
    }
    for hash in ["", "abc", &"g".repeat(64)] {
        assert_invalid(
            sign(
                &mut get(url),
                &creds,
                &ddb,
                &PayloadHash::Sha256Hex(hash.to_string()),
            ),
            "payload",
        );
    }
    for time_ms in [f64::NAN, f64::INFINITY, -1.0, 1e300] {
        let at = Scope { time_ms, ..ddb };
        assert_invalid(
            sign(&mut get(url), &creds, &at, &PayloadHash::Unsigned),
            "time",
        );
    }
    for region in ["", "EU-WEST-1", "eu west 1"] {
        let at = Scope { region, ..ddb };
        assert_invalid(presign("GET", url, &creds, &at, 60), "region");
    }
    let empty_service = Scope { service: "", ..ddb };
    assert_invalid(presign("GET", url, &creds, &empty_service, 60), "service");
}

#[test]
fn the_signed_host_drops_only_the_default_port() {
    for (url, host) in [
        ("https://h.example:443/", "h.example"),
        ("http://127.0.0.1:80/x", "127.0.0.1"),
        ("http://127.0.0.1:4566/x", "127.0.0.1:4566"),
        ("https://h.example:80/", "h.example:80"),
        ("HTTPS://h.example?q", "h.example"),
        ("http://[::1]:8080/", "[::1]:8080"),
        ("http://[::1]/", "[::1]"),
    ] {
        assert_eq!(Url::parse("url", url).unwrap().host_header(), host, "{url}");
    }
    for url in [
        "https://user@h.example/",
        "https://h.example:/",
        "https://h.example:12x/",
        "https://:443/",
        "http://[::1]x/",
    ] {
        assert!(Url::parse("url", url).is_err(), "{url}");
    }
}

#[test]
fn queries_are_decoded_reencoded_and_sorted() {
    let mut out = String::new();
    canonical_query_into(
        &mut out,
        "b=2&a=%7e+x&&a=1&c&d=%zz&e=%E2%82%AC",
        &[("Z", "/")],
    );
    assert_eq!(out, "Z=%2F&a=1&a=~%20x&b=2&c=&d=%25zz&e=%E2%82%AC");
}

#[test]
fn paths_normalise_like_rfc_3986() {
    for (path, normal) in [
        ("", "/"),
        ("/", "/"),
        ("/a/./b/../c", "/a/c"),
        ("/a//b/", "/a/b/"),
        ("/a/b/..", "/a/"),
        ("/../..", "/"),
        ("a/b", "/a/b"),
        ("/.well-known/x", "/.well-known/x"),
    ] {
        assert_eq!(normalize_path(path), normal, "{path:?}");
    }
    assert_eq!(trim_all("  a   b  c "), "a b c");
    assert_eq!(trim_all("\ta  b"), "\ta b");
}

#[test]
fn presign_expiry_must_be_one_second_to_seven_days() {
    let creds = credentials(Some(TOKEN));
    let url = "https://b.s3.eu-west-1.amazonaws.com/k";
    for expires in [0, MAX_PRESIGN_EXPIRES_SECS + 1, u64::MAX] {
        assert_invalid(
            presign("GET", url, &creds, &scope("s3"), expires),
            "expiresSecs",
        );
    }
    let longest = presign("GET", url, &creds, &scope("s3"), MAX_PRESIGN_EXPIRES_SECS);
    assert!(longest.unwrap().contains("X-Amz-Expires=604800"));
}

#[test]
fn bad_credentials_are_refused_without_quoting_them() {
    let url = "https://dynamodb.eu-west-1.amazonaws.com/";
    let mut no_key = credentials(Some(TOKEN));
    no_key.access_key_id.clear();
    let mut no_secret = credentials(Some(TOKEN));
    no_secret.secret_access_key.clear();
    let bad_token = credentials(Some("EXAMPLE+TOKEN\n"));
    for creds in [no_key, no_secret, bad_token] {
        assert_invalid(
            sign(
                &mut get(url),
                &creds,
                &scope("dynamodb"),
                &PayloadHash::Unsigned,
            ),
            "credentials",
        );
    }
}
