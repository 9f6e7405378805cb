//! Signed calls to the app's own APIs (`aws.fetch`): API Gateway (`execute-api`), Lambda
//! function URLs (`lambda`) and AppSync (`appsync`).
//!
//! Pure: where to sign (the service and region, read from an AWS host or given for a custom
//! domain), the request to sign, and what an error answer says (so that the signed call knows a
//! skew refusal or a transient failure). Nothing here scopes the call to the identity id: the
//! app's API decides what the caller may do, and IAM decides whether the caller may call it.

use crate::codec::json::Json;
use crate::error::{Error, Result};
use crate::http::{Request, Response};

/// The services `aws.fetch` signs for, by signing name.
pub const SERVICES: [&str; 3] = ["execute-api", "lambda", "appsync"];

/// Where a request is signed: the signing name of the service and the region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// One of [`SERVICES`].
    pub service: &'static str,
    /// The region, e.g. `us-east-1`.
    pub region: String,
}

/// The service and region an AWS host names:
/// `{id}.execute-api.{region}.amazonaws.com` (API Gateway), `{id}.lambda-url.{region}.on.aws`
/// (Lambda function URLs), `{id}.appsync-api.{region}.amazonaws.com` (AppSync GraphQL), and the
/// `amazonaws.com.cn` forms of the first and the last. `None` for any other host (a custom
/// domain). `host` is in lower case without a port, as URL parsers give it.
pub fn target_of_host(host: &str) -> Option<Target> {
    let mut labels = host.splitn(4, '.');
    let (id, kind, region) = (labels.next()?, labels.next()?, labels.next()?);
    let service = match (kind, labels.next()?) {
        ("execute-api", "amazonaws.com" | "amazonaws.com.cn") => "execute-api",
        ("appsync-api", "amazonaws.com" | "amazonaws.com.cn") => "appsync",
        ("lambda-url", "on.aws") => "lambda",
        _ => return None,
    };
    (is_name(id) && is_name(region)).then(|| Target {
        service,
        region: region.to_owned(),
    })
}

/// `[a-z0-9-]+`: a region, or an id as AWS makes them.
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The parts of an absolute URL this module reads.
struct Parts<'a> {
    https: bool,
    /// Without the port, brackets kept for IPv6.
    host: &'a str,
}

fn parts(url: &str) -> Option<Parts<'_>> {
    let (https, rest) = if let Some(rest) = url.strip_prefix("https://") {
        (true, rest)
    } else {
        (false, url.strip_prefix("http://")?)
    };
    let end = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let authority = rest.get(..end).unwrap_or(rest);
    let host = if authority.starts_with('[') {
        let end = authority.find(']').map_or(authority.len(), |i| i + 1);
        authority.get(..end).unwrap_or(authority)
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    Some(Parts { https, host })
}

/// Loopback hosts, where plain `http:` is allowed (a local emulator).
fn is_loopback(host: &str) -> bool {
    matches!(host, "localhost" | "[::1]")
        || (host.starts_with("127.") && host.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// Where to sign a request to `url` (absolute, as a URL parser serialises it: lower-case
/// scheme and host): `service` and `region` when given (a custom domain needs the service; the
/// region defaults to the host's, then to `default_region`), else what the host names.
///
/// Refused: a host that names no service when none is given, a service apiless does not sign
/// for, a region that is not `[a-z0-9-]+`, and plain `http:` to anything but a loopback host
/// (the session token travels in a header).
pub fn target(
    url: &str,
    service: Option<&str>,
    region: Option<&str>,
    default_region: &str,
) -> Result<Target> {
    let Some(p) = parts(url) else {
        return Err(Error::invalid_input(
            "url",
            "the URL must be absolute http(s): https://host/path",
        ));
    };
    if !p.https && !is_loopback(p.host) {
        return Err(Error::invalid_input(
            "url",
            "aws.fetch signs https URLs only (plain http for a loopback host): the credentials would travel in clear",
        ));
    }
    let from_host = target_of_host(p.host);
    let service = match (service, &from_host) {
        (Some(given), _) => *SERVICES.iter().find(|s| **s == given).ok_or_else(|| {
            Error::invalid_input(
                "init.aws.service",
                "aws.fetch signs for execute-api, lambda and appsync only",
            )
        })?,
        (None, Some(t)) => t.service,
        (None, None) => {
            return Err(Error::invalid_input(
                "init.aws",
                "the URL's host names no API Gateway, Lambda function URL or AppSync endpoint: give init.aws = { service, region } for a custom domain",
            ))
        }
    };
    let region = region
        .map(str::to_owned)
        .or_else(|| from_host.map(|t| t.region))
        .unwrap_or_else(|| default_region.to_owned());
    if !is_name(&region) {
        return Err(Error::invalid_input(
            "init.aws.region",
            "the region must be lower-case letters, digits and '-'",
        ));
    }
    Ok(Target { service, region })
}

/// The request to sign: `url` without its fragment (fetch never sends one), the headers as the
/// browser will send them (names in lower case, repeated ones already joined by `, `), the body
/// bytes exactly as they go out.
pub fn request(method: &str, url: &str, headers: Vec<(String, String)>, body: Vec<u8>) -> Request {
    Request {
        method: method.to_owned(),
        url: url.split('#').next().unwrap_or_default().to_owned(),
        headers,
        body,
    }
}

/// What an error answer of API Gateway, a function URL or AppSync says: the name from
/// `x-amzn-ErrorType` (where CORS lets the page read it; API Gateway may append `:<url>`), else
/// AppSync's `errors[0].errorType`, else `InvalidSignatureException` for a skew refusal, which
/// states itself in the message; the message from `message`, `Message` or AppSync's
/// `errors[0].message`. Used to decide on retries and re-signing; `aws.fetch` hands the app the
/// answer itself.
pub fn read_error(response: &Response) -> Error {
    let json = Json::parse(&response.body).ok();
    let appsync = json
        .as_ref()
        .and_then(|j| j.get("errors"))
        .and_then(Json::as_array)
        .and_then(|errors| errors.first());
    let message = json
        .as_ref()
        .and_then(|j| j.get("message").or_else(|| j.get("Message")))
        .or_else(|| appsync.and_then(|e| e.get("message")))
        .and_then(Json::as_str)
        .unwrap_or_default();
    let named = response
        .header("x-amzn-errortype")
        .map(|t| t.split(':').next().unwrap_or_default())
        .or_else(|| {
            appsync
                .and_then(|e| e.get("errorType"))
                .and_then(Json::as_str)
        });
    let skew = message.starts_with("Signature expired")
        || message.starts_with("Signature not yet current");
    let code = match named {
        Some(name) if !name.is_empty() => name,
        _ if skew => "InvalidSignatureException",
        _ => "",
    };
    Error::service(code, message, response.status, response.request_id())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::signed_call::is_skew_error;

    fn t(service: &'static str, region: &str) -> Option<Target> {
        Some(Target {
            service,
            region: region.to_owned(),
        })
    }

    #[test]
    fn aws_hosts_name_their_service_and_region() {
        assert_eq!(
            target_of_host("a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"),
            t("execute-api", "eu-west-1")
        );
        assert_eq!(
            target_of_host("abc.execute-api.cn-north-1.amazonaws.com.cn"),
            t("execute-api", "cn-north-1")
        );
        assert_eq!(
            target_of_host("xyz123abc.lambda-url.us-east-2.on.aws"),
            t("lambda", "us-east-2")
        );
        assert_eq!(
            target_of_host("abcdefghijklmnopqrstuvwxyz.appsync-api.ap-southeast-2.amazonaws.com"),
            t("appsync", "ap-southeast-2")
        );
        for other in [
            "api.example.com",
            "execute-api.us-east-1.amazonaws.com",
            "abc.execute-api.us-east-1.amazonaws.com.evil.example",
            "abc.execute-api.us-east-1.amazonaws.co",
            "abc.lambda-url.us-east-1.amazonaws.com",
            "abc.appsync-realtime-api.us-east-1.amazonaws.com",
            "abc.dynamodb.us-east-1.amazonaws.com",
            "abc.execute-api..amazonaws.com",
            "abc.execute-api.US-EAST-1.amazonaws.com",
            "abc.x.execute-api.us-east-1.amazonaws.com",
            "",
            "127.0.0.1",
        ] {
            assert_eq!(target_of_host(other), None, "{other}");
        }
    }

    #[test]
    fn the_target_comes_from_the_host_or_from_what_is_given() {
        let api = "https://abc.execute-api.eu-west-1.amazonaws.com/prod/hello?x=1#top";
        assert_eq!(
            target(api, None, None, "us-east-1").ok(),
            t("execute-api", "eu-west-1")
        );
        // A port and user-given values: given wins.
        assert_eq!(
            target(
                "https://abc.lambda-url.eu-west-1.on.aws:443/",
                None,
                Some("eu-west-2"),
                "us-east-1"
            )
            .ok(),
            t("lambda", "eu-west-2")
        );
        // A custom domain: the service given, the region the client's unless given.
        let custom = "https://api.example.com/v1/items";
        assert_eq!(
            target(custom, Some("execute-api"), None, "us-east-1").ok(),
            t("execute-api", "us-east-1")
        );
        assert_eq!(
            target(custom, Some("appsync"), Some("eu-central-1"), "us-east-1").ok(),
            t("appsync", "eu-central-1")
        );
        // Local emulators over plain http, path-based.
        for local in [
            "http://127.0.0.1:4566/_aws/execute-api/abc/test/hello",
            "http://localhost:4566/x",
            "http://[::1]:4566/x",
        ] {
            assert_eq!(
                target(local, Some("execute-api"), Some("us-east-1"), "eu-west-1").ok(),
                t("execute-api", "us-east-1"),
                "{local}"
            );
        }
    }

    #[test]
    fn what_cannot_be_signed_is_refused_with_the_field_at_fault() {
        let field = |r: Result<Target>| r.err().and_then(|e| e.field.clone());
        let custom = "https://api.example.com/v1";
        assert_eq!(
            field(target(custom, None, None, "us-east-1")).as_deref(),
            Some("init.aws")
        );
        assert_eq!(
            field(target(custom, Some("dynamodb"), None, "us-east-1")).as_deref(),
            Some("init.aws.service")
        );
        assert_eq!(
            field(target(
                custom,
                Some("execute-api"),
                Some("EU west"),
                "us-east-1"
            ))
            .as_deref(),
            Some("init.aws.region")
        );
        for clear in [
            "http://abc.execute-api.us-east-1.amazonaws.com/prod",
            "http://192.168.1.5:4566/x",
            "http://127.evil.example/x",
        ] {
            assert_eq!(
                field(target(clear, Some("execute-api"), None, "us-east-1")).as_deref(),
                Some("url"),
                "{clear}"
            );
        }
        assert_eq!(
            field(target("ftp://x/y", Some("lambda"), None, "us-east-1")).as_deref(),
            Some("url")
        );
    }

    #[test]
    fn the_request_drops_the_fragment_only() {
        let r = request(
            "POST",
            "https://a.execute-api.us-east-1.amazonaws.com/p/x?q=1#frag",
            vec![("content-type".into(), "text/plain".into())],
            b"hi".to_vec(),
        );
        assert_eq!(
            r.url,
            "https://a.execute-api.us-east-1.amazonaws.com/p/x?q=1"
        );
        assert_eq!((r.method.as_str(), r.body.as_slice()), ("POST", &b"hi"[..]));
    }

    fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        Response {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn error_answers_are_read_as_each_service_words_them() {
        let denied = read_error(&answer(
            403,
            &[
                (
                    "x-amzn-errortype",
                    "AccessDeniedException:http://internal.amazon.com/coral/",
                ),
                ("x-amzn-requestid", "r-1"),
            ],
            r#"{"Message":"User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: execute-api:Invoke"}"#,
        ));
        assert_eq!(denied.code, "AccessDeniedException");
        assert!(denied.message.starts_with("User: "));
        assert_eq!(
            (denied.http_status, denied.request_id.as_deref()),
            (Some(403), Some("r-1"))
        );
        assert!(!denied.retryable);

        // API Gateway's skew refusal, its header hidden by CORS: still a skew error.
        let skew = read_error(&answer(
            403,
            &[],
            r#"{"message":"Signature expired: 20260101T000000Z is now earlier than 20260101T001000Z (20260101T001500Z - 5 min.)"}"#,
        ));
        assert!(is_skew_error(&skew), "{skew:?}");
        let future = read_error(&answer(
            403,
            &[],
            r#"{"message":"Signature not yet current: 20260101T010000Z is still later than 20260101T002000Z (20260101T001500Z + 5 min.)"}"#,
        ));
        assert!(is_skew_error(&future));

        let appsync = read_error(&answer(
            401,
            &[],
            r#"{"errors":[{"errorType":"UnauthorizedException","message":"Valid authorization header not provided."}]}"#,
        ));
        assert_eq!(appsync.code, "UnauthorizedException");
        assert_eq!(appsync.message, "Valid authorization header not provided.");

        for (status, retryable) in [
            (500, true),
            (502, true),
            (503, true),
            (501, false),
            (429, true),
            (404, false),
            (400, false),
        ] {
            let e = read_error(&answer(status, &[], "not json"));
            assert_eq!(e.retryable, retryable, "{status}");
            assert_eq!(e.code, "ServiceError");
        }
        let throttled = read_error(&answer(
            400,
            &[("x-amzn-errortype", "TooManyRequestsException")],
            r#"{"message":"Too Many Requests"}"#,
        ));
        assert!(throttled.retryable);
    }
}
