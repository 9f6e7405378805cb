//! S3: keys of any unicode round-trip through percent-encoding, malformed escapes are refused,
//! scoped keys never leave the caller's prefix, and listings of any keys read back while junk
//! listings are typed errors.

use apiless::codec::text::percent_encode;
use apiless::data::owner::ScopeCheck;
use apiless::data::s3::{decode, read_listing, scoped_key};
use apiless::http::Response;
use apiless::ErrorKind;
use proptest::collection::vec;
use proptest::prelude::*;

use crate::gen;
use crate::harness::{Check, Property};

pub const PROPERTIES: &[Property] = &[
    Property {
        name: "s3: any key round-trips through encode and decode",
        cases: 1_000,
        run: keys_round_trip,
    },
    Property {
        name: "s3: decode takes exactly the well-formed escapes; the rest is a ProtocolError",
        cases: 2_000,
        run: decode_junk,
    },
    Property {
        name: "s3: scoped keys stay under the caller's prefix, or are refused with field key",
        cases: 2_000,
        run: scoped_keys,
    },
    Property {
        name: "s3: listings of any keys read back; junk listings are ProtocolErrors",
        cases: 500,
        run: listings,
    },
];

const ID: &str = "us-east-1:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";

fn keys_round_trip(check: &mut Check) -> Result<(), String> {
    check.run(&gen::text(), |key| {
        for keep_slash in [true, false] {
            let encoded = percent_encode(&key, keep_slash);
            prop_assert!(
                encoded.bytes().all(|b| b.is_ascii_alphanumeric()
                    || b"-_.~%".contains(&b)
                    || (keep_slash && b == b'/')),
                "{encoded}"
            );
            prop_assert_eq!(decode(&encoded, false), Ok(key.clone()));
            prop_assert_eq!(decode(&encoded, true), Ok(key.clone()));
        }
        Ok(())
    })
}

/// What a strict decoder gives: `None` for a `%` not followed by two hex digits or a result
/// that is not UTF-8.
fn strict_decode(s: &str, plus_is_space: bool) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let digit = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
            out.push(digit(hex[0]) * 16 + digit(hex[1]));
            i += 3;
        } else {
            out.push(if plus_is_space && b[i] == b'+' {
                b' '
            } else {
                b[i]
            });
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn decode_junk(check: &mut Check) -> Result<(), String> {
    let escapes = vec(
        prop_oneof![
            gen::piece(),
            (any::<u8>(), any::<bool>()).prop_map(|(b, upper)| if upper {
                format!("%{b:02X}")
            } else {
                format!("%{b:02x}")
            }),
        ],
        0..10,
    )
    .prop_map(|p| p.concat());
    check.run(
        &(prop_oneof![gen::text(), escapes], any::<bool>()),
        |(s, plus)| {
            match (decode(&s, plus), strict_decode(&s, plus)) {
                (Ok(got), Some(expected)) => prop_assert_eq!(got, expected),
                (Err(e), None) => prop_assert_eq!(e.kind, ErrorKind::Protocol),
                (got, expected) => {
                    prop_assert!(false, "{s:?} decoded to {got:?}, expected {expected:?}")
                }
            }
            Ok(())
        },
    )
}

fn scoped_keys(check: &mut Check) -> Result<(), String> {
    let identity = prop_oneof![
        3 => Just(ID.to_owned()),
        1 => gen::text(),
        1 => (1_000..1_100usize).prop_map(|n| "x".repeat(n)),
    ];
    let key = prop_oneof![
        gen::text(),
        gen::text().prop_map(|k| format!("{ID}/{k}")),
        gen::text().prop_map(|k| format!("eu-west-1:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/{k}")),
        (0..1_100usize).prop_map(|n| "k".repeat(n)),
    ];
    check.run(
        &(identity, key, any::<bool>()),
        |(identity, key, enforce)| {
            let scope = if enforce {
                ScopeCheck::Enforce
            } else {
                ScopeCheck::UnscopedForDemoOnly
            };
            match scoped_key(&identity, &key, scope) {
                Ok(full) => {
                    // The identity id is Cognito's, not the caller's: only the key's segments count.
                    prop_assert!(!key.split('/').any(|s| s == "." || s == ".."), "{full}");
                    prop_assert!(full.len() <= 1024, "{} bytes", full.len());
                    if enforce {
                        let prefix = format!("{identity}/");
                        prop_assert!(full.starts_with(&prefix), "{full:?} is outside {prefix:?}");
                        let expected = if key.starts_with(&prefix) {
                            key.clone()
                        } else {
                            format!("{prefix}{key}")
                        };
                        prop_assert_eq!(full, expected);
                    } else {
                        prop_assert_eq!(full, key);
                    }
                }
                Err(e) => {
                    prop_assert!(
                        matches!(e.kind, ErrorKind::InvalidInput | ErrorKind::OutOfScope),
                        "{e:?}"
                    );
                    prop_assert_eq!(e.field.as_deref(), Some("key"));
                }
            }
            Ok(())
        },
    )
}

/// XML character data for `s`.
fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Fragments of a listing, to assemble into almost-listings.
const XML: &[&str] = &[
    "<ListBucketResult>",
    "</ListBucketResult>",
    "<Contents>",
    "</Contents>",
    "<Key>",
    "</Key>",
    "<Size>",
    "</Size>",
    "<CommonPrefixes>",
    "</CommonPrefixes>",
    "<Prefix>",
    "</Prefix>",
    "<EncodingType>url</EncodingType>",
    "<IsTruncated>true</IsTruncated>",
    "<NextContinuationToken>",
    "</NextContinuationToken>",
    "<ETag>",
    "</ETag>",
];

fn listings(check: &mut Check) -> Result<(), String> {
    let objects = vec((gen::nonempty_text(), any::<u64>()), 0..5);
    let prefixes = vec(gen::nonempty_text(), 0..3);
    let junk = vec(
        prop_oneof![
            proptest::sample::select(XML).prop_map(str::to_owned),
            gen::text()
        ],
        0..16,
    )
    .prop_map(|p| p.concat().into_bytes());
    let junk = prop_oneof![junk, gen::bytes()];
    check.run(&(objects, prefixes, junk), |(objects, prefixes, junk)| {
        let mut xml = String::from(
            "<?xml version=\"1.0\"?><ListBucketResult><EncodingType>url</EncodingType>",
        );
        for (key, size) in &objects {
            xml.push_str(&format!(
                "<Contents><Key>{}</Key><ETag>\"e\"</ETag><Size>{size}</Size></Contents>",
                xml_escape(&percent_encode(key, true))
            ));
        }
        for p in &prefixes {
            xml.push_str(&format!(
                "<CommonPrefixes><Prefix>{}</Prefix></CommonPrefixes>",
                percent_encode(p, false)
            ));
        }
        xml.push_str("<IsTruncated>false</IsTruncated></ListBucketResult>");
        let listing = read_listing(&Response {
            status: 200,
            headers: vec![],
            body: xml.into_bytes(),
        })
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let read: Vec<(String, u64)> = listing
            .objects
            .into_iter()
            .map(|o| (o.key, o.size))
            .collect();
        prop_assert_eq!(read, objects);
        prop_assert_eq!(listing.prefixes, prefixes);
        prop_assert_eq!(listing.next_continuation_token, None);

        if let Err(e) = read_listing(&Response {
            status: 200,
            headers: vec![],
            body: junk,
        }) {
            prop_assert_eq!(e.kind, ErrorKind::Protocol);
        }
        Ok(())
    })
}
