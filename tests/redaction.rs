//! No secret reaches an `Error`: a service that quotes what it was sent (AWS's signature
//! mismatch quotes the canonical request, signed headers and session token included) has that
//! text cut off, and any copy of the signing credentials removed, before the error is built.
//! Native: the transport answers as AWS does, from the request it was given.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use apiless::aws::credentials::Credentials;
use apiless::aws::signed_call;
use apiless::aws::sigv4::PayloadHash;
use apiless::clock::Clock;
use apiless::codec::json::Json;
use apiless::data::dynamodb::{self, Operation};
use apiless::data::s3;
use apiless::http::retry::Policy;
use apiless::http::{Request, Response};
use apiless::test_util::{block_on, Answer, ScriptedTransport};

const KEY_ID: &str = "ASIAREDACTIONTEST01";
const SECRET: &str = "redaction/Test+Secret/Key0123456789abcdefg";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEREDACTION/TEST+TOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==";
/// 2026-12-06T12:00:00Z.
const NOW_MS: f64 = 1_796_558_400_000.0;

fn credentials() -> Credentials {
    Credentials {
        access_key_id: KEY_ID.into(),
        secret_access_key: SECRET.into(),
        session_token: Some(TOKEN.into()),
        expires_at_ms: (NOW_MS + 3_600_000.0) as i64,
        signing_key: Default::default(),
    }
}

/// The canonical request as AWS quotes it back: the signed headers with their values.
fn quoted(request: &Request) -> String {
    let mut headers: Vec<String> = request
        .headers
        .iter()
        .filter(|(name, _)| name != "authorization")
        .map(|(name, value)| format!("{}:{value}", name.to_ascii_lowercase()))
        .collect();
    headers.sort();
    format!(
        "{}\n/\n\n{}\n\n{}\n{}",
        request.method,
        headers.join("\n"),
        "content-type;host;x-amz-date;x-amz-security-token;x-amz-target",
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    )
}

/// Answers every request as AWS answers a signature mismatch, quoting the request it got;
/// `protocol` is `json` (DynamoDB, JSON protocol) or `xml` (S3).
fn like_aws(protocol: &'static str) -> ScriptedTransport {
    ScriptedTransport::always(Answer::from_fn(move |request| {
        let quoted = quoted(request);
        assert!(
            quoted.contains(TOKEN),
            "the request was signed with the token"
        );
        let body = if protocol == "json" {
            let message = format!(
                "The request signature we calculated does not match the signature you provided. \
                 Check your AWS Secret Access Key and signing method. Consult the service \
                 documentation for details.\n\nThe Canonical String for this request should have \
                 been\n'{quoted}'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n\
                 20261206T120000Z\n20261206/us-east-1/dynamodb/aws4_request\n0123abcd'\n"
            );
            let mut body = apiless::codec::json::Map::new();
            body.insert(
                "__type".into(),
                "com.amazon.coral.service#InvalidSignatureException".into(),
            );
            body.insert("message".into(), message.into());
            Json::Object(body).to_text()
        } else {
            // S3 puts the canonical request and string to sign in elements of their own; this
            // one also quotes the token in its message, as no S3 is known to, to show that the
            // credentials are cut out whatever the element.
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code>\
                 <Message>The request signature we calculated does not match the signature you \
                 provided (token {TOKEN}, key {KEY_ID}).</Message><AWSAccessKeyId>{KEY_ID}</AWSAccessKeyId>\
                 <StringToSign>AWS4-HMAC-SHA256</StringToSign><CanonicalRequest>{quoted}</CanonicalRequest>\
                 <RequestId>R1</RequestId></Error>"
            )
        };
        Ok(Response {
            status: 403,
            headers: vec![("x-amzn-requestid".into(), "req-1".into())],
            body: body.into_bytes(),
        })
    }))
}

fn context<'a>(
    transport: &'a ScriptedTransport,
    clock: &'a Clock,
    credentials: &'a Credentials,
    service: &'a str,
) -> signed_call::SignedCall<'a, ScriptedTransport> {
    signed_call::SignedCall {
        transport,
        clock,
        now: &|| NOW_MS,
        credentials,
        region: "us-east-1",
        service,
        policy: Policy::DYNAMODB,
        jitter: &|| 0.5,
    }
}

/// Every text the error carries, as the JS `Error` shows them.
fn shown(e: &apiless::Error) -> String {
    format!("{e} {e:?} {}", e.message)
}

#[test]
fn a_dynamodb_signature_error_quoting_the_session_token_does_not_carry_it() {
    let transport = like_aws("json");
    let (clock, credentials) = (Clock::new(), credentials());
    let ctx = context(&transport, &clock, &credentials, "dynamodb");
    let mut body = apiless::codec::json::Map::new();
    body.insert("TableName".into(), "t".into());
    let e = block_on(dynamodb::call(
        &ctx,
        "https://dynamodb.us-east-1.amazonaws.com",
        Operation::GetItem,
        &Json::Object(body),
    ))
    .unwrap_err();
    assert_eq!(e.code, "InvalidSignatureException");
    assert_eq!(
        transport.requests().len(),
        1,
        "a signature mismatch is not retried"
    );
    let shown = shown(&e);
    assert!(
        !shown.contains(TOKEN),
        "the session token is in the error: {shown}"
    );
    assert!(
        !shown.contains(&TOKEN[..24]),
        "part of the token is in the error: {shown}"
    );
    assert!(!shown.contains(KEY_ID), "{shown}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(
        e.message
            .starts_with("The request signature we calculated does not match"),
        "{shown}"
    );
}

#[test]
fn an_s3_error_never_carries_the_credentials_whatever_it_quotes() {
    let transport = like_aws("xml");
    let (clock, credentials) = (Clock::new(), credentials());
    let ctx = context(&transport, &clock, &credentials, "s3");
    let request = Request {
        method: "GET".into(),
        url: "https://b.s3.us-east-1.amazonaws.com/us-east-1%3Aabc/k".into(),
        headers: vec![],
        body: vec![],
    };
    let e = block_on(s3::send(&ctx, request, PayloadHash::Unsigned)).unwrap_err();
    assert_eq!(e.code, "SignatureDoesNotMatch");
    let shown = shown(&e);
    assert!(
        !shown.contains(TOKEN),
        "the session token is in the error: {shown}"
    );
    assert!(!shown.contains(KEY_ID), "{shown}");
    assert!(
        !shown.contains("x-amz-date:"),
        "the canonical request is quoted: {shown}"
    );
    assert!(shown.contains("** redacted **"), "{shown}");
}
