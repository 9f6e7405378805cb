//! S3: keys of any unicode round-trip through percent-encoding, malformed escapes are refused,
//! scoped keys never leave the caller's prefix, listings of any keys read back while junk
//! listings are typed errors, and the hand-written XML reading (listings and error bodies) reads
//! what quick-xml reads from any document shaped as S3 writes them.

use apiless::codec::text::percent_encode;
use apiless::data::owner::ScopeCheck;
use apiless::data::s3::{decode, parse_error, read_listing, scoped_key, ObjectInfo};
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
    Property {
        name: "s3: listings and error bodies, escaped any way, read as quick-xml reads them",
        cases: 1_000,
        run: xml_as_quick_xml_reads_it,
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

/// Calls `on_end(path, text)` at the end of each element, with the local names from the root
/// down to it and its text, entities resolved, as quick-xml reads them; `Err` when quick-xml
/// finds the document malformed.
fn quick_xml_walk(xml: &str, mut on_end: impl FnMut(&[&str], &str)) -> Result<(), String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) => {
                path.push(e.local_name().into_inner().to_owned());
                texts.push(String::new());
            }
            Event::End(_) => {
                let text = texts.pop().unwrap_or_default();
                let names: Vec<&str> = path.iter().map(String::as_str).collect();
                on_end(&names, &text);
                path.pop();
            }
            Event::Empty(e) => {
                path.push(e.local_name().into_inner().to_owned());
                let names: Vec<&str> = path.iter().map(String::as_str).collect();
                on_end(&names, "");
                path.pop();
            }
            Event::Text(t) => {
                if let Some(last) = texts.last_mut() {
                    last.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let Some(last) = texts.last_mut() else {
                    continue;
                };
                match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => last.push(c),
                    None => last.push_str(
                        quick_xml::escape::resolve_predefined_entity(&r)
                            .ok_or_else(|| format!("unknown entity &{};", &*r))?,
                    ),
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// A listing as quick-xml reads it: the objects (keys still as written), the prefixes, whether
/// the keys are URL-encoded, and the continuation token when the listing is truncated.
type ReadListing = (Vec<ObjectInfo>, Vec<String>, bool, Option<String>);

fn quick_xml_listing(xml: &str) -> Result<ReadListing, String> {
    let (mut objects, mut prefixes) = (Vec::new(), Vec::new());
    let (mut url_encoded, mut truncated, mut token) = (false, false, None);
    let mut object = ObjectInfo {
        key: String::new(),
        size: 0,
        etag: String::new(),
        last_modified: String::new(),
    };
    let mut prefix = String::new();
    quick_xml_walk(xml, |path, text| match path {
        [_, "EncodingType"] => url_encoded = text.trim() == "url",
        [_, "IsTruncated"] => truncated = text.trim() == "true",
        [_, "NextContinuationToken"] => token = Some(text.to_owned()),
        [_, "Contents", "Key"] => object.key = text.to_owned(),
        [_, "Contents", "Size"] => object.size = text.trim().parse().unwrap_or(0),
        [_, "Contents", "ETag"] => object.etag = text.to_owned(),
        [_, "Contents", "LastModified"] => object.last_modified = text.to_owned(),
        [_, "Contents"] => objects.push(std::mem::replace(
            &mut object,
            ObjectInfo {
                key: String::new(),
                size: 0,
                etag: String::new(),
                last_modified: String::new(),
            },
        )),
        [_, "CommonPrefixes", "Prefix"] => prefix = text.to_owned(),
        [_, "CommonPrefixes"] => prefixes.push(std::mem::take(&mut prefix)),
        _ => {}
    })?;
    Ok((objects, prefixes, url_encoded, token.filter(|_| truncated)))
}

/// `s` as XML character data, each character written as itself, a named entity or a decimal
/// or hex character reference as `how` (one number per character) picks; `<` and `&` are always
/// escaped. A rare `&` of junk (no entity or a malformed one) goes in as well, where quick-xml
/// refuses the document and the property then asks nothing.
fn xml_text(s: &str, how: &[u8]) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        let pick = how.get(i % how.len().max(1)).copied().unwrap_or(0);
        let named = match c {
            '&' => Some("&amp;"),
            '<' => Some("&lt;"),
            '>' => Some("&gt;"),
            '"' => Some("&quot;"),
            '\'' => Some("&apos;"),
            _ => None,
        };
        match (pick % 8, named) {
            (0 | 1, Some(n)) => out.push_str(n),
            (2, _) => out.push_str(&format!("&#{};", u32::from(c))),
            (3, _) => out.push_str(&format!("&#x{:x};", u32::from(c))),
            (4, _) => out.push_str(&format!("&#x{:X};", u32::from(c))),
            (5, _) if pick == 253 => out.push_str(&format!("&#x+{:x};", u32::from(c))),
            (5, _) if pick == 245 => {
                out.push('&');
                out.push(c);
            }
            (_, Some(n)) if c == '&' || c == '<' => out.push_str(n),
            _ => out.push(c),
        }
    }
    out
}

/// Text that an XML document can hold: any `char` XML 1.0 allows, but not `\r`, which an XML
/// reader turns into `\n` (S3 never sends one raw: keys are URL-encoded).
fn xml_chars() -> impl Strategy<Value = String> + Clone {
    gen::text().prop_map(|s| {
        s.chars()
            .filter(|&c| {
                matches!(c, '\t' | '\n' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
                    || c >= '\u{10000}'
            })
            .collect()
    })
}

fn xml_as_quick_xml_reads_it(check: &mut Check) -> Result<(), String> {
    let object = (
        xml_chars(),
        any::<u64>(),
        xml_chars(),
        xml_chars(),
        any::<bool>(),
    );
    let listing = (
        vec(object, 0..4),
        vec(xml_chars(), 0..3),
        any::<bool>(),
        any::<bool>(),
        xml_chars(),
    );
    let layout = (vec(any::<u8>(), 1..8), any::<bool>(), any::<bool>());
    let error = (xml_chars(), xml_chars(), xml_chars());
    check.run(
        &(listing, layout, error),
        |((objects, prefixes, url, truncated, token), (how, pretty, namespaced), error)| {
            let nl = if pretty { "\n  " } else { "" };
            let t = |s: &str| xml_text(s, &how);
            let key = |s: &str| {
                if url {
                    percent_encode(s, true)
                } else {
                    s.to_owned()
                }
            };
            let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            xml.push_str(if namespaced {
                "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            } else {
                "<ListBucketResult>"
            });
            xml.push_str(&format!("{nl}<Name>b</Name>{nl}<Prefix></Prefix>"));
            if url {
                xml.push_str(&format!("{nl}<EncodingType>url</EncodingType>"));
            }
            xml.push_str(&format!("{nl}<IsTruncated>{truncated}</IsTruncated>"));
            for (k, size, etag, modified, owner) in &objects {
                xml.push_str(&format!(
                    "{nl}<Contents>{nl}<Key>{}</Key>{nl}<LastModified>{}</LastModified>\
                     {nl}<ETag>{}</ETag>{nl}<Size>{size}</Size>",
                    t(&key(k)),
                    t(modified),
                    t(etag)
                ));
                if *owner {
                    xml.push_str(&format!("{nl}<Owner><ID>{}</ID></Owner>", t(etag)));
                }
                xml.push_str(&format!(
                    "{nl}<StorageClass>STANDARD</StorageClass>{nl}</Contents>"
                ));
            }
            for p in &prefixes {
                xml.push_str(&format!(
                    "{nl}<CommonPrefixes><Prefix>{}</Prefix></CommonPrefixes>",
                    t(&key(p))
                ));
            }
            xml.push_str(&format!(
                "{nl}<NextContinuationToken>{}</NextContinuationToken>\n</ListBucketResult>",
                t(&token)
            ));
            let response = |body: String| Response {
                status: 200,
                headers: vec![],
                body: body.into_bytes(),
            };

            if let Ok((mut theirs, prefixes, url_encoded, token)) = quick_xml_listing(&xml) {
                let listing = read_listing(&response(xml.clone()));
                // Keys are read from the XML, then URL-decoded (decode has properties of its own).
                let decoded = |k: &str| {
                    if url_encoded {
                        decode(k, true).map_err(|e| e.to_string())
                    } else {
                        Ok(k.to_owned())
                    }
                };
                let read = listing
                    .map_err(|e| e.to_string())
                    .map(|l| (l.objects, l.prefixes, l.next_continuation_token));
                let expected = (|| {
                    for o in &mut theirs {
                        o.key = decoded(&o.key)?;
                    }
                    let prefixes = prefixes
                        .iter()
                        .map(|p| decoded(p))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok::<_, String>((theirs, prefixes, token))
                })();
                prop_assert_eq!(read, expected, "{}", xml);
            }

            let (code, message, request_id) = error;
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>{nl}<Code>{}</Code>\
                 {nl}<Message>{}</Message>{nl}<RequestId>{}</RequestId>{nl}</Error>",
                t(&code),
                t(&message),
                t(&request_id)
            );
            let mut theirs = (None, None, None);
            if quick_xml_walk(&body, |path, text| match path {
                ["Error", "Code"] => theirs.0 = Some(text.to_owned()),
                ["Error", "Message"] => theirs.1 = Some(text.to_owned()),
                ["Error", "RequestId"] => theirs.2 = Some(text.to_owned()),
                _ => {}
            })
            .is_ok()
            {
                let mut answer = response(body.clone());
                answer.status = 400;
                let e = parse_error(&answer);
                let ours = (e.code.clone(), e.message.clone(), e.request_id.clone());
                // An empty code is the kind's default name (Error::service).
                let code = theirs.0.map(|c| {
                    if c.is_empty() {
                        ErrorKind::Service.default_name().to_owned()
                    } else {
                        c
                    }
                });
                let theirs = (code, theirs.1, theirs.2);
                prop_assert_eq!((Some(ours.0), Some(ours.1), ours.2), theirs, "{}", body);
            }
            Ok(())
        },
    )
}
