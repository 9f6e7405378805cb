//! What the network sends back: AWS JSON and S3 XML error bodies, Cognito's answers and HTTP
//! `Date` headers. Any status, headers and body give a typed error or a value.

use apiless::auth::identity_pool::parse_credentials;
use apiless::auth::user_pool::parse_auth_result;
use apiless::aws::aws_json;
use apiless::clock::{amz_date, civil, cognito_timestamp, parse_http_date};
use apiless::codec::json::Json;
use apiless::data::s3;
use apiless::http::Response;
use apiless::ErrorKind;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Value};

use crate::gen;
use crate::harness::{Check, Property};

pub const PROPERTIES: &[Property] = &[
    Property {
        name: "answers: AWS JSON error bodies give a ServiceError with a clean exception name",
        cases: 1_000,
        run: aws_json_errors,
    },
    Property {
        name: "answers: a 2xx AWS JSON body is JSON or a ProtocolError",
        cases: 1_000,
        run: aws_json_success,
    },
    Property {
        name: "requests: apiless reads serde_json's text of any JSON value and writes the same text back; strings read back",
        cases: 1_000,
        run: aws_json_text,
    },
    Property {
        name: "answers: S3 XML error bodies give a ServiceError with the status and a code",
        cases: 1_000,
        run: s3_errors,
    },
    Property {
        name: "answers: Cognito answers give tokens, a challenge, credentials or a ProtocolError",
        cases: 1_000,
        run: cognito_answers,
    },
    Property {
        name: "answers: HTTP dates round-trip; any Date header or time gives a value, no panic",
        cases: 1_000,
        run: dates,
    },
];

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    let name = prop_oneof![
        select(vec![
            "x-amzn-requestid",
            "X-Amz-Request-Id",
            "x-amzn-errortype",
            "date"
        ])
        .prop_map(str::to_owned),
        gen::text(),
    ];
    vec((name, gen::text()), 0..4)
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        any::<u16>(),
        100..600u16,
        select(vec![200, 204, 400, 403, 404, 429, 500, 501, 503])
    ]
}

/// Bodies that look like AWS JSON errors, with every field right, wrong or missing.
fn json_error_body() -> impl Strategy<Value = Vec<u8>> {
    let type_field = prop_oneof![
        gen::text(),
        (gen::text(), gen::text(), gen::text()).prop_map(|(a, b, c)| format!("{a}#{b}:{c}")),
        select(vec![
            "",
            "#",
            ":",
            "#:",
            "a#",
            "com.amazon#ThrottlingException",
            "X:http://y"
        ])
        .prop_map(str::to_owned),
    ];
    let field = prop_oneof![type_field.prop_map(Value::String), gen::json_leaf()];
    let object = (
        select(vec!["__type", "code", "Code", "message", "Message"]),
        field.clone(),
        select(vec!["message", "Message", "__type"]),
        field,
    )
        .prop_map(|(k1, v1, k2, v2)| json!({ k1: v1, k2: v2 }).to_string().into_bytes());
    prop_oneof![
        object,
        gen::json().prop_map(|v| v.to_string().into_bytes()),
        gen::bytes(),
        gen::deep_json_text()
    ]
}

fn aws_json_errors(check: &mut Check) -> Result<(), String> {
    check.run(
        &(status(), headers(), json_error_body()),
        |(status, headers, body)| {
            let response = Response {
                status,
                headers,
                body,
            };
            let e = aws_json::parse_error(&response);
            prop_assert_eq!(e.kind, ErrorKind::Service);
            prop_assert_eq!(e.http_status, Some(status));
            prop_assert!(
                !e.code.is_empty() && e.code == e.code.trim(),
                "{:?}",
                e.code
            );
            prop_assert!(!e.code.contains(['#', ':']), "{:?}", e.code);
            prop_assert_eq!(e.request_id.clone(), response.request_id());
            if !(200..300).contains(&status) {
                prop_assert_eq!(aws_json::read(&response).err(), Some(e));
            }
            Ok(())
        },
    )
}

fn aws_json_success(check: &mut Check) -> Result<(), String> {
    check.run(&(200..300u16, json_error_body()), |(status, body)| {
        let parsed = serde_json::from_slice::<Value>(&body);
        let response = Response {
            status,
            headers: vec![],
            body: body.clone(),
        };
        match (aws_json::read(&response), parsed) {
            (Ok(v), _) if body.is_empty() => prop_assert_eq!(v, apiless::json!({})),
            // The same value as serde_json reads (numbers keep their text here, so compare
            // through serde_json's reading of that text).
            (Ok(v), Ok(parsed)) => prop_assert_eq!(gen::theirs(&v), parsed),
            // serde_json refuses numbers beyond f64; JSON (and JSON.parse) does not, and
            // apiless keeps their text.
            (Ok(_), Err(e)) => prop_assert!(
                e.to_string().starts_with("number out of range"),
                "apiless read what serde_json refuses: {e}"
            ),
            (Err(e), parsed) => {
                prop_assert_eq!(e.kind, ErrorKind::Protocol);
                prop_assert!(parsed.is_err(), "refused JSON");
            }
        }
        Ok(())
    })
}

fn aws_json_text(check: &mut Check) -> Result<(), String> {
    check.run(&(gen::json(), gen::text()), |(value, text)| {
        // serde_json's text, read and written back by apiless, is the same text.
        let theirs = value.to_string();
        prop_assert_eq!(gen::ours(&value).to_text(), theirs);
        let string = Value::String(text.clone());
        let written = Json::String(text.clone()).to_text();
        prop_assert_eq!(&written, &string.to_string());
        prop_assert_eq!(Json::parse(written.as_bytes()), Ok(Json::String(text)));
        Ok(())
    })
}

/// Bodies that look like S3 XML errors.
fn xml_error_body() -> impl Strategy<Value = Vec<u8>> {
    let part = prop_oneof![
        select(vec![
            "<Error>",
            "</Error>",
            "<Code>",
            "</Code>",
            "<Message>",
            "</Message>",
            "<RequestId>",
            "</RequestId>",
            "<Code></Code>",
            "<Code> </Code>",
            "&#x0;",
            "&#xD800;",
            "&#1114112;",
        ])
        .prop_map(str::to_owned),
        gen::text(),
    ];
    prop_oneof![
        vec(part, 0..12).prop_map(|p| p.concat().into_bytes()),
        gen::bytes()
    ]
}

fn s3_errors(check: &mut Check) -> Result<(), String> {
    check.run(
        &(status(), headers(), xml_error_body()),
        |(status, headers, body)| {
            let e = s3::parse_error(&Response {
                status,
                headers,
                body,
            });
            prop_assert_eq!(e.kind, ErrorKind::Service);
            prop_assert_eq!(e.http_status, Some(status));
            prop_assert!(!e.code.is_empty());
            Ok(())
        },
    )
}

/// Cognito answers: the right shape with wrong values, and anything.
fn cognito_answer() -> impl Strategy<Value = Value> {
    let keys = prop_oneof![
        select(vec![
            "AuthenticationResult",
            "IdToken",
            "AccessToken",
            "RefreshToken",
            "ChallengeName",
            "ChallengeParameters",
            "Session",
            "Credentials",
            "AccessKeyId",
            "SecretKey",
            "SessionToken",
            "Expiration",
        ])
        .prop_map(str::to_owned),
        gen::text(),
    ];
    let expiration = prop_oneof![
        gen::json_leaf(),
        any::<f64>().prop_map(Value::from),
        Just(json!(1e300))
    ];
    prop_oneof![
        gen::json_with_keys(keys),
        (gen::json_leaf(), gen::json_leaf(), expiration).prop_map(|(a, s, x)| json!({
            "Credentials": {"AccessKeyId": a, "SecretKey": s, "SessionToken": "t", "Expiration": x}
        })),
        (gen::json_leaf(), gen::json_leaf(), gen::json()).prop_map(|(n, s, p)| json!({
            "ChallengeName": n, "Session": s, "ChallengeParameters": p
        })),
    ]
}

fn cognito_answers(check: &mut Check) -> Result<(), String> {
    check.run(&cognito_answer(), |answer| {
        let answer = gen::ours(&answer);
        for e in [
            parse_auth_result(&answer).err(),
            parse_credentials(&answer).err(),
        ]
        .into_iter()
        .flatten()
        {
            prop_assert_eq!(e.kind, ErrorKind::Protocol);
        }
        if let Ok(c) = parse_credentials(&answer) {
            prop_assert!(c.expires_at_ms >= 0, "{c:?}");
        }
        Ok(())
    })
}

const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn dates(check: &mut Check) -> Result<(), String> {
    // 1970-01-01 .. 9999-12-31, in whole seconds.
    let seconds = 0..253_402_300_800i64;
    let junk = prop_oneof![
        gen::text(),
        vec(
            prop_oneof![
                gen::piece(),
                select(vec![
                    "Sun, ", "06", "Nov", "1994", "08:49:37", "GMT", " ", ":"
                ])
                .prop_map(str::to_owned)
            ],
            0..8
        )
        .prop_map(|p| p.concat()),
    ];
    let any_time = prop_oneof![
        any::<f64>(),
        select(vec![f64::NAN, f64::INFINITY, f64::MIN, -1.0, 9.3e18])
    ];
    check.run(&(seconds, junk, any_time), |(secs, junk, time)| {
        let ms = secs as f64 * 1000.0;
        let c = civil(ms);
        let header = format!(
            "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
            DAYS[c.weekday as usize],
            c.day,
            MONTHS[c.month as usize - 1],
            c.year,
            c.hour,
            c.minute,
            c.second
        );
        prop_assert_eq!(parse_http_date(&header), Some(ms), "{}", header);
        if let Some(parsed) = parse_http_date(&junk) {
            prop_assert!(parsed.is_finite() && parsed >= 0.0);
        }
        // Any clock reading, however wrong, formats without a panic.
        let _ = (amz_date(time), cognito_timestamp(time));
        Ok(())
    })
}
