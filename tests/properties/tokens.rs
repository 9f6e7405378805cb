//! JWT claims: any token text gives the claims or a protocol error that does not echo the
//! token, and a JWT-shaped token is accepted exactly when its payload has the claims.

use apiless::auth::tokens::{claims, Tokens};
use apiless::ErrorKind;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

use crate::gen;
use crate::harness::{Check, Property};

pub const PROPERTIES: &[Property] = &[
    Property {
        name: "tokens: any text is claims or a ProtocolError that does not echo it",
        cases: 1_000,
        run: any_text,
    },
    Property {
        name: "tokens: a JWT-shaped token is accepted exactly when sub, iss and exp are right",
        cases: 1_000,
        run: jwt_shaped,
    },
];

fn any_text(check: &mut Check) -> Result<(), String> {
    let token = prop_oneof![
        gen::text(),
        (gen::text(), gen::text(), gen::text(), gen::text())
            .prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
        (gen::base64ish(), gen::base64ish()).prop_map(|(a, b)| format!("{a}.{b}.sig")),
    ];
    check.run(&token, |token| {
        match claims(&token) {
            Ok(c) => prop_assert!(token.split('.').count() == 3, "{c:?}"),
            Err(e) => {
                prop_assert_eq!(e.kind, ErrorKind::Protocol);
                if token.len() >= 8 {
                    prop_assert!(!e.message.contains(&token), "{}", e.message);
                }
            }
        }
        Ok(())
    })
}

/// A claim value: right, of the wrong type, or at the edges of `i64`.
fn claim_value() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        gen::json_leaf().prop_map(Some),
        any::<i64>().prop_map(|n| Some(json!(n))),
        proptest::sample::select(vec![
            json!(i64::MAX),
            json!(i64::MIN),
            json!(u64::MAX),
            json!(1.5),
            json!(1e300),
            json!("1700000000"),
            json!([1]),
            json!({"a": 1}),
        ])
        .prop_map(Some),
    ]
}

/// A payload object of claims, some missing or wrongly typed, and junk keys.
fn payload() -> impl Strategy<Value = Map<String, Value>> {
    let names = [
        "sub",
        "iss",
        "exp",
        "iat",
        "cognito:username",
        "username",
        "token_use",
        "email",
    ];
    (
        proptest::collection::vec(claim_value(), names.len()),
        proptest::collection::vec((gen::text(), gen::json_leaf()), 0..3),
    )
        .prop_map(move |(values, junk)| {
            let mut map: Map<String, Value> = junk.into_iter().collect();
            for (name, value) in names.iter().zip(values) {
                match value {
                    Some(v) => map.insert((*name).to_owned(), v),
                    None => map.remove(*name),
                };
            }
            map
        })
}

/// The payload part: base64url of the claims, or of something that is not a claims object.
fn encoded_payload() -> impl Strategy<Value = (String, Option<Map<String, Value>>)> {
    prop_oneof![
        4 => payload().prop_map(|p| (URL_SAFE_NO_PAD.encode(Value::Object(p.clone()).to_string()), Some(p))),
        1 => payload().prop_map(|p| (URL_SAFE.encode(Value::Object(p.clone()).to_string()), Some(p))),
        1 => payload().prop_map(|p| (STANDARD.encode(Value::Object(p.clone()).to_string()), Some(p))),
        1 => gen::json().prop_map(|v| (URL_SAFE_NO_PAD.encode(v.to_string()), v.as_object().cloned())),
        1 => gen::bytes().prop_map(|b| (URL_SAFE_NO_PAD.encode(b), None)),
        1 => gen::deep_json_text().prop_map(|b| (URL_SAFE_NO_PAD.encode(b), None)),
    ]
}

fn jwt_shaped(check: &mut Check) -> Result<(), String> {
    let token = (gen::base64ish(), encoded_payload(), gen::base64ish());
    check.run(&token, |(header, (payload, object), signature)| {
        let token = format!("{header}.{payload}.{signature}");
        let three_parts = !header.contains('.') && !signature.contains('.');
        let text =
            |o: &Map<String, Value>, k: &str| o.get(k).and_then(Value::as_str).map(str::to_owned);
        // What the claims must be, read straight from the object that was encoded. Standard
        // base64 is not base64url: such a payload is good only if it has no '+' or '/'.
        let url_safe = !payload.contains(['+', '/']);
        let expected = object
            .as_ref()
            .filter(|_| three_parts && url_safe)
            .and_then(|o| Some((text(o, "sub")?, text(o, "iss")?, o.get("exp")?.as_i64()?)));
        match (claims(&token), expected) {
            (Ok(c), Some((sub, iss, exp))) => {
                prop_assert_eq!((c.sub, c.iss, c.exp), (sub, iss, exp));
                let tokens = Tokens {
                    id_token: token.clone(),
                    access_token: token.clone(),
                    refresh_token: String::new(),
                };
                prop_assert_eq!(tokens.expires_at_ms(), Ok(exp.saturating_mul(1000)));
            }
            (Err(e), None) => prop_assert_eq!(e.kind, ErrorKind::Protocol),
            (Ok(c), None) => prop_assert!(false, "accepted a bad token as {c:?}"),
            (Err(e), Some(_)) => prop_assert!(false, "refused a good token: {e}"),
        }
        Ok(())
    })
}
