//! Generators of nasty input shared by the properties: arbitrary and hand-picked text, bytes and
//! JSON, biased towards what breaks parsers (escapes, entities, separators, unicode that is more
//! than one byte, huge and empty values, deep nesting).

use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Map, Number, Value};

/// Fragments that parsers of this crate split on, escape, decode or compare against.
const PIECES: &[&str] = &[
    "",
    " ",
    "\t",
    "\n",
    "\r\n",
    "\0",
    "\u{7f}",
    "%",
    "%%",
    "%0",
    "%zz",
    "%+1",
    "%-1",
    "%E9",
    "%C3%A9",
    "%FF",
    "%2F",
    "+",
    "=",
    "==",
    ".",
    "..",
    "/",
    "//",
    "\\",
    ":",
    "_",
    "-",
    "#",
    "?",
    "&",
    "&amp;",
    "&#0;",
    "&#65;",
    "&#x110000;",
    "&#xD800;",
    "&#99999999999999999999;",
    "&;",
    "&#;",
    "&#x;",
    "<",
    ">",
    "<Key>",
    "</Key>",
    "<Code>",
    "</Code>",
    "\"",
    "'",
    "{",
    "}",
    "[",
    "]",
    ",",
    "null",
    "true",
    "0",
    "00",
    "-0",
    "1",
    "9",
    "e",
    "E",
    "1e999",
    "NaN",
    "Infinity",
    "0x1f",
    "é",
    "e\u{301}",
    "ß",
    "İ",
    "ﬀ",
    "🙂",
    "👩\u{200d}👩\u{200d}👧",
    "\u{200b}",
    "\u{feff}",
    "\u{202e}",
    "\u{10ffff}",
    "\u{fffd}",
    "١٢٣",
    "１２３",
    "ǅ",
    "us-east-1",
    "us-east-1_",
    "us-east-1:",
    "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9",
    "https://",
    "http://",
    "eyJ",
    "AAAA",
    "__type",
    "S",
    "N",
    "M",
    "L",
    "NS",
];

/// One fragment.
pub fn piece() -> impl Strategy<Value = String> + Clone {
    proptest::sample::select(PIECES).prop_map(str::to_owned)
}

/// Any text: arbitrary `char`s (controls and every plane included), printable unicode, runs
/// of the fragments above, and long repeats of one fragment.
pub fn text() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        3 => vec(any::<char>(), 0..24).prop_map(String::from_iter),
        2 => any::<String>(),
        4 => vec(piece(), 0..10).prop_map(|p| p.concat()),
        1 => (piece(), 0..2_000usize).prop_map(|(p, n)| p.repeat(n)),
    ]
}

/// Non-empty text.
pub fn nonempty_text() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        text().prop_filter("not empty", |s| !s.is_empty()),
        piece().prop_filter("not empty", |s| !s.is_empty()),
    ]
}

/// Arbitrary bytes, with invalid UTF-8 and the fragments above.
pub fn bytes() -> impl Strategy<Value = Vec<u8>> + Clone {
    let invalid: &[&[u8]] = &[
        b"\xff",
        b"\xc3",
        b"\xed\xa0\x80",
        b"\xf4\x90\x80\x80",
        b"\xc0\xaf",
    ];
    prop_oneof![
        3 => vec(any::<u8>(), 0..64),
        2 => text().prop_map(String::into_bytes),
        2 => vec(
            prop_oneof![
                piece().prop_map(String::into_bytes),
                proptest::sample::select(invalid).prop_map(<[u8]>::to_vec),
            ],
            0..10
        )
        .prop_map(|p| p.concat()),
    ]
}

/// A JSON number, including the extremes serde_json keeps exactly.
pub fn json_number() -> impl Strategy<Value = Value> + Clone {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        proptest::sample::select(vec![
            Value::from(i64::MIN),
            Value::from(i64::MAX),
            Value::from(u64::MAX),
            Value::from(0),
            Value::from(-0.0),
            Value::from(0.5),
            Value::from(1e308),
            Value::from(-1e-308),
        ]),
    ]
}

/// A JSON leaf.
pub fn json_leaf() -> impl Strategy<Value = Value> + Clone {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        json_number(),
        text().prop_map(Value::String),
    ]
}

/// Arbitrary JSON, a few levels deep, with object keys drawn from `keys`.
pub fn json_with_keys(
    keys: impl Strategy<Value = String> + Clone + 'static,
) -> BoxedStrategy<Value> {
    json_leaf()
        .prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                vec(inner.clone(), 0..6).prop_map(Value::Array),
                vec((keys.clone(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
            ]
        })
        .boxed()
}

/// Arbitrary JSON with arbitrary keys.
pub fn json() -> BoxedStrategy<Value> {
    json_with_keys(text())
}

/// JSON text nested `depth` levels deep, past serde_json's recursion limit when deep enough.
pub fn deep_json_text() -> impl Strategy<Value = Vec<u8>> + Clone {
    (0..3_000usize, 0..3usize).prop_map(|(depth, shape)| {
        let (open, close) = match shape {
            0 => ("[", "]"),
            1 => ("{\"a\":", "}"),
            _ => ("{\"L\":[", "]}"),
        };
        let mut s = open.repeat(depth);
        s.push_str("null");
        s.push_str(&close.repeat(depth));
        s.into_bytes()
    })
}

/// Text that base64 engines may or may not accept: real encodings of arbitrary bytes in every
/// alphabet, with and without padding, and junk.
pub fn base64ish() -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        bytes().prop_map(|b| STANDARD.encode(b)),
        bytes().prop_map(|b| URL_SAFE.encode(b)),
        bytes().prop_map(|b| URL_SAFE_NO_PAD.encode(b)),
        text(),
    ]
}

/// A serde_json value as apiless's own JSON, through text: the way JSON reaches the crate.
pub fn ours(v: &Value) -> apiless::codec::json::Json {
    apiless::codec::json::Json::parse(v.to_string().as_bytes())
        .unwrap_or_else(|_| panic!("apiless cannot read serde_json's text {v}"))
}

/// apiless's own JSON as a serde_json value, through text.
pub fn theirs(v: &apiless::codec::json::Json) -> Value {
    serde_json::from_str(&v.to_text())
        .unwrap_or_else(|e| panic!("serde_json cannot read apiless's text {v}: {e}"))
}
