//! SigV4 signing of plain [`Request`] values, and presigned URLs; the only importer of
//! aws-sigv4.
//!
//! Pure: the (skew-corrected) time is a parameter and nothing is sent, so every rule is
//! testable natively. The service decides the settings as the AWS SDKs do: `s3` signs the path
//! exactly as given (single percent-encoding, no normalisation) and adds
//! `x-amz-content-sha256`; every other service double-encodes and normalises the path. The
//! session token is always part of the signature. No `host` header is ever added: the browser
//! sets it, and the host of the URL is what gets signed.

use std::borrow::Cow;
use std::time::{Duration, UNIX_EPOCH};

use aws_sigv4::http_request::{
    self, PayloadChecksumKind, PercentEncodingMode, SessionTokenMode, SignableBody,
    SignableRequest, SignatureLocation, SigningSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;

use crate::credentials::Credentials;
use crate::error::{Error, Result};
use crate::http::Request;

/// The longest validity of a presigned URL that SigV4 allows: seven days, in seconds.
pub const MAX_PRESIGN_EXPIRES_SECS: u64 = 604_800;

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

/// What the body's hash in the signature is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload<'a> {
    /// The body bytes; the signer hashes them.
    Bytes(&'a [u8]),
    /// The SHA-256 of the body as 64 hex digits, computed elsewhere (e.g. by WebCrypto).
    Sha256Hex(&'a str),
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
    payload: Payload<'_>,
) -> Result<()> {
    check_url("url", &request.url)?;
    request.headers.retain(|(name, _)| {
        !SIGNING_HEADERS
            .iter()
            .any(|signing| name.eq_ignore_ascii_case(signing))
    });
    check_headers(&request.headers)?;
    let body = match payload {
        Payload::Bytes(bytes) => SignableBody::Bytes(bytes),
        Payload::Sha256Hex(hex) => SignableBody::Precomputed(checked_sha256_hex(hex)?),
        Payload::Unsigned => SignableBody::UnsignedPayload,
    };
    let signable = SignableRequest::new(
        checked_method(&request.method)?,
        request.url.as_str(),
        request
            .headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str())),
        body,
    )
    .map_err(|e| Error::invalid_input("url", format!("the URL cannot be signed: {e}")))?;

    let settings = settings_for(scope.service);
    let (instructions, _signature) = sign_with(signable, credentials, scope, settings)?;
    let (headers, _params) = instructions.into_parts();
    request.headers.extend(
        headers
            .into_iter()
            .map(|header| (header.name().to_owned(), header.value().to_owned())),
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
    check_url("url", url)?;
    let body = if is_s3(scope.service) {
        SignableBody::UnsignedPayload
    } else {
        SignableBody::empty()
    };
    let signable = SignableRequest::new(checked_method(method)?, url, std::iter::empty(), body)
        .map_err(|e| Error::invalid_input("url", format!("the URL cannot be signed: {e}")))?;

    let mut settings = settings_for(scope.service);
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(Duration::from_secs(expires_secs));
    let (instructions, _signature) = sign_with(signable, credentials, scope, settings)?;

    let mut presigned = String::with_capacity(url.len() + 512);
    presigned.push_str(url);
    let mut separator = if url.contains('?') { '&' } else { '?' };
    for (name, value) in instructions.params() {
        presigned.push(separator);
        presigned.push_str(&percent_encode(name));
        presigned.push('=');
        presigned.push_str(&percent_encode(value));
        separator = '&';
    }
    Ok(presigned)
}

/// The settings the AWS SDKs use for `service`; see the module docs.
fn settings_for(service: &str) -> SigningSettings {
    let mut settings = SigningSettings::default();
    settings.session_token_mode = SessionTokenMode::Include;
    if is_s3(service) {
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    }
    settings
}

fn is_s3(service: &str) -> bool {
    service == "s3"
}

/// Checks the scope and credentials, then signs with aws-sigv4.
fn sign_with(
    request: SignableRequest<'_>,
    credentials: &Credentials,
    scope: &Scope<'_>,
    settings: SigningSettings,
) -> Result<(http_request::SigningInstructions, String)> {
    check_scope_name("service", scope.service)?;
    check_scope_name("region", scope.region)?;
    let time = UNIX_EPOCH + Duration::from_millis(checked_time_ms(scope.time_ms)?);
    check_credentials(credentials)?;

    // aws-sigv4 reads credentials through an `Identity`; its copy of the secret is zeroized on
    // drop like ours.
    let identity = aws_credential_types::Credentials::new(
        credentials.access_key_id.as_str(),
        credentials.secret_access_key.as_str(),
        credentials.session_token.clone(),
        None,
        "apiless",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(scope.region)
        .name(scope.service)
        .time(time)
        .settings(settings)
        .build()
        .map_err(|e| Error::invalid_input("scope", format!("incomplete signing scope: {e}")))?
        .into();
    // Inputs were checked above, so a failure here is a value aws-sigv4 refuses that the
    // checks missed. Its messages name the kind of fault, never a credential.
    let output = http_request::sign(request, &params).map_err(|e| {
        Error::invalid_input("request", format!("the request cannot be signed: {e}"))
    })?;
    Ok(output.into_parts())
}

/// An absolute `http(s)` URL with a host, ASCII only (already percent-encoded), no fragment.
/// aws-sigv4 panics on a URL without a host, so this runs before it sees one.
fn check_url(field: &str, url: &str) -> Result<()> {
    if !url.is_ascii() || url.contains(|c: char| c.is_ascii_whitespace()) {
        return Err(Error::invalid_input(
            field,
            "the URL must be percent-encoded (ASCII without spaces)",
        ));
    }
    if url.contains('#') {
        return Err(Error::invalid_input(field, "the URL must have no fragment"));
    }
    let uri: http::Uri = url
        .parse()
        .map_err(|e| Error::invalid_input(field, format!("the URL is not valid: {e}")))?;
    let scheme_ok = matches!(uri.scheme_str(), Some("https") | Some("http"));
    if !scheme_ok || uri.host().is_none_or(str::is_empty) {
        return Err(Error::invalid_input(
            field,
            "the URL must be absolute: https://host/path",
        ));
    }
    Ok(())
}

fn check_headers(headers: &[(String, String)]) -> Result<()> {
    for (name, value) in headers {
        let parsed = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            Error::invalid_input("headers", format!("{name:?} is not a valid header name"))
        })?;
        if parsed == http::header::HOST {
            return Err(Error::invalid_input(
                "headers",
                "a Host header cannot be set in a browser; the host of the URL is signed",
            ));
        }
        // The value is not quoted: a caller's header may carry a secret of its own.
        http::HeaderValue::from_str(value).map_err(|_| {
            Error::invalid_input(
                "headers",
                format!("the value of header {name} is not a valid header value"),
            )
        })?;
    }
    Ok(())
}

fn checked_method(method: &str) -> Result<&str> {
    match http::Method::from_bytes(method.as_bytes()) {
        Ok(_) if !method.is_empty() => Ok(method),
        _ => Err(Error::invalid_input(
            "method",
            format!("{method:?} is not a valid HTTP method"),
        )),
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
            format!("{field} {value:?} must be lower-case letters, digits and '-'"),
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
        if token.is_empty() || http::HeaderValue::from_str(token).is_err() {
            return Err(Error::invalid_input(
                "credentials",
                "the session token is empty or not a valid header value",
            ));
        }
    }
    Ok(())
}

/// Percent-encodes all but the unreserved characters (`A-Z a-z 0-9 - . _ ~`), as SigV4 does for
/// query strings.
fn percent_encode(value: &str) -> Cow<'_, str> {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
    if value.bytes().all(unreserved) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        if unreserved(b) {
            out.push(char::from(b));
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
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

    fn credentials(token: Option<&str>) -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: SECRET.into(),
            session_token: token.map(str::to_owned),
            expires_at_ms: 0,
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
            ..Request::default()
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
        let body = request.body.clone();
        sign(
            &mut request,
            &credentials(Some(TOKEN)),
            &scope("s3"),
            Payload::Bytes(&body),
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
            Payload::Unsigned,
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
            Payload::Bytes(body),
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
        let sign_with_payload = |payload: Payload<'_>| {
            let mut request = get("https://b.s3.eu-west-1.amazonaws.com/k");
            sign(&mut request, &credentials(None), &scope("s3"), payload).unwrap();
            request
        };
        let from_bytes = sign_with_payload(Payload::Bytes(b""));
        let upper = EMPTY_SHA256.to_ascii_uppercase();
        let precomputed = sign_with_payload(Payload::Sha256Hex(&upper));
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
            Payload::Bytes(b""),
        )
        .unwrap();
        let first = signature_of(&request).to_owned();
        let later = Scope {
            time_ms: TIME_MS + 60_000.0,
            ..scope("dynamodb")
        };
        sign(&mut request, &creds, &later, Payload::Bytes(b"")).unwrap();

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
                sign(&mut request, &creds, &scope("s3"), Payload::Unsigned),
                "url",
            );
            assert_invalid(presign("GET", url, &creds, &scope("s3"), 60), "url");
        }
    }

    #[test]
    fn bad_headers_methods_payloads_and_scopes_are_refused() {
        let creds = credentials(Some(TOKEN));
        let url = "https://dynamodb.eu-west-1.amazonaws.com/";
        let with_header = |name: &str, value: &str| Request {
            headers: vec![(name.into(), value.into())],
            ..get(url)
        };
        let ddb = scope("dynamodb");
        for mut request in [
            with_header("bad name", "v"),
            with_header("", "v"),
            with_header("x-ok", "line\nbreak"),
            with_header("Host", "evil.example.com"),
        ] {
            assert_invalid(
                sign(&mut request, &creds, &ddb, Payload::Bytes(b"")),
                "headers",
            );
        }
        for method in ["", "GE T"] {
            let mut request = Request {
                method: method.into(),
                ..get(url)
            };
            assert_invalid(
                sign(&mut request, &creds, &ddb, Payload::Bytes(b"")),
                "method",
            );
            assert_invalid(presign(method, url, &creds, &ddb, 60), "method");
        }
        for hash in ["", "abc", &"g".repeat(64)] {
            assert_invalid(
                sign(&mut get(url), &creds, &ddb, Payload::Sha256Hex(hash)),
                "payload",
            );
        }
        for time_ms in [f64::NAN, f64::INFINITY, -1.0, 1e300] {
            let at = Scope { time_ms, ..ddb };
            assert_invalid(sign(&mut get(url), &creds, &at, Payload::Unsigned), "time");
        }
        for region in ["", "EU-WEST-1", "eu west 1"] {
            let at = Scope { region, ..ddb };
            assert_invalid(presign("GET", url, &creds, &at, 60), "region");
        }
        let empty_service = Scope { service: "", ..ddb };
        assert_invalid(presign("GET", url, &creds, &empty_service, 60), "service");
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
                sign(&mut get(url), &creds, &scope("dynamodb"), Payload::Unsigned),
                "credentials",
            );
        }
    }
}
