//! JSON text in and out, for the AWS JSON protocol, tokens and stored state.
//!
//! A small reader and writer of our own instead of `serde_json`: the package carries every
//! byte of its code to every user, and what the AWS wire needs is little. Objects keep their
//! fields in the order they were read or built (a `Vec`, not a sorted map); numbers keep their
//! text, so nothing is rounded on the way through. Reading is strict RFC 8259 (what `JSON.parse`
//! accepts), with a nesting limit, and a duplicate field replaces the earlier one, as in
//! `JSON.parse`.

use crate::codec::text;
use std::fmt;
use std::ops::{Index, IndexMut};

/// A JSON value.
#[derive(Clone, Debug, Default)]
pub enum Json {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its JSON text (`-12.5e3`): never rounded on the way through.
    Number(String),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object.
    Object(Map),
}

/// A JSON object: its fields in order, each name once.
#[derive(Clone, Debug, Default)]
pub struct Map(Vec<(String, Json)>);

/// The `null` that indexing returns for a field that is not there.
static NULL: Json = Json::Null;

/// Why a text is not JSON (the reader says no more: where it broke is of no use to an app).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotJson;

/// How deep arrays and objects may nest in a text read: 127, where `serde_json` stops too.
/// AWS's own answers stay far below (DynamoDB allows 32 levels of documents).
const MAX_DEPTH: usize = 127;

impl Map {
    /// An empty object.
    pub fn new() -> Map {
        Map(Vec::new())
    }

    /// Sets `key` to `value`, in place if it is already there (returning the value it
    /// replaces), else at the end.
    pub fn insert(&mut self, key: String, value: Json) -> Option<Json> {
        set_field(&mut self.0, key, value)
    }

    /// An object of the fields read from a text, in order; a repeated name keeps its first
    /// place and its last value, as in `JSON.parse`. Whether any name repeats is found by
    /// sorting the names, so an object of thousands of fields (a wide DynamoDB item) costs
    /// O(n log n), not O(n²); only a text that does repeat a name (AWS's never do) is then
    /// merged one field at a time.
    fn from_read(fields: Vec<(String, Json)>) -> Map {
        let n = fields.len();
        let repeats = if n <= 8 {
            // Most objects are a few fields (an attribute value is one): compared pairwise,
            // with nothing allocated.
            (1..n).any(|i| fields[..i].iter().any(|(k, _)| *k == fields[i].0))
        } else {
            let mut order: Vec<(&[u8], usize)> = fields
                .iter()
                .enumerate()
                .map(|(i, (k, _))| (k.as_bytes(), i))
                .collect();
            text::first_repeat(&mut order).is_some()
        };
        if !repeats {
            return Map(fields);
        }
        let mut map = Map::new();
        for (k, v) in fields {
            map.insert(k, v);
        }
        map
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Json> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Whether `key` is there.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The fields, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&String, &Json)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The field names, in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// How many fields.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(String, Json)> for Map {
    fn from_iter<I: IntoIterator<Item = (String, Json)>>(iter: I) -> Map {
        let mut map = Map::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl IntoIterator for Map {
    type Item = (String, Json);
    type IntoIter = std::vec::IntoIter<(String, Json)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Objects are equal when they have the same fields, in any order (as JSON means them).
impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len() && self.0.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

/// Wipes every string, number and name in the value (AWS answers carry secret keys, session
/// tokens and refresh tokens), so that `Zeroizing<Json>` leaves no copy when dropped.
impl zeroize::Zeroize for Json {
    fn zeroize(&mut self) {
        match self {
            Json::Null | Json::Bool(_) => {}
            Json::Number(s) | Json::String(s) => s.zeroize(),
            Json::Array(items) => items.iter_mut().for_each(zeroize::Zeroize::zeroize),
            Json::Object(map) => {
                for (name, value) in &mut map.0 {
                    name.zeroize();
                    value.zeroize();
                }
            }
        }
    }
}

impl PartialEq for Json {
    fn eq(&self, other: &Json) -> bool {
        match (self, other) {
            (Json::Null, Json::Null) => true,
            (Json::Bool(a), Json::Bool(b)) => a == b,
            (Json::Number(a), Json::Number(b)) => a == b,
            (Json::String(a), Json::String(b)) => a == b,
            (Json::Array(a), Json::Array(b)) => a == b,
            (Json::Object(a), Json::Object(b)) => a == b,
            _ => false,
        }
    }
}

impl Json {
    /// Reads JSON text.
    pub fn parse(text: &[u8]) -> Result<Json, NotJson> {
        let text = std::str::from_utf8(text).map_err(|_| NotJson)?;
        let mut reader = Reader { text, at: 0 };
        let value = reader.value(0)?;
        reader.space();
        if reader.at != text.len() {
            return Err(NotJson);
        }
        Ok(value)
    }

    /// The value as compact JSON text (no spaces), as `JSON.stringify` writes it.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(256);
        self.write(&mut out);
        out
    }

    /// Appends the value's compact JSON text to `out`.
    pub fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => write_string(s, out),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(fields) => {
                out.push('{');
                for (i, (key, item)) in fields.0.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_string(key, out);
                    out.push(':');
                    item.write(out);
                }
                out.push('}');
            }
        }
    }

    /// The field `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(map) => map.get(key),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Json::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Json>> {
        match self {
            Json::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The fields, if this is an object.
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Json::Object(map) => Some(map),
            _ => None,
        }
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Json::Object(_))
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Json::Null)
    }

    /// The number as a `u64`, if it is a whole number written without fraction or exponent
    /// that fits.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Json::Number(n) if n.bytes().all(|b| b.is_ascii_digit()) => n.parse().ok(),
            _ => None,
        }
    }

    /// The number as an `i64`, if it is a whole number written without fraction or exponent
    /// that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Json::Number(n) if n.bytes().all(|b| b.is_ascii_digit() || b == b'-') => n.parse().ok(),
            _ => None,
        }
    }

    /// The number as an `f64`, for the timestamps and durations AWS sends (`1.7e9` seconds):
    /// exact for whole numbers below 2^53; otherwise within a few units in the last place,
    /// which is far below a millisecond for any timestamp.
    pub fn as_f64(&self) -> Option<f64> {
        let Json::Number(n) = self else { return None };
        let (negative, body) = match n.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, n.as_str()),
        };
        let (mantissa, exponent) = match body.split_once(['e', 'E']) {
            Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().ok()?),
            None => (body, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        // The first 19 digits are exact in a u64; later ones only move the exponent.
        let mut digits: u64 = 0;
        let mut scale = exponent;
        let mut taken = 0;
        for (i, b) in whole.bytes().chain(fraction.bytes()).enumerate() {
            let in_fraction = i >= whole.len();
            if taken < 19 {
                digits = digits * 10 + u64::from(b - b'0');
                if digits > 0 {
                    taken += 1;
                }
                if in_fraction {
                    scale -= 1;
                }
            } else if !in_fraction {
                scale += 1;
            }
        }
        let value = digits as f64 * 10f64.powi(scale);
        Some(if negative { -value } else { value })
    }
}

impl Index<&str> for Json {
    type Output = Json;
    /// The field `key` of an object, or `null` when it is not there.
    fn index(&self, key: &str) -> &Json {
        self.get(key).unwrap_or(&NULL)
    }
}

impl IndexMut<&str> for Json {
    /// The field `key` of an object, added as `null` when it is not there. `null` itself
    /// becomes an empty object first; indexing any other value this way is a bug.
    fn index_mut(&mut self, key: &str) -> &mut Json {
        if self.is_null() {
            *self = Json::Object(Map::new());
        }
        let Json::Object(map) = self else {
            panic!("a JSON value that is not an object was indexed by a field name");
        };
        let i = match map.0.iter().position(|(k, _)| k == key) {
            Some(i) => i,
            None => {
                map.0.push((key.to_owned(), Json::Null));
                map.0.len() - 1
            }
        };
        &mut map.0[i].1
    }
}

/// Writes as compact JSON text.
impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl From<&str> for Json {
    fn from(s: &str) -> Json {
        Json::String(s.to_owned())
    }
}

impl From<String> for Json {
    fn from(s: String) -> Json {
        Json::String(s)
    }
}

impl From<&String> for Json {
    fn from(s: &String) -> Json {
        Json::String(s.clone())
    }
}

impl From<&&str> for Json {
    fn from(s: &&str) -> Json {
        Json::String((*s).to_owned())
    }
}

impl From<bool> for Json {
    fn from(b: bool) -> Json {
        Json::Bool(b)
    }
}

impl From<&bool> for Json {
    fn from(b: &bool) -> Json {
        Json::Bool(*b)
    }
}

/// Whole numbers, written as their decimal text.
macro_rules! from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for Json {
            fn from(n: $t) -> Json {
                Json::Number(n.to_string())
            }
        }
    )*};
}

from_integer!(u64, u32, i64, i32, usize);

impl<T: Into<Json>> From<Vec<T>> for Json {
    fn from(items: Vec<T>) -> Json {
        Json::Array(items.into_iter().map(Into::into).collect())
    }
}

impl From<&Vec<String>> for Json {
    fn from(items: &Vec<String>) -> Json {
        Json::Array(items.iter().map(Json::from).collect())
    }
}

impl From<Map> for Json {
    fn from(map: Map) -> Json {
        Json::Object(map)
    }
}

impl<T: Into<Json>> From<Option<T>> for Json {
    fn from(value: Option<T>) -> Json {
        value.map_or(Json::Null, Into::into)
    }
}

/// Sets `key` in a short list of named fields: in place when it is there (returning the value
/// it replaces), else at the end. JSON objects use it, and so do the other name lists of the
/// crate (challenge parameters, the memory store, input maps), which are all a few entries long.
pub fn set_field<V>(fields: &mut Vec<(String, V)>, key: String, value: V) -> Option<V> {
    match fields.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => Some(std::mem::replace(&mut slot.1, value)),
        None => {
            fields.push((key, value));
            None
        }
    }
}

/// A JSON value written as JSON: `json!({"ClientId": id, "AuthParameters": {"USERNAME": user}})`.
///
/// Object keys are string literals; values are nested objects and arrays, `null`, or any
/// expression with an `Into<Json>`.
#[macro_export]
macro_rules! json {
    (null) => { $crate::codec::json::Json::Null };
    ([]) => { $crate::codec::json::Json::Array(::std::vec::Vec::new()) };
    ([ $($items:tt)+ ]) => {
        $crate::codec::json::Json::Array($crate::json_items!([] $($items)+))
    };
    ({}) => { $crate::codec::json::Json::Object($crate::codec::json::Map::new()) };
    ({ $($fields:tt)+ }) => {{
        let mut map = $crate::codec::json::Map::new();
        $crate::json_fields!(map; $($fields)+);
        $crate::codec::json::Json::Object(map)
    }};
    ($value:expr) => { $crate::codec::json::Json::from($value) };
}

/// The fields of an object in [`json!`].
#[doc(hidden)]
#[macro_export]
macro_rules! json_fields {
    ($map:ident;) => {};
    ($map:ident; $key:literal : null $(, $($rest:tt)*)?) => {
        $map.insert(::std::string::String::from($key), $crate::codec::json::Json::Null);
        $crate::json_fields!($map; $($($rest)*)?);
    };
    ($map:ident; $key:literal : { $($inner:tt)* } $(, $($rest:tt)*)?) => {
        $map.insert(::std::string::String::from($key), $crate::json!({ $($inner)* }));
        $crate::json_fields!($map; $($($rest)*)?);
    };
    ($map:ident; $key:literal : [ $($inner:tt)* ] $(, $($rest:tt)*)?) => {
        $map.insert(::std::string::String::from($key), $crate::json!([ $($inner)* ]));
        $crate::json_fields!($map; $($($rest)*)?);
    };
    ($map:ident; $key:literal : $value:expr $(, $($rest:tt)*)?) => {
        $map.insert(::std::string::String::from($key), $crate::codec::json::Json::from($value));
        $crate::json_fields!($map; $($($rest)*)?);
    };
}

/// The items of an array in [`json!`].
#[doc(hidden)]
#[macro_export]
macro_rules! json_items {
    ([ $($done:expr),* ]) => { ::std::vec![$($done),*] };
    ([ $($done:expr),* ] null $(, $($rest:tt)*)?) => {
        $crate::json_items!([ $($done,)* $crate::codec::json::Json::Null ] $($($rest)*)?)
    };
    ([ $($done:expr),* ] { $($inner:tt)* } $(, $($rest:tt)*)?) => {
        $crate::json_items!([ $($done,)* $crate::json!({ $($inner)* }) ] $($($rest)*)?)
    };
    ([ $($done:expr),* ] [ $($inner:tt)* ] $(, $($rest:tt)*)?) => {
        $crate::json_items!([ $($done,)* $crate::json!([ $($inner)* ]) ] $($($rest)*)?)
    };
    ([ $($done:expr),* ] $value:expr $(, $($rest:tt)*)?) => {
        $crate::json_items!([ $($done,)* $crate::codec::json::Json::from($value) ] $($($rest)*)?)
    };
}

/// A JSON string literal: `"` and `\` escaped, control characters as `\n`-style or `\u00XX`
/// escapes, everything else (all of Unicode) as is; the text `JSON.stringify` writes.
pub fn write_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, byte) in s.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        // `start` and `i` sit next to ASCII bytes, so both are char boundaries.
        out.push_str(s.get(start..i).unwrap_or_default());
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

/// `s` as a JSON string literal, for messages that quote a value (`"a b"`): what `{:?}` would
/// show, without the Debug machinery.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_string(s, &mut out);
    out
}

/// Whether `text` is a JSON number (`-0.5e+3`; no `+`, no leading zeros, no bare `.5`), which
/// `JSON.parse` reads to the nearest double, as `Number(text)` does.
pub fn is_number(text: &str) -> bool {
    let mut reader = Reader { text, at: 0 };
    reader.number().is_ok() && reader.at == text.len()
}

/// A cursor over JSON text that is already known to be UTF-8.
struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl Reader<'_> {
    fn bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.at).copied()
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.at += 1;
        }
    }

    fn eat(&mut self, word: &str) -> Result<(), NotJson> {
        if self.bytes()[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(())
        } else {
            Err(NotJson)
        }
    }

    /// Reads a value inside `depth` arrays and objects.
    fn value(&mut self, depth: usize) -> Result<Json, NotJson> {
        self.space();
        let next = self.peek().ok_or(NotJson)?;
        if matches!(next, b'[' | b'{') && depth >= MAX_DEPTH {
            return Err(NotJson);
        }
        match next {
            b'n' => self.eat("null").map(|_| Json::Null),
            b't' => self.eat("true").map(|_| Json::Bool(true)),
            b'f' => self.eat("false").map(|_| Json::Bool(false)),
            b'"' => self.string().map(Json::String),
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                self.space();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Ok(Json::Array(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b']') => {
                            self.at += 1;
                            return Ok(Json::Array(items));
                        }
                        _ => return Err(NotJson),
                    }
                }
            }
            b'{' => {
                self.at += 1;
                let mut fields = Vec::new();
                self.space();
                if self.peek() == Some(b'}') {
                    self.at += 1;
                    return Ok(Json::Object(Map(fields)));
                }
                loop {
                    self.space();
                    if self.peek() != Some(b'"') {
                        return Err(NotJson);
                    }
                    let key = self.string()?;
                    self.space();
                    self.eat(":")?;
                    let value = self.value(depth + 1)?;
                    fields.push((key, value));
                    self.space();
                    match self.peek() {
                        Some(b',') => self.at += 1,
                        Some(b'}') => {
                            self.at += 1;
                            return Ok(Json::Object(Map::from_read(fields)));
                        }
                        _ => return Err(NotJson),
                    }
                }
            }
            _ => {
                let start = self.at;
                self.number()?;
                let digits = self.text.get(start..self.at).ok_or(NotJson)?;
                Ok(Json::Number(digits.to_owned()))
            }
        }
    }

    /// Moves past a number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn number(&mut self) -> Result<(), NotJson> {
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(NotJson),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.some_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            self.some_digits()?;
        }
        Ok(())
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
    }

    fn some_digits(&mut self) -> Result<(), NotJson> {
        let start = self.at;
        self.digits();
        if self.at == start {
            Err(NotJson)
        } else {
            Ok(())
        }
    }

    /// Reads a string literal, the cursor on its opening quote.
    fn string(&mut self) -> Result<String, NotJson> {
        self.at += 1;
        // Sized for the text up to the closing quote, which no unescaping lengthens, so the
        // string never grows: a buffer left behind by growing would hold part of a secret.
        let mut out = String::with_capacity(self.literal_len());
        loop {
            let start = self.at;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            // The run stops at an ASCII byte, so it ends on a character boundary.
            out.push_str(self.text.get(start..self.at).ok_or(NotJson)?);
            match self.peek().ok_or(NotJson)? {
                b'"' => {
                    self.at += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.at += 1;
                    let escaped = self.peek().ok_or(NotJson)?;
                    self.at += 1;
                    out.push(match escaped {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(NotJson),
                    });
                }
                _ => return Err(NotJson), // a raw control character
            }
        }
    }

    /// The bytes from the cursor (just inside a string literal) to its closing quote, or to the
    /// end of the text when there is none.
    fn literal_len(&self) -> usize {
        let rest = self.bytes().get(self.at..).unwrap_or_default();
        let mut i = 0;
        while let Some(&b) = rest.get(i) {
            match b {
                b'"' => break,
                b'\\' => i += 2,
                _ => i += 1,
            }
        }
        i.min(rest.len())
    }

    /// The character of a `\uXXXX` escape (the cursor after `u`), joining a surrogate pair;
    /// a lone surrogate is not text and is refused, as `serde_json` refuses it.
    fn unicode_escape(&mut self) -> Result<char, NotJson> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                self.eat("\\u")?;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(NotJson);
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(NotJson),
            _ => first,
        };
        char::from_u32(code).ok_or(NotJson)
    }

    fn hex4(&mut self) -> Result<u32, NotJson> {
        let digits = self.bytes().get(self.at..self.at + 4).ok_or(NotJson)?;
        let mut code = 0;
        for &d in digits {
            code = code * 16 + u32::from(text::hex_value(d).ok_or(NotJson)?);
        }
        self.at += 4;
        Ok(code)
    }
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
