//! S3's object API (REST), always under the caller's `<identityId>/` key prefix.
//!
//! Keys are percent-encoded exactly as S3 canonicalises them (every byte but `A-Z a-z 0-9 - _
//! . ~` and the `/` separators), and the same text goes on the wire and into the signature, so
//! spaces, `+`, `=`, `:` (in every identity id), unicode and emoji round-trip. The scope guard
//! refuses, before signing, a key outside the caller's prefix and `.`/`..` segments (a URL
//! parser would resolve them, climbing out of the prefix). Listing asks for `encoding-type=url`
//! so that any key survives the XML. This module builds requests and reads answers; sending
//! is `signed_call`'s.

use crate::aws::signed_call;
use crate::aws::sigv4::{self, PayloadHash};
use crate::clock;
use crate::codec::{json, text};
use crate::data::owner::{looks_like_identity_id, ScopeCheck};
use crate::error::{Error, Result};
use crate::http::{Request, Response, Transport};

pub mod checksum;
pub mod multipart;

/// Sends an S3 request, signed, with retries; S3's XML errors become typed errors.
pub async fn send<T: Transport>(
    ctx: &signed_call::SignedCall<'_, T>,
    request: Request,
    hash: PayloadHash,
) -> Result<Response> {
    ctx.send(request, hash, parse_error).await
}

/// Where the bucket is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bucket {
    /// The bucket name.
    pub name: String,
    /// `https://s3.<region>.amazonaws.com` or a custom endpoint.
    pub endpoint: String,
    /// Virtual-hosted URLs (`https://<bucket>.s3.<region>.amazonaws.com/<key>`); path-style
    /// (`<endpoint>/<bucket>/<key>`) otherwise, as for emulators and dotted bucket names.
    pub virtual_host: bool,
}

/// S3's limit on user metadata: the bytes of every name and value together (S3 answers
/// `MetadataTooLarge` beyond it).
pub const MAX_METADATA_BYTES: usize = 2048;

/// What a copy gets instead of its source's: a content type (if any) and the metadata.
pub type Replace<'a> = (Option<&'a str>, &'a [(String, String)]);

/// The most one upload (a PUT or a POST) can carry: 5 GiB.
pub const MAX_POST_BYTES: u64 = 5 * 1024 * 1024 * 1024;

/// What a presigned POST lets its holder upload.
#[derive(Clone, Copy, Debug)]
pub struct PostPolicy<'a> {
    /// The key (already scoped), or the prefix every key must start with.
    pub key: PostKey<'a>,
    /// The smallest and largest body, in bytes.
    pub content_length: (u64, u64),
    /// The one `Content-Type` the upload must have, if any.
    pub content_type: Option<&'a str>,
    /// When the form stops working, ms since the epoch.
    pub expires_at_ms: f64,
}

/// The key condition of a presigned POST.
#[derive(Clone, Copy, Debug)]
pub enum PostKey<'a> {
    /// This key only.
    Exact(&'a str),
    /// Any key under this prefix; the form names `<prefix>${filename}`.
    StartsWith(&'a str),
}

/// Decodes `%XX` escapes (and, with `plus_is_space`, `+`), refusing malformed ones.
pub fn decode(s: &str, plus_is_space: bool) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let escape = bytes
                    .get(i + 1..i + 3)
                    .ok_or_else(|| Error::protocol("a truncated %-escape in an S3 key"))?;
                match (text::hex_value(escape[0]), text::hex_value(escape[1])) {
                    (Some(high), Some(low)) => out.push(high << 4 | low),
                    _ => return Err(Error::protocol("a bad %-escape in an S3 key")),
                }
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| Error::protocol("an S3 key that is not UTF-8"))
}

/// The full key for `key` under the caller's prefix, or the key itself with the bypass; refuses
/// what would leave the prefix.
pub fn scoped_key(identity_id: &str, key: &str, scope: ScopeCheck) -> Result<String> {
    if key.is_empty() {
        return Err(Error::invalid_input("key", "the object key is empty"));
    }
    // Added, not subtracted: an identity id of 1024 bytes or more must not underflow.
    if key.len() + identity_id.len() + 1 > 1024 {
        return Err(Error::invalid_input(
            "key",
            "the object key is longer than S3's 1024 bytes",
        ));
    }
    if key
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return Err(Error::invalid_input(
            "key",
            format!(
                "the object key {} has a '.' or '..' segment, which a URL would resolve",
                crate::codec::json::quoted(key)
            ),
        ));
    }
    match scope {
        ScopeCheck::UnscopedForDemoOnly => Ok(key.to_owned()),
        ScopeCheck::Enforce => {
            let prefix = format!("{identity_id}/");
            if key.starts_with('/') {
                return Err(Error::invalid_input(
                    "key",
                    "the object key starts with '/': keys are relative to your prefix",
                ));
            }
            // A key already under the caller's prefix is accepted as is; any other id is refused.
            if let Some(rest) = key.strip_prefix(&prefix) {
                return Ok(format!("{prefix}{rest}"));
            }
            if looks_like_identity_id(key.split('/').next().unwrap_or("")) {
                return Err(Error::out_of_scope(
                    "key",
                    format!(
                        "the object key {} is under another identity's prefix; yours is {}",
                        crate::codec::json::quoted(key),
                        crate::codec::json::quoted(&prefix)
                    ),
                ));
            }
            Ok(format!("{prefix}{key}"))
        }
    }
}

impl Bucket {
    /// The URL of `full_key` (already scoped), encoded for the wire and the signature alike.
    pub fn object_url(&self, full_key: &str) -> String {
        self.url(&text::percent_encode(full_key, true))
    }

    fn url(&self, encoded_path: &str) -> String {
        if self.virtual_host {
            // The bucket name goes in front of the host: https://<bucket>.<host>/<key>.
            match text::split_once(&self.endpoint, "://") {
                Some((scheme, host)) => format!("{scheme}://{}.{host}/{encoded_path}", self.name),
                None => format!("{}/{encoded_path}", self.endpoint),
            }
        } else {
            format!(
                "{}/{}/{}",
                self.endpoint,
                text::percent_encode(&self.name, false),
                encoded_path
            )
        }
    }

    /// `PutObject`: `body` with its content type and user metadata (`x-amz-meta-*`, checked as
    /// [`metadata_headers`] says).
    pub fn put_request(
        &self,
        full_key: &str,
        body: Vec<u8>,
        content_type: Option<&str>,
        metadata: &[(String, String)],
    ) -> Result<Request> {
        let mut headers = vec![(
            "content-type".to_owned(),
            content_type
                .unwrap_or("application/octet-stream")
                .to_owned(),
        )];
        headers.extend(metadata_headers(metadata)?);
        Ok(Request {
            method: "PUT".into(),
            url: self.object_url(full_key),
            headers,
            body,
        })
    }

    /// `CopyObject` of `source` (a full key of this bucket) to `destination`; with
    /// `replace` (a content type and metadata) the copy gets them instead of the source's.
    pub fn copy_request(
        &self,
        source: &str,
        destination: &str,
        replace: Option<Replace<'_>>,
    ) -> Result<Request> {
        // `/<bucket>/<key>`, URL-encoded as S3 decodes it.
        let copy_source = format!(
            "/{}/{}",
            text::percent_encode(&self.name, false),
            text::percent_encode(source, true)
        );
        let mut headers = vec![("x-amz-copy-source".to_owned(), copy_source)];
        if let Some((content_type, metadata)) = replace {
            headers.push(("x-amz-metadata-directive".to_owned(), "REPLACE".to_owned()));
            if let Some(t) = content_type {
                headers.push(("content-type".to_owned(), t.to_owned()));
            }
            headers.extend(metadata_headers(metadata)?);
        }
        Ok(Request {
            method: "PUT".into(),
            url: self.object_url(destination),
            headers,
            body: Vec::new(),
        })
    }

    /// A presigned browser POST upload to this bucket ([`PostPolicy`]), signed by `signing`:
    /// the URL to POST a `multipart/form-data` body to, and the form's fields in order (the
    /// file goes last, as the field `file`).
    pub fn presigned_post(
        &self,
        policy: &PostPolicy<'_>,
        signing: &sigv4::PostPolicySigning<'_>,
        session_token: Option<&str>,
    ) -> Result<(String, Vec<(String, String)>)> {
        let (min, max) = policy.content_length;
        if min > max || max > MAX_POST_BYTES {
            return Err(Error::invalid_input(
                "contentLengthRange",
                format!("the range must be [min, max] with 0 <= min <= max <= {MAX_POST_BYTES} (S3's most for one upload)"),
            ));
        }
        let credential = signing.credential();
        let mut fields: Vec<(String, String)> = Vec::with_capacity(8);
        let mut conditions = vec![format!("{{\"bucket\":{}}}", json::quoted(&self.name))];
        match policy.key {
            PostKey::Exact(key) => {
                fields.push(("key".into(), key.to_owned()));
                conditions.push(format!("{{\"key\":{}}}", json::quoted(key)));
            }
            PostKey::StartsWith(prefix) => {
                // S3 puts the uploaded file's name in place of ${filename}.
                fields.push(("key".into(), format!("{prefix}${{filename}}")));
                conditions.push(format!(
                    "[\"starts-with\",\"$key\",{}]",
                    json::quoted(prefix)
                ));
            }
        }
        conditions.push(format!("[\"content-length-range\",{min},{max}]"));
        if let Some(t) = policy.content_type {
            fields.push(("Content-Type".into(), t.to_owned()));
            conditions.push(format!("{{\"Content-Type\":{}}}", json::quoted(t)));
        }
        let mut signed = vec![
            ("x-amz-algorithm", signing.algorithm().to_owned()),
            ("x-amz-credential", credential),
            ("x-amz-date", signing.amz_date().to_owned()),
        ];
        if let Some(token) = session_token {
            signed.push(("x-amz-security-token", token.to_owned()));
        }
        for (name, value) in signed {
            conditions.push(format!(
                "{{{}:{}}}",
                json::quoted(name),
                json::quoted(&value)
            ));
            fields.push((name.to_owned(), value));
        }
        let document = zeroize::Zeroizing::new(format!(
            "{{\"expiration\":{},\"conditions\":[{}]}}",
            json::quoted(&clock::iso_date(policy.expires_at_ms)),
            text::join(&conditions, ",")
        ));
        let encoded = text::Base64::Standard.encode(document.as_bytes());
        let signature = signing.sign(&encoded)?;
        fields.push(("policy".into(), encoded));
        fields.push(("x-amz-signature".into(), signature));
        Ok((self.url(""), fields))
    }

    /// `GetObject`, optionally a byte range (`bytes=0-99`).
    pub fn get_request(&self, full_key: &str, range: Option<&str>) -> Request {
        let headers = range
            .map(|r| vec![("range".to_owned(), r.to_owned())])
            .unwrap_or_default();
        Request {
            method: "GET".into(),
            url: self.object_url(full_key),
            headers,
            body: vec![],
        }
    }

    /// `HeadObject`.
    pub fn head_request(&self, full_key: &str) -> Request {
        Request {
            method: "HEAD".into(),
            url: self.object_url(full_key),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// `DeleteObject`.
    pub fn delete_request(&self, full_key: &str) -> Request {
        Request {
            method: "DELETE".into(),
            url: self.object_url(full_key),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// `ListObjectsV2` of keys starting with `prefix` (already scoped).
    pub fn list_request(
        &self,
        prefix: &str,
        continuation: Option<&str>,
        max_keys: Option<u32>,
        delimiter: Option<&str>,
    ) -> Request {
        // Query parameters sorted by name, as the canonical request has them.
        let mut query = vec![];
        if let Some(token) = continuation {
            query.push(format!(
                "continuation-token={}",
                text::percent_encode(token, false)
            ));
        }
        if let Some(d) = delimiter {
            query.push(format!("delimiter={}", text::percent_encode(d, false)));
        }
        query.push("encoding-type=url".to_owned());
        query.push("list-type=2".to_owned());
        if let Some(n) = max_keys {
            query.push(format!("max-keys={}", n.clamp(1, 1000)));
        }
        query.push(format!("prefix={}", text::percent_encode(prefix, false)));
        let base = if self.virtual_host {
            self.url("")
        } else {
            format!(
                "{}/{}",
                self.endpoint,
                text::percent_encode(&self.name, false)
            )
        };
        Request {
            method: "GET".into(),
            url: format!("{base}?{}", text::join(&query, "&")),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
}

/// User metadata as `x-amz-meta-*` headers: names of letters, digits, `-` and `_`, distinct
/// ignoring case; values of printable ASCII; at most 2 KB of both together, as S3 keeps.
fn metadata_headers(metadata: &[(String, String)]) -> Result<Vec<(String, String)>> {
    let size: usize = metadata.iter().map(|(n, v)| n.len() + v.len()).sum();
    if size > MAX_METADATA_BYTES {
        return Err(Error::invalid_input(
            "metadata",
            format!(
                "the metadata is {size} bytes; S3 keeps at most {MAX_METADATA_BYTES} \
                 (names and values together)"
            ),
        ));
    }
    let mut headers = Vec::with_capacity(metadata.len());
    for (i, (name, value)) in metadata.iter().enumerate() {
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(Error::invalid_input(
                "metadata",
                format!(
                    "metadata name {} must be letters, digits, '-' or '_'",
                    crate::codec::json::quoted(name)
                ),
            ));
        }
        if !value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Err(Error::invalid_input(
                "metadata",
                format!(
                    "metadata {} must be printable ASCII (S3 sends it as a header)",
                    crate::codec::json::quoted(name)
                ),
            ));
        }
        // Header names are case-insensitive: two names that differ only in case would be
        // one header to fetch and two to the signature.
        if let Some((earlier, _)) = metadata[..i]
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            return Err(Error::invalid_input(
                "metadata",
                format!(
                    "metadata names {} and {} are the same name to S3, which ignores case",
                    crate::codec::json::quoted(earlier),
                    crate::codec::json::quoted(name)
                ),
            ));
        }
        headers.push((
            format!("x-amz-meta-{}", name.to_ascii_lowercase()),
            value.clone(),
        ));
    }
    Ok(headers)
}

/// One object of a listing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectInfo {
    /// The full key.
    pub key: String,
    /// Bytes.
    pub size: u64,
    /// The ETag, quotes included, as S3 gives it.
    pub etag: String,
    /// ISO 8601.
    pub last_modified: String,
}

/// A page of `ListObjectsV2`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// The objects.
    pub objects: Vec<ObjectInfo>,
    /// Common prefixes, with a delimiter.
    pub prefixes: Vec<String>,
    /// Where the next page starts, if there is one.
    pub next_continuation_token: Option<String>,
}

/// The text of each `<tag>...</tag>` element directly in `xml` (no nesting of the same tag).
fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    // Indices come from matches of whole ASCII tags, so they are char boundaries; `get` keeps
    // core's slice-error formatter out of the wasm.
    while let Some(start) = text::find(rest, &open) {
        let Some((element, after)) = rest
            .get(start + open.len()..)
            .and_then(|after| text::split_once(after, &close))
        else {
            break;
        };
        out.push(element);
        rest = after;
    }
    out
}

fn element<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    elements(xml, tag).into_iter().next()
}

/// XML character data to text.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some((before, after)) = rest.split_once('&') {
        out.push_str(before);
        let Some((entity, past)) = after.split_once(';') else {
            out.push('&');
            out.push_str(after);
            return out;
        };
        let ch = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = past;
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads a `ListObjectsV2` answer (requested with `encoding-type=url`).
pub fn read_listing(response: &Response) -> Result<Listing> {
    let xml = std::str::from_utf8(&response.body)
        .map_err(|_| Error::protocol("the S3 listing is not UTF-8"))?;
    if !text::contains(xml, "<ListBucketResult") {
        return Err(Error::protocol("the S3 listing is not a ListBucketResult"));
    }
    let url_encoded = element(xml, "EncodingType").is_some_and(|e| e.trim() == "url");
    let key = |raw: &str| -> Result<String> {
        let text = unescape(raw);
        if url_encoded {
            decode(&text, true)
        } else {
            Ok(text)
        }
    };
    let mut listing = Listing::default();
    for contents in elements(xml, "Contents") {
        listing.objects.push(ObjectInfo {
            key: key(element(contents, "Key").unwrap_or_default())?,
            size: element(contents, "Size")
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(0),
            etag: unescape(element(contents, "ETag").unwrap_or_default()),
            last_modified: unescape(element(contents, "LastModified").unwrap_or_default()),
        });
    }
    for common in elements(xml, "CommonPrefixes") {
        listing
            .prefixes
            .push(key(element(common, "Prefix").unwrap_or_default())?);
    }
    let truncated = element(xml, "IsTruncated").is_some_and(|t| t.trim() == "true");
    listing.next_continuation_token = element(xml, "NextContinuationToken")
        .filter(|_| truncated)
        .map(unescape);
    Ok(listing)
}

/// The ETag of a `CopyObject` answer. S3 may answer a copy with 200 and an `<Error>` body (a
/// failure after the copy started): that is the error it names, as the AWS SDKs read it.
pub fn read_copy(response: &Response) -> Result<Option<String>> {
    error_in_200(response)?;
    let xml = std::str::from_utf8(&response.body).unwrap_or("");
    // `<CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`, as S3 sends it.
    if !text::contains(xml, "<CopyObjectResult") {
        return Err(Error::protocol(
            "S3 answered a copy without a CopyObjectResult",
        ));
    }
    Ok(element(xml, "ETag").map(unescape))
}

/// The error in an answer S3 gave with 200 and an `<Error>` body (CopyObject and
/// CompleteMultipartUpload may fail after the status went out).
fn error_in_200(response: &Response) -> Result<()> {
    let xml = std::str::from_utf8(&response.body).unwrap_or("");
    match element(xml, "Error") {
        Some(_) => Err(parse_error(response)),
        None => Ok(()),
    }
}

/// The error an S3 answer describes: `<Error><Code>` when there is a body, else by status
/// (HEAD answers have none).
pub fn parse_error(response: &Response) -> Error {
    let xml = std::str::from_utf8(&response.body).unwrap_or("");
    let request_id = response
        .request_id()
        .or_else(|| element(xml, "RequestId").map(unescape));
    let code = element(xml, "Code").map(unescape).unwrap_or_else(|| {
        match response.status {
            404 => "NotFound",
            403 => "Forbidden",
            412 => "PreconditionFailed",
            416 => "InvalidRange",
            _ => "",
        }
        .to_owned()
    });
    let message = element(xml, "Message")
        .map(unescape)
        .unwrap_or_else(|| format!("S3 answered HTTP {}", response.status));
    Error::service(&code, message, response.status, request_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "us-east-1:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";

    fn local() -> Bucket {
        Bucket {
            name: "apiless-demo".into(),
            endpoint: "http://127.0.0.1:4566".into(),
            virtual_host: false,
        }
    }

    #[test]
    fn keys_decode_as_s3_encodes_them() {
        assert_eq!(decode("a%20b%2Bc+d", true).unwrap(), "a b+c d");
        assert_eq!(decode("%C3%BC%F0%9F%99%82", false).unwrap(), "ü🙂");
        assert!(
            decode("%zz", false).is_err()
                && decode("%4", false).is_err()
                && decode("%FF", false).is_err()
        );
    }

    #[test]
    fn an_escape_is_a_percent_and_two_hex_digits() {
        // u8::from_str_radix would take "+1" (and Rust strings cannot be sliced inside "é").
        for bad in ["%+1", "%+F", "%-1", "% 1", "%1 ", "%é", "%aé", "%", "a%"] {
            let e = decode(bad, true).unwrap_err();
            assert_eq!(e.kind, crate::ErrorKind::Protocol, "{bad:?}");
        }
        assert_eq!(decode("%41%6a%6A", false).unwrap(), "Ajj");
    }

    #[test]
    fn urls_are_path_style_or_virtual_hosted() {
        assert_eq!(
            local().object_url(&format!("{ID}/notes/a b.txt")),
            "http://127.0.0.1:4566/apiless-demo/us-east-1%3A0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9/notes/a%20b.txt"
        );
        let aws = Bucket {
            name: "my-bucket".into(),
            endpoint: "https://s3.us-east-1.amazonaws.com".into(),
            virtual_host: true,
        };
        assert_eq!(
            aws.object_url("k"),
            "https://my-bucket.s3.us-east-1.amazonaws.com/k"
        );
        assert_eq!(aws.list_request("p/", None, None, None).url, "https://my-bucket.s3.us-east-1.amazonaws.com/?encoding-type=url&list-type=2&prefix=p%2F");
    }

    #[test]
    fn the_scope_guard_keeps_keys_under_the_callers_prefix() {
        assert_eq!(
            scoped_key(ID, "notes/a.txt", ScopeCheck::Enforce).unwrap(),
            format!("{ID}/notes/a.txt")
        );
        assert_eq!(
            scoped_key(ID, &format!("{ID}/x"), ScopeCheck::Enforce).unwrap(),
            format!("{ID}/x")
        );
        let other = "us-east-1:11111111-2222-3333-4444-555555555555/x";
        let e = scoped_key(ID, other, ScopeCheck::Enforce).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::OutOfScope);
        assert!(e.message.contains(ID), "{}", e.message);
        assert_eq!(
            scoped_key(ID, other, ScopeCheck::UnscopedForDemoOnly).unwrap(),
            other
        );
        for bad in ["", "/abs", "../other", "a/../b", "./a", "a/."] {
            assert!(scoped_key(ID, bad, ScopeCheck::Enforce).is_err(), "{bad}");
        }
        assert!(
            scoped_key(ID, "a..b/c.d", ScopeCheck::Enforce).is_ok(),
            "dots inside names are fine"
        );
    }

    #[test]
    fn an_identity_id_too_long_for_any_key_is_refused_not_a_panic() {
        for id_len in [1023, 1024, 5000] {
            let e = scoped_key(&"x".repeat(id_len), "k", ScopeCheck::Enforce).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("key"));
        }
        let key = "k".repeat(1024 - ID.len() - 1);
        assert!(scoped_key(ID, &key, ScopeCheck::Enforce).is_ok());
        assert!(scoped_key(ID, &format!("{key}k"), ScopeCheck::Enforce).is_err());
    }

    #[test]
    fn requests_carry_metadata_ranges_and_sorted_queries() {
        let r = local()
            .put_request(
                "k",
                b"hi".to_vec(),
                Some("text/plain"),
                &[("Owner".into(), "alice".into())],
            )
            .unwrap();
        assert_eq!(r.method, "PUT");
        assert!(r
            .headers
            .contains(&("x-amz-meta-owner".into(), "alice".into())));
        assert!(local()
            .put_request("k", vec![], None, &[("bad name".into(), "v".into())])
            .is_err());
        assert!(local()
            .put_request("k", vec![], None, &[("n".into(), "é".into())])
            .is_err());
        // Names that differ only in case are one header.
        let e = local()
            .put_request(
                "k",
                vec![],
                None,
                &[("Owner".into(), "a".into()), ("oWNER".into(), "b".into())],
            )
            .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("metadata"));
        assert!(e.message.contains(r#""Owner" and "oWNER""#), "{e}");
        // 2 KB of names and values: at the limit is fine, one byte more is refused.
        let at_limit = [("n".to_owned(), "v".repeat(MAX_METADATA_BYTES - 1))];
        assert!(local().put_request("k", vec![], None, &at_limit).is_ok());
        let over = [
            ("n".to_owned(), "v".repeat(MAX_METADATA_BYTES - 1)),
            ("m".to_owned(), String::new()),
        ];
        let e = local().put_request("k", vec![], None, &over).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("metadata"));
        assert!(e.message.contains("2049 bytes"), "{e}");
        assert_eq!(
            local().get_request("k", Some("bytes=0-9")).headers,
            vec![("range".into(), "bytes=0-9".into())]
        );
        let l = local().list_request(&format!("{ID}/"), Some("tok/="), Some(5000), None);
        assert_eq!(
            l.url,
            "http://127.0.0.1:4566/apiless-demo?continuation-token=tok%2F%3D&encoding-type=url&list-type=2&max-keys=1000&prefix=us-east-1%3A0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9%2F"
        );
    }

    #[test]
    fn listings_are_read_with_url_encoded_keys() {
        // Shape from the S3 API reference, ListObjectsV2 with EncodingType=url.
        let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>p%2F</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
<Contents><Key>p/a+b%26c.txt</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>&quot;abc&quot;</ETag><Size>5</Size><StorageClass>STANDARD</StorageClass></Contents>
<Contents><Key>p/%F0%9F%99%82</Key><LastModified>2026-01-01T00:00:01.000Z</LastModified><ETag>"def"</ETag><Size>0</Size></Contents>
<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken></ListBucketResult>"#;
        let l = read_listing(&Response {
            status: 200,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        })
        .unwrap();
        assert_eq!(l.objects.len(), 2);
        assert_eq!(l.objects[0].key, "p/a b&c.txt");
        assert_eq!(l.objects[0].etag, "\"abc\"");
        assert_eq!(l.objects[0].size, 5);
        assert_eq!(l.objects[1].key, "p/🙂");
        assert_eq!(
            l.next_continuation_token.as_deref(),
            Some("1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
        );
        assert!(read_listing(&Response {
            status: 200,
            headers: vec![],
            body: b"<x/>".to_vec()
        })
        .is_err());
    }

    #[test]
    fn errors_come_from_the_xml_or_the_status() {
        let body = b"<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><RequestId>R1</RequestId></Error>";
        let e = parse_error(&Response {
            status: 404,
            headers: vec![],
            body: body.to_vec(),
        });
        assert_eq!(
            (e.code.as_str(), e.request_id.as_deref()),
            ("NoSuchKey", Some("R1"))
        );
        let e = parse_error(&Response {
            status: 403,
            headers: vec![("x-amz-request-id".into(), "R2".into())],
            body: vec![],
        });
        assert_eq!(
            (e.code.as_str(), e.request_id.as_deref(), e.retryable),
            ("Forbidden", Some("R2"), false)
        );
        let e = parse_error(&Response {
            status: 503,
            headers: vec![],
            body: b"<Error><Code>SlowDown</Code></Error>".to_vec(),
        });
        assert!(e.retryable);
    }

    #[test]
    fn entities_unescape() {
        assert_eq!(
            unescape("a&amp;b&lt;&gt;&quot;&apos;&#65;&#x42;&bogus;&"),
            "a&b<>\"'AB&bogus;&"
        );
    }
    #[test]
    fn a_copy_names_its_source_encoded_and_may_replace_the_metadata() {
        let b = local();
        let r = b
            .copy_request(&format!("{ID}/a b+c.txt"), &format!("{ID}/d.txt"), None)
            .unwrap();
        assert_eq!(r.method, "PUT");
        assert_eq!(
            r.url,
            "http://127.0.0.1:4566/apiless-demo/us-east-1%3A0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9/d.txt"
        );
        assert_eq!(
            r.headers,
            vec![(
                "x-amz-copy-source".to_owned(),
                "/apiless-demo/us-east-1%3A0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9/a%20b%2Bc.txt"
                    .to_owned()
            )]
        );
        let meta = vec![("Album".to_owned(), "cats".to_owned())];
        let r = b
            .copy_request("s", "d", Some((Some("image/png"), &meta)))
            .unwrap();
        assert_eq!(
            &r.headers[1..],
            &[
                ("x-amz-metadata-directive".to_owned(), "REPLACE".to_owned()),
                ("content-type".to_owned(), "image/png".to_owned()),
                ("x-amz-meta-album".to_owned(), "cats".to_owned()),
            ]
        );
        let bad = vec![("a b".to_owned(), "x".to_owned())];
        assert!(b.copy_request("s", "d", Some((None, &bad))).is_err());
    }

    #[test]
    fn a_copy_answer_gives_its_etag_or_the_error_s3_put_in_a_200() {
        let answer = |body: &str| Response {
            status: 200,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        };
        let ok = answer("<?xml version=\"1.0\"?><CopyObjectResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LastModified>2026-12-07T00:00:00.000Z</LastModified><ETag>&quot;abc&quot;</ETag></CopyObjectResult>");
        assert_eq!(read_copy(&ok).unwrap().as_deref(), Some("\"abc\""));
        let failed = answer("<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message><RequestId>R1</RequestId></Error>");
        let e = read_copy(&failed).unwrap_err();
        assert_eq!(e.code, "InternalError");
        assert!(e.retryable, "S3 asks for the copy again");
        assert!(read_copy(&answer("")).is_err());
    }
    /// A presigned POST's fields, its policy decoded, and the signature checked against
    /// aws-sigv4's own signing key and HMAC (an independent derivation from the secret).
    #[test]
    fn a_presigned_post_carries_a_policy_signed_as_s3_checks_it() {
        use crate::aws::credentials::Credentials;
        let credentials = Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: Some("token/with+chars=".into()),
            expires_at_ms: 0,
            signing_key: Default::default(),
        };
        let time_ms = 1_796_601_600_000.0; // 2026-12-07T00:00:00Z
        let scope = sigv4::Scope {
            service: "s3",
            region: "us-east-1",
            time_ms,
        };
        let signing = sigv4::PostPolicySigning::new(&credentials, &scope).unwrap();
        let prefix = format!("{ID}/uploads/");
        let policy = PostPolicy {
            key: PostKey::StartsWith(&prefix),
            content_length: (1, 1_048_576),
            content_type: Some("image/png"),
            expires_at_ms: time_ms + 300_000.0,
        };
        let (url, fields) = local()
            .presigned_post(&policy, &signing, credentials.session_token.as_deref())
            .unwrap();
        assert_eq!(url, "http://127.0.0.1:4566/apiless-demo/");
        let field = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .unwrap()
        };
        let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "key",
                "Content-Type",
                "x-amz-algorithm",
                "x-amz-credential",
                "x-amz-date",
                "x-amz-security-token",
                "policy",
                "x-amz-signature"
            ]
        );
        assert_eq!(field("key"), format!("{prefix}${{filename}}"));
        assert_eq!(
            field("x-amz-credential"),
            "ASIAEXAMPLE/20261207/us-east-1/s3/aws4_request"
        );
        assert_eq!(field("x-amz-date"), "20261207T000000Z");
        let document = text::Base64::Standard.decode(field("policy")).unwrap();
        let document: serde_json::Value = serde_json::from_slice(&document).unwrap();
        assert_eq!(
            document,
            serde_json::json!({
                "expiration": "2026-12-07T00:05:00Z",
                "conditions": [
                    {"bucket": "apiless-demo"},
                    ["starts-with", "$key", prefix],
                    ["content-length-range", 1, 1_048_576],
                    {"Content-Type": "image/png"},
                    {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
                    {"x-amz-credential": "ASIAEXAMPLE/20261207/us-east-1/s3/aws4_request"},
                    {"x-amz-date": "20261207T000000Z"},
                    {"x-amz-security-token": "token/with+chars="},
                ]
            })
        );
        let key = aws_sigv4::sign::v4::generate_signing_key(
            &credentials.secret_access_key,
            std::time::UNIX_EPOCH + std::time::Duration::from_millis(time_ms as u64),
            "us-east-1",
            "s3",
        );
        let expected = aws_sigv4::sign::v4::calculate_signature(key, field("policy").as_bytes());
        assert_eq!(field("x-amz-signature"), expected);

        // An exact key; the range is checked.
        let exact = format!("{ID}/a.txt");
        let (_, fields) = local()
            .presigned_post(
                &PostPolicy {
                    key: PostKey::Exact(&exact),
                    content_length: (0, 10),
                    content_type: None,
                    expires_at_ms: time_ms,
                },
                &signing,
                None,
            )
            .unwrap();
        assert_eq!(fields[0], ("key".to_owned(), exact.clone()));
        assert!(!fields.iter().any(|(n, _)| n == "x-amz-security-token"));
        for range in [(11, 10), (0, MAX_POST_BYTES + 1)] {
            let e = local()
                .presigned_post(
                    &PostPolicy {
                        key: PostKey::Exact(&exact),
                        content_length: range,
                        content_type: None,
                        expires_at_ms: time_ms,
                    },
                    &signing,
                    None,
                )
                .unwrap_err();
            assert_eq!(e.field.as_deref(), Some("contentLengthRange"));
        }
    }
}
