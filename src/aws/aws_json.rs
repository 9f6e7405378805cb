//! The AWS JSON protocol: a `POST /` with `X-Amz-Target: <Service>.<Operation>`, a JSON body,
//! and errors as `{"__type": "...#NotAuthorizedException", "message": "..."}`.
//!
//! Cognito speaks JSON 1.1, DynamoDB JSON 1.0. This module builds the request, reads the
//! answer and, for the unsigned Cognito calls ([`call`]), retries transient failures with the
//! standard policy; signing, when a service needs it, is the caller's (`signed_call`).

use zeroize::{Zeroize, Zeroizing};

use crate::codec::json::Json;
use crate::error::{Error, Result};
use crate::http::retry::{self, Policy};
use crate::http::{Request, Response, Transport};

/// The two versions of the protocol, which differ only in content type here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// `application/x-amz-json-1.0` (DynamoDB).
    V1_0,
    /// `application/x-amz-json-1.1` (Cognito).
    V1_1,
}

impl Version {
    /// The `Content-Type` of requests.
    pub fn content_type(self) -> &'static str {
        match self {
            Version::V1_0 => "application/x-amz-json-1.0",
            Version::V1_1 => "application/x-amz-json-1.1",
        }
    }
}

/// Builds the request for operation `target` (`AWSCognitoIdentityProviderService.InitiateAuth`).
pub fn request(endpoint: &str, version: Version, target: &str, body: &Json) -> Request {
    Request {
        method: "POST".to_owned(),
        url: format!("{endpoint}/"),
        headers: vec![
            ("content-type".to_owned(), version.content_type().to_owned()),
            ("x-amz-target".to_owned(), target.to_owned()),
        ],
        body: body.to_text().into_bytes(),
    }
}

/// Reads a response: the JSON body of a 2xx, or the [`Error`] AWS described.
pub fn read(response: &Response) -> Result<Json> {
    if !(200..300).contains(&response.status) {
        return Err(parse_error(response));
    }
    if response.body.is_empty() {
        return Ok(Json::Object(Default::default()));
    }
    Json::parse(&response.body).map_err(|_| {
        Error::protocol(format!(
            "the service answered HTTP {} with a body that is not JSON ({} bytes)",
            response.status,
            response.body.len()
        ))
    })
}

/// The [`Error`] an AWS JSON error response describes.
pub fn parse_error(response: &Response) -> Error {
    let body = Json::parse(&response.body).unwrap_or_default();
    let type_field = body
        .get("__type")
        .or_else(|| body.get("code"))
        .and_then(Json::as_str)
        .or_else(|| response.header("x-amzn-errortype"))
        .unwrap_or("");
    let code = exception_name(type_field);
    let message = body
        .get("message")
        .or_else(|| body.get("Message"))
        .and_then(Json::as_str)
        .map(first_paragraph)
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| format!("the service answered HTTP {}", response.status));
    Error::service(code, message, response.status, response.request_id())
}

/// A service message up to its first blank line and before any quoted signing text. AWS's
/// `InvalidSignatureException` goes on with "The Canonical String for this request should have
/// been ..." and "The String-to-Sign should have been ...", which quote the signed headers,
/// the session token among them; the first sentence says all an app needs.
pub fn first_paragraph(message: &str) -> String {
    let mut end = message.len();
    for stop in [
        "\n\n",
        "\r\n\r\n",
        "The Canonical String",
        "The String-to-Sign",
    ] {
        if let Some(at) = crate::codec::text::find(message, stop) {
            end = end.min(at);
        }
    }
    message.get(..end).unwrap_or(message).trim_end().to_owned()
}

/// `com.amazonaws.cognito#NotAuthorizedException:http://...` -> `NotAuthorizedException`.
pub fn exception_name(type_field: &str) -> &str {
    let name = type_field.rsplit('#').next().unwrap_or(type_field);
    name.split(':').next().unwrap_or(name).trim()
}

/// Sends one operation and reads its answer. Cognito's answers carry secrets (tokens, the
/// credentials' secret key and session token), so the response body is wiped once read, and
/// the answer is wiped when the caller drops it.
pub async fn call<T: Transport>(
    transport: &T,
    endpoint: &str,
    version: Version,
    target: &str,
    body: &Json,
) -> Result<Zeroizing<Json>> {
    // Retried as the AWS SDKs retry every call: network faults, throttling and 5xx, with the
    // standard policy's jittered backoff.
    retry::run(
        Policy::STANDARD,
        |_| async {
            let mut response = transport
                .send(request(endpoint, version, target, body))
                .await?;
            let answer = read(&response).map(Zeroizing::new);
            response.body.zeroize();
            answer
        },
        |ms| transport.pause(ms),
        || transport.jitter(),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    fn response(status: u16, body: &str) -> Response {
        Response {
            status,
            headers: vec![("x-amzn-requestid".into(), "req-1".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn requests_carry_target_and_content_type() {
        let r = request(
            "http://h:1",
            Version::V1_1,
            "AWSCognitoIdentityProviderService.InitiateAuth",
            &json!({"a": 1}),
        );
        assert_eq!(r.method, "POST");
        assert_eq!(r.url, "http://h:1/");
        assert!(r
            .headers
            .contains(&("content-type".into(), "application/x-amz-json-1.1".into())));
        assert!(r.headers.contains(&(
            "x-amz-target".into(),
            "AWSCognitoIdentityProviderService.InitiateAuth".into()
        )));
        assert_eq!(r.body, br#"{"a":1}"#);
    }

    #[test]
    fn error_names_are_taken_from_every_form_aws_uses() {
        assert_eq!(
            exception_name("NotAuthorizedException"),
            "NotAuthorizedException"
        );
        assert_eq!(
            exception_name("com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"),
            "ConditionalCheckFailedException"
        );
        assert_eq!(
            exception_name("ResourceNotFoundException:http://internal.amazon.com/coral/"),
            "ResourceNotFoundException"
        );
    }

    #[test]
    fn error_responses_become_typed_errors() {
        let e = read(&response(
            400,
            r#"{"__type":"NotAuthorizedException","message":"Incorrect username or password."}"#,
        ))
        .unwrap_err();
        assert_eq!(e.code, "NotAuthorizedException");
        assert_eq!(e.message, "Incorrect username or password.");
        assert_eq!(e.http_status, Some(400));
        assert_eq!(e.request_id.as_deref(), Some("req-1"));
        assert!(!e.retryable);

        let e = read(&response(503, "<html>Service Unavailable</html>")).unwrap_err();
        assert_eq!(e.code, "ServiceError");
        assert!(e.retryable);

        let e = read(&response(400, r#"{"__type":"com.amazon.coral.availability#ThrottlingException","Message":"Rate exceeded"}"#)).unwrap_err();
        assert_eq!(e.code, "ThrottlingException");
        assert_eq!(e.message, "Rate exceeded");
        assert!(e.retryable);
    }

    #[test]
    fn signing_text_quoted_in_a_message_is_cut_off() {
        // As AWS words a signature mismatch (the quoted text shortened here).
        let aws = "The request signature we calculated does not match the signature you \
                   provided. Check your AWS Secret Access Key and signing method. Consult the \
                   service documentation for details.\n\nThe Canonical String for this request \
                   should have been\n'POST\n/\n\nx-amz-security-token:TOKEN\n'\n\nThe \
                   String-to-Sign should have been\n'AWS4-HMAC-SHA256\n...'\n";
        let body =
            json!({"__type": "com.amazon.coral.service#InvalidSignatureException", "message": aws});
        let e = read(&response(400, &body.to_text())).unwrap_err();
        assert_eq!(e.code, "InvalidSignatureException");
        assert_eq!(
            e.message,
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service \
             documentation for details."
        );
        for (message, first) in [
            ("one line", "one line"),
            ("a\r\n\r\nb", "a"),
            ("lead. The Canonical String for this request should have been 'x'", "lead."),
            ("The String-to-Sign should have been 'x'", ""),
            ("Signature expired: 20260101T000000Z is now earlier than 20260101T001500Z (20260101T002000Z - 15 min.)", "Signature expired: 20260101T000000Z is now earlier than 20260101T001500Z (20260101T002000Z - 15 min.)"),
        ] {
            assert_eq!(first_paragraph(message), first, "{message:?}");
        }
    }

    #[test]
    fn a_success_that_is_not_json_is_a_protocol_error() {
        assert_eq!(read(&response(200, "{}")).unwrap(), json!({}));
        assert_eq!(read(&response(200, "")).unwrap(), json!({}));
        assert_eq!(
            read(&response(200, "nope")).unwrap_err().kind,
            crate::ErrorKind::Protocol
        );
    }

    #[test]
    fn request_bodies_read_and_write_as_serde_json_does() {
        let value = serde_json::json!({
            "TableName": "Notes",
            "Limit": 25,
            "Ratio": -1.5e-7,
            "Flag": true,
            "Nothing": null,
            "Item": {"text": {"S": "quote \" backslash \\ nl \n cr \r tab \t bell \u{7} bs \u{8} ff \u{c} del \u{7f} é 日本 🎉 \u{0}"}},
            "List": [[], {}, [1, "a"]],
        });
        let text = value.to_string();
        assert_eq!(Json::parse(text.as_bytes()).unwrap().to_text(), text);
    }
}
