//! Config validation: any config object reads in or names the unknown or wrongly typed field,
//! any raw config validates or names a field, and the field it names is the one at fault; an
//! endpoint it accepts means the same to the `url` crate (a WHATWG URL parser, as `fetch`
//! follows) and is plain http only to this machine.

use apiless::config::{Config, FieldValue, RawConfig, Service, FIELDS};
use apiless::ErrorKind;
use proptest::prelude::*;

use crate::gen;
use crate::harness::{Check, Property};

pub const PROPERTIES: &[Property] = &[
    Property {
        name: "config: any config object reads in, or its unknown or non-string field is named",
        cases: 1_000,
        run: fields_read_or_are_named,
    },
    Property {
        name: "config: any raw config validates or is a ConfigError naming a field",
        cases: 1_000,
        run: validates_or_names_a_field,
    },
    Property {
        name: "config: the named field is the one at fault (fixing it moves the error on)",
        cases: 1_000,
        run: the_named_field_is_at_fault,
    },
    Property {
        name: "config: an accepted endpoint reads the same to a WHATWG URL parser, http:// only to this machine",
        cases: 4_000,
        run: accepted_endpoints_read_the_same_to_whatwg,
    },
];

const REGIONS: &[&str] = &[
    "us-east-1",
    "eu-west-3",
    "us-gov-west-1",
    "cn-north-1",
    "ap-southeast-2",
];
const UUID: &str = "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";

/// A value that is valid for `field` in `region`.
fn good(field: &str, region: &str) -> String {
    match field {
        "region" => region.to_owned(),
        "userPoolId" => format!("{region}_AbC123"),
        "userPoolClientId" => "4lq2abc9r6vq8".to_owned(),
        "identityPoolId" => format!("{region}:{UUID}"),
        "endpoint" => "http://127.0.0.1:4566/".to_owned(),
        _ => "memory".to_owned(),
    }
}

/// `s` with one edit: a character inserted, removed or replaced, the case flipped, or blanks
/// around it.
fn mutated(s: String) -> impl Strategy<Value = String> {
    let len = s.chars().count();
    (0..=len, gen::piece(), 0..5u8).prop_map(move |(at, piece, how)| {
        let chars: Vec<char> = s.chars().collect();
        let (head, tail) = chars.split_at(at.min(chars.len()));
        let head: String = head.iter().collect();
        let tail: String = tail.iter().collect();
        match how {
            0 => format!("{head}{piece}{tail}"),
            1 => format!("{head}{}", tail.chars().skip(1).collect::<String>()),
            2 => format!("{head}{piece}{}", tail.chars().skip(1).collect::<String>()),
            3 => s.to_uppercase(),
            _ => format!(" {s}\t"),
        }
    })
}

/// One field's raw value: absent, valid for some region, one edit away from valid, or junk.
fn field(name: &'static str) -> impl Strategy<Value = Option<String>> {
    let region = proptest::sample::select(REGIONS);
    prop_oneof![
        1 => Just(None),
        3 => region.clone().prop_map(move |r| Some(good(name, r))),
        3 => region.prop_flat_map(move |r| mutated(good(name, r)).prop_map(Some)),
        2 => gen::text().prop_map(Some),
    ]
}

fn raw() -> impl Strategy<Value = RawConfig> {
    (
        field("region"),
        field("userPoolId"),
        field("userPoolClientId"),
        field("identityPoolId"),
        field("endpoint"),
        field("storage"),
    )
        .prop_map(
            |(region, user_pool_id, user_pool_client_id, identity_pool_id, endpoint, storage)| {
                RawConfig {
                    region,
                    user_pool_id,
                    user_pool_client_id,
                    identity_pool_id,
                    endpoint,
                    storage,
                    attempt_timeout_ms: None,
                    guest_access: None,
                }
            },
        )
}

fn slot<'a>(raw: &'a mut RawConfig, field: &str) -> &'a mut Option<String> {
    match field {
        "region" => &mut raw.region,
        "userPoolId" => &mut raw.user_pool_id,
        "userPoolClientId" => &mut raw.user_pool_client_id,
        "identityPoolId" => &mut raw.identity_pool_id,
        "endpoint" => &mut raw.endpoint,
        _ => &mut raw.storage,
    }
}

fn set(raw: &mut RawConfig, field: &str, value: String) {
    *slot(raw, field) = Some(value);
}

fn fields_read_or_are_named(check: &mut Check) -> Result<(), String> {
    let name = prop_oneof![
        3 => proptest::sample::select(FIELDS.to_vec()).prop_map(str::to_owned),
        1 => gen::text(),
    ];
    let value = prop_oneof![
        Just(FieldValue::Absent),
        gen::text().prop_map(FieldValue::Text),
        proptest::sample::select(vec!["a boolean", "an object"]).prop_map(FieldValue::Other),
        (0u32..100_000).prop_map(|n| FieldValue::Number(f64::from(n))),
        any::<bool>().prop_map(FieldValue::Bool),
    ];
    check.run(&proptest::collection::vec((name, value), 0..8), |fields| {
        // attemptTimeoutMs takes a number, guestAccess a boolean; every other field a string
        // but oauth, an object the JS layer reads itself (src/js/redirect_api.rs): none of these
        // values.
        let first_bad = fields.iter().find(|(n, v)| {
            let takes = match n.as_str() {
                "attemptTimeoutMs" => matches!(v, FieldValue::Number(_)),
                "guestAccess" => matches!(v, FieldValue::Bool(_)),
                "oauth" => false,
                _ => matches!(v, FieldValue::Text(_)),
            };
            !FIELDS.contains(&n.as_str()) || !(takes || *v == FieldValue::Absent)
        });
        match (RawConfig::from_fields(fields.clone()), first_bad) {
            (Ok(mut raw), None) => {
                let last_bool = fields
                    .iter()
                    .rev()
                    .find(|(n, _)| n == "guestAccess")
                    .and_then(|(_, v)| match v {
                        FieldValue::Bool(b) => Some(*b),
                        _ => None,
                    });
                prop_assert_eq!(raw.guest_access, last_bool);
                for field in FIELDS
                    .iter()
                    .filter(|f| !matches!(**f, "attemptTimeoutMs" | "guestAccess" | "oauth"))
                {
                    let last = fields
                        .iter()
                        .rev()
                        .find(|(n, _)| n == field)
                        .and_then(|(_, v)| match v {
                            FieldValue::Text(t) => Some(t.clone()),
                            _ => None,
                        });
                    prop_assert_eq!(slot(&mut raw, field).clone(), last, "{}", field);
                }
            }
            (Err(e), Some((name, _))) => {
                prop_assert_eq!(e.kind, ErrorKind::Config);
                prop_assert_eq!(e.field.as_deref(), Some(name.as_str()));
                let quoted = apiless::codec::json::quoted(name);
                prop_assert!(
                    e.message.contains(name.as_str()) || e.message.contains(&quoted),
                    "{}",
                    e.message
                );
            }
            (got, bad) => prop_assert!(false, "{got:?}, but the first bad field is {bad:?}"),
        }
        Ok(())
    })
}

fn validates_or_names_a_field(check: &mut Check) -> Result<(), String> {
    check.run(&raw(), |raw| {
        match Config::validate(raw) {
            Ok(c) => {
                let (pool_prefix, identity_prefix) =
                    (format!("{}_", c.region), format!("{}:", c.region));
                prop_assert!(c.user_pool_id.starts_with(&pool_prefix), "{c:?}");
                if let Some(id) = &c.identity_pool_id {
                    prop_assert!(id.starts_with(&identity_prefix), "{c:?}");
                }
                for service in [
                    Service::UserPool,
                    Service::IdentityPool,
                    Service::DynamoDb,
                    Service::S3,
                ] {
                    let url = c.endpoint_for(service);
                    prop_assert!(
                        url.starts_with("http://") || url.starts_with("https://"),
                        "{url}"
                    );
                    prop_assert!(!url.ends_with('/'), "{url}");
                }
            }
            Err(e) => {
                prop_assert_eq!(e.kind, ErrorKind::Config);
                let field = e.field.clone().unwrap_or_default();
                prop_assert!(FIELDS.contains(&field.as_str()), "{e:?}");
                prop_assert!(e.message.contains(&field), "{e:?}");
            }
        }
        Ok(())
    })
}

fn the_named_field_is_at_fault(check: &mut Check) -> Result<(), String> {
    check.run(&raw(), |raw| {
        let Err(e) = Config::validate(raw.clone()) else {
            return Ok(());
        };
        let field = e.field.clone().unwrap_or_default();
        let position = FIELDS.iter().position(|f| *f == field);
        prop_assert!(position.is_some(), "{e:?}");
        // The region the later fields must agree with, once the region itself is good.
        let region = match raw.region.as_deref().map(str::trim) {
            Some(r) if field != "region" => r.to_owned(),
            _ => "us-east-1".to_owned(),
        };
        let mut fixed = raw;
        set(&mut fixed, &field, good(&field, &region));
        match Config::validate(fixed) {
            Ok(_) => {}
            Err(after) => {
                let later = FIELDS
                    .iter()
                    .position(|f| Some(*f) == after.field.as_deref());
                prop_assert!(
                    later > position,
                    "fixing {field} left the error at {:?}: {}",
                    after.field,
                    after.message
                );
            }
        }
        Ok(())
    })
}

/// Endpoint-shaped text: half of it well-formed endpoints built from hosts, ports and paths a
/// URL parser reads as written (random DNS labels and IPv4 addresses among them), the other
/// half spellings that WHATWG reads in its own way (IPv4 shorthand, upper case, `xn--`,
/// default ports, dot segments, backslashes, escapes, user info), with perhaps one character
/// inserted anywhere.
fn endpoint() -> impl Strategy<Value = String> {
    let pick = |v: &'static [&'static str]| proptest::sample::select(v).prop_map(str::to_owned);
    let label = "[a-z0-9_-]{1,12}";
    let octet = 0..=255u8;
    let good_host = prop_oneof![
        pick(&[
            "localhost",
            "[::1]",
            "example.com",
            "s3.amazonaws.com",
            "a_b.test"
        ]),
        proptest::collection::vec(label, 1..4).prop_map(|l| l.join(".")),
        (Just(127u8), octet.clone(), octet.clone(), octet.clone())
            .prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
        (octet.clone(), octet.clone(), octet.clone(), octet)
            .prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
        // A last label that WHATWG reads as a number: an IPv4 address to it.
        (label, pick(&["0x1", "0x7f", "0X1", "1", "08", "0x"]))
            .prop_map(|(l, n)| format!("{l}.{n}")),
    ];
    let good_path = prop_oneof![
        pick(&["", "", "/", "/~u/_v-w.x/"]),
        proptest::collection::vec("[A-Za-z0-9._~-]{1,8}", 1..4)
            .prop_map(|s| format!("/{}", s.join("/"))),
    ];
    let well_formed = (
        pick(&["https://", "http://"]),
        good_host,
        prop_oneof![
            Just(String::new()),
            (1..=65_535u32).prop_map(|p| format!(":{p}"))
        ],
        good_path,
    )
        .prop_map(|(s, h, p, a)| format!("{s}{h}{p}{a}"));
    let scheme = pick(&[
        "https://",
        "http://",
        "HTTP://",
        "Https://",
        "https:/",
        "https:\\\\",
        "ftp://",
        "",
    ]);
    let user = pick(&["", "", "", "user:pass@", "@", "a@", ":@"]);
    let host = prop_oneof![
        6 => pick(&[
            "localhost", "127.0.0.1", "127.255.0.9", "[::1]", "example.com", "s3.amazonaws.com",
            "cognito-idp.us-east-1.amazonaws.com", "a_b.test", "10.0.0.1", "203.0.113.7",
            "127.1", "0x7f.0.0.1", "0177.0.0.1", "2130706433", "127.0.0.01", "256.0.0.1",
            "1.2.3", "[0::1]", "[::ffff:127.0.0.1]", "[::2]", "EXAMPLE.com", "LocalHost",
            "xn--nxasmq6b.com", "xn--a.com", "localhost.", "127.0.0.1.", "a..b", "",
            "ex%41mple.com", "exa mple.com", "loca\tlhost", "\u{fc}n\u{ef}.com", "a.0x1",
            "localhost.evil.com", "127.0.0.1.evil.com", "1.2.3.4.5", "a.1", "0x1.a",
        ]),
        1 => gen::text(),
    ];
    let port = pick(&[
        "", "", ":4566", ":8080", ":80", ":443", ":0", ":65535", ":65536", ":", ":08080", ":abc",
        ":1:2",
    ]);
    let path = pick(&[
        "",
        "",
        "/",
        "/a/b",
        "/a/b/",
        "/./x",
        "/%2e/",
        "/a\\b",
        "/a b",
        "/a?x",
        "/#f",
        "/a/../b",
        "/[x]",
        "/:x",
        "/~u/_v-w.x",
        "//",
        "/%41",
        "/a/.",
        "/..",
    ]);
    let odd =
        (scheme, user, host, port, path).prop_map(|(s, u, h, p, a)| format!("{s}{u}{h}{p}{a}"));
    let insert = prop_oneof![
        3 => Just(None),
        1 => (any::<prop::sample::Index>(), any::<char>()).prop_map(Some),
        1 => (any::<prop::sample::Index>(), proptest::sample::select(
            vec!['@', '\\', '%', '\t', '\n', ' ', '.', ':', '/', '[', 'A', '#', '?', '\u{0}']
        )).prop_map(Some),
    ];
    (prop_oneof![well_formed, odd], insert).prop_map(|(e, insert)| match insert {
        None => e,
        Some((at, c)) => {
            let mut chars: Vec<char> = e.chars().collect();
            chars.insert(at.index(chars.len() + 1), c);
            chars.into_iter().collect()
        }
    })
}

fn accepted_endpoints_read_the_same_to_whatwg(check: &mut Check) -> Result<(), String> {
    check.run(&endpoint(), |e| {
        let raw = RawConfig {
            region: Some("us-east-1".into()),
            user_pool_id: Some("us-east-1_AbC123".into()),
            user_pool_client_id: Some("4lq2abc9r6vq8".into()),
            identity_pool_id: None,
            endpoint: Some(e.clone()),
            storage: None,
            attempt_timeout_ms: None,
            guest_access: None,
        };
        let ours = match Config::validate(raw) {
            Ok(c) => c.endpoint.unwrap_or_default(),
            Err(err) => {
                prop_assert_eq!(err.field.as_deref(), Some("endpoint"), "{}", err.message);
                return Ok(());
            }
        };
        if ours.is_empty() {
            // Blank: the real AWS endpoints.
            prop_assert!(e.trim().is_empty(), "{e:?}");
            return Ok(());
        }
        let parsed = url::Url::parse(&ours);
        prop_assert!(
            parsed.is_ok(),
            "{ours:?} accepted, but WHATWG refuses it: {parsed:?}"
        );
        let Ok(parsed) = parsed else { return Ok(()) };
        // Read the same: WHATWG writes it back unchanged (but for the root path's slash).
        prop_assert!(
            parsed.as_str() == ours || parsed.as_str() == format!("{ours}/"),
            "{ours:?} reads as {:?}",
            parsed.as_str()
        );
        prop_assert!(
            parsed.username().is_empty() && parsed.password().is_none(),
            "{ours:?}"
        );
        prop_assert!(
            parsed.query().is_none() && parsed.fragment().is_none(),
            "{ours:?}"
        );
        if parsed.scheme() == "http" {
            let loopback = match parsed.host() {
                Some(url::Host::Domain(d)) => d == "localhost",
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            };
            prop_assert!(loopback, "plain http to {:?} accepted", parsed.host());
        } else {
            prop_assert_eq!(parsed.scheme(), "https");
        }
        Ok(())
    })
}
