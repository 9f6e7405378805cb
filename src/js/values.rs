//! DynamoDB attribute values between JS and Rust: what `put` accepts (and refuses, naming the
//! attribute), and items back to JS by the number rule through one `JSON.parse`.

use super::*;

/// TypeScript types: DynamoDB values between JS and Rust.
#[wasm_bindgen(typescript_custom_section)]
const VALUE_TYPES: &'static str = r##"
import type { NumberValue } from "./number.js";
/**
 * An attribute as read: strings, booleans, null, Uint8Array, arrays, objects, Sets, and numbers
 * by one rule: a `number` when the double prints back to the same decimal, else a `bigint`
 * (integers) or a `NumberValue` (the exact text). Written back with `put`, each is stored as
 * it was read.
 */
export type AttributeValue =
  | string | number | bigint | NumberValue | boolean | null | Uint8Array
  | AttributeValue[] | { [name: string]: AttributeValue }
  | Set<string> | Set<number | bigint | NumberValue> | Set<Uint8Array>;
/** An item as read: attribute names to values. */
export type Item = { [name: string]: AttributeValue };
/**
 * What an attribute may be written as: an AttributeValue, or what `@aws-sdk/util-dynamodb`'s
 * `marshall` also takes: a Map with string keys (stored as a map), an ArrayBuffer or every view of
 * one (typed arrays, DataView: stored as its bytes, read back as Uint8Array). `undefined`
 * members of objects and Maps are left out. A Date, Blob or class instance is refused.
 */
export type AttributeInput =
  | AttributeValue | ArrayBuffer | ArrayBufferView
  | AttributeInput[] | { [name: string]: AttributeInput | undefined } | Map<string, AttributeInput | undefined>
  | Set<string> | Set<number | bigint | NumberValue> | Set<Uint8Array | ArrayBuffer | ArrayBufferView>;
/**
 * An item as written (`put`, expression `values`): attribute names to values; `undefined`
 * members are left out.
 */
export type ItemInput = { [name: string]: AttributeInput | undefined };
"##;

/// A JS value as a DynamoDB document value, as `@aws-sdk/util-dynamodb`'s `marshall` stores it,
/// or an `InvalidInputError` whose `field` is the attribute's path (`item.tags[2]`): plain
/// objects and `Map`s with string keys are M (`undefined` members are skipped, as the
/// DocumentClient's `removeUndefinedValues` does), arrays L, `Set`s of strings, numbers or binary
/// SS, NS or BS, `NumberValue`, `number` and `bigint` N, `ArrayBuffer` and every view of one
/// (typed arrays, `DataView`) B (the view's bytes), boxed strings, numbers and booleans their
/// primitive. Anything else (a `Date`, a `Blob`, a class instance, a function) is refused,
/// never stored as something else.
pub(super) fn doc_from_js(v: &JsValue, path: &str) -> Result<AttributeValue, Error> {
    doc_from_js_at(v, &dynamodb::Path::Root(path), 0)
}

/// Lists and maps deeper than this are refused while reading, before DynamoDB would refuse
/// them: an object that contains itself must not recurse until the stack runs out.
pub(super) const MAX_JS_DEPTH: usize = 32;

pub(super) fn doc_from_js_at(
    v: &JsValue,
    path: &dynamodb::Path<'_>,
    depth: usize,
) -> Result<AttributeValue, Error> {
    let bad = |what: &str| {
        let field = path.to_string();
        let message = format!("{field}: {what}");
        Error::invalid_input(&field, message)
    };
    if depth > MAX_JS_DEPTH {
        return Err(bad(
            "lists and maps nest deeper than 32 levels (does an object contain itself?)",
        ));
    }
    if v.is_null() {
        return Ok(AttributeValue::Null);
    }
    if let Some(b) = v.as_bool() {
        return Ok(AttributeValue::Bool(b));
    }
    if let Some(s) = v.as_string() {
        return exact_text(s, v).map(AttributeValue::S).map_err(&bad);
    }
    if let Some(n) = v.as_f64() {
        return number_from_js(n).map_err(|e| bad(&e));
    }
    if v.is_bigint() {
        let text: String = js_sys::BigInt::from(v.clone())
            .to_string(10)
            .map(String::from)
            .unwrap_or_default();
        return Ok(AttributeValue::N(
            dynamodb::validate_number(&text).map_err(|e| bad(&e.message))?,
        ));
    }
    if !v.is_object() {
        return Err(bad(
            "this JS value has no DynamoDB type (a function, a symbol or undefined)",
        ));
    }
    if js_sys::Array::is_array(v) {
        let array: &js_sys::Array = v.unchecked_ref();
        let mut items = Vec::with_capacity(array.length() as usize);
        for (i, item) in array.iter().enumerate() {
            let here = dynamodb::Path::Index(path, i);
            if item.is_undefined() {
                return Err(Error::invalid_input(
                    &here.to_string(),
                    format!("{here}: undefined in a list (a list keeps its places: use null)"),
                ));
            }
            items.push(doc_from_js_at(&item, &here, depth + 1)?);
        }
        return Ok(AttributeValue::L(items));
    }
    if is_plain_object(v) {
        let object: &js_sys::Object = v.unchecked_ref();
        let mut fields = Vec::new();
        for entry in js_sys::Object::entries(object).iter() {
            let pair: js_sys::Array = entry.unchecked_into();
            let value = pair.get(1);
            if value.is_undefined() {
                continue;
            }
            let key = attribute_name(&pair.get(0), path)?;
            let doc = doc_from_js_at(&value, &dynamodb::Path::Key(path, &key), depth + 1)?;
            fields.push((key, doc));
        }
        return Ok(AttributeValue::M(fields));
    }
    if let Some(n) = v.dyn_ref::<NumberValue>() {
        return number_value_text(n)
            .map(AttributeValue::N)
            .map_err(|e| bad(&e));
    }
    if let Some(bytes) = binary_of(v) {
        return Ok(AttributeValue::B(bytes));
    }
    if let Some(set) = v.dyn_ref::<js_sys::Set>() {
        return set_from_js(set, path, depth);
    }
    if let Some(map) = v.dyn_ref::<js_sys::Map>() {
        let mut entries = Vec::new();
        map.for_each(&mut |value, key| entries.push((key, value)));
        let mut fields = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            if !key.is_string() {
                return Err(bad("a Map's keys must be strings (attribute names)"));
            }
            if value.is_undefined() {
                continue;
            }
            let key = attribute_name(&key, path)?;
            let doc = doc_from_js_at(&value, &dynamodb::Path::Key(path, &key), depth + 1)?;
            fields.push((key, doc));
        }
        return Ok(AttributeValue::M(fields));
    }
    if v.is_instance_of::<js_sys::JsString>() {
        let primitive = JsValue::from(v.unchecked_ref::<js_sys::Object>().to_string());
        let text = primitive.as_string().unwrap_or_default();
        return exact_text(text, &primitive)
            .map(AttributeValue::S)
            .map_err(&bad);
    }
    if v.is_instance_of::<js_sys::Number>() {
        let n = v.unchecked_ref::<js_sys::Number>().value_of();
        return number_from_js(n).map_err(|e| bad(&e));
    }
    if v.is_instance_of::<js_sys::Boolean>() {
        return Ok(AttributeValue::Bool(
            v.unchecked_ref::<js_sys::Boolean>().value_of(),
        ));
    }
    if v.is_instance_of::<js_sys::Date>() {
        return Err(bad(
            "a Date is not a DynamoDB type: store date.toISOString() or date.getTime()",
        ));
    }
    let class = Reflect::get(v, &"constructor".into())
        .and_then(|c| Reflect::get(&c, &"name".into()))
        .ok()
        .and_then(|n| n.as_string())
        .filter(|n| !n.is_empty() && n.len() <= 64)
        .unwrap_or_else(|| "class instance".to_owned());
    Err(bad(&format!(
        "a {class} has no DynamoDB type (plain objects, arrays, Map, Set, strings, numbers, \
         bigint, NumberValue, booleans, null and binary have one)"
    )))
}

/// `text`, which wasm-bindgen read from the JS string `js`, unless `js` is not well-formed
/// UTF-16: a lone surrogate arrives as U+FFFD, which would store another string.
pub(super) fn exact_text(text: String, js: &JsValue) -> Result<String, &'static str> {
    // U+FFFD's UTF-8 bytes, searched as bytes: `contains` of a non-ASCII char would bring in
    // the substring searcher and str slicing's panics (about 6 KB of wasm).
    let replaced = text.as_bytes().windows(3).any(|w| w == [0xEF, 0xBF, 0xBD]);
    if replaced && !well_formed(js) {
        return Err(
            "a string with a lone surrogate (half of a UTF-16 pair) has no UTF-8 form, \
                    which DynamoDB stores",
        );
    }
    Ok(text)
}

/// An object's or a `Map`'s key (a JS string) as an attribute name, whole ([`exact_text`]).
pub(super) fn attribute_name(key: &JsValue, path: &dynamodb::Path<'_>) -> Result<String, Error> {
    let text = key.as_string().unwrap_or_default();
    exact_text(text, key).map_err(|why| {
        let field = dynamodb::Path::Key(path, &key.as_string().unwrap_or_default()).to_string();
        let message = format!("{field}: the name is {why}");
        Error::invalid_input(&field, message)
    })
}

#[wasm_bindgen(module = "/src/host.js")]
extern "C" {
    /// Whether a string is well-formed UTF-16 (`encodeURIComponent` throws on a lone surrogate).
    #[wasm_bindgen(js_name = wellFormed)]
    pub(super) fn well_formed(s: &JsValue) -> bool;
}

/// A JS number as DynamoDB number text: the decimal `String(n)` prints, as `marshall` writes it.
pub(super) fn number_from_js(n: f64) -> Result<AttributeValue, String> {
    if !n.is_finite() {
        return Err("NaN and Infinity are not DynamoDB numbers".to_owned());
    }
    // Whole numbers (the usual case) are written here; others as JS writes them.
    let text: String = if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0 {
        (n as i64).to_string()
    } else {
        js_sys::Number::from(n)
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_default()
    };
    dynamodb::validate_number(&text)
        .map(AttributeValue::N)
        .map_err(|e| e.message.clone())
}

/// The text of a `NumberValue`, checked as a DynamoDB number.
fn number_value_text(n: &NumberValue) -> Result<String, String> {
    let text = n
        .value()
        .as_string()
        .ok_or_else(|| "a NumberValue holds its decimal text in `value`".to_owned())?;
    dynamodb::validate_number(&text).map_err(|e| e.message.clone())
}

/// `{...}` or `Object.create(null)`: an object whose prototype is `Object.prototype` (of any
/// realm) or none, which is stored as a map. An instance of any class is not.
pub(super) fn is_plain_object(v: &JsValue) -> bool {
    let proto = js_sys::Object::get_prototype_of(v);
    proto.is_null() || js_sys::Object::get_prototype_of(&proto).is_null()
}

/// A `Set` as SS, NS or BS: every member a string, every member a number (`number`, `bigint`
/// or `NumberValue`), or every member binary.
pub(super) fn set_from_js(
    set: &js_sys::Set,
    path: &dynamodb::Path<'_>,
    depth: usize,
) -> Result<AttributeValue, Error> {
    let members: Vec<JsValue> = set.values().into_iter().filter_map(|m| m.ok()).collect();
    let is_number =
        |m: &JsValue| m.as_f64().is_some() || m.is_bigint() || m.is_instance_of::<NumberValue>();
    let wrong = |i: usize, kind: &str| {
        let here = dynamodb::Path::Member(path, i);
        Error::invalid_input(
            &here.to_string(),
            format!("{here}: a Set holds {kind} only (one DynamoDB set type)"),
        )
    };
    let Some(first) = members.first() else {
        let field = path.to_string();
        return Err(Error::invalid_input(
            &field,
            format!(
                "{field}: DynamoDB has no empty sets; leave the attribute out or use an empty list"
            ),
        ));
    };
    if first.is_string() {
        let mut ss = Vec::with_capacity(members.len());
        for (i, m) in members.iter().enumerate() {
            let text = m.as_string().ok_or_else(|| wrong(i, "strings"))?;
            ss.push(exact_text(text, m).map_err(|why| {
                let here = dynamodb::Path::Member(path, i);
                Error::invalid_input(&here.to_string(), format!("{here}: {why}"))
            })?);
        }
        Ok(AttributeValue::SS(ss))
    } else if is_number(first) {
        let mut ns = Vec::with_capacity(members.len());
        for (i, m) in members.iter().enumerate() {
            if !is_number(m) {
                return Err(wrong(i, "numbers"));
            }
            match doc_from_js_at(m, &dynamodb::Path::Member(path, i), depth + 1)? {
                AttributeValue::N(n) => ns.push(n),
                _ => return Err(wrong(i, "numbers")),
            }
        }
        Ok(AttributeValue::NS(ns))
    } else if binary_of(first).is_some() {
        let mut bs = Vec::with_capacity(members.len());
        for (i, m) in members.iter().enumerate() {
            bs.push(binary_of(m).ok_or_else(|| wrong(i, "binary values"))?);
        }
        Ok(AttributeValue::BS(bs))
    } else {
        Err(wrong(
            0,
            "strings, numbers (number, bigint, NumberValue) or binary values",
        ))
    }
}

/// The bytes of an `ArrayBuffer`, or of the part of one that a view (a typed array of any
/// element type, a `DataView`) covers.
pub(super) fn binary_of(v: &JsValue) -> Option<Vec<u8>> {
    if let Some(a) = v.dyn_ref::<js_sys::Uint8Array>() {
        return Some(a.to_vec());
    }
    if let Some(b) = v.dyn_ref::<js_sys::ArrayBuffer>() {
        return Some(js_sys::Uint8Array::new(b).to_vec());
    }
    if !js_sys::ArrayBuffer::is_view(v) {
        return None;
    }
    let number = |key: &str| Reflect::get(v, &key.into()).ok().and_then(|n| n.as_f64());
    let buffer = Reflect::get(v, &"buffer".into()).ok()?;
    let bytes = js_sys::Uint8Array::new_with_byte_offset_and_length(
        &buffer,
        number("byteOffset")? as u32,
        number("byteLength")? as u32,
    );
    Some(bytes.to_vec())
}

#[wasm_bindgen(module = "/pkg-template/number.js")]
extern "C" {
    /// `NumberValue` (pkg-template/number.js): a DynamoDB number as its exact decimal text.
    #[wasm_bindgen(js_name = NumberValue)]
    type NumberValue;
    #[wasm_bindgen(constructor, js_class = NumberValue)]
    pub(super) fn new(value: &str) -> NumberValue;
    #[wasm_bindgen(method, getter, js_class = NumberValue)]
    pub(super) fn value(this: &NumberValue) -> JsValue;
}

/// `new NumberValue(text)`, the class the package exports.
pub fn number_value(text: &str) -> JsValue {
    NumberValue::new(text).into()
}

/// A DynamoDB number as JS, by the one rule of [`dynamodb::JsNumber`]: a `number` when the
/// double prints back to the same decimal, else a `bigint` (integers) or a `NumberValue`.
pub(super) fn number_to_js(n: &str) -> JsValue {
    let print_back = |t: &str| -> String {
        js_sys::Number::from(js_sys::Number::parse_float(t))
            .to_string_with_radix(10)
            .map(String::from)
            .unwrap_or_default()
    };
    match dynamodb::js_number(n, print_back) {
        dynamodb::JsNumber::Number => JsValue::from_f64(js_sys::Number::parse_float(n)),
        dynamodb::JsNumber::BigInt => js_sys::BigInt::new(&JsValue::from_str(n))
            .map_or_else(|_| number_value(n), JsValue::from),
        dynamodb::JsNumber::NumberValue => number_value(n),
    }
}

#[wasm_bindgen(module = "/src/host.js")]
extern "C" {
    /// `JSON.parse(text)`, with the strings `"\u0000<i>"` replaced by `specials[i]`.
    #[wasm_bindgen(js_name = parseItems)]
    pub(super) fn parse_items(text: &str, specials: &js_sys::Array) -> js_sys::Array;
}

/// Items as JS objects, through one `JSON.parse` ([`dynamodb::plain_json`]).
pub(super) fn items_to_js(items: &[Item]) -> js_sys::Array {
    let plain = dynamodb::plain_json(items);
    let specials: js_sys::Array = plain.specials.iter().map(|d| special_to_js(d)).collect();
    parse_items(&plain.text, &specials)
}

/// A value [`dynamodb::plain_json`] set aside, as JS: a string that begins with U+0000, a
/// number a `number` would round, binary, or a set.
pub(super) fn special_to_js(d: &AttributeValue) -> JsValue {
    match d {
        AttributeValue::S(s) => JsValue::from_str(s),
        AttributeValue::N(n) => number_to_js(n),
        AttributeValue::B(b) => js_sys::Uint8Array::from(b.as_slice()).into(),
        AttributeValue::SS(v) => set_of(v.iter().map(|s| JsValue::from_str(s))),
        AttributeValue::NS(v) => set_of(v.iter().map(|n| number_to_js(n))),
        AttributeValue::BS(v) => set_of(
            v.iter()
                .map(|b| js_sys::Uint8Array::from(b.as_slice()).into()),
        ),
        // Written into the JSON text, never set aside; should that change, they still come
        // out right, through the same parse.
        AttributeValue::Null
        | AttributeValue::Bool(_)
        | AttributeValue::L(_)
        | AttributeValue::M(_) => {
            let wrapped = items_to_js(&[vec![(String::new(), d.clone())]]).get(0);
            Reflect::get(&wrapped, &JsValue::from_str("")).unwrap_or(JsValue::UNDEFINED)
        }
    }
}

pub(super) fn set_of(values: impl Iterator<Item = JsValue>) -> JsValue {
    let set = js_sys::Set::new(&JsValue::UNDEFINED);
    for v in values {
        set.add(&v);
    }
    set.into()
}

pub(super) fn item_from_js(v: &JsValue, path: &str) -> Result<Item, Error> {
    match doc_from_js(v, path)? {
        AttributeValue::M(fields) => Ok(fields),
        _ => Err(Error::invalid_input(
            "item",
            format!("{path} must be an object"),
        )),
    }
}
