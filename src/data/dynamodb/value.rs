//! Attribute values ([`AttributeValue`]) to and from DynamoDB JSON, and the plain JSON items reach JS in
//! (one `JSON.parse`, with numbers, binary and sets set aside by the number rule).

use super::*;

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
pub(super) fn significant_digits(n: &str) -> usize {
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
pub(super) fn is_canonical(n: &str) -> bool {
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
pub(super) fn plain_number(n: &str) -> bool {
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
    pub specials: Vec<&'a AttributeValue>,
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

pub(super) fn write_plain_map<'a>(fields: &'a [(String, AttributeValue)], out: &mut PlainJson<'a>) {
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

pub(super) fn write_plain<'a>(doc: &'a AttributeValue, out: &mut PlainJson<'a>) {
    match doc {
        AttributeValue::Null => out.text.push_str("null"),
        AttributeValue::Bool(b) => out.text.push_str(if *b { "true" } else { "false" }),
        AttributeValue::S(s) if !s.starts_with('\0') => json::write_string(s, &mut out.text),
        AttributeValue::N(n) if plain_number(n) => out.text.push_str(n),
        AttributeValue::L(items) => {
            out.text.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.text.push(',');
                }
                write_plain(item, out);
            }
            out.text.push(']');
        }
        AttributeValue::M(fields) => write_plain_map(fields, out),
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
pub fn to_attribute_value(doc: &AttributeValue) -> Result<Json> {
    to_av(doc, &Path::Root("value"), 0)
}

/// Reads DynamoDB JSON (`{"S": "x"}`, ...) into a [`AttributeValue`], with the checks of
/// [`to_attribute_value`].
pub fn from_attribute_value(value: &Json) -> Result<AttributeValue> {
    from_av(value, &Path::Root("value"), 0, Source::Input)
}

/// The DynamoDB JSON of an item: `{"name": {"S": "x"}, ...}`.
pub fn item_to_json(item: &[(String, AttributeValue)]) -> Result<Json> {
    map_to_json(item, &Path::Root("item"), 0).map(Json::Object)
}

/// Reads an item from DynamoDB JSON, its attributes in the order the JSON has them.
pub fn item_from_json(value: &Json) -> Result<Item> {
    map_from_json(value, &Path::Root("item"), 0, Source::Input)
}

pub(super) fn map_to_json(
    entries: &[(String, AttributeValue)],
    path: &Path<'_>,
    depth: usize,
) -> Result<Map> {
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

pub(super) fn to_av(doc: &AttributeValue, path: &Path<'_>, depth: usize) -> Result<Json> {
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
        AttributeValue::Null => json!({ "NULL": true }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": number(n, path)? }),
        AttributeValue::B(b) => json!({ "B": Base64::Standard.encode(b) }),
        AttributeValue::L(list) => {
            let mut values = Vec::with_capacity(list.len());
            for (i, d) in list.iter().enumerate() {
                values.push(to_av(d, &Path::Index(path, i), depth + 1)?);
            }
            json!({ "L": values })
        }
        AttributeValue::M(entries) => json!({ "M": map_to_json(entries, path, depth + 1)? }),
        AttributeValue::SS(set) => {
            check_set(set.iter().map(String::as_bytes), path, Source::Input)?;
            json!({ "SS": set })
        }
        AttributeValue::NS(set) => {
            let mut canonical = Vec::with_capacity(set.len());
            for (i, n) in set.iter().enumerate() {
                canonical.push(number(n, &Path::Index(path, i))?);
            }
            check_set(canonical.iter().map(String::as_bytes), path, Source::Input)?;
            json!({ "NS": canonical })
        }
        AttributeValue::BS(set) => {
            check_set(set.iter().map(Vec::as_slice), path, Source::Input)?;
            let encoded: Vec<String> = set.iter().map(|b| Base64::Standard.encode(b)).collect();
            json!({ "BS": encoded })
        }
    })
}

/// Refuses empty sets and repeated members, naming the first repeat (the first member equal
/// to one before it). Members are compared as bytes: strings and canonical numbers by their
/// text, binaries by their bytes.
pub(super) fn check_set<'m>(
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

pub(super) fn map_from_json(
    value: &Json,
    path: &Path<'_>,
    depth: usize,
    source: Source,
) -> Result<Item> {
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

pub(super) fn from_av(
    value: &Json,
    path: &Path<'_>,
    depth: usize,
    source: Source,
) -> Result<AttributeValue> {
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
            Json::Bool(true) => AttributeValue::Null,
            _ => return Err(wrong("true")),
        },
        "BOOL" => AttributeValue::Bool(inner.as_bool().ok_or_else(|| wrong("true or false"))?),
        "S" => AttributeValue::S(string(inner, path)?),
        "N" => AttributeValue::N(number(string(inner, path)?, path)?),
        "B" => AttributeValue::B(binary(string(inner, path)?, path)?),
        "L" => {
            let mut list = Vec::new();
            for (i, v) in members()?.iter().enumerate() {
                list.push(from_av(v, &Path::Index(path, i), depth + 1, source)?);
            }
            AttributeValue::L(list)
        }
        "M" => AttributeValue::M(map_from_json(inner, path, depth + 1, source)?),
        "SS" => {
            let mut set = Vec::new();
            for (i, v) in members()?.iter().enumerate() {
                set.push(string(v, &Path::Index(path, i))?);
            }
            check_set(set.iter().map(String::as_bytes), path, source)?;
            AttributeValue::SS(set)
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
            AttributeValue::NS(set)
        }
        "BS" => {
            let mut set = Vec::new();
            for (i, v) in members()?.iter().enumerate() {
                let here = Path::Index(path, i);
                set.push(binary(string(v, &here)?, &here)?);
            }
            check_set(set.iter().map(Vec::as_slice), path, source)?;
            AttributeValue::BS(set)
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

#[cfg(test)]
#[path = "value_tests.rs"]
mod tests;
