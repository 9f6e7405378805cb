//! The one reader for input objects and options bags ([`InputReader`]), and the option names each
//! call accepts.

use super::*;

/// TypeScript types: what every call reads the same way (call options, string maps).
#[wasm_bindgen(typescript_custom_section)]
const INPUT_TYPES: &'static str = r##"
/**
 * Options every data call takes. Every options bag and input object is read the same way: only
 * its own properties count, an `undefined` value is as if left out, and a name not listed in
 * its type, or a value of another type, is refused with an `InvalidInputError` naming it
 * (`field: "options.limit"`).
 */
export interface CallOptions {
  /** Cancels the call. */
  signal?: AbortSignal;
  /**
   * Sends the request even when it names another identity's data, so that AWS (IAM) decides.
   * For demonstrating IAM only: no app should set it.
   */
  unscopedForDemoOnly?: boolean;
}

/** Names to strings: a plain object (own properties) or a Map. */
export type StringMap = Record<string, string> | Map<string, string>;
"##;

#[wasm_bindgen]
extern "C" {
    /// `Object.entries(o)`: the own enumerable string-keyed properties, never inherited ones;
    /// `Err` when a getter or a proxy throws.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = entries)]
    pub(super) fn own_entries(o: &JsValue) -> Result<js_sys::Array, JsValue>;
}

/// An input object or options bag, read by the one reader every input and option goes
/// through. Only the object's own enumerable properties count, read once, so a property
/// inherited from a polluted `Object.prototype` changes nothing; a property whose value is
/// `undefined` is absent, as if left out; a name the object does not declare is refused (with
/// the closest known name); a value of the wrong type is refused, never coerced or ignored.
/// The first fault is an `InvalidInputError` whose `field` names it (`options.limit`,
/// `signIn.password`). A value is never quoted back: it may be a password.
pub(super) struct InputReader {
    /// How errors name the object: `options`, `signIn`, `options.index`.
    pub(super) name: String,
    /// The own properties that are not `undefined`.
    pub(super) entries: Vec<(String, JsValue)>,
    /// The first fault; once there is one, nothing more is read.
    pub(super) error: Option<Error>,
}

/// An input struct, read from its [`InputReader`].
pub(super) trait FromInput: Sized {
    /// The field names the input object may have.
    const FIELDS: &'static [&'static str];
    fn read(f: &mut InputReader) -> Self;
}

impl InputReader {
    /// Reads `value`, which must be an object whose property names are all in `known`.
    pub(super) fn new(name: &str, value: &JsValue, known: &[&str]) -> InputReader {
        let mut f = InputReader::optional(name, &JsValue::UNDEFINED, known);
        if !value.is_object() || value.is_function() || js_sys::Array::is_array(value) {
            f.fail(
                name,
                format!("{name} must be an object, not {}", type_name(value)),
            );
            return f;
        }
        let Ok(entries) = own_entries(value) else {
            f.fail(name, format!("{name} could not be read (a getter threw)"));
            return f;
        };
        for entry in entries.iter() {
            let pair: js_sys::Array = entry.unchecked_into();
            let (key, v) = (pair.get(0).as_string().unwrap_or_default(), pair.get(1));
            if v.is_undefined() {
                // As if left out, whatever its name (`{ ...options, limit: undefined }`).
                continue;
            }
            if !known.contains(&key.as_str()) {
                let field = format!("{name}.{key}");
                f.fail(
                    &field,
                    crate::config::unknown_field(&field, &key, name, known),
                );
                return f;
            }
            f.entries.push((key, v));
        }
        f
    }

    /// Like [`InputReader::new`], with `undefined` read as an empty object: an options argument
    /// left out.
    pub(super) fn optional(name: &str, value: &JsValue, known: &[&str]) -> InputReader {
        if !value.is_undefined() {
            return InputReader::new(name, value, known);
        }
        InputReader {
            name: name.to_owned(),
            entries: Vec::new(),
            error: None,
        }
    }

    /// Records a fault, unless there is one already.
    pub(super) fn fail(&mut self, field: &str, message: String) {
        if self.error.is_none() {
            self.error = Some(Error::invalid_input(field, message));
        }
    }

    /// Records `r`'s error, if any, as the fault.
    pub(super) fn check<T>(&mut self, r: Result<T, Error>) -> Option<T> {
        r.map_err(|e| {
            self.error.get_or_insert(e);
        })
        .ok()
    }

    /// The value of `key`, `None` when it is absent (or reading has stopped).
    pub(super) fn get(&self, key: &str) -> Option<JsValue> {
        if self.error.is_some() {
            return None;
        }
        let (_, v) = self.entries.iter().find(|(k, _)| k == key)?;
        Some(v.clone())
    }

    /// Records that `key`'s value is not what the input expects.
    pub(super) fn wrong(&mut self, key: &str, expected: &str) {
        let field = format!("{}.{key}", self.name);
        self.fail(&field, format!("{field} must be {expected}"));
    }

    /// The value of `key` when `ok` holds for it; a fault naming `expected` when not. (A
    /// function pointer, not a generic: one copy serves every type.)
    pub(super) fn read(
        &mut self,
        key: &str,
        expected: &str,
        ok: fn(&JsValue) -> bool,
    ) -> Option<JsValue> {
        let v = self.get(key)?;
        if ok(&v) {
            return Some(v);
        }
        self.mistyped(key, expected, &v);
        None
    }

    pub(super) fn mistyped(&mut self, key: &str, expected: &str, v: &JsValue) {
        self.wrong(key, &format!("{expected}, not {}", type_name(v)));
    }

    /// A string that may be absent.
    pub(super) fn string(&mut self, key: &str) -> Option<String> {
        self.read(key, "a string", JsValue::is_string)?.as_string()
    }

    /// A required string.
    pub(super) fn required(&mut self, key: &str) -> String {
        if self.get(key).is_none() && self.error.is_none() {
            self.wrong(key, "given");
        }
        self.string(key).unwrap_or_default()
    }

    /// `true` or `false`, or absent.
    pub(super) fn bool(&mut self, key: &str) -> Option<bool> {
        self.read(key, "true or false", |v| v.as_bool().is_some())?
            .as_bool()
    }

    /// A whole number from 1 to `max`, or absent.
    pub(super) fn whole(&mut self, key: &str, max: u32) -> Option<u32> {
        let n = self
            .read(key, "a number", |v| v.as_f64().is_some())?
            .as_f64()?;
        if n.fract() == 0.0 && (1.0..=f64::from(max)).contains(&n) {
            return Some(n as u32);
        }
        // Written by the integer formatter: formatting an f64 costs kilobytes of wasm.
        self.wrong(key, &format!("a whole number from 1 to {max}"));
        None
    }

    /// One of the strings `allowed`, or absent.
    pub(super) fn one_of(&mut self, key: &str, allowed: &[&'static str]) -> Option<&'static str> {
        let s = self.string(key)?;
        let found = allowed.iter().find(|a| **a == s).copied();
        if found.is_none() {
            self.wrong(
                key,
                &format!("one of \"{}\"", crate::codec::text::join(allowed, "\", \"")),
            );
        }
        found
    }

    /// An object of strings, in order; empty when absent.
    pub(super) fn pairs(&mut self, key: &str) -> Vec<(String, String)> {
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        string_pairs(&v).unwrap_or_else(|| {
            self.mistyped(key, "an object of strings", &v);
            Vec::new()
        })
    }

    /// A nested object (`options.index`), read by its own [`InputReader`]; see [`InputReader::merge`].
    pub(super) fn object(&mut self, key: &str, known: &[&str]) -> Option<InputReader> {
        let v = self.get(key)?;
        Some(InputReader::new(&format!("{}.{key}", self.name), &v, known))
    }

    /// Takes on the fault of a nested object read with [`InputReader::object`].
    pub(super) fn merge(&mut self, inner: InputReader) {
        if let Some(e) = inner.error {
            self.error.get_or_insert(e);
        }
    }

    /// The options every AWS call takes: `signal` and the loudly named scope bypass.
    pub(super) fn call(&mut self) -> CallOptions {
        CallOptions {
            signal: self
                .read("signal", "an AbortSignal", |v| {
                    v.is_instance_of::<AbortSignal>()
                })
                .map(JsCast::unchecked_into),
            scope: if self.bool("unscopedForDemoOnly") == Some(true) {
                ScopeCheck::UnscopedForDemoOnly
            } else {
                ScopeCheck::Enforce
            },
        }
    }

    pub(super) fn finish(self) -> Result<(), Error> {
        self.error.map_or(Ok(()), Err)
    }
}

pub(super) fn parse<T: FromInput>(field: &str, value: &JsValue) -> Result<T, Error> {
    let mut fields = InputReader::new(field, value, T::FIELDS);
    let input = T::read(&mut fields);
    fields.finish().map(|()| input)
}

/// The names each options bag may hold; [`InputReader`] refuses any other. A new option is one more
/// name here (and in the TypeScript types above) and one read in its method.
pub(super) const TABLE_OPTIONS: &[&str] = &["partitionKey", "sortKey", "indexes"];
pub(super) const INDEX_KEYS: &[&str] = &["partitionKey", "sortKey"];
pub(super) const FILES_OPTIONS: &[&str] = &["virtualHost"];
pub(super) const CALL_OPTIONS: &[&str] = &["signal", "unscopedForDemoOnly"];
pub(super) const PUT_ITEM_OPTIONS: &[&str] = &[
    "signal",
    "unscopedForDemoOnly",
    "condition",
    "names",
    "values",
    "returnValues",
];
pub(super) const GET_ITEM_OPTIONS: &[&str] = &[
    "signal",
    "unscopedForDemoOnly",
    "partitionKeyForDemoOnly",
    "projection",
    "names",
    "consistentRead",
];
pub(super) const UPDATE_ITEM_OPTIONS: &[&str] = &[
    "signal",
    "unscopedForDemoOnly",
    "partitionKeyForDemoOnly",
    "update",
    "condition",
    "names",
    "values",
    "returnValues",
];
pub(super) const DELETE_ITEM_OPTIONS: &[&str] = &[
    "signal",
    "unscopedForDemoOnly",
    "partitionKeyForDemoOnly",
    "condition",
    "names",
    "values",
    "returnValues",
];
/// `queryAll` takes these but `pageToken` (the last).
pub(super) const QUERY_OPTIONS: &[&str] = &[
    "signal",
    "unscopedForDemoOnly",
    "partitionKeyForDemoOnly",
    "sortKey",
    "filter",
    "projection",
    "names",
    "values",
    "index",
    "limit",
    "reverse",
    "consistentRead",
    "pageToken",
];
pub(super) const INDEX_FIELDS: &[&str] = &["name", "partitionKey", "sortKey"];
pub(super) const SORT_KEY_CONDITIONS: &[&str] =
    &["eq", "lt", "le", "gt", "ge", "between", "beginsWith"];
pub(super) const PUT_OBJECT_OPTIONS: &[&str] = &[
    "signal",
    "unscopedForDemoOnly",
    "contentType",
    "metadata",
    "unsignedPayload",
];
pub(super) const UPLOAD_OPTIONS: &[&str] = &[
    "signal",
    "unscopedForDemoOnly",
    "contentType",
    "metadata",
    "partSize",
    "concurrency",
    "onProgress",
    "checksum",
];
pub(super) const GET_OBJECT_OPTIONS: &[&str] =
    &["signal", "unscopedForDemoOnly", "as", "range", "onProgress"];
pub(super) const LIST_OPTIONS: &[&str] = &[
    "signal",
    "unscopedForDemoOnly",
    "prefix",
    "maxKeys",
    "continuationToken",
];
pub(super) const PRESIGN_OPTIONS: &[&str] =
    &["signal", "unscopedForDemoOnly", "method", "expiresIn"];
pub(super) const COPY_OPTIONS: &[&str] =
    &["signal", "unscopedForDemoOnly", "contentType", "metadata"];
pub(super) const PRESIGN_POST_OPTIONS: &[&str] = &[
    "signal",
    "unscopedForDemoOnly",
    "contentLengthRange",
    "startsWith",
    "contentType",
    "expiresIn",
];

/// The largest `limit` and `maxKeys`: AWS reads them as 32-bit integers.
pub(super) const MAX_INT: u32 = 2_147_483_647;

/// What a JS value is, for an error message ("a number"); never the value itself.
pub(super) fn type_name(v: &JsValue) -> &'static str {
    if v.is_undefined() {
        "undefined"
    } else if v.is_null() {
        "null"
    } else if v.is_string() {
        "a string"
    } else if v.as_f64().is_some() {
        "a number"
    } else if v.is_bigint() {
        "a bigint"
    } else if v.as_bool().is_some() {
        "a boolean"
    } else if js_sys::Array::is_array(v) {
        "an array"
    } else if v.is_function() {
        "a function"
    } else if v.is_object() {
        "an object"
    } else {
        "a symbol"
    }
}

/// The `[key, value]` pairs of an object (own properties only) or of a `Map` whose keys and
/// values are all strings, in order, the last of equal keys kept in the place of the first;
/// `None` when it is not one.
pub(super) fn string_pairs(v: &JsValue) -> Option<Vec<(String, String)>> {
    if !v.is_object() || v.is_function() || js_sys::Array::is_array(v) {
        return None;
    }
    let entries: Vec<JsValue> = match v.dyn_ref::<js_sys::Map>() {
        Some(map) => map.entries().into_iter().collect::<Result<_, _>>().ok()?,
        None => own_entries(v).ok()?.to_vec(),
    };
    let mut pairs: Vec<(String, String)> = Vec::with_capacity(entries.len());
    for entry in entries {
        let entry: js_sys::Array = entry.unchecked_into();
        let (k, v) = (entry.get(0).as_string()?, entry.get(1).as_string()?);
        crate::codec::json::set_field(&mut pairs, k, v);
    }
    Some(pairs)
}

/// A JS array of strings.
pub(super) fn strings_to_js(strings: &[String]) -> js_sys::Array {
    strings.iter().map(|s| JsValue::from_str(s)).collect()
}
