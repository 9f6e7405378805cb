//! DynamoDB's item API (JSON 1.0, `DynamoDB_20120810.*`), always scoped to the caller's identity
//! id as partition key.
//!
//! This module is pure: it turns plain Rust values into request bodies and response bodies back
//! into plain values. The caller adds `X-Amz-Target` ([`Operation::target`]), signs and sends.
//! [`Doc`] mirrors what the JS DocumentClient accepts and returns; numbers keep their exact
//! decimal text. Every builder applies the scope guard first: the partition key value must be
//! the signed-in identity id, or the request is refused as [`ErrorKind::OutOfScope`] before any
//! body exists. Only [`ScopeCheck::UnscopedForDemoOnly`] skips it, so a demo can show IAM
//! refusing what the guard would have stopped.
//!
//! [`ErrorKind::OutOfScope`]: crate::ErrorKind::OutOfScope

use crate::aws::aws_json::{self, Version};
use crate::aws::signed::{self, BodyHash};
use crate::codec::json;
use crate::codec::json::{Json, Map};
use crate::codec::text::{self, Base64};
use crate::http::Transport;
use crate::json;

use crate::error::{Error, Result};

/// An attribute value, as the JS DocumentClient accepts and returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Doc {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A string (may be empty outside keys).
    S(String),
    /// A number as DynamoDB number text; see [`validate_number`].
    N(String),
    /// Binary data.
    B(Vec<u8>),
    /// A list of values of any types.
    L(Vec<Doc>),
    /// A map; its order is kept both ways (a response's maps keep the order DynamoDB sent).
    M(Vec<(String, Doc)>),
    /// A string set: not empty, no duplicates.
    SS(Vec<String>),
    /// A number set: not empty, no two members numerically equal.
    NS(Vec<String>),
    /// A binary set: not empty, no duplicates.
    BS(Vec<Vec<u8>>),
}

/// An item: attribute names and values, in order.
pub type Item = Vec<(String, Doc)>;

/// How deep lists and maps may nest, as DynamoDB allows.
const MAX_DEPTH: usize = 32;
/// Significant digits a DynamoDB number may carry.
const MAX_DIGITS: usize = 38;
/// Exponent of the leading digit of the largest magnitude (9.99...E+125).
const MAX_EXPONENT: i128 = 125;
/// Exponent of the leading digit of the smallest non-zero magnitude (1E-130).
const MIN_EXPONENT: i128 = -130;

/// Generated placeholders of [`query_request`]; callers may not use them.
const RESERVED_NAMES: &[&str] = &["#pk", "#sk", "#tpk"];
const RESERVED_VALUES: &[&str] = &[":pk", ":sk0", ":sk1", ":tpk"];

// ---------------------------------------------------------------------------------------------
// Paths and errors
// ---------------------------------------------------------------------------------------------

/// Where a value came from: the caller (invalid input) or DynamoDB (a protocol fault).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Input,
    Response,
}

fn bad(source: Source, path: impl std::fmt::Display, message: impl Into<String>) -> Error {
    let message = message.into();
    match source {
        Source::Input => Error::invalid_input(&path.to_string(), format!("{path}: {message}")),
        Source::Response => Error::protocol(format!(
            "DynamoDB answered with an invalid value at {path}: {message}"
        )),
    }
}

/// `item` + `tags` -> `item.tags`; names that are not plain words are quoted: `item["a b"]`.
fn child(path: &str, name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!("{path}.{name}")
    } else {
        format!("{path}[{}]", json::quoted(name))
    }
}

/// Where a value sits in a document (`item.tags[2]`), written out only when an error names it:
/// the marshalling walks every value, and most never need their path.
#[derive(Clone, Copy, Debug)]
pub enum Path<'a> {
    /// A named top-level value: `item`.
    Root(&'a str),
    /// An attribute of a map: `item.tags`, `item["a b"]`.
    Key(&'a Path<'a>, &'a str),
    /// An element of a list: `item.tags[2]`.
    Index(&'a Path<'a>, usize),
    /// A member of a set (which has no order): `item.tags<2>`.
    Member(&'a Path<'a>, usize),
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Root(name) => f.write_str(name),
            Path::Key(parent, name) => f.write_str(&child(&parent.to_string(), name)),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
            Path::Member(parent, i) => write!(f, "{parent}<{i}>"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/// Checks a number as DynamoDB does and returns its canonical text.
///
/// Accepted: decimal syntax with an optional sign, fraction and exponent (`-1.5e3`, `.5`,
/// `+2.`); up to 38 significant digits (leading and trailing zeros do not count); a magnitude
/// between 1E-130 and 9.9999999999999999999999999999999999999E+125, or zero. Refused: empty
/// text, spaces, `NaN`, `Infinity`, hex. The canonical form is plain decimal notation with no
/// exponent, no `+`, no leading or trailing zeros and `0` for every zero (`"1.50e2"` ->
/// `"150"`, `"-0.0"` -> `"0"`); it is numerically equal to the input, digit for digit.
pub fn validate_number(text: &str) -> Result<String> {
    canonical_number(text)
        .map_err(|why| Error::invalid_input("number", format!("not a DynamoDB number: {why}")))
}

fn canonical_number(text: &str) -> std::result::Result<String, &'static str> {
    if text.is_empty() {
        return Err("the text is empty");
    }
    let (negative, rest) = if let Some(r) = text.strip_prefix('-') {
        (true, r)
    } else if let Some(r) = text.strip_prefix('+') {
        (false, r)
    } else {
        (false, text)
    };
    let (mantissa, exponent) = match rest.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (rest, None),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int_part) || !all_digits(frac_part) {
        return Err("only decimal digits, one '.', an optional sign and exponent are allowed");
    }
    if int_part.is_empty() && frac_part.is_empty() {
        return Err("there are no digits");
    }
    // The exponent; one of more than 25 digits is clamped to 10^26, which no text is long enough
    // to bring back into range, so zero stays zero and the arithmetic below cannot overflow.
    let exponent: i128 = match exponent {
        None => 0,
        Some(e) => {
            let (exp_negative, digits) = if let Some(d) = e.strip_prefix('-') {
                (true, d)
            } else if let Some(d) = e.strip_prefix('+') {
                (false, d)
            } else {
                (false, e)
            };
            if digits.is_empty() || !all_digits(digits) {
                return Err("the exponent needs digits");
            }
            let significant = digits.trim_start_matches('0');
            let value: i128 = if significant.len() > 25 {
                10i128.pow(26)
            } else {
                significant.parse().unwrap_or(0)
            };
            if exp_negative {
                -value
            } else {
                value
            }
        }
    };
    let mut joined = String::with_capacity(int_part.len() + frac_part.len());
    joined.push_str(int_part);
    joined.push_str(frac_part);
    let leading_trimmed = joined.trim_start_matches('0');
    let digits = leading_trimmed.trim_end_matches('0');
    if digits.is_empty() {
        return Ok("0".to_owned());
    }
    if digits.len() > MAX_DIGITS {
        return Err("more than 38 significant digits");
    }
    let len = |s: &str| i128::try_from(s.len()).unwrap_or(i128::MAX / 4);
    let trailing = len(leading_trimmed) - len(digits);
    // value = digits * 10^scale; the leading digit's exponent is scale + len - 1.
    let scale = exponent - len(frac_part) + trailing;
    let leading = scale + len(digits) - 1;
    if leading > MAX_EXPONENT {
        return Err("the magnitude is greater than 9.9999999999999999999999999999999999999E+125");
    }
    if leading < MIN_EXPONENT {
        return Err("the magnitude is smaller than 1E-130");
    }
    let mut out = String::with_capacity(digits.len() + 140);
    if negative {
        out.push('-');
    }
    let zeros = |n: i128| "0".repeat(usize::try_from(n).unwrap_or(0));
    if scale >= 0 {
        out.push_str(digits);
        out.push_str(&zeros(scale));
    } else if leading >= 0 {
        let split = usize::try_from(leading + 1).unwrap_or(0);
        let (whole, fraction) = digits.split_at_checked(split).unwrap_or((digits, ""));
        out.push_str(whole);
        out.push('.');
        out.push_str(fraction);
    } else {
        out.push_str("0.");
        out.push_str(&zeros(-leading - 1));
        out.push_str(digits);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Documents -> JS
// ---------------------------------------------------------------------------------------------

/// How a DynamoDB number is handed to JS. One rule, on every path that reads a value (get,
/// query, update and delete answers, sets, nested values): a `number` exactly when the double
/// nearest to the decimal prints back (as JS's `String(x)` prints it) to the same decimal value;
/// otherwise a `bigint` for an integer and a `NumberValue` (the exact text) for a fraction. So
/// `put` writes back the very decimal it read, whichever of the three it got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsNumber {
    /// A `number`: the double prints back to the same decimal.
    Number,
    /// A `bigint`: an integer the double would change.
    BigInt,
    /// A `NumberValue` holding the text: a fraction the double would change, or text that is
    /// not a canonical DynamoDB number (kept as it is).
    NumberValue,
}

/// Significant digits of canonical number text: `"-0.00120"` has 2, `"1500"` has 2.
fn significant_digits(n: &str) -> usize {
    let digits = n
        .bytes()
        .filter(u8::is_ascii_digit)
        .skip_while(|&b| b == b'0')
        .count();
    let trailing = n.bytes().rev().take_while(|&b| b == b'0').count();
    digits.saturating_sub(trailing)
}

/// Whether `n` is DynamoDB number text in canonical form ([`validate_number`]), as every
/// number read from DynamoDB is once parsed.
fn is_canonical(n: &str) -> bool {
    canonical_number(n).is_ok_and(|c| c == n)
}

/// How the number `n` is handed to JS ([`JsNumber`]). `print_back(n)` is JS's
/// `String(Number(n))`; it is asked only for 16 or 17 significant digits, since every decimal
/// of at most 15 significant digits in DynamoDB's range prints back to itself (a double holds
/// 15 decimal digits) and none of more than 17 can (no double needs more to print back).
pub fn js_number(n: &str, print_back: impl FnOnce(&str) -> String) -> JsNumber {
    if !is_canonical(n) {
        return JsNumber::NumberValue;
    }
    let digits = significant_digits(n);
    if digits <= 15 || (digits <= 17 && canonical_number(&print_back(n)).is_ok_and(|c| c == n)) {
        JsNumber::Number
    } else if n.contains('.') {
        JsNumber::NumberValue
    } else {
        JsNumber::BigInt
    }
}

/// Whether [`plain_json`] writes `n` into the JSON text, for `JSON.parse` to read as a
/// `number`: canonical text of at most 15 significant digits, a `number` by [`js_number`]
/// without asking JS.
fn plain_number(n: &str) -> bool {
    significant_digits(n) <= 15 && is_canonical(n)
}

/// Items written as one JSON text for one `JSON.parse` in the page: building them value by value
/// through the JS boundary costs a crossing and a string copy per value.
///
/// The values JSON cannot carry (binary, sets, numbers of more than 15 significant digits,
/// which [`js_number`] decides with JS's help, and strings that begin with U+0000) are set
/// aside: each is written as the string `"\u0000<index>"` and listed in `specials`, for the
/// parse's reviver to put back. A JSON text carries no raw U+0000, so no other string can look
/// like a marker.
#[derive(Debug, PartialEq, Eq)]
pub struct PlainJson<'a> {
    /// A JSON array of the items, as objects.
    pub text: String,
    /// The values set aside, by index.
    pub specials: Vec<&'a Doc>,
}

/// [`PlainJson`] of `items`.
pub fn plain_json(items: &[Item]) -> PlainJson<'_> {
    let mut out = PlainJson {
        text: String::with_capacity(256),
        specials: Vec::new(),
    };
    out.text.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.text.push(',');
        }
        write_plain_map(item, &mut out);
    }
    out.text.push(']');
    out
}

fn write_plain_map<'a>(fields: &'a [(String, Doc)], out: &mut PlainJson<'a>) {
    out.text.push('{');
    for (i, (name, doc)) in fields.iter().enumerate() {
        if i > 0 {
            out.text.push(',');
        }
        json::write_string(name, &mut out.text);
        out.text.push(':');
        write_plain(doc, out);
    }
    out.text.push('}');
}

fn write_plain<'a>(doc: &'a Doc, out: &mut PlainJson<'a>) {
    match doc {
        Doc::Null => out.text.push_str("null"),
        Doc::Bool(b) => out.text.push_str(if *b { "true" } else { "false" }),
        Doc::S(s) if !s.starts_with('\0') => json::write_string(s, &mut out.text),
        Doc::N(n) if plain_number(n) => out.text.push_str(n),
        Doc::L(items) => {
            out.text.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.text.push(',');
                }
                write_plain(item, out);
            }
            out.text.push(']');
        }
        Doc::M(fields) => write_plain_map(fields, out),
        special => {
            out.text.push_str("\"\\u0000");
            out.text.push_str(&out.specials.len().to_string());
            out.text.push('"');
            out.specials.push(special);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Documents <-> DynamoDB JSON
// ---------------------------------------------------------------------------------------------

/// The DynamoDB JSON of a value: `{"S": "x"}`, `{"N": "12"}`, `{"B": "<base64>"}`,
/// `{"BOOL": true}`, `{"NULL": true}`, `{"L": [...]}`, `{"M": {...}}`, `{"SS": [...]}`, ...
///
/// Numbers are checked and made canonical ([`validate_number`]); empty sets, duplicate set
/// members, empty or repeated map keys and nesting deeper than 32 levels are refused, as
/// DynamoDB refuses them. Errors name the path (`value.tags[2]`).
pub fn to_attribute_value(doc: &Doc) -> Result<Json> {
    to_av(doc, &Path::Root("value"), 0)
}

/// Reads DynamoDB JSON (`{"S": "x"}`, ...) into a [`Doc`], with the checks of
/// [`to_attribute_value`].
pub fn from_attribute_value(value: &Json) -> Result<Doc> {
    from_av(value, &Path::Root("value"), 0, Source::Input)
}

/// The DynamoDB JSON of an item: `{"name": {"S": "x"}, ...}`.
pub fn item_to_json(item: &[(String, Doc)]) -> Result<Json> {
    map_to_json(item, &Path::Root("item"), 0).map(Json::Object)
}

/// Reads an item from DynamoDB JSON, its attributes in the order the JSON has them.
pub fn item_from_json(value: &Json) -> Result<Item> {
    map_from_json(value, &Path::Root("item"), 0, Source::Input)
}

fn map_to_json(entries: &[(String, Doc)], path: &Path<'_>, depth: usize) -> Result<Map> {
    let mut map = Map::new();
    for (name, doc) in entries {
        let here = Path::Key(path, name);
        if name.is_empty() {
            return Err(bad(
                Source::Input,
                here,
                "attribute names must not be empty",
            ));
        }
        if map.contains_key(name) {
            return Err(bad(Source::Input, here, "the attribute name appears twice"));
        }
        map.insert(name.clone(), to_av(doc, &here, depth)?);
    }
    Ok(map)
}

fn to_av(doc: &Doc, path: &Path<'_>, depth: usize) -> Result<Json> {
    if depth > MAX_DEPTH {
        return Err(bad(
            Source::Input,
            path,
            "lists and maps nest deeper than 32 levels",
        ));
    }
    let number = |n: &str, path: &Path<'_>| {
        canonical_number(n)
            .map_err(|why| bad(Source::Input, path, format!("not a DynamoDB number: {why}")))
    };
    Ok(match doc {
        Doc::Null => json!({ "NULL": true }),
        Doc::Bool(b) => json!({ "BOOL": b }),
        Doc::S(s) => json!({ "S": s }),
        Doc::N(n) => json!({ "N": number(n, path)? }),
        Doc::B(b) => json!({ "B": Base64::Standard.encode(b) }),
        Doc::L(list) => {
            let mut values = Vec::with_capacity(list.len());
            for (i, d) in list.iter().enumerate() {
                values.push(to_av(d, &Path::Index(path, i), depth + 1)?);
            }
            json!({ "L": values })
        }
        Doc::M(entries) => json!({ "M": map_to_json(entries, path, depth + 1)? }),
        Doc::SS(set) => {
            check_set(set.iter().map(String::as_bytes), path, Source::Input)?;
            json!({ "SS": set })
        }
        Doc::NS(set) => {
            let mut canonical = Vec::with_capacity(set.len());
            for (i, n) in set.iter().enumerate() {
                canonical.push(number(n, &Path::Index(path, i))?);
            }
            check_set(canonical.iter().map(String::as_bytes), path, Source::Input)?;
            json!({ "NS": canonical })
        }
        Doc::BS(set) => {
            check_set(set.iter().map(Vec::as_slice), path, Source::Input)?;
            let encoded: Vec<String> = set.iter().map(|b| Base64::Standard.encode(b)).collect();
            json!({ "BS": encoded })
        }
    })
}

/// Refuses empty sets and repeated members, naming the first repeat (the first member equal
/// to one before it). Members are compared as bytes: strings and canonical numbers by their
/// text, binaries by their bytes.
fn check_set<'m>(
    members: impl Iterator<Item = &'m [u8]>,
    path: &Path<'_>,
    source: Source,
) -> Result<()> {
    let mut members: Vec<(&[u8], usize)> = members.enumerate().map(|(i, m)| (m, i)).collect();
    if members.is_empty() {
        return Err(bad(
            source,
            path,
            "DynamoDB has no empty sets; leave the attribute out or use an empty list",
        ));
    }
    if let Some(i) = text::first_repeat(&mut members) {
        return Err(bad(
            source,
            Path::Index(path, i),
            "a set member appears twice (DynamoDB sets hold distinct values)",
        ));
    }
    Ok(())
}

fn map_from_json(value: &Json, path: &Path<'_>, depth: usize, source: Source) -> Result<Item> {
    let object = value
        .as_object()
        .ok_or_else(|| bad(source, path, "expected an object of attribute values"))?;
    let mut item = Vec::with_capacity(object.len());
    for (name, v) in object.iter() {
        if name.is_empty() {
            return Err(bad(source, path, "attribute names must not be empty"));
        }
        item.push((
            name.clone(),
            from_av(v, &Path::Key(path, name), depth, source)?,
        ));
    }
    Ok(item)
}

fn from_av(value: &Json, path: &Path<'_>, depth: usize, source: Source) -> Result<Doc> {
    if depth > MAX_DEPTH {
        return Err(bad(
            source,
            path,
            "lists and maps nest deeper than 32 levels",
        ));
    }
    let object = value.as_object().ok_or_else(|| {
        bad(
            source,
            path,
            "an attribute value is an object such as {\"S\": \"text\"}",
        )
    })?;
    let mut entries = object.iter();
    let (tag, inner) = match (entries.next(), entries.next()) {
        (Some(entry), None) => entry,
        _ => return Err(bad(
            source,
            path,
            "an attribute value has exactly one type key (S, N, B, BOOL, NULL, L, M, SS, NS, BS)",
        )),
    };
    let wrong = |what: &str| bad(source, path, format!("the value of {tag} must be {what}"));
    let string = |v: &Json, path: &Path<'_>| -> Result<String> {
        v.as_str()
            .map(str::to_owned)
            .ok_or_else(|| bad(source, path, format!("a {tag} member must be a string")))
    };
    let number = |text: String, path: &Path<'_>| -> Result<String> {
        canonical_number(&text)
            .map_err(|why| bad(source, path, format!("not a DynamoDB number: {why}")))
    };
    let binary = |text: String, path: &Path<'_>| -> Result<Vec<u8>> {
        Base64::Standard
            .decode(text)
            .ok_or_else(|| bad(source, path, "binary values must be standard base64"))
    };
    let members = || inner.as_array().ok_or_else(|| wrong("a list"));
    Ok(match tag.as_str() {
        "NULL" => match inner {
            Json::Bool(true) => Doc::Null,
            _ => return Err(wrong("true")),
        },
        "BOOL" => Doc::Bool(inner.as_bool().ok_or_else(|| wrong("true or false"))?),
        "S" => Doc::S(string(inner, path)?),
        "N" => Doc::N(number(string(inner, path)?, path)?),
        "B" => Doc::B(binary(string(inner, path)?, path)?),
        "L" => {
            let mut list = Vec::new();
            for (i, v) in members()?.iter().enumerate() {
                list.push(from_av(v, &Path::Index(path, i), depth + 1, source)?);
            }
            Doc::L(list)
        }
        "M" => Doc::M(map_from_json(inner, path, depth + 1, source)?),
        "SS" => {
            let mut set = Vec::new();
            for (i, v) in members()?.iter().enumerate() {
                set.push(string(v, &Path::Index(path, i))?);
            }
            check_set(set.iter().map(String::as_bytes), path, source)?;
            Doc::SS(set)
        }
        "NS" => {
            // Each member is read and checked before the next, so an error names the first
            // bad one whatever is wrong with it.
            let mut set = Vec::new();
            for (i, v) in members()?.iter().enumerate() {
                let here = Path::Index(path, i);
                set.push(number(string(v, &here)?, &here)?);
            }
            check_set(set.iter().map(String::as_bytes), path, source)?;
            Doc::NS(set)
        }
        "BS" => {
            let mut set = Vec::new();
            for (i, v) in members()?.iter().enumerate() {
                let here = Path::Index(path, i);
                set.push(binary(string(v, &here)?, &here)?);
            }
            check_set(set.iter().map(Vec::as_slice), path, source)?;
            Doc::BS(set)
        }
        _ => {
            return Err(bad(
                source,
                path,
                "unknown attribute type (expected S, N, B, BOOL, NULL, L, M, SS, NS or BS)",
            ))
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Tables, scope and options
// ---------------------------------------------------------------------------------------------

/// The DynamoDB operations this module builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// `GetItem`.
    GetItem,
    /// `PutItem`.
    PutItem,
    /// `UpdateItem`.
    UpdateItem,
    /// `DeleteItem`.
    DeleteItem,
    /// `Query`.
    Query,
}

impl Operation {
    /// The `X-Amz-Target` header value, e.g. `DynamoDB_20120810.GetItem`.
    pub fn target(self) -> &'static str {
        match self {
            Operation::GetItem => "DynamoDB_20120810.GetItem",
            Operation::PutItem => "DynamoDB_20120810.PutItem",
            Operation::UpdateItem => "DynamoDB_20120810.UpdateItem",
            Operation::DeleteItem => "DynamoDB_20120810.DeleteItem",
            Operation::Query => "DynamoDB_20120810.Query",
        }
    }
}

/// A table and its key schema. The partition key holds the identity id (type `S`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Table name (or ARN).
    pub name: String,
    /// Partition key attribute name; its value is always the caller's identity id.
    pub pk_name: String,
    /// Sort key attribute name, when the table has one.
    pub sk_name: Option<String>,
    /// The secondary indexes the app declared (`db(table, { indexes })`): their partition key
    /// attributes hold an identity id too, so a write may set one only to the caller's own.
    pub indexes: Vec<Index>,
}

/// Whether the scope guard applies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ScopeCheck {
    /// Refuse any request whose partition key is not the signed-in identity id.
    #[default]
    Enforce,
    /// Build the request whatever its partition key, so a demo can show IAM refusing it.
    /// Never use this for real data access.
    UnscopedForDemoOnly,
}

/// What a write answers with (`ReturnValues`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnValues {
    /// `NONE`.
    None,
    /// `ALL_OLD`: the item as it was (PutItem, UpdateItem, DeleteItem).
    AllOld,
    /// `UPDATED_OLD`: the updated attributes as they were (UpdateItem only).
    UpdatedOld,
    /// `ALL_NEW`: the item as it is now (UpdateItem only).
    AllNew,
    /// `UPDATED_NEW`: the updated attributes as they are now (UpdateItem only).
    UpdatedNew,
}

impl ReturnValues {
    /// The wire name, e.g. `ALL_OLD`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnValues::None => "NONE",
            ReturnValues::AllOld => "ALL_OLD",
            ReturnValues::UpdatedOld => "UPDATED_OLD",
            ReturnValues::AllNew => "ALL_NEW",
            ReturnValues::UpdatedNew => "UPDATED_NEW",
        }
    }
}

/// Options of PutItem.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PutItem {
    /// The whole item; must hold the partition key set to the identity id (and the sort key).
    pub item: Item,
    /// `ConditionExpression`.
    pub condition_expression: Option<String>,
    /// `ExpressionAttributeNames`: `#placeholder` -> attribute name.
    pub expression_attribute_names: Vec<(String, String)>,
    /// `ExpressionAttributeValues`: `:placeholder` -> value.
    pub expression_attribute_values: Item,
    /// `NONE` or `ALL_OLD`.
    pub return_values: Option<ReturnValues>,
}

/// Options of GetItem.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GetItem {
    /// Partition key value; `None` means the identity id, anything else is out of scope.
    pub partition_key: Option<Doc>,
    /// Sort key value; required exactly when the table has a sort key.
    pub sort_key: Option<Doc>,
    /// `ProjectionExpression`.
    pub projection_expression: Option<String>,
    /// `ExpressionAttributeNames`.
    pub expression_attribute_names: Vec<(String, String)>,
    /// `ConsistentRead`.
    pub consistent_read: Option<bool>,
}

/// Options of UpdateItem.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateItem {
    /// Partition key value; `None` means the identity id, anything else is out of scope.
    pub partition_key: Option<Doc>,
    /// Sort key value; required exactly when the table has a sort key.
    pub sort_key: Option<Doc>,
    /// `UpdateExpression` (required).
    pub update_expression: String,
    /// `ConditionExpression`.
    pub condition_expression: Option<String>,
    /// `ExpressionAttributeNames`.
    pub expression_attribute_names: Vec<(String, String)>,
    /// `ExpressionAttributeValues`.
    pub expression_attribute_values: Item,
    /// Any [`ReturnValues`].
    pub return_values: Option<ReturnValues>,
}

/// Options of DeleteItem.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeleteItem {
    /// Partition key value; `None` means the identity id, anything else is out of scope.
    pub partition_key: Option<Doc>,
    /// Sort key value; required exactly when the table has a sort key.
    pub sort_key: Option<Doc>,
    /// `ConditionExpression`.
    pub condition_expression: Option<String>,
    /// `ExpressionAttributeNames`.
    pub expression_attribute_names: Vec<(String, String)>,
    /// `ExpressionAttributeValues`.
    pub expression_attribute_values: Item,
    /// `NONE` or `ALL_OLD`.
    pub return_values: Option<ReturnValues>,
}

/// A condition on the sort key of a Query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SortKeyCondition {
    /// `#sk = :sk0`.
    Eq(Doc),
    /// `#sk < :sk0`.
    Lt(Doc),
    /// `#sk <= :sk0`.
    Le(Doc),
    /// `#sk > :sk0`.
    Gt(Doc),
    /// `#sk >= :sk0`.
    Ge(Doc),
    /// `#sk BETWEEN :sk0 AND :sk1` (both ends included).
    Between(Doc, Doc),
    /// `begins_with(#sk, :sk0)`; strings and binary only.
    BeginsWith(Doc),
}

/// A secondary index to query, with its own key names. Its partition key is still bound to
/// the identity id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Index {
    /// `IndexName`.
    pub name: String,
    /// The index's partition key attribute name.
    pub pk_name: String,
    /// The index's sort key attribute name, when it has one.
    pub sk_name: Option<String>,
}

/// Options of Query. The key condition is generated: `#pk = :pk` plus the sort key condition;
/// the placeholders `#pk`, `#sk`, `:pk`, `:sk0` and `:sk1` are reserved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Partition key value; `None` means the identity id, anything else is out of scope.
    pub partition_key: Option<Doc>,
    /// Condition on the sort key (of the table, or of `index`).
    pub sort_key: Option<SortKeyCondition>,
    /// Query this index instead of the table.
    pub index: Option<Index>,
    /// `FilterExpression`.
    pub filter_expression: Option<String>,
    /// `ProjectionExpression`.
    pub projection_expression: Option<String>,
    /// `ExpressionAttributeNames`, merged with the generated ones.
    pub expression_attribute_names: Vec<(String, String)>,
    /// `ExpressionAttributeValues`, merged with the generated ones.
    pub expression_attribute_values: Item,
    /// `Limit` (at least 1).
    pub limit: Option<u32>,
    /// `ScanIndexForward`: `false` for descending sort key order.
    pub scan_forward: Option<bool>,
    /// `ConsistentRead`.
    pub consistent_read: Option<bool>,
    /// `ExclusiveStartKey`: the `last_evaluated_key` of the previous page.
    pub exclusive_start_key: Option<Item>,
}

/// One page of a Query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryPage {
    /// The items of this page.
    pub items: Vec<Item>,
    /// Where the next page starts; `None` on the last page.
    pub last_evaluated_key: Option<Item>,
    /// `Count`: items returned after the filter.
    pub count: u64,
    /// `ScannedCount`: items read before the filter.
    pub scanned_count: u64,
}

// ---------------------------------------------------------------------------------------------
// The scope guard and shared pieces of the builders
// ---------------------------------------------------------------------------------------------

fn check_table(table: &Table, identity_id: &str) -> Result<()> {
    if table.name.is_empty() {
        return Err(Error::invalid_input("table", "the table name is empty"));
    }
    if table.pk_name.is_empty() {
        return Err(Error::invalid_input(
            "partitionKeyName",
            "the partition key name is empty",
        ));
    }
    if table.sk_name.as_deref() == Some("") {
        return Err(Error::invalid_input(
            "sortKeyName",
            "the sort key name is empty",
        ));
    }
    if identity_id.is_empty() {
        return Err(Error::invalid_input(
            "identityId",
            "no identity id: sign in and get credentials first",
        ));
    }
    Ok(())
}

/// The scope guard: `value` must be the string `identity_id`.
fn check_partition(
    value: Option<&Doc>,
    field: &str,
    pk_name: &str,
    identity_id: &str,
    scope: ScopeCheck,
) -> Result<()> {
    if scope == ScopeCheck::UnscopedForDemoOnly {
        return Ok(());
    }
    match value {
        Some(Doc::S(s)) if s == identity_id => Ok(()),
        Some(_) => Err(Error::out_of_scope(
            field,
            format!(
                "{field}: partition key '{pk_name}' must be the signed-in identity id \
                 '{identity_id}'; this request names another value, which is outside the \
                 user's own data"
            ),
        )),
        None => Err(Error::out_of_scope(
            field,
            format!(
                "{field}: partition key '{pk_name}' must be the signed-in identity id \
                 '{identity_id}', but it is missing"
            ),
        )),
    }
}

/// A value written into the partition key attribute of a declared index: the caller's own
/// identity id, or refused as out of scope.
fn check_index_key(
    value: &Doc,
    field: &str,
    index: &Index,
    identity_id: &str,
    scope: ScopeCheck,
) -> Result<()> {
    match value {
        _ if scope == ScopeCheck::UnscopedForDemoOnly => Ok(()),
        Doc::S(s) if s == identity_id => Ok(()),
        _ => Err(Error::out_of_scope(
            field,
            format!(
                "{field}: '{}' is the partition key of index '{}', which holds identity ids; \
                 it may only be set to the signed-in identity id '{identity_id}'",
                index.pk_name, index.name
            ),
        )),
    }
}

/// An update may set a declared index's partition key only with `SET <key> = :value`, the value
/// being the caller's identity id; any other action on it but `REMOVE` is refused, since what
/// it would store cannot be known before DynamoDB evaluates it.
fn check_index_updates(
    table: &Table,
    identity_id: &str,
    options: &UpdateItem,
    scope: ScopeCheck,
) -> Result<()> {
    if table.indexes.is_empty() || scope == ScopeCheck::UnscopedForDemoOnly {
        return Ok(());
    }
    let name_of = |path: &str| -> String {
        let head = path
            .split(['.', '['])
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        match options
            .expression_attribute_names
            .iter()
            .find(|(alias, _)| *alias == head)
        {
            Some((_, name)) => name.clone(),
            None => head,
        }
    };
    let field = "updateExpression";
    for (clause, action) in update_actions(&options.update_expression) {
        // What cannot be read for sure is refused: an index key must not slip through.
        let (path, value) =
            match (clause, text::split_once(action, "=")) {
                ("SET", Some((path, value))) => (path.trim(), Some(value.trim())),
                ("REMOVE", None) if action.split_whitespace().count() == 1 => (action, None),
                ("ADD" | "DELETE", None) => {
                    (action.split_whitespace().next().unwrap_or_default(), None)
                }
                _ => return Err(Error::invalid_input(
                    field,
                    "updateExpression has an action apiless cannot read (each must follow SET, \
                     REMOVE, ADD or DELETE), and the table declares indexes whose keys it checks",
                )),
            };
        let attribute = name_of(path);
        let Some(index) = table.indexes.iter().find(|i| i.pk_name == attribute) else {
            continue;
        };
        let value = match (clause, value) {
            ("REMOVE", _) => continue,
            ("SET", Some(v)) if !path.contains(['.', '[']) => v,
            _ => {
                return Err(Error::out_of_scope(
                    field,
                    format!(
                        "{field}: '{attribute}' is the partition key of index '{}': an update \
                         may only SET it to a :value holding the signed-in identity id, or \
                         REMOVE it",
                        index.name
                    ),
                ))
            }
        };
        let given = options
            .expression_attribute_values
            .iter()
            .find(|(placeholder, _)| placeholder == value)
            .map(|(_, doc)| doc);
        match given {
            Some(doc) => check_index_key(doc, field, index, identity_id, scope)?,
            None => {
                return Err(Error::out_of_scope(
                    field,
                    format!(
                        "{field}: '{attribute}' is the partition key of index '{}': SET it to \
                         a single :value (the signed-in identity id), not an expression",
                        index.name
                    ),
                ))
            }
        }
    }
    Ok(())
}

/// The actions of an update expression with the clause each belongs to (`SET`, `REMOVE`, `ADD`,
/// `DELETE`, upper-cased): commas and keywords split it only outside parentheses and brackets.
fn update_actions<'e>(expression: &'e str) -> Vec<(&'static str, &'e str)> {
    const CLAUSES: [&str; 4] = ["SET", "REMOVE", "ADD", "DELETE"];
    let mut actions = Vec::new();
    let mut clause = "";
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = expression.as_bytes();
    let mut i = 0;
    let push = |actions: &mut Vec<(&'static str, &'e str)>, clause, from: usize, to: usize| {
        let action = expression.get(from..to).unwrap_or_default().trim();
        if !action.is_empty() {
            actions.push((clause, action));
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b',' if depth == 0 => {
                push(&mut actions, clause, start, i);
                start = i + 1;
            }
            c if depth == 0 && c.is_ascii_alphabetic() && (i == 0 || !is_word(bytes[i - 1])) => {
                // A word ends where a name would: `SET#o=:o` is the keyword SET, then `#o=:o`.
                let end = (i..bytes.len())
                    .find(|&j| !(bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_'))
                    .unwrap_or(bytes.len());
                let word = expression.get(i..end).unwrap_or_default();
                if let Some(keyword) = CLAUSES.iter().find(|k| k.eq_ignore_ascii_case(word)) {
                    push(&mut actions, clause, start, i);
                    clause = keyword;
                    start = end;
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    push(&mut actions, clause, start, bytes.len());
    actions
}

/// Whether `b` may stand right before a name's letters inside the same name or path.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'#' | b':' | b'.')
}

/// A filter whose parentheses close what they open, in order: so that `(theirs)` cannot close
/// early and OR its way around the owner filter.
fn check_parentheses(filter: &str) -> Result<()> {
    let mut depth = 0i32;
    for b in filter.bytes() {
        depth += match b {
            b'(' => 1,
            b')' => -1,
            _ => 0,
        };
        if depth < 0 {
            break;
        }
    }
    if depth == 0 {
        Ok(())
    } else {
        Err(Error::invalid_input(
            "filter",
            "filter's parentheses do not match",
        ))
    }
}

/// A key attribute is a non-empty string, a number or non-empty binary.
fn check_key_value(doc: &Doc, field: &str) -> Result<()> {
    match doc {
        Doc::S(s) if s.is_empty() => Err(Error::invalid_input(
            field,
            format!("{field}: key strings must not be empty"),
        )),
        Doc::B(b) if b.is_empty() => Err(Error::invalid_input(
            field,
            format!("{field}: key binary values must not be empty"),
        )),
        Doc::S(_) | Doc::N(_) | Doc::B(_) => Ok(()),
        _ => Err(Error::invalid_input(
            field,
            format!("{field}: a key value is a string, a number or binary"),
        )),
    }
}

/// The `Key` of GetItem, UpdateItem and DeleteItem, after the scope guard.
fn key_json(
    table: &Table,
    identity_id: &str,
    partition_key: Option<&Doc>,
    sort_key: Option<&Doc>,
    scope: ScopeCheck,
) -> Result<Json> {
    let pk = partition_key
        .cloned()
        .unwrap_or_else(|| Doc::S(identity_id.to_owned()));
    check_partition(
        Some(&pk),
        &child("key", &table.pk_name),
        &table.pk_name,
        identity_id,
        scope,
    )?;
    let mut key = vec![(table.pk_name.clone(), pk)];
    match (&table.sk_name, sort_key) {
        (Some(name), Some(value)) => {
            check_key_value(value, "sortKey")?;
            key.push((name.clone(), value.clone()));
        }
        (Some(name), None) => {
            return Err(Error::invalid_input(
                "sortKey",
                format!("the table's sort key '{name}' needs a value"),
            ))
        }
        (None, Some(_)) => {
            return Err(Error::invalid_input(
                "sortKey",
                "the table has no sort key; leave sortKey out",
            ))
        }
        (None, None) => {}
    }
    map_to_json(&key, &Path::Root("key"), 0).map(Json::Object)
}

fn put_expression(body: &mut Map, wire: &str, field: &str, expression: Option<&str>) -> Result<()> {
    match expression {
        None => Ok(()),
        Some("") => Err(Error::invalid_input(
            field,
            format!("{field} is empty; leave it out instead"),
        )),
        Some(e) => {
            body.insert(wire.to_owned(), Json::String(e.to_owned()));
            Ok(())
        }
    }
}

fn is_placeholder(text: &str, sigil: char) -> bool {
    text.strip_prefix(sigil).is_some_and(|rest| {
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// `ExpressionAttributeNames`: the generated entries first, then the caller's.
fn names_json(
    generated: &[(&str, &str)],
    names: &[(String, String)],
    reserved: &[&str],
) -> Result<Map> {
    const FIELD: &str = "expressionAttributeNames";
    let mut map = Map::new();
    for (placeholder, name) in generated {
        map.insert((*placeholder).to_owned(), Json::String((*name).to_owned()));
    }
    for (placeholder, name) in names {
        if reserved.contains(&placeholder.as_str()) {
            return Err(Error::invalid_input(
                FIELD,
                format!(
                    "{FIELD}: '{placeholder}' is reserved for the generated key condition; \
                     choose another placeholder"
                ),
            ));
        }
        if !is_placeholder(placeholder, '#') {
            return Err(Error::invalid_input(
                FIELD,
                format!("{FIELD}: '{placeholder}' must be '#' followed by letters, digits or '_'"),
            ));
        }
        if name.is_empty() {
            return Err(Error::invalid_input(
                FIELD,
                format!("{FIELD}: '{placeholder}' names an empty attribute name"),
            ));
        }
        if map
            .insert(placeholder.clone(), Json::String(name.clone()))
            .is_some()
        {
            return Err(Error::invalid_input(
                FIELD,
                format!("{FIELD}: '{placeholder}' appears twice"),
            ));
        }
    }
    Ok(map)
}

/// `ExpressionAttributeValues`: the generated entries first, then the caller's.
fn values_json(
    generated: &[(&str, &Doc)],
    values: &[(String, Doc)],
    reserved: &[&str],
) -> Result<Map> {
    const FIELD: &str = "expressionAttributeValues";
    let mut map = Map::new();
    for (placeholder, doc) in generated {
        map.insert(
            (*placeholder).to_owned(),
            to_av(doc, &Path::Key(&Path::Root(FIELD), placeholder), 0)?,
        );
    }
    for (placeholder, doc) in values {
        if reserved.contains(&placeholder.as_str()) {
            return Err(Error::invalid_input(
                FIELD,
                format!(
                    "{FIELD}: '{placeholder}' is reserved for the generated key condition; \
                     choose another placeholder"
                ),
            ));
        }
        if !is_placeholder(placeholder, ':') {
            return Err(Error::invalid_input(
                FIELD,
                format!("{FIELD}: '{placeholder}' must be ':' followed by letters, digits or '_'"),
            ));
        }
        let value = to_av(doc, &Path::Key(&Path::Root(FIELD), placeholder), 0)?;
        if map.insert(placeholder.clone(), value).is_some() {
            return Err(Error::invalid_input(
                FIELD,
                format!("{FIELD}: '{placeholder}' appears twice"),
            ));
        }
    }
    Ok(map)
}

/// Adds the names and values maps when they are not empty (DynamoDB refuses empty ones).
fn put_maps(body: &mut Map, names: Map, values: Map) {
    if !names.is_empty() {
        body.insert("ExpressionAttributeNames".to_owned(), Json::Object(names));
    }
    if !values.is_empty() {
        body.insert("ExpressionAttributeValues".to_owned(), Json::Object(values));
    }
}

/// What every write shares: `ConditionExpression`, the caller's names and values, and
/// `ReturnValues` (only NONE or ALL_OLD unless `allow_updated`).
fn put_write_options(
    body: &mut Map,
    condition_expression: Option<&str>,
    names: &[(String, String)],
    values: &[(String, Doc)],
    return_values: Option<ReturnValues>,
    allow_updated: bool,
    operation: &str,
) -> Result<()> {
    put_expression(
        body,
        "ConditionExpression",
        "conditionExpression",
        condition_expression,
    )?;
    let names = names_json(&[], names, &[])?;
    let values = values_json(&[], values, &[])?;
    put_maps(body, names, values);
    put_return_values(body, return_values, allow_updated, operation)
}

fn put_return_values(
    body: &mut Map,
    return_values: Option<ReturnValues>,
    allow_all: bool,
    operation: &str,
) -> Result<()> {
    let Some(rv) = return_values else {
        return Ok(());
    };
    if !allow_all && !matches!(rv, ReturnValues::None | ReturnValues::AllOld) {
        return Err(Error::invalid_input(
            "returnValues",
            format!(
                "{operation} returns only NONE or ALL_OLD, not {}",
                rv.as_str()
            ),
        ));
    }
    body.insert(
        "ReturnValues".to_owned(),
        Json::String(rv.as_str().to_owned()),
    );
    Ok(())
}

fn table_body(table: &Table) -> Map {
    let mut body = Map::new();
    body.insert("TableName".to_owned(), Json::String(table.name.clone()));
    body
}

// ---------------------------------------------------------------------------------------------
// Request bodies
// ---------------------------------------------------------------------------------------------

/// The body of `GetItem` for the item `{pk: identity_id, sk: sort_key}`.
pub fn get_item_request(
    table: &Table,
    identity_id: &str,
    options: &GetItem,
    scope: ScopeCheck,
) -> Result<Json> {
    check_table(table, identity_id)?;
    let key = key_json(
        table,
        identity_id,
        options.partition_key.as_ref(),
        options.sort_key.as_ref(),
        scope,
    )?;
    let mut body = table_body(table);
    body.insert("Key".to_owned(), key);
    put_expression(
        &mut body,
        "ProjectionExpression",
        "projectionExpression",
        options.projection_expression.as_deref(),
    )?;
    let names = names_json(&[], &options.expression_attribute_names, &[])?;
    put_maps(&mut body, names, Map::new());
    if let Some(consistent) = options.consistent_read {
        body.insert("ConsistentRead".to_owned(), Json::Bool(consistent));
    }
    Ok(Json::Object(body))
}

/// The body of `PutItem`. The item must hold the partition key set to the identity id: a
/// missing or different value is out of scope (unless `scope` is the demo bypass).
pub fn put_item_request(
    table: &Table,
    identity_id: &str,
    options: &PutItem,
    scope: ScopeCheck,
) -> Result<Json> {
    check_table(table, identity_id)?;
    let find = |name: &str| options.item.iter().find(|(n, _)| n == name).map(|(_, d)| d);
    check_partition(
        find(&table.pk_name),
        &child("item", &table.pk_name),
        &table.pk_name,
        identity_id,
        scope,
    )?;
    if let Some(sk) = &table.sk_name {
        let field = child("item", sk);
        match find(sk) {
            Some(value) => check_key_value(value, &field)?,
            None => {
                return Err(Error::invalid_input(
                    &field,
                    format!("the item needs the table's sort key '{sk}'"),
                ))
            }
        }
    }
    for index in &table.indexes {
        if let Some(value) = find(&index.pk_name) {
            check_index_key(
                value,
                &child("item", &index.pk_name),
                index,
                identity_id,
                scope,
            )?;
        }
    }
    let item = item_to_json(&options.item)?;
    let mut body = table_body(table);
    body.insert("Item".to_owned(), item);
    put_write_options(
        &mut body,
        options.condition_expression.as_deref(),
        &options.expression_attribute_names,
        &options.expression_attribute_values,
        options.return_values,
        false,
        "PutItem",
    )?;
    Ok(Json::Object(body))
}

/// The body of `UpdateItem` for the item `{pk: identity_id, sk: sort_key}`.
pub fn update_item_request(
    table: &Table,
    identity_id: &str,
    options: &UpdateItem,
    scope: ScopeCheck,
) -> Result<Json> {
    check_table(table, identity_id)?;
    let key = key_json(
        table,
        identity_id,
        options.partition_key.as_ref(),
        options.sort_key.as_ref(),
        scope,
    )?;
    if options.update_expression.is_empty() {
        return Err(Error::invalid_input(
            "updateExpression",
            "updateExpression is required, e.g. \"SET #n = :v\"",
        ));
    }
    check_index_updates(table, identity_id, options, scope)?;
    let mut body = table_body(table);
    body.insert("Key".to_owned(), key);
    body.insert(
        "UpdateExpression".to_owned(),
        Json::String(options.update_expression.clone()),
    );
    put_write_options(
        &mut body,
        options.condition_expression.as_deref(),
        &options.expression_attribute_names,
        &options.expression_attribute_values,
        options.return_values,
        true,
        "UpdateItem",
    )?;
    Ok(Json::Object(body))
}

/// The body of `DeleteItem` for the item `{pk: identity_id, sk: sort_key}`.
pub fn delete_item_request(
    table: &Table,
    identity_id: &str,
    options: &DeleteItem,
    scope: ScopeCheck,
) -> Result<Json> {
    check_table(table, identity_id)?;
    let key = key_json(
        table,
        identity_id,
        options.partition_key.as_ref(),
        options.sort_key.as_ref(),
        scope,
    )?;
    let mut body = table_body(table);
    body.insert("Key".to_owned(), key);
    put_write_options(
        &mut body,
        options.condition_expression.as_deref(),
        &options.expression_attribute_names,
        &options.expression_attribute_values,
        options.return_values,
        false,
        "DeleteItem",
    )?;
    Ok(Json::Object(body))
}

/// The body of `Query` over the identity's partition (of the table, or of `options.index`).
///
/// `KeyConditionExpression` is generated (`#pk = :pk`, `... AND #sk < :sk0`,
/// `... AND #sk BETWEEN :sk0 AND :sk1`, `... AND begins_with(#sk, :sk0)`), so the caller can
/// never widen it; a caller placeholder named `#pk`, `#sk`, `:pk`, `:sk0` or `:sk1` is refused.
/// An `exclusive_start_key` must carry the identity id as its partition key too.
pub fn query_request(
    table: &Table,
    identity_id: &str,
    options: &Query,
    scope: ScopeCheck,
) -> Result<Json> {
    check_table(table, identity_id)?;
    let (pk_name, sk_name) = match &options.index {
        Some(index) => {
            if index.name.is_empty() {
                return Err(Error::invalid_input(
                    "index.name",
                    "the index name is empty",
                ));
            }
            if index.pk_name.is_empty() {
                return Err(Error::invalid_input(
                    "index.partitionKeyName",
                    "the index's partition key name is empty",
                ));
            }
            (index.pk_name.as_str(), index.sk_name.as_deref())
        }
        None => (table.pk_name.as_str(), table.sk_name.as_deref()),
    };
    let pk = options
        .partition_key
        .clone()
        .unwrap_or_else(|| Doc::S(identity_id.to_owned()));
    check_partition(Some(&pk), "partitionKey", pk_name, identity_id, scope)?;
    if let Some(start) = &options.exclusive_start_key {
        check_partition(
            start.iter().find(|(n, _)| n == pk_name).map(|(_, d)| d),
            &child("exclusiveStartKey", pk_name),
            pk_name,
            identity_id,
            scope,
        )?;
    }

    let mut expression = "#pk = :pk".to_owned();
    let mut generated_names = vec![("#pk", pk_name)];
    let owner = Doc::S(identity_id.to_owned());
    let mut generated_values = vec![(":pk", &pk)];
    if let Some(condition) = &options.sort_key {
        let Some(sk_name) = sk_name.filter(|s| !s.is_empty()) else {
            return Err(Error::invalid_input(
                "sortKey",
                "a sort key condition needs a sort key: the table (or index) has none",
            ));
        };
        generated_names.push(("#sk", sk_name));
        let (clause, low, high) = match condition {
            SortKeyCondition::Eq(v) => ("#sk = :sk0", v, None),
            SortKeyCondition::Lt(v) => ("#sk < :sk0", v, None),
            SortKeyCondition::Le(v) => ("#sk <= :sk0", v, None),
            SortKeyCondition::Gt(v) => ("#sk > :sk0", v, None),
            SortKeyCondition::Ge(v) => ("#sk >= :sk0", v, None),
            SortKeyCondition::Between(a, b) => ("#sk BETWEEN :sk0 AND :sk1", a, Some(b)),
            SortKeyCondition::BeginsWith(v) => {
                if !matches!(v, Doc::S(_) | Doc::B(_)) {
                    return Err(Error::invalid_input(
                        "sortKey",
                        "begins_with takes a string or binary value",
                    ));
                }
                ("begins_with(#sk, :sk0)", v, None)
            }
        };
        check_key_value(low, "sortKey")?;
        generated_values.push((":sk0", low));
        if let Some(high) = high {
            check_key_value(high, "sortKey")?;
            generated_values.push((":sk1", high));
        }
        expression.push_str(" AND ");
        expression.push_str(clause);
    }
    // An index partition is not an owner's: anyone may write any value into an index key
    // attribute of their own items. So an index query also filters on the table's partition
    // key, which AWS checks on every write: only the caller's own items come back.
    // DynamoDB refuses a filter on the queried index's own key attributes: where the table's
    // partition key is one of them, the key condition binds it instead (a local secondary
    // index's partition key is the table's; a sort key that is the table's takes `= :tpk`).
    let mut owner_filter = None;
    if let Some(index) = &options.index {
        if index.sk_name.as_deref() == Some(table.pk_name.as_str()) {
            if options.sort_key.is_some() {
                return Err(Error::invalid_input(
                    "sortKey",
                    "this index's sort key is the table's partition key, which apiless binds to \
                     the signed-in identity id: leave sortKey out",
                ));
            }
            generated_names.push(("#tpk", table.pk_name.as_str()));
            expression.push_str(" AND #tpk = :tpk");
            generated_values.push((":tpk", &owner));
        } else if index.pk_name != table.pk_name {
            generated_names.push(("#tpk", table.pk_name.as_str()));
            generated_values.push((":tpk", &owner));
            owner_filter = Some("#tpk = :tpk".to_owned());
            // The caller's filter is ANDed in parentheses: they must be its own.
            check_parentheses(options.filter_expression.as_deref().unwrap_or(""))?;
        }
    }
    let filter = match (owner_filter, options.filter_expression.as_deref()) {
        (Some(own), Some(theirs)) if !theirs.trim().is_empty() => {
            Some(format!("{own} AND ({theirs})"))
        }
        (Some(own), _) => Some(own),
        (None, theirs) => theirs.map(str::to_owned),
    };
    let names = names_json(
        &generated_names,
        &options.expression_attribute_names,
        RESERVED_NAMES,
    )?;
    let values = values_json(
        &generated_values,
        &options.expression_attribute_values,
        RESERVED_VALUES,
    )?;

    let mut body = table_body(table);
    if let Some(index) = &options.index {
        body.insert("IndexName".to_owned(), Json::String(index.name.clone()));
    }
    body.insert(
        "KeyConditionExpression".to_owned(),
        Json::String(expression),
    );
    put_expression(
        &mut body,
        "FilterExpression",
        "filterExpression",
        filter.as_deref(),
    )?;
    put_expression(
        &mut body,
        "ProjectionExpression",
        "projectionExpression",
        options.projection_expression.as_deref(),
    )?;
    put_maps(&mut body, names, values);
    if let Some(limit) = options.limit {
        if limit == 0 {
            return Err(Error::invalid_input("limit", "limit must be at least 1"));
        }
        body.insert("Limit".to_owned(), Json::from(limit));
    }
    if let Some(forward) = options.scan_forward {
        body.insert("ScanIndexForward".to_owned(), Json::Bool(forward));
    }
    if let Some(consistent) = options.consistent_read {
        body.insert("ConsistentRead".to_owned(), Json::Bool(consistent));
    }
    if let Some(start) = &options.exclusive_start_key {
        body.insert(
            "ExclusiveStartKey".to_owned(),
            map_to_json(start, &Path::Root("exclusiveStartKey"), 0).map(Json::Object)?,
        );
    }
    Ok(Json::Object(body))
}

// ---------------------------------------------------------------------------------------------
// Page tokens
// ---------------------------------------------------------------------------------------------

/// An opaque, URL-safe page token for a `LastEvaluatedKey` (base64url of its DynamoDB JSON).
///
/// The token is not signed or encrypted: it only saves the app from handling keys, and
/// [`page_token_decode`] checks its scope.
pub fn page_token_encode(last_evaluated_key: &[(String, Doc)]) -> Result<String> {
    let json = map_to_json(last_evaluated_key, &Path::Root("lastEvaluatedKey"), 0)?;
    Ok(Base64::UrlSafeNoPad.encode(Json::Object(json).to_text()))
}

/// Reads a page token back into an `ExclusiveStartKey`, refusing one whose partition key
/// (`pk_name`: the table's, or the queried index's) is not the signed-in identity id.
pub fn page_token_decode(
    token: &str,
    pk_name: &str,
    identity_id: &str,
    scope: ScopeCheck,
) -> Result<Item> {
    const FIELD: &str = "pageToken";
    let malformed = || {
        Error::invalid_input(
            FIELD,
            "the page token is malformed; pass the token a previous query returned",
        )
    };
    let bytes = Base64::UrlSafeNoPad
        .decode(token.trim_end_matches('='))
        .ok_or_else(malformed)?;
    let value = Json::parse(&bytes).map_err(|_| malformed())?;
    let key = map_from_json(&value, &Path::Root(FIELD), 0, Source::Input)?;
    if key.is_empty() {
        return Err(malformed());
    }
    check_partition(
        key.iter().find(|(n, _)| n == pk_name).map(|(_, d)| d),
        FIELD,
        pk_name,
        identity_id,
        scope,
    )?;
    Ok(key)
}

// ---------------------------------------------------------------------------------------------
// Response bodies
// ---------------------------------------------------------------------------------------------

fn response_object(body: &Json) -> Result<&Map> {
    body.as_object()
        .ok_or_else(|| Error::protocol("DynamoDB answered with a body that is not a JSON object"))
}

fn optional_item(body: &Map, field: &str) -> Result<Option<Item>> {
    match body.get(field) {
        None | Some(Json::Null) => Ok(None),
        Some(value) => map_from_json(value, &Path::Root(field), 0, Source::Response).map(Some),
    }
}

/// Reads a `GetItem` answer: the item, or `None` when there is no such item.
pub fn parse_get_item_response(body: &Json) -> Result<Option<Item>> {
    optional_item(response_object(body)?, "Item")
}

/// Reads a `PutItem`, `UpdateItem` or `DeleteItem` answer: the `Attributes` that
/// `ReturnValues` asked for, if any.
pub fn parse_write_response(body: &Json) -> Result<Option<Item>> {
    optional_item(response_object(body)?, "Attributes")
}

/// Reads a `Query` answer.
pub fn parse_query_response(body: &Json) -> Result<QueryPage> {
    let body = response_object(body)?;
    let items = match body.get("Items") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let here = Path::Index(&Path::Root("Items"), i);
                out.push(map_from_json(item, &here, 0, Source::Response)?);
            }
            out
        }
        Some(_) => {
            return Err(Error::protocol(
                "DynamoDB answered with Items that is not a list",
            ))
        }
    };
    let count = |field: &str, default: usize| -> Result<u64> {
        match body.get(field) {
            None | Some(Json::Null) => Ok(u64::try_from(default).unwrap_or(u64::MAX)),
            Some(v) => v.as_u64().ok_or_else(|| {
                Error::protocol(format!(
                    "DynamoDB answered with a {field} that is not a count"
                ))
            }),
        }
    };
    let count_value = count("Count", items.len())?;
    let scanned_count = count("ScannedCount", items.len())?;
    Ok(QueryPage {
        count: count_value,
        scanned_count,
        last_evaluated_key: optional_item(body, "LastEvaluatedKey")?,
        items,
    })
}

/// Sends one DynamoDB operation (JSON 1.0), signed, with retries; returns its answer.
pub async fn call<T: Transport>(
    ctx: &signed::Context<'_, T>,
    endpoint: &str,
    operation: Operation,
    body: &Json,
) -> Result<Json> {
    let request = aws_json::request(endpoint, Version::V1_0, operation.target(), body);
    let response = ctx
        .send(request, BodyHash::Compute, aws_json::error_of)
        .await?;
    aws_json::read(&response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    const ME: &str = "us-east-1:11111111-2222-3333-4444-555555555555";
    const OTHER: &str = "us-east-1:99999999-8888-7777-6666-555555555555";

    fn s(v: &str) -> Doc {
        Doc::S(v.to_owned())
    }
    fn n(v: &str) -> Doc {
        Doc::N(v.to_owned())
    }
    fn attr(name: &str, doc: Doc) -> (String, Doc) {
        (name.to_owned(), doc)
    }
    fn table() -> Table {
        Table {
            name: "Notes".into(),
            pk_name: "userId".into(),
            sk_name: Some("noteId".into()),
            indexes: Vec::new(),
        }
    }

    fn with_owner_index() -> Table {
        Table {
            indexes: vec![Index {
                name: "byOwner".into(),
                pk_name: "owner".into(),
                sk_name: Some("noteId".into()),
            }],
            ..table()
        }
    }

    #[test]
    fn an_index_query_returns_only_the_callers_own_items() {
        let query = |filter: Option<&str>| {
            query_request(
                &with_owner_index(),
                ME,
                &Query {
                    index: with_owner_index().indexes.first().cloned(),
                    filter_expression: filter.map(str::to_owned),
                    ..Query::default()
                },
                ScopeCheck::Enforce,
            )
            .unwrap()
        };
        let body = query(None);
        assert_eq!(body["IndexName"], Json::from("byOwner"));
        assert_eq!(body["KeyConditionExpression"], Json::from("#pk = :pk"));
        assert_eq!(body["FilterExpression"], Json::from("#tpk = :tpk"));
        assert_eq!(body["ExpressionAttributeNames"]["#pk"], Json::from("owner"));
        assert_eq!(
            body["ExpressionAttributeNames"]["#tpk"],
            Json::from("userId")
        );
        assert_eq!(
            body["ExpressionAttributeValues"][":tpk"]["S"],
            Json::from(ME)
        );
        let body = query(Some("a = :a OR b = :a"));
        assert_eq!(
            body["FilterExpression"],
            Json::from("#tpk = :tpk AND (a = :a OR b = :a)")
        );
        // A filter that closes the owner's parentheses early is refused.
        let e = query_request(
            &with_owner_index(),
            ME,
            &Query {
                index: with_owner_index().indexes.first().cloned(),
                filter_expression: Some("a = :a) OR (attribute_exists(b)".into()),
                ..Query::default()
            },
            ScopeCheck::Enforce,
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("filter"));
        // A local secondary index: its partition key is the table's, bound by the key condition.
        let lsi = Query {
            index: Some(Index {
                name: "byDate".into(),
                pk_name: "userId".into(),
                sk_name: Some("date".into()),
            }),
            ..Query::default()
        };
        let body = query_request(&with_owner_index(), ME, &lsi, ScopeCheck::Enforce).unwrap();
        assert!(body.get("FilterExpression").is_none(), "{body}");
        assert_eq!(
            body["ExpressionAttributeNames"]["#pk"],
            Json::from("userId")
        );
        // An index whose sort key is the table's partition key binds it in the key condition.
        let flipped = Query {
            index: Some(Index {
                name: "byOwnerThenUser".into(),
                pk_name: "owner".into(),
                sk_name: Some("userId".into()),
            }),
            ..Query::default()
        };
        let body = query_request(&with_owner_index(), ME, &flipped, ScopeCheck::Enforce).unwrap();
        assert_eq!(
            body["KeyConditionExpression"],
            Json::from("#pk = :pk AND #tpk = :tpk")
        );
        assert!(body.get("FilterExpression").is_none());
        // A table query needs no such filter: its key condition is the table's partition key.
        let plain = query_request(
            &with_owner_index(),
            ME,
            &Query::default(),
            ScopeCheck::Enforce,
        )
        .unwrap();
        assert!(plain.get("FilterExpression").is_none());
    }

    #[test]
    fn writes_may_set_a_declared_index_key_only_to_the_callers_identity_id() {
        let table = with_owner_index();
        let put = |owner: Doc| {
            put_item_request(
                &table,
                ME,
                &PutItem {
                    item: vec![
                        ("userId".into(), Doc::S(ME.into())),
                        ("noteId".into(), Doc::S("n".into())),
                        ("owner".into(), owner),
                    ],
                    ..PutItem::default()
                },
                ScopeCheck::Enforce,
            )
        };
        assert!(put(Doc::S(ME.into())).is_ok());
        let e = put(Doc::S(OTHER.into())).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.field.as_deref()),
            ("OutOfScopeError", Some("item.owner"))
        );
        assert!(put(Doc::N("1".into())).is_err());

        let update = |expression: &str, names: &[(&str, &str)], value: &str| {
            update_item_request(
                &table,
                ME,
                &UpdateItem {
                    sort_key: Some(Doc::S("n".into())),
                    update_expression: expression.into(),
                    expression_attribute_names: names
                        .iter()
                        .map(|(a, b)| (a.to_string(), b.to_string()))
                        .collect(),
                    expression_attribute_values: vec![
                        (":o".into(), Doc::S(value.into())),
                        (":t".into(), Doc::S("text".into())),
                    ],
                    ..UpdateItem::default()
                },
                ScopeCheck::Enforce,
            )
        };
        let owner = [("#o", "owner")];
        for (expression, names, value, ok) in [
            ("SET #o = :o", &owner[..], ME, true),
            ("SET #o = :o", &owner[..], OTHER, false),
            ("set owner = :o", &[][..], OTHER, false),
            ("SET t = :t, #o = :o", &owner[..], OTHER, false),
            (
                "SET t = if_not_exists(t, :t), #o = :o REMOVE x",
                &owner[..],
                OTHER,
                false,
            ),
            ("REMOVE x SET #o=:o", &owner[..], OTHER, false),
            ("SET #o = if_not_exists(#o, :o)", &owner[..], ME, false),
            ("SET #o = :t", &owner[..], ME, false),
            ("REMOVE #o", &owner[..], OTHER, true),
            ("SET ownerName = :t, settings = :t", &[][..], OTHER, true),
            ("SET t = :t ADD #o :o", &owner[..], ME, false),
            // No space after the keyword: still read as SET.
            ("SET#o=:o", &owner[..], OTHER, false),
            ("set#o = :o", &owner[..], OTHER, false),
            ("REMOVE x SET#o=:o", &owner[..], OTHER, false),
            ("SET#o=:o", &owner[..], ME, true),
            // What cannot be read is refused.
            ("#o = :o", &owner[..], ME, false),
            ("REMOVE #o :o", &owner[..], ME, false),
            ("SET #o", &owner[..], ME, false),
        ] {
            let result = update(expression, names, value);
            assert_eq!(result.is_ok(), ok, "{expression} with {value}: {result:?}");
            if let Err(e) = result {
                // An unreadable action is bad input; a readable one that sets another id is
                // out of scope.
                let unreadable = ["#o = :o", "REMOVE #o :o", "SET #o"].contains(&expression);
                let code = if unreadable {
                    "InvalidInputError"
                } else {
                    "OutOfScopeError"
                };
                assert_eq!(e.code, code, "{expression}");
            }
        }
        // The demo's bypass sends it anyway, for IAM to judge.
        assert!(update_item_request(
            &table,
            ME,
            &UpdateItem {
                sort_key: Some(Doc::S("n".into())),
                update_expression: "SET #o = :o".into(),
                expression_attribute_names: vec![("#o".into(), "owner".into())],
                expression_attribute_values: vec![(":o".into(), Doc::S(OTHER.into()))],
                ..UpdateItem::default()
            },
            ScopeCheck::UnscopedForDemoOnly,
        )
        .is_ok());
    }

    /// JS's `String(Number(n))`, natively: Rust prints a double's shortest round-trip digits, as
    /// JS does.
    fn print_back(n: &str) -> String {
        format!("{:e}", n.parse::<f64>().unwrap())
    }

    #[test]
    fn numbers_reach_js_without_losing_a_digit() {
        for n in [
            "0",
            "-7",
            "123456789012345",
            "0.1",
            "-1.5",
            "0.000000000000123",
            // Integers between 1e15 and 2^53 (and past it) that a double holds: numbers.
            "1000000000000000",
            "9007199254740992",
            "100000000000000000000",
            "1152921504606847000",
            // 16 and 17 significant digits that print back.
            "0.1234567890123456",
            "12345678901234.56",
            "0.30000000000000004",
            "-1.7976931348623157",
        ] {
            assert_eq!(js_number(n, print_back), JsNumber::Number, "{n}");
        }
        for n in [
            "9007199254740993",
            "1152921504606846976",
            "12345678901234567",
            "-99999999999999999999999999999999999999",
        ] {
            assert_eq!(js_number(n, print_back), JsNumber::BigInt, "{n}");
        }
        for n in [
            "1.000000000000000000001",
            "123456789.0123456789",
            "0.12345678901234567",
            "0.3000000000000000",
            // Not canonical text: kept as it is.
            "01",
            "1e5",
            "+5",
            ".5",
            "1.",
            "",
        ] {
            assert_eq!(js_number(n, print_back), JsNumber::NumberValue, "{n}");
        }
        // JS is asked only about 16 and 17 digits.
        let ask = |n: &str| -> String { panic!("asked about {n}") };
        assert_eq!(js_number("123456789012345", ask), JsNumber::Number);
        assert_eq!(js_number("123456789012345678", ask), JsNumber::BigInt);
    }

    #[test]
    fn items_are_written_as_plain_json_with_the_rest_set_aside() {
        let items = vec![
            vec![
                attr("userId", s(ME)),
                attr("n", n("-1.5")),
                attr("ok", Doc::Bool(true)),
                attr("none", Doc::Null),
                attr(
                    "tags",
                    Doc::L(vec![s("a"), Doc::M(vec![attr("q\"uote", s("\n"))])]),
                ),
                attr("big", n("12345678901234567890")),
                attr("bytes", Doc::B(vec![1, 2])),
            ],
            vec![
                attr("set", Doc::SS(vec!["x".into()])),
                attr("nul", s("\0looks like a marker")),
                attr("empty", Doc::M(vec![])),
            ],
        ];
        let plain = plain_json(&items);
        assert_eq!(
            plain.text,
            format!(
                r#"[{{"userId":"{ME}","n":-1.5,"ok":true,"none":null,"tags":["a",{{"q\"uote":"\n"}}],"big":"\u00000","bytes":"\u00001"}},{{"set":"\u00002","nul":"\u00003","empty":{{}}}}]"#
            )
        );
        let docs: Vec<&Doc> = items.iter().flatten().map(|(_, d)| d).collect();
        assert_eq!(plain.specials, vec![docs[5], docs[6], docs[7], docs[8]]);
        let parsed: serde_json::Value = serde_json::from_str(&plain.text).unwrap();
        assert_eq!(parsed[0]["tags"][1]["q\"uote"], "\n");
        assert_eq!(plain_json(&[]).text, "[]");
    }

    fn round_trip(doc: Doc) {
        let json = to_attribute_value(&doc).unwrap();
        assert_eq!(from_attribute_value(&json).unwrap(), doc, "{json}");
    }

    // --- numbers ---

    #[test]
    fn numbers_become_canonical_without_losing_digits() {
        let cases = [
            ("0", "0"),
            ("-0", "0"),
            ("+0.000e-999", "0"),
            ("12", "12"),
            ("+12", "12"),
            ("-12.50", "-12.5"),
            ("007", "7"),
            ("1e3", "1000"),
            ("1.50E2", "150"),
            ("1.5e-3", "0.0015"),
            (".5", "0.5"),
            ("5.", "5"),
            ("123.456", "123.456"),
            (
                "12345678901234567890123456789012345678",
                "12345678901234567890123456789012345678",
            ),
            (
                "0.000000000000000000000000000000000000001",
                "0.000000000000000000000000000000000000001",
            ),
            (
                "-9.9999999999999999999999999999999999999E+125",
                &format!("-{}{}", "9".repeat(38), "0".repeat(88)),
            ),
            ("1E-130", &format!("0.{}1", "0".repeat(129))),
            (
                "1000000000000000000000000000000000000000000000",
                "1000000000000000000000000000000000000000000000",
            ),
            ("1.000000000000000000000000000000000000000000000000", "1"),
            // Zero is zero whatever its exponent, even one too long to read.
            ("0e-99999999999999999999999999999999", "0"),
            ("-0.0E+99999999999999999999999999999999", "0"),
        ];
        for (input, canonical) in cases {
            assert_eq!(validate_number(input).unwrap(), canonical, "{input}");
        }
    }

    #[test]
    fn numbers_dynamodb_refuses_are_refused() {
        for bad in [
            "",
            "123456789012345678901234567890123456789",
            "1.23456789012345678901234567890123456789",
            "1E+126",
            "10E+125",
            "1E-131",
            "0.1E-130",
            "1e99999999999999999999999999999999",
            "1e-99999999999999999999999999999999",
            "NaN",
            "Infinity",
            "-Infinity",
            "0x10",
            "1e",
            "1e+",
            "--1",
            "+-1",
            "-",
            ".",
            "1.2.3",
            " 1",
            "1 ",
            "1_000",
            "١٢",
        ] {
            let e = validate_number(bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{bad:?}");
        }
    }

    // --- documents ---

    #[test]
    fn every_kind_of_value_round_trips() {
        round_trip(Doc::Null);
        round_trip(Doc::Bool(true));
        round_trip(Doc::Bool(false));
        round_trip(s(""));
        round_trip(s("héllo, 世界 🦀 \"quoted\" \n"));
        round_trip(n("12345678901234567890123456789012345678"));
        round_trip(n("0.000000000000000000000000000000000000001"));
        round_trip(n("-3.14"));
        round_trip(Doc::B(vec![]));
        round_trip(Doc::B(vec![0, 1, 2, 254, 255]));
        round_trip(Doc::L(vec![]));
        round_trip(Doc::L(vec![
            s("a"),
            n("1"),
            Doc::Null,
            Doc::L(vec![Doc::Bool(true)]),
        ]));
        round_trip(Doc::M(vec![]));
        // Maps come back in the order they were written.
        round_trip(Doc::M(vec![
            attr("a", Doc::M(vec![attr("deep", Doc::L(vec![s("x")]))])),
            attr("b c", s("")),
        ]));
        round_trip(Doc::SS(vec!["".into(), "x".into(), "ü".into()]));
        round_trip(Doc::NS(vec!["1".into(), "2.5".into(), "-7".into()]));
        round_trip(Doc::BS(vec![vec![], vec![1], vec![1, 2]]));
    }

    #[test]
    fn the_wire_form_is_dynamodb_json() {
        let doc = Doc::M(vec![
            attr("s", s("x")),
            attr("n", n("1.50")),
            attr("b", Doc::B(b"hi".to_vec())),
            attr("t", Doc::Bool(true)),
            attr("z", Doc::Null),
            attr("l", Doc::L(vec![n("1"), s("2")])),
            attr("ss", Doc::SS(vec!["a".into()])),
            attr("ns", Doc::NS(vec!["1e2".into()])),
            attr("bs", Doc::BS(vec![vec![0xff]])),
        ]);
        assert_eq!(
            to_attribute_value(&doc).unwrap(),
            json!({"M": {
                "s": {"S": "x"},
                "n": {"N": "1.5"},
                "b": {"B": "aGk="},
                "t": {"BOOL": true},
                "z": {"NULL": true},
                "l": {"L": [{"N": "1"}, {"S": "2"}]},
                "ss": {"SS": ["a"]},
                "ns": {"NS": ["100"]},
                "bs": {"BS": ["/w=="]},
            }})
        );
        let item = vec![attr("userId", s(ME)), attr("count", n("3"))];
        let json = item_to_json(&item).unwrap();
        assert_eq!(json, json!({"userId": {"S": ME}, "count": {"N": "3"}}));
        // Attributes are read in the order the JSON has them.
        assert_eq!(item_from_json(&json).unwrap(), item);
    }

    #[test]
    fn invalid_values_are_refused_with_their_path() {
        let field = |item: Item| item_to_json(&item).unwrap_err().field.clone().unwrap();
        assert_eq!(
            field(vec![attr("tags", Doc::L(vec![s("a"), s("b"), n("NaN")]))]),
            "item.tags[2]"
        );
        assert_eq!(field(vec![attr("tags", Doc::SS(vec![]))]), "item.tags");
        assert_eq!(
            field(vec![attr(
                "tags",
                Doc::SS(vec!["a".into(), "b".into(), "a".into()])
            )]),
            "item.tags[2]"
        );
        // Numerically equal members are duplicates.
        assert_eq!(
            field(vec![attr("ns", Doc::NS(vec!["1".into(), "1.0".into()]))]),
            "item.ns[1]"
        );
        assert_eq!(
            field(vec![attr("bs", Doc::BS(vec![vec![1], vec![1]]))]),
            "item.bs[1]"
        );
        assert_eq!(field(vec![attr("ns", Doc::NS(vec![]))]), "item.ns");
        assert_eq!(field(vec![attr("", s("x"))]), "item[\"\"]");
        assert_eq!(
            field(vec![attr("m", Doc::M(vec![attr("", Doc::Null)]))]),
            "item.m[\"\"]"
        );
        assert_eq!(
            field(vec![attr("a", Doc::Null), attr("a", Doc::Null)]),
            "item.a"
        );
        assert_eq!(field(vec![attr("big", n("1E+126"))]), "item.big");
        assert_eq!(
            field(vec![attr("x y", Doc::L(vec![n("--1")]))]),
            "item[\"x y\"][0]"
        );

        let mut deep = Doc::Null;
        for _ in 0..40 {
            deep = Doc::L(vec![deep]);
        }
        let e = to_attribute_value(&deep).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
    }

    #[test]
    fn malformed_dynamodb_json_is_refused() {
        for bad in [
            json!("x"),
            json!({}),
            json!({"S": "a", "N": "1"}),
            json!({"S": 1}),
            json!({"N": 1}),
            json!({"N": "NaN"}),
            json!({"B": "not base64!"}),
            json!({"NULL": false}),
            json!({"BOOL": "true"}),
            json!({"L": {}}),
            json!({"M": []}),
            json!({"SS": []}),
            json!({"SS": ["a", "a"]}),
            json!({"NS": ["1", "01"]}),
            json!({"X": "?"}),
        ] {
            let e = from_attribute_value(&bad).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{bad}");
        }
        let mut deep = json!({"NULL": true});
        for _ in 0..40 {
            deep = json!({ "L": [deep] });
        }
        assert!(from_attribute_value(&deep).is_err());
    }

    // --- builders ---

    #[test]
    fn targets_name_the_operation() {
        assert_eq!(Operation::GetItem.target(), "DynamoDB_20120810.GetItem");
        assert_eq!(Operation::PutItem.target(), "DynamoDB_20120810.PutItem");
        assert_eq!(
            Operation::UpdateItem.target(),
            "DynamoDB_20120810.UpdateItem"
        );
        assert_eq!(
            Operation::DeleteItem.target(),
            "DynamoDB_20120810.DeleteItem"
        );
        assert_eq!(Operation::Query.target(), "DynamoDB_20120810.Query");
    }

    #[test]
    fn get_item_body() {
        let options = GetItem {
            sort_key: Some(s("n-1")),
            projection_expression: Some("#t, body".into()),
            expression_attribute_names: vec![("#t".into(), "title".into())],
            consistent_read: Some(true),
            ..Default::default()
        };
        assert_eq!(
            get_item_request(&table(), ME, &options, ScopeCheck::Enforce).unwrap(),
            json!({
                "TableName": "Notes",
                "Key": {"userId": {"S": ME}, "noteId": {"S": "n-1"}},
                "ProjectionExpression": "#t, body",
                "ExpressionAttributeNames": {"#t": "title"},
                "ConsistentRead": true,
            })
        );
        // The minimum: no optional members at all.
        let plain = Table {
            sk_name: None,
            ..table()
        };
        assert_eq!(
            get_item_request(&plain, ME, &GetItem::default(), ScopeCheck::Enforce).unwrap(),
            json!({"TableName": "Notes", "Key": {"userId": {"S": ME}}})
        );
    }

    #[test]
    fn put_item_body() {
        let options = PutItem {
            item: vec![
                attr("userId", s(ME)),
                attr("noteId", s("n-1")),
                attr("body", s("hello")),
                attr("tags", Doc::SS(vec!["a".into()])),
            ],
            condition_expression: Some("attribute_not_exists(#n) OR #v < :v".into()),
            expression_attribute_names: vec![
                ("#n".into(), "noteId".into()),
                ("#v".into(), "version".into()),
            ],
            expression_attribute_values: vec![attr(":v", n("2"))],
            return_values: Some(ReturnValues::AllOld),
        };
        assert_eq!(
            put_item_request(&table(), ME, &options, ScopeCheck::Enforce).unwrap(),
            json!({
                "TableName": "Notes",
                "Item": {
                    "userId": {"S": ME},
                    "noteId": {"S": "n-1"},
                    "body": {"S": "hello"},
                    "tags": {"SS": ["a"]},
                },
                "ConditionExpression": "attribute_not_exists(#n) OR #v < :v",
                "ExpressionAttributeNames": {"#n": "noteId", "#v": "version"},
                "ExpressionAttributeValues": {":v": {"N": "2"}},
                "ReturnValues": "ALL_OLD",
            })
        );
        let e = put_item_request(
            &table(),
            ME,
            &PutItem {
                return_values: Some(ReturnValues::AllNew),
                ..options.clone()
            },
            ScopeCheck::Enforce,
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("returnValues"));
        let e = put_item_request(
            &table(),
            ME,
            &PutItem {
                item: vec![attr("userId", s(ME))],
                ..Default::default()
            },
            ScopeCheck::Enforce,
        )
        .unwrap_err();
        assert_eq!(
            (e.kind, e.field.as_deref()),
            (ErrorKind::InvalidInput, Some("item.noteId"))
        );
    }

    #[test]
    fn update_item_body() {
        let options = UpdateItem {
            sort_key: Some(n("7")),
            update_expression: "SET #b = :b ADD #c :one".into(),
            condition_expression: Some("attribute_exists(#b)".into()),
            expression_attribute_names: vec![
                ("#b".into(), "body".into()),
                ("#c".into(), "edits".into()),
            ],
            expression_attribute_values: vec![attr(":b", s("new")), attr(":one", n("1"))],
            return_values: Some(ReturnValues::UpdatedNew),
            ..Default::default()
        };
        assert_eq!(
            update_item_request(&table(), ME, &options, ScopeCheck::Enforce).unwrap(),
            json!({
                "TableName": "Notes",
                "Key": {"userId": {"S": ME}, "noteId": {"N": "7"}},
                "UpdateExpression": "SET #b = :b ADD #c :one",
                "ConditionExpression": "attribute_exists(#b)",
                "ExpressionAttributeNames": {"#b": "body", "#c": "edits"},
                "ExpressionAttributeValues": {":b": {"S": "new"}, ":one": {"N": "1"}},
                "ReturnValues": "UPDATED_NEW",
            })
        );
        let e = update_item_request(
            &table(),
            ME,
            &UpdateItem {
                update_expression: String::new(),
                ..options
            },
            ScopeCheck::Enforce,
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("updateExpression"));
    }

    #[test]
    fn delete_item_body() {
        let options = DeleteItem {
            sort_key: Some(Doc::B(vec![1, 2, 3])),
            condition_expression: Some("#v = :v".into()),
            expression_attribute_names: vec![("#v".into(), "version".into())],
            expression_attribute_values: vec![attr(":v", n("3"))],
            return_values: Some(ReturnValues::AllOld),
            ..Default::default()
        };
        assert_eq!(
            delete_item_request(&table(), ME, &options, ScopeCheck::Enforce).unwrap(),
            json!({
                "TableName": "Notes",
                "Key": {"userId": {"S": ME}, "noteId": {"B": "AQID"}},
                "ConditionExpression": "#v = :v",
                "ExpressionAttributeNames": {"#v": "version"},
                "ExpressionAttributeValues": {":v": {"N": "3"}},
                "ReturnValues": "ALL_OLD",
            })
        );
    }

    #[test]
    fn key_shapes_are_checked() {
        let field = |t: &Table, options: GetItem| {
            get_item_request(t, ME, &options, ScopeCheck::Enforce)
                .unwrap_err()
                .field
                .clone()
                .unwrap()
        };
        assert_eq!(field(&table(), GetItem::default()), "sortKey");
        let plain = Table {
            sk_name: None,
            ..table()
        };
        assert_eq!(
            field(
                &plain,
                GetItem {
                    sort_key: Some(s("x")),
                    ..Default::default()
                }
            ),
            "sortKey"
        );
        for bad_key in [s(""), Doc::B(vec![]), Doc::Bool(true), Doc::L(vec![])] {
            assert_eq!(
                field(
                    &table(),
                    GetItem {
                        sort_key: Some(bad_key),
                        ..Default::default()
                    }
                ),
                "sortKey"
            );
        }
        let e = get_item_request(
            &table(),
            "",
            &GetItem {
                sort_key: Some(s("x")),
                ..Default::default()
            },
            ScopeCheck::Enforce,
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("identityId"));
        for (placeholder, field_name) in [
            ("t", "expressionAttributeNames"),
            ("#", "expressionAttributeNames"),
        ] {
            let e = get_item_request(
                &table(),
                ME,
                &GetItem {
                    sort_key: Some(s("x")),
                    expression_attribute_names: vec![(placeholder.into(), "title".into())],
                    ..Default::default()
                },
                ScopeCheck::Enforce,
            )
            .unwrap_err();
            assert_eq!(e.field.as_deref(), Some(field_name));
        }
    }

    #[test]
    fn query_body_with_every_option() {
        let options = Query {
            sort_key: Some(SortKeyCondition::Between(s("2024-01"), s("2024-12"))),
            filter_expression: Some("#st = :open".into()),
            projection_expression: Some("noteId, #st".into()),
            expression_attribute_names: vec![("#st".into(), "status".into())],
            expression_attribute_values: vec![attr(":open", s("open"))],
            limit: Some(25),
            scan_forward: Some(false),
            consistent_read: Some(true),
            exclusive_start_key: Some(vec![attr("userId", s(ME)), attr("noteId", s("2024-03"))]),
            ..Default::default()
        };
        assert_eq!(
            query_request(&table(), ME, &options, ScopeCheck::Enforce).unwrap(),
            json!({
                "TableName": "Notes",
                "KeyConditionExpression": "#pk = :pk AND #sk BETWEEN :sk0 AND :sk1",
                "FilterExpression": "#st = :open",
                "ProjectionExpression": "noteId, #st",
                "ExpressionAttributeNames": {"#pk": "userId", "#sk": "noteId", "#st": "status"},
                "ExpressionAttributeValues": {
                    ":pk": {"S": ME},
                    ":sk0": {"S": "2024-01"},
                    ":sk1": {"S": "2024-12"},
                    ":open": {"S": "open"},
                },
                "Limit": 25,
                "ScanIndexForward": false,
                "ConsistentRead": true,
                "ExclusiveStartKey": {"userId": {"S": ME}, "noteId": {"S": "2024-03"}},
            })
        );
    }

    #[test]
    fn query_key_conditions() {
        let build = |condition: Option<SortKeyCondition>| {
            let body = query_request(
                &table(),
                ME,
                &Query {
                    sort_key: condition,
                    ..Default::default()
                },
                ScopeCheck::Enforce,
            )
            .unwrap();
            body["KeyConditionExpression"].as_str().unwrap().to_owned()
        };
        assert_eq!(build(None), "#pk = :pk");
        assert_eq!(
            build(Some(SortKeyCondition::Eq(s("a")))),
            "#pk = :pk AND #sk = :sk0"
        );
        assert_eq!(
            build(Some(SortKeyCondition::Lt(s("a")))),
            "#pk = :pk AND #sk < :sk0"
        );
        assert_eq!(
            build(Some(SortKeyCondition::Le(s("a")))),
            "#pk = :pk AND #sk <= :sk0"
        );
        assert_eq!(
            build(Some(SortKeyCondition::Gt(n("1")))),
            "#pk = :pk AND #sk > :sk0"
        );
        assert_eq!(
            build(Some(SortKeyCondition::Ge(n("1")))),
            "#pk = :pk AND #sk >= :sk0"
        );
        assert_eq!(
            build(Some(SortKeyCondition::BeginsWith(s("2024-")))),
            "#pk = :pk AND begins_with(#sk, :sk0)"
        );

        let minimal = query_request(&table(), ME, &Query::default(), ScopeCheck::Enforce).unwrap();
        assert_eq!(
            minimal,
            json!({
                "TableName": "Notes",
                "KeyConditionExpression": "#pk = :pk",
                "ExpressionAttributeNames": {"#pk": "userId"},
                "ExpressionAttributeValues": {":pk": {"S": ME}},
            })
        );

        let refused = |options: Query| {
            query_request(&table(), ME, &options, ScopeCheck::Enforce)
                .unwrap_err()
                .field
                .clone()
                .unwrap()
        };
        assert_eq!(
            refused(Query {
                sort_key: Some(SortKeyCondition::BeginsWith(n("1"))),
                ..Default::default()
            }),
            "sortKey"
        );
        assert_eq!(
            refused(Query {
                limit: Some(0),
                ..Default::default()
            }),
            "limit"
        );
        let plain = Table {
            sk_name: None,
            ..table()
        };
        let e = query_request(
            &plain,
            ME,
            &Query {
                sort_key: Some(SortKeyCondition::Eq(s("a"))),
                ..Default::default()
            },
            ScopeCheck::Enforce,
        )
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("sortKey"));
    }

    #[test]
    fn query_on_an_index_binds_the_index_partition_key() {
        let options = Query {
            index: Some(Index {
                name: "byUpdated".into(),
                pk_name: "owner".into(),
                sk_name: Some("updatedAt".into()),
            }),
            sort_key: Some(SortKeyCondition::Ge(n("1700000000"))),
            ..Default::default()
        };
        assert_eq!(
            query_request(&table(), ME, &options, ScopeCheck::Enforce).unwrap(),
            json!({
                "TableName": "Notes",
                "IndexName": "byUpdated",
                "KeyConditionExpression": "#pk = :pk AND #sk >= :sk0",
                "FilterExpression": "#tpk = :tpk",
                "ExpressionAttributeNames": {"#pk": "owner", "#sk": "updatedAt", "#tpk": "userId"},
                "ExpressionAttributeValues": {":pk": {"S": ME}, ":sk0": {"N": "1700000000"}, ":tpk": {"S": ME}},
            })
        );
        let e = query_request(
            &table(),
            ME,
            &Query {
                partition_key: Some(s(OTHER)),
                ..options
            },
            ScopeCheck::Enforce,
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfScope);
        assert!(e.message.contains("'owner'"), "{}", e.message);
    }

    #[test]
    fn generated_placeholders_cannot_be_overridden() {
        let clash = |names: Vec<(String, String)>, values: Item| {
            query_request(
                &table(),
                ME,
                &Query {
                    sort_key: Some(SortKeyCondition::Eq(s("a"))),
                    expression_attribute_names: names,
                    expression_attribute_values: values,
                    ..Default::default()
                },
                ScopeCheck::Enforce,
            )
            .unwrap_err()
        };
        for name in ["#pk", "#sk"] {
            let e = clash(vec![(name.into(), "userId".into())], vec![]);
            assert_eq!(e.kind, ErrorKind::InvalidInput);
            assert_eq!(e.field.as_deref(), Some("expressionAttributeNames"));
            assert!(e.message.contains("reserved"), "{}", e.message);
        }
        for value in [":pk", ":sk0", ":sk1"] {
            let e = clash(vec![], vec![attr(value, s(OTHER))]);
            assert_eq!(e.field.as_deref(), Some("expressionAttributeValues"));
            assert!(e.message.contains("reserved"), "{}", e.message);
        }
        let e = clash(vec![], vec![attr(":a", s("1")), attr(":a", s("2"))]);
        assert!(e.message.contains("twice"), "{}", e.message);
    }

    // --- the scope guard ---

    #[test]
    fn another_identity_is_out_of_scope_everywhere() {
        let check = |result: Result<Json>, field: &str| {
            let e = result.unwrap_err();
            assert_eq!(e.kind, ErrorKind::OutOfScope);
            assert_eq!(e.code, "OutOfScopeError");
            assert_eq!(e.field.as_deref(), Some(field));
            assert!(
                e.message.contains(&format!(
                    "partition key 'userId' must be the signed-in identity id '{ME}'"
                )),
                "{}",
                e.message
            );
        };
        let t = table();
        let enforce = ScopeCheck::Enforce;
        let put = |item: Item| PutItem {
            item,
            ..Default::default()
        };
        check(
            put_item_request(
                &t,
                ME,
                &put(vec![attr("userId", s(OTHER)), attr("noteId", s("n"))]),
                enforce,
            ),
            "item.userId",
        );
        // Missing, or the right text with the wrong type, is refused too.
        check(
            put_item_request(&t, ME, &put(vec![attr("noteId", s("n"))]), enforce),
            "item.userId",
        );
        check(
            put_item_request(
                &t,
                ME,
                &put(vec![
                    attr("userId", Doc::SS(vec![ME.into()])),
                    attr("noteId", s("n")),
                ]),
                enforce,
            ),
            "item.userId",
        );
        let other = Some(s(OTHER));
        let sk = Some(s("n"));
        check(
            get_item_request(
                &t,
                ME,
                &GetItem {
                    partition_key: other.clone(),
                    sort_key: sk.clone(),
                    ..Default::default()
                },
                enforce,
            ),
            "key.userId",
        );
        check(
            update_item_request(
                &t,
                ME,
                &UpdateItem {
                    partition_key: other.clone(),
                    sort_key: sk.clone(),
                    update_expression: "SET a = :a".into(),
                    expression_attribute_values: vec![attr(":a", n("1"))],
                    ..Default::default()
                },
                enforce,
            ),
            "key.userId",
        );
        check(
            delete_item_request(
                &t,
                ME,
                &DeleteItem {
                    partition_key: other.clone(),
                    sort_key: sk.clone(),
                    ..Default::default()
                },
                enforce,
            ),
            "key.userId",
        );
        check(
            query_request(
                &t,
                ME,
                &Query {
                    partition_key: other.clone(),
                    ..Default::default()
                },
                enforce,
            ),
            "partitionKey",
        );
        check(
            query_request(
                &t,
                ME,
                &Query {
                    exclusive_start_key: Some(vec![
                        attr("userId", s(OTHER)),
                        attr("noteId", s("n")),
                    ]),
                    ..Default::default()
                },
                enforce,
            ),
            "exclusiveStartKey.userId",
        );
        // The scope is checked before anything else is looked at.
        check(
            update_item_request(
                &t,
                ME,
                &UpdateItem {
                    partition_key: other,
                    ..Default::default()
                },
                enforce,
            ),
            "key.userId",
        );
    }

    #[test]
    fn the_demo_bypass_builds_the_unscoped_request() {
        let bypass = ScopeCheck::UnscopedForDemoOnly;
        let body = get_item_request(
            &table(),
            ME,
            &GetItem {
                partition_key: Some(s(OTHER)),
                sort_key: Some(s("n")),
                ..Default::default()
            },
            bypass,
        )
        .unwrap();
        assert_eq!(body["Key"]["userId"], json!({"S": OTHER}));
        let body = put_item_request(
            &table(),
            ME,
            &PutItem {
                item: vec![attr("userId", s(OTHER)), attr("noteId", s("n"))],
                ..Default::default()
            },
            bypass,
        )
        .unwrap();
        assert_eq!(body["Item"]["userId"], json!({"S": OTHER}));
        let body = query_request(
            &table(),
            ME,
            &Query {
                partition_key: Some(s(OTHER)),
                ..Default::default()
            },
            bypass,
        )
        .unwrap();
        assert_eq!(
            body["ExpressionAttributeValues"][":pk"],
            json!({"S": OTHER})
        );
        let body = delete_item_request(
            &table(),
            ME,
            &DeleteItem {
                partition_key: Some(s(OTHER)),
                sort_key: Some(s("n")),
                ..Default::default()
            },
            bypass,
        )
        .unwrap();
        assert_eq!(body["Key"]["userId"], json!({"S": OTHER}));
    }

    // --- page tokens ---

    #[test]
    fn page_tokens_round_trip_and_stay_in_scope() {
        let key = vec![attr("userId", s(ME)), attr("noteId", s("n/+?=é"))];
        let token = page_token_encode(&key).unwrap();
        assert!(token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let back = page_token_decode(&token, "userId", ME, ScopeCheck::Enforce).unwrap();
        assert_eq!(back, key);

        let theirs =
            page_token_encode(&[attr("userId", s(OTHER)), attr("noteId", s("n"))]).unwrap();
        let e = page_token_decode(&theirs, "userId", ME, ScopeCheck::Enforce).unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfScope);
        assert_eq!(e.field.as_deref(), Some("pageToken"));
        assert!(page_token_decode(&theirs, "userId", ME, ScopeCheck::UnscopedForDemoOnly).is_ok());

        for bad in ["", "!!!", "e30", "bm90IGpzb24", "eyJ1c2VySWQiOnsiUyI6MX19"] {
            let e = page_token_decode(bad, "userId", ME, ScopeCheck::Enforce).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{bad}");
            assert_eq!(
                e.field.as_deref().map(|f| f.starts_with("pageToken")),
                Some(true)
            );
        }
    }

    // --- responses (shapes from the DynamoDB API reference) ---

    #[test]
    fn get_item_responses() {
        let body = json!({
            "ConsumedCapacity": {"CapacityUnits": 1, "TableName": "Thread"},
            "Item": {
                "Tags": {"SS": ["Update", "Multiple Items", "HelpMe"]},
                "LastPostDateTime": {"S": "201303190436"},
                "Message": {"S": "I want to update multiple items in a single call."}
            }
        });
        let item = parse_get_item_response(&body).unwrap().unwrap();
        assert_eq!(
            item,
            vec![
                attr(
                    "Tags",
                    Doc::SS(vec![
                        "Update".into(),
                        "Multiple Items".into(),
                        "HelpMe".into()
                    ])
                ),
                attr("LastPostDateTime", s("201303190436")),
                attr(
                    "Message",
                    s("I want to update multiple items in a single call.")
                ),
            ]
        );
        assert_eq!(parse_get_item_response(&json!({})).unwrap(), None);
        let e = parse_get_item_response(&json!({"Item": {"a": {"N": "x"}}})).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Protocol);
        assert!(e.message.contains("Item.a"), "{}", e.message);
        assert_eq!(
            parse_get_item_response(&json!([])).unwrap_err().kind,
            ErrorKind::Protocol
        );
    }

    #[test]
    fn write_responses() {
        let body = json!({
            "Attributes": {
                "LastPostedBy": {"S": "alice@example.com"},
                "ForumName": {"S": "Amazon DynamoDB"},
                "LastPostDateTime": {"S": "20201201"},
                "Replies": {"N": "0"}
            }
        });
        let attributes = parse_write_response(&body).unwrap().unwrap();
        assert_eq!(attributes.len(), 4);
        assert!(attributes.contains(&attr("Replies", n("0"))));
        assert_eq!(parse_write_response(&json!({})).unwrap(), None);
        assert_eq!(
            parse_write_response(&json!({"Attributes": []}))
                .unwrap_err()
                .kind,
            ErrorKind::Protocol
        );
    }

    #[test]
    fn query_responses() {
        let body = json!({
            "ConsumedCapacity": {"CapacityUnits": 1, "TableName": "Reply"},
            "Count": 2,
            "Items": [
                {
                    "PostedBy": {"S": "joe@example.com"},
                    "Id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"},
                    "ReplyDateTime": {"S": "20150922T19:58:40.152Z"},
                    "Score": {"N": "1.50"}
                },
                {
                    "PostedBy": {"S": "jane@example.com"},
                    "Id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"},
                    "ReplyDateTime": {"S": "20150922T20:10:15.323Z"},
                    "Data": {"B": "AAE="}
                }
            ],
            "LastEvaluatedKey": {
                "Id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"},
                "ReplyDateTime": {"S": "20150922T20:10:15.323Z"}
            },
            "ScannedCount": 3
        });
        let page = parse_query_response(&body).unwrap();
        assert_eq!(page.count, 2);
        assert_eq!(page.scanned_count, 3);
        assert_eq!(page.items.len(), 2);
        assert!(page.items[0].contains(&attr("Score", n("1.5"))));
        assert!(page.items[1].contains(&attr("Data", Doc::B(vec![0, 1]))));
        assert_eq!(
            page.last_evaluated_key,
            Some(vec![
                attr("Id", s("Amazon DynamoDB#DynamoDB Thread 1")),
                attr("ReplyDateTime", s("20150922T20:10:15.323Z")),
            ])
        );

        let last =
            parse_query_response(&json!({"Count": 0, "Items": [], "ScannedCount": 0})).unwrap();
        assert_eq!(last, QueryPage::default());
        // Select COUNT answers without Items.
        let counted = parse_query_response(&json!({"Count": 5, "ScannedCount": 9})).unwrap();
        assert_eq!(
            (counted.count, counted.scanned_count, counted.items.len()),
            (5, 9, 0)
        );

        for bad in [
            json!({"Items": {}}),
            json!({"Items": [{"a": {"S": 1}}]}),
            json!({"Items": [], "Count": "2"}),
            json!({"Items": [], "Count": -1}),
            json!({"LastEvaluatedKey": "k"}),
        ] {
            assert_eq!(
                parse_query_response(&bad).unwrap_err().kind,
                ErrorKind::Protocol,
                "{bad}"
            );
        }
    }

    #[test]
    fn errors_never_echo_values() {
        let secret = "hunter2-secret";
        let e =
            item_to_json(&[attr("pin", Doc::SS(vec![secret.into(), secret.into()]))]).unwrap_err();
        assert!(!e.message.contains(secret));
        let e = put_item_request(
            &table(),
            ME,
            &PutItem {
                item: vec![attr("userId", s(secret)), attr("noteId", s("n"))],
                ..Default::default()
            },
            ScopeCheck::Enforce,
        )
        .unwrap_err();
        assert!(!e.message.contains(secret));
    }
}
