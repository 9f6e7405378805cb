//! SigV4 signing of plain [`Request`] values, and presigned URLs; the only importer of
//! aws-sigv4.
//!
//! Pure: the (skew-corrected) time is a parameter and nothing is sent, so every rule is
//! testable natively. The canonical request is built here, straight from the request's own
//! strings, and the signing key derived here with `hmac` (once per day, region and service);
//! aws-sigv4 computes the signature. Building the request here
//! rather than through aws-sigv4's `http_request` keeps the `http` crate's request and header
//! types (and their parsing) out of the package, and out of the time of every call.
//!
//! The service decides the rules, as the AWS SDKs do: `s3` signs the path exactly as given
//! (single percent-encoding, no normalisation) and adds `x-amz-content-sha256`; every other
//! service normalises the path (RFC 3986 dot segments, empty segments) and encodes it again
//! (double encoding). The session token is always part of the signature. No `host` header is
//! ever added: the browser sets it, and the host of the URL is what gets signed.

use std::borrow::Cow;

use aws_sigv4::sign::v4;
use zeroize::{Zeroize, Zeroizing};

use crate::aws::credentials::Credentials;
use crate::clock;
use crate::codec::text::{self, hex_value};
use crate::crypto::{hmac_sha256, sha256};
use crate::error::{Error, Result};
use crate::http::Request;

/// The longest validity of a presigned URL that SigV4 allows: seven days, in seconds.
pub const MAX_PRESIGN_EXPIRES_SECS: u64 = 604_800;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Headers the signer writes. Stale copies (from an earlier signing of the same request, e.g.
/// before a retry) are removed first so that each appears once.
const SIGNING_HEADERS: [&str; 4] = [
    "authorization",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-content-sha256",
];

/// Latest accepted signing time, ms since the epoch (9999-12-31T23:59:59Z): SigV4 dates have
/// four-digit years.
const MAX_TIME_MS: f64 = 253_402_300_799_000.0;

/// How the body is covered by the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PayloadHash {
    /// The signer hashes the request's body (small bodies).
    Compute,
    /// The SHA-256 of the body as 64 hex digits, computed elsewhere (WebCrypto, off the main
    /// thread's hot path).
    Sha256Hex(String),
    /// `UNSIGNED-PAYLOAD`: the body is not covered by the signature (S3 only).
    Unsigned,
}

/// Where and when a request is signed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scope<'a> {
    /// The signing name of the service: `"dynamodb"`, `"s3"`.
    pub service: &'a str,
    /// The region, e.g. `"eu-west-1"`.
    pub region: &'a str,
    /// The signing time in ms since the epoch, already corrected for clock skew.
    pub time_ms: f64,
}

/// Signs `request` in place: adds `x-amz-date`, `x-amz-security-token` (when the credentials
/// have one), `x-amz-content-sha256` for `s3`, and `authorization` (names in lower case).
///
/// Every header already in `request.headers` is signed, so set them all before signing and add
/// none after. `request.url` must be absolute and already percent-encoded; for `s3` its path is
/// signed exactly as given. No `host` header is added (the browser sets it) and none may be
/// present: the host of the URL is signed. Re-signing a request replaces the previous signature.
pub fn sign(
    request: &mut Request,
    credentials: &Credentials,
    scope: &Scope<'_>,
    payload: &PayloadHash,
) -> Result<()> {
    let url = Url::parse("url", &request.url)?;
    // A re-signed request's earlier token header is wiped before it goes.
    for (name, value) in &mut request.headers {
        if is_signing_header(name) {
            value.zeroize();
        }
    }
    request.headers.retain(|(name, _)| !is_signing_header(name));
    check_headers(&request.headers)?;
    let method = checked_method(&request.method)?;
    let signing = Signing::new(credentials, scope)?;
    let payload_hash: Cow<'_, str> = match payload {
        PayloadHash::Compute => Cow::Owned(hex::encode(sha256(&[&request.body]))),
        PayloadHash::Sha256Hex(hash) => Cow::Owned(checked_sha256_hex(hash)?),
        PayloadHash::Unsigned => Cow::Borrowed(UNSIGNED_PAYLOAD),
    };

    let mut headers: Vec<(Cow<'_, str>, Cow<'_, str>)> =
        Vec::with_capacity(request.headers.len() + 4);
    for (name, value) in &request.headers {
        headers.push((lower(name), trim_all(value)));
    }
    headers.push((Cow::Borrowed("host"), Cow::Borrowed(url.host_header())));
    headers.push((
        Cow::Borrowed("x-amz-date"),
        Cow::Borrowed(&signing.amz_date),
    ));
    if let Some(token) = &credentials.session_token {
        headers.push((Cow::Borrowed("x-amz-security-token"), Cow::Borrowed(token)));
    }
    let s3 = is_s3(scope.service);
    if s3 {
        headers.push((Cow::Borrowed("x-amz-content-sha256"), payload_hash.clone()));
    }
    let canonical = CanonicalRequest::new(method, &url, s3, &[], headers, &payload_hash);
    let signature = signing.signature(&canonical.text)?;

    let authorization = format!(
        "{ALGORITHM} Credential={}/{}, SignedHeaders={}, Signature={signature}",
        credentials.access_key_id, signing.credential_scope, canonical.signed_headers
    );
    let added = [
        Some(("x-amz-date", signing.amz_date.clone())),
        credentials
            .session_token
            .as_ref()
            .map(|token| ("x-amz-security-token", token.clone())),
        s3.then(|| ("x-amz-content-sha256", payload_hash.into_owned())),
        Some(("authorization", authorization)),
    ];
    request.headers.extend(
        added
            .into_iter()
            .flatten()
            .map(|(name, value)| (name.to_owned(), value)),
    );
    Ok(())
}

/// A presigned URL (query-string authentication) for `method` on `url`, valid for
/// `expires_secs` seconds (1 to 604800) from `scope.time_ms`.
///
/// `url` must be absolute and already percent-encoded; its query, if any, is kept and signed.
/// The session token travels in `X-Amz-Security-Token` and is part of the signature. Only the
/// host is signed among headers. The body hash is `UNSIGNED-PAYLOAD` for `s3` (as the AWS SDKs
/// presign) and the hash of an empty body for other services.
pub fn presign(
    method: &str,
    url: &str,
    credentials: &Credentials,
    scope: &Scope<'_>,
    expires_secs: u64,
) -> Result<String> {
    if !(1..=MAX_PRESIGN_EXPIRES_SECS).contains(&expires_secs) {
        return Err(Error::invalid_input(
            "expiresSecs",
            format!("a presigned URL must expire in 1 to {MAX_PRESIGN_EXPIRES_SECS} seconds"),
        ));
    }
    let parsed = Url::parse("url", url)?;
    let method = checked_method(method)?;
    let signing = Signing::new(credentials, scope)?;
    let s3 = is_s3(scope.service);
    let payload_hash = if s3 { UNSIGNED_PAYLOAD } else { EMPTY_SHA256 };

    let credential = format!("{}/{}", credentials.access_key_id, signing.credential_scope);
    let expires = expires_secs.to_string();
    let mut params: Vec<(&str, &str)> = vec![
        ("X-Amz-Algorithm", ALGORITHM),
        ("X-Amz-Credential", &credential),
        ("X-Amz-Date", &signing.amz_date),
        ("X-Amz-Expires", &expires),
        ("X-Amz-SignedHeaders", "host"),
    ];
    if let Some(token) = &credentials.session_token {
        params.push(("X-Amz-Security-Token", token));
    }
    let headers = vec![(Cow::Borrowed("host"), Cow::Borrowed(parsed.host_header()))];
    let canonical = CanonicalRequest::new(method, &parsed, s3, &params, headers, payload_hash);
    let signature = signing.signature(&canonical.text)?;

    let last = ("X-Amz-Signature", &*signature);
    let all = || params.iter().chain([&last]);
    let room = all()
        .map(|(name, value)| 3 * (name.len() + value.len()) + 2)
        .sum::<usize>();
    let mut presigned = String::with_capacity(url.len() + room);
    presigned.push_str(url);
    let mut separator = if url.contains('?') { '&' } else { '?' };
    for (name, value) in all() {
        presigned.push(separator);
        presigned.push_str(name);
        presigned.push('=');
        let encoded = percent_encode(value);
        presigned.push_str(&encoded);
        if let Cow::Owned(mut encoded) = encoded {
            encoded.zeroize();
        }
        separator = '&';
    }
    Ok(presigned)
}

/// The signing of a browser POST upload's policy (S3's POST Object with SigV4): the form's
/// `x-amz-credential` and `x-amz-date` go into the policy, and the base64 policy itself is the
/// string to sign.
pub struct PostPolicySigning<'a> {
    signing: Signing<'a>,
}

impl<'a> PostPolicySigning<'a> {
    /// Checks the credentials and the scope (service `s3`, the region, the corrected time).
    pub fn new(credentials: &'a Credentials, scope: &'a Scope<'a>) -> Result<Self> {
        Ok(Self {
            signing: Signing::new(credentials, scope)?,
        })
    }

    /// `x-amz-algorithm`: always `AWS4-HMAC-SHA256`.
    pub fn algorithm(&self) -> &'static str {
        ALGORITHM
    }

    /// `x-amz-credential`: `<access key id>/<date>/<region>/s3/aws4_request`.
    pub fn credential(&self) -> String {
        format!(
            "{}/{}",
            self.signing.credentials.access_key_id, self.signing.credential_scope
        )
    }

    /// `x-amz-date`: `20150830T123600Z`.
    pub fn amz_date(&self) -> &str {
        &self.signing.amz_date
    }

    /// `x-amz-signature` of `policy_base64` (the form's `policy` field, as sent).
    pub fn sign(&self, policy_base64: &str) -> Result<String> {
        self.signing.sign_string(policy_base64)
    }
}

fn is_signing_header(name: &str) -> bool {
    SIGNING_HEADERS
        .iter()
        .any(|signing| name.eq_ignore_ascii_case(signing))
}

fn is_s3(service: &str) -> bool {
    service == "s3"
}

/// The checked time and scope of one signature.
struct Signing<'a> {
    credentials: &'a Credentials,
    scope: &'a Scope<'a>,
    /// `20150830T123600Z`
    amz_date: String,
    /// `20150830/eu-west-1/dynamodb/aws4_request`
    credential_scope: String,
}

impl<'a> Signing<'a> {
    fn new(credentials: &'a Credentials, scope: &'a Scope<'a>) -> Result<Self> {
        check_scope_name("service", scope.service)?;
        check_scope_name("region", scope.region)?;
        let time_ms = checked_time_ms(scope.time_ms)?;
        check_credentials(credentials)?;
        let amz_date = clock::amz_date(time_ms as f64);
        let credential_scope = format!(
            "{}/{}/{}/aws4_request",
            date_stamp(&amz_date),
            scope.region,
            scope.service
        );
        Ok(Self {
            credentials,
            scope,
            amz_date,
            credential_scope,
        })
    }

    /// The hex signature of `canonical_request`. The signing key is derived here, once per
    /// day, region and service (aws-sigv4's `generate_signing_key` would bring in the `time`
    /// crate to format a date we already have); aws-sigv4 signs the string to sign.
    fn signature(&self, canonical_request: &str) -> Result<String> {
        let string_to_sign = Zeroizing::new(format!(
            "{ALGORITHM}\n{}\n{}\n{}",
            self.amz_date,
            self.credential_scope,
            hex::encode(sha256(&[canonical_request.as_bytes()]))
        ));
        self.sign_string(&string_to_sign)
    }

    /// The hex HMAC of `string_to_sign` under the scope's signing key.
    fn sign_string(&self, string_to_sign: &str) -> Result<String> {
        let key = self
            .credentials
            .signing_key
            .get_or_derive(&self.credential_scope, || {
                // kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
                // "aws4_request"); the date is the scope's first part.
                let date = date_stamp(&self.amz_date);
                let secret_key = &self.credentials.secret_access_key;
                let mut secret = Zeroizing::new(String::with_capacity(4 + secret_key.len()));
                secret.push_str("AWS4");
                secret.push_str(secret_key);
                let mut key = hmac_sha256(secret.as_bytes(), &[date.as_bytes()]);
                for part in [self.scope.region, self.scope.service, "aws4_request"] {
                    key = hmac_sha256(&key, &[part.as_bytes()]);
                }
                key
            });
        Ok(v4::calculate_signature(key, string_to_sign.as_bytes()))
    }
}

/// `20150830` of `20150830T123600Z`: the date that begins the credential scope and keys the
/// signing key. `amz_date` is ASCII, so `get` cannot miss; it keeps core's slice-error
/// formatter out of the wasm.
fn date_stamp(amz_date: &str) -> &str {
    amz_date.get(..8).unwrap_or_default()
}

/// The canonical request of SigV4, and its signed-headers list. The text holds the session
/// token (a signed header, or a presigned URL's parameter): it is wiped when dropped.
struct CanonicalRequest {
    text: Zeroizing<String>,
    signed_headers: String,
}

impl CanonicalRequest {
    /// `headers` are lower-case names with trimmed values, in request order; `extra_params` are
    /// query parameters to add (unencoded), as presigning does.
    fn new(
        method: &str,
        url: &Url<'_>,
        s3: bool,
        extra_params: &[(&str, &str)],
        mut headers: Vec<(Cow<'_, str>, Cow<'_, str>)>,
        payload_hash: &str,
    ) -> Self {
        // Room for the longest text these parts can make (every byte of the path and query
        // percent-encoded, each header's name twice), so it never grows: a buffer left behind
        // by growing would hold part of the token, unwiped.
        let room = method.len()
            + 3 * (url.path.len() + 2)
            + 4 * url.query.len()
            + extra_params
                .iter()
                .map(|(name, value)| 3 * (name.len() + value.len()) + 2)
                .sum::<usize>()
            + headers
                .iter()
                .map(|(name, value)| 2 * name.len() + value.len() + 3)
                .sum::<usize>()
            + payload_hash.len()
            + 8;
        let mut text = Zeroizing::new(String::with_capacity(room));
        text.push_str(method);
        text.push('\n');
        if s3 {
            text.push_str(if url.path.is_empty() { "/" } else { url.path });
        } else {
            // The path, already percent-encoded, is encoded once more (`%` becomes `%25`).
            text::percent_encode_into(&mut text, &normalize_path(url.path), true);
        }
        text.push('\n');
        canonical_query_into(&mut text, url.query, extra_params);
        text.push('\n');

        // A stable sort keeps repeated headers in request order; their values join with ','.
        sort_small(&mut headers, |a, b| a.0 < b.0);
        let mut signed_headers = String::with_capacity(headers.len() * 16);
        let mut previous: Option<&str> = None;
        for (name, value) in &headers {
            if previous == Some(name) {
                text.pop();
                text.push(',');
            } else {
                if previous.is_some() {
                    signed_headers.push(';');
                }
                signed_headers.push_str(name);
                text.push_str(name);
                text.push(':');
            }
            text.push_str(value);
            text.push('\n');
            previous = Some(name);
        }
        text.push('\n');
        text.push_str(&signed_headers);
        text.push('\n');
        text.push_str(payload_hash);
        Self {
            text,
            signed_headers,
        }
    }
}

/// The parts of an absolute `http(s)` URL that SigV4 signs.
struct Url<'a> {
    /// `host` or `host:port`, the port left out when it is the scheme's default.
    host: &'a str,
    /// As given, percent-encoded; may be empty.
    path: &'a str,
    /// After `?`, as given; may be empty.
    query: &'a str,
}

impl<'a> Url<'a> {
    /// An absolute `http(s)` URL with a host, ASCII only (already percent-encoded), no
    /// fragment and no user info.
    fn parse(field: &str, url: &'a str) -> Result<Self> {
        let invalid = |message: &str| Err(Error::invalid_input(field, message.to_owned()));
        if !url.is_ascii() || url.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return invalid("the URL must be percent-encoded (ASCII without spaces)");
        }
        if url.contains('#') {
            return invalid("the URL must have no fragment");
        }
        let (default_port, rest) = if let Some(rest) = strip_prefix_ignore_case(url, "https://") {
            ("443", rest)
        } else if let Some(rest) = strip_prefix_ignore_case(url, "http://") {
            ("80", rest)
        } else {
            return invalid("the URL must be absolute: https://host/path");
        };
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        // `end` is at an ASCII byte or the end, so the split cannot fail; `_checked` keeps
        // core's slice-error formatter out of the wasm.
        let (authority, rest) = rest.split_at_checked(end).unwrap_or((rest, ""));
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (host, port) = if authority.starts_with('[') {
            // An IPv6 literal: `[::1]` or `[::1]:8080`.
            let close = authority.find(']').map_or(authority.len(), |i| i + 1);
            let (host, after) = authority.split_at_checked(close).unwrap_or((authority, ""));
            match after {
                "" => (host, None),
                after => (host, Some(after.strip_prefix(':').unwrap_or(""))),
            }
        } else {
            match authority.split_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            }
        };
        let host_ok = !host.is_empty()
            && host.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'[' | b']' | b':')
            });
        let port_ok = port
            .is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
        if !host_ok || !port_ok {
            return invalid("the URL must be absolute: https://host/path");
        }
        Ok(Self {
            host: if port == Some(default_port) {
                host
            } else {
                authority
            },
            path,
            query,
        })
    }

    fn host_header(&self) -> &'a str {
        self.host
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let (head, rest) = s.split_at_checked(prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then_some(rest)
}

/// RFC 3986 section 5.2.4 (remove dot segments), dropping empty segments too, as SigV4 does
/// for every service but s3. An empty path is `/`; a trailing slash is kept.
fn normalize_path(path: &str) -> Cow<'_, str> {
    if path.is_empty() {
        return Cow::Borrowed("/");
    }
    if path.starts_with('/') && !text::contains(path, "//") && !path.contains('.') {
        return Cow::Borrowed(path);
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for segment in &segments {
        out.push('/');
        out.push_str(segment);
    }
    let trailing = ["/", "/.", "/..", "/./", "/../"]
        .iter()
        .any(|end| path.ends_with(end));
    if out.is_empty() || trailing {
        out.push('/');
    }
    Cow::Owned(out)
}

/// Sorts `v` stably by `less`: an insertion sort, as fast as any for the handful of headers and
/// query parameters a request has, and a fraction of the code of the standard library's sorts.
/// Quadratic for long lists; the longest apiless builds are S3's metadata headers, which the
/// 2 KB metadata limit keeps to about a thousand at the very most.
fn sort_small<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && less(&v[j], &v[j - 1]) {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// The query of `url` plus `extra` parameters, each name and value decoded (`+` is a space, as
/// in a form) and encoded again as SigV4 wants, sorted by encoded name, then value.
fn canonical_query_into(out: &mut String, query: &str, extra: &[(&str, &str)]) {
    let mut params: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (reencode(name), reencode(value))
        })
        .chain(
            extra
                .iter()
                .map(|(name, value)| (percent_encode(name).into(), percent_encode(value).into())),
        )
        .collect();
    sort_small(&mut params, |a, b| a < b);
    for (i, (name, value)) in params.iter_mut().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
        // A presigned URL's token is one of the values.
        value.zeroize();
    }
}

/// Decodes `+` and `%XX` (a malformed escape stays as it is), then encodes as
/// [`percent_encode`] does.
fn reencode(component: &str) -> String {
    let bytes = component.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => decoded.push(b' '),
            b'%' => match (
                bytes.get(i + 1).and_then(|&h| hex_value(h)),
                bytes.get(i + 2).and_then(|&l| hex_value(l)),
            ) {
                (Some(high), Some(low)) => {
                    decoded.push(high << 4 | low);
                    i += 2;
                }
                _ => decoded.push(b'%'),
            },
            other => decoded.push(other),
        }
        i += 1;
    }
    percent_encode(&String::from_utf8_lossy(&decoded)).into_owned()
}

/// A header name in lower case, borrowed when it already is.
fn lower(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// Leading and trailing spaces removed and runs of spaces made one, as SigV4 (and S3) want;
/// other whitespace is left alone.
fn trim_all(value: &str) -> Cow<'_, str> {
    let trimmed = value.trim_matches(' ');
    if !text::contains(trimmed, "  ") {
        return Cow::Borrowed(trimmed);
    }
    let mut out = String::with_capacity(trimmed.len());
    for (i, word) in trimmed.split(' ').filter(|w| !w.is_empty()).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    Cow::Owned(out)
}

/// Header names must be HTTP tokens, values must have no control characters but tab (what
/// fetch and every HTTP stack accept). A `Host` header is refused: browsers set it.
fn check_headers(headers: &[(String, String)]) -> Result<()> {
    for (name, value) in headers {
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(Error::invalid_input(
                "headers",
                format!(
                    "{} is not a valid header name",
                    crate::codec::json::quoted(name)
                ),
            ));
        }
        if name.eq_ignore_ascii_case("host") {
            return Err(Error::invalid_input(
                "headers",
                "a Host header cannot be set in a browser; the host of the URL is signed",
            ));
        }
        // The value is not quoted: a caller's header may carry a secret of its own.
        if !is_header_value(value) {
            return Err(Error::invalid_input(
                "headers",
                format!("the value of header {name} is not a valid header value"),
            ));
        }
    }
    Ok(())
}

/// RFC 9110 `tchar`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

fn is_header_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (b >= b' ' && b != 0x7f))
}

fn checked_method(method: &str) -> Result<&str> {
    if !method.is_empty() && method.bytes().all(is_token_byte) {
        Ok(method)
    } else {
        Err(Error::invalid_input(
            "method",
            format!(
                "{} is not a valid HTTP method",
                crate::codec::json::quoted(method)
            ),
        ))
    }
}

/// 64 hex digits, returned in lower case as the canonical request needs.
fn checked_sha256_hex(hex: &str) -> Result<String> {
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(hex.to_ascii_lowercase())
    } else {
        Err(Error::invalid_input(
            "payload",
            "a precomputed payload hash must be 64 hex digits (SHA-256)",
        ))
    }
}

/// Service and region names end up in the credential scope: `[a-z0-9-]+`.
fn check_scope_name(field: &str, value: &str) -> Result<()> {
    let ok = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid_input(
            field,
            format!(
                "{field} {} must be lower-case letters, digits and '-'",
                crate::codec::json::quoted(value)
            ),
        ))
    }
}

/// Whole milliseconds since the epoch, from a finite time within four-digit years.
fn checked_time_ms(time_ms: f64) -> Result<u64> {
    if time_ms.is_finite() && (0.0..=MAX_TIME_MS).contains(&time_ms) {
        // In range, so the conversion is exact up to the dropped fraction of a millisecond.
        Ok(time_ms.floor() as u64)
    } else {
        Err(Error::invalid_input(
            "time",
            "the signing time must be ms since the epoch",
        ))
    }
}

/// Neither value is ever quoted in a message.
fn check_credentials(credentials: &Credentials) -> Result<()> {
    let key_id = &credentials.access_key_id;
    if key_id.is_empty() || !key_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::invalid_input(
            "credentials",
            "the access key id must be non-empty letters and digits",
        ));
    }
    if credentials.secret_access_key.is_empty() {
        return Err(Error::invalid_input(
            "credentials",
            "the secret access key is empty",
        ));
    }
    if let Some(token) = &credentials.session_token {
        if token.is_empty() || !is_header_value(token) {
            return Err(Error::invalid_input(
                "credentials",
                "the session token is empty or not a valid header value",
            ));
        }
    }
    Ok(())
}

/// Percent-encodes all but the unreserved characters, as SigV4 does for query strings;
/// borrowed when nothing needs encoding.
fn percent_encode(value: &str) -> Cow<'_, str> {
    if value.bytes().all(text::is_unreserved) {
        return Cow::Borrowed(value);
    }
    Cow::Owned(text::percent_encode(value, false))
}

#[cfg(test)]
#[path = "sigv4_tests.rs"]
mod tests;
