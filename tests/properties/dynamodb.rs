//! DynamoDB: numbers become canonical text without losing a digit, reach JS by one rule (a
//! `number` exactly when the double prints back to the same decimal), documents round-trip
//! through DynamoDB JSON, any JSON reads as a document or a typed error naming its path, nesting stops
//! at 32 levels, the request builders never leave the caller's partition, and page tokens
//! round-trip and refuse junk.

use std::collections::HashSet;

use apiless::codec::json::Json;
use apiless::data::dynamodb::{
    delete_item_request, from_attribute_value, get_item_request, item_from_json, item_to_json,
    js_number, page_token_decode, page_token_encode, parse_get_item_response, parse_query_response,
    parse_write_response, plain_json, put_item_request, query_request, to_attribute_value,
    update_item_request, validate_number, AttributeValue, DeleteItem, GetItem, Index, Item,
    JsNumber, PutItem, Query, ReturnValues, SortKeyCondition, TableSchema, UpdateItem,
};
use apiless::data::owner::ScopeCheck;
use apiless::{Error, ErrorKind};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Map, Value};

use crate::gen;
use crate::harness::{Check, Property};

pub const PROPERTIES: &[Property] = &[
    Property {
        name: "dynamodb: numbers in any notation become exact canonical text, or are refused",
        cases: 2_000,
        run: numbers_are_exact,
    },
    Property {
        name: "dynamodb: any text as a number is canonical text or an InvalidInput error",
        cases: 2_000,
        run: number_junk,
    },
    Property {
        name: "dynamodb: a number reaches JS as a number exactly when the double prints back, else bigint or NumberValue",
        cases: 3_000,
        run: numbers_reach_js_by_one_rule,
    },
    Property {
        name: "dynamodb: items reach JS as JSON whose numbers parse exactly, the rest set aside in order",
        cases: 500,
        run: plain_json_sets_aside_the_rest,
    },
    Property {
        name: "dynamodb: documents round-trip through DynamoDB JSON text",
        cases: 500,
        run: documents_round_trip,
    },
    Property {
        name: "dynamodb: any JSON reads as a document that re-marshals to itself, or a typed error",
        cases: 1_000,
        run: attribute_json_junk,
    },
    Property {
        name: "dynamodb: nesting is refused past 32 levels, both ways",
        cases: 300,
        run: nesting_limit,
    },
    Property {
        name: "dynamodb: request builders give a body in the caller's partition or a typed error",
        cases: 1_000,
        run: builders_stay_in_scope,
    },
    Property {
        name: "dynamodb: page tokens round-trip; junk tokens are typed errors",
        cases: 500,
        run: page_tokens,
    },
];

const ID: &str = "us-east-1:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";

// ---- numbers ----------------------------------------------------------------------------

/// A number as its sign, its significant digits (no leading or trailing zero) and the power of
/// ten of its leading digit: `-1.5e3` is (true, "15", 3).
#[derive(Clone, Debug)]
struct Num {
    negative: bool,
    digits: String,
    leading: i64,
}

impl Num {
    /// Whether DynamoDB takes it: at most 38 digits, 1E-130 <= |n| < 1E126.
    fn in_range(&self) -> bool {
        self.digits.len() <= 38 && (-130..=125).contains(&self.leading)
    }

    /// Plain decimal, no exponent, no `+`, no extra zeros.
    fn canonical(&self) -> String {
        let (d, len, lead) = (&self.digits, self.digits.len() as i64, self.leading);
        let zeros = |n: i64| "0".repeat(n as usize);
        let body = if lead >= len - 1 {
            format!("{d}{}", zeros(lead - len + 1))
        } else if lead >= 0 {
            let (whole, fraction) = d.split_at(lead as usize + 1);
            format!("{whole}.{fraction}")
        } else {
            format!("0.{}{d}", zeros(-lead - 1))
        };
        format!("{}{body}", if self.negative { "-" } else { "" })
    }

    /// The number written one of the ways the syntax allows.
    fn written(&self, w: &Writing) -> String {
        let d = &self.digits;
        let len = d.len() as i64;
        let (mantissa, exponent) = match w.style {
            0 => (self.canonical().trim_start_matches('-').to_owned(), None),
            1 => (format!("{}.{}", &d[..1], &d[1..]), Some(self.leading)),
            2 => (d.clone(), Some(self.leading - len + 1)),
            _ => (format!(".{d}"), Some(self.leading + 1)),
        };
        let mut mantissa = format!("{}{mantissa}", "0".repeat(w.lead_zeros));
        if w.trail_zeros > 0 {
            if !mantissa.contains('.') {
                mantissa.push('.');
            }
            mantissa.push_str(&"0".repeat(w.trail_zeros));
        }
        let sign = if self.negative {
            "-"
        } else if w.plus {
            "+"
        } else {
            ""
        };
        match exponent {
            None => format!("{sign}{mantissa}"),
            Some(e) => {
                let e_sign = if e < 0 {
                    "-"
                } else if w.plus {
                    "+"
                } else {
                    ""
                };
                let e_char = if w.upper_e { 'E' } else { 'e' };
                format!(
                    "{sign}{mantissa}{e_char}{e_sign}{}{}",
                    "0".repeat(w.lead_zeros),
                    e.abs()
                )
            }
        }
    }
}

/// How to write a number.
#[derive(Clone, Debug)]
struct Writing {
    style: u8,
    lead_zeros: usize,
    trail_zeros: usize,
    plus: bool,
    upper_e: bool,
}

fn writing() -> impl Strategy<Value = Writing> {
    (0..4u8, 0..3usize, 0..3usize, any::<bool>(), any::<bool>()).prop_map(
        |(style, lead_zeros, trail_zeros, plus, upper_e)| Writing {
            style,
            lead_zeros,
            trail_zeros,
            plus,
            upper_e,
        },
    )
}

/// Numbers around and beyond DynamoDB's limits (38 digits, 1E-130 .. 1E126).
fn num(max_digits: usize, leading: std::ops::RangeInclusive<i64>) -> impl Strategy<Value = Num> {
    let digits =
        proptest::string::string_regex(&format!("[1-9]([0-9]{{0,{}}}[1-9])?", max_digits - 2))
            .unwrap_or_else(|e| panic!("{e}"));
    (any::<bool>(), digits, leading).prop_map(|(negative, digits, leading)| Num {
        negative,
        digits,
        leading,
    })
}

/// A valid number, written some way, and its canonical text.
fn number() -> impl Strategy<Value = (String, String)> {
    (num(38, -130..=125), writing()).prop_map(|(n, w)| (n.written(&w), n.canonical()))
}

fn numbers_are_exact(check: &mut Check) -> Result<(), String> {
    let zero = (writing(), any::<bool>(), 0..40usize).prop_map(|(w, negative, exponent_digits)| {
        // Zero, written with any exponent, however long.
        let n = Num {
            negative,
            digits: "0".into(),
            leading: 0,
        };
        let text = n.written(&w);
        let text = match text.split_once(['e', 'E']) {
            Some((m, _)) => format!("{m}e-{}", "9".repeat(exponent_digits.max(1))),
            None => text,
        };
        (text, Some("0".to_owned()))
    });
    let cases = prop_oneof![
        4 => (num(45, -140..=135), writing())
            .prop_map(|(n, w)| (n.written(&w), n.in_range().then(|| n.canonical()))),
        1 => zero,
    ];
    check.run(&cases, |(text, expected)| {
        match (validate_number(&text), expected) {
            (Ok(canonical), Some(expected)) => prop_assert_eq!(canonical, expected),
            (Err(e), None) => prop_assert_eq!(e.kind, ErrorKind::InvalidInput),
            (got, expected) => prop_assert!(false, "{text:?} gave {got:?}, expected {expected:?}"),
        }
        Ok(())
    })
}

fn number_junk(check: &mut Check) -> Result<(), String> {
    let numberish = proptest::string::string_regex("[-+]?[0-9.]{0,60}([eE][-+]?[0-9]{0,40})?")
        .unwrap_or_else(|e| panic!("{e}"));
    let text = prop_oneof![gen::text(), numberish];
    check.run(&text, |text| {
        match validate_number(&text) {
            Ok(canonical) => {
                let shape = canonical.strip_prefix('-').unwrap_or(&canonical);
                let (whole, fraction) = shape.split_once('.').unwrap_or((shape, ""));
                prop_assert!(
                    whole == "0" || (!whole.is_empty() && !whole.starts_with('0')),
                    "{canonical}"
                );
                prop_assert!(whole
                    .bytes()
                    .chain(fraction.bytes())
                    .all(|b| b.is_ascii_digit()));
                prop_assert!(
                    !fraction.ends_with('0') && (shape.contains('.') != fraction.is_empty())
                );
                prop_assert!(canonical != "-0");
                prop_assert_eq!(
                    validate_number(&canonical),
                    Ok(canonical.clone()),
                    "not idempotent"
                );
            }
            Err(e) => {
                prop_assert_eq!(e.kind, ErrorKind::InvalidInput);
                prop_assert_eq!(e.field.as_deref(), Some("number"));
            }
        }
        Ok(())
    })
}

/// A decimal's exact value, written apart from the crate: sign, significant digits, and the
/// power of ten of the last digit (`"1.50e2"` -> (false, "15", 1)); zero is (false, "", 0).
fn exact(text: &str) -> (bool, String, i64) {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = rest.split_once(['e', 'E']).unwrap_or((rest, "0"));
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = format!("{whole}{fraction}");
    let digits = all.trim_start_matches('0');
    let kept = digits.trim_end_matches('0');
    if kept.is_empty() {
        return (false, String::new(), 0);
    }
    let exponent: i64 = exponent.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
    let last = exponent - fraction.len() as i64 + (digits.len() - kept.len()) as i64;
    (negative, kept.to_owned(), last)
}

/// JS's `String(Number(text))`: Rust prints a double's shortest round-trip digits, as JS does.
fn js_print_back(text: &str) -> String {
    format!(
        "{:e}",
        text.parse::<f64>()
            .unwrap_or_else(|e| panic!("{text}: {e}"))
    )
}

/// What the rule says a canonical number reaches JS as, from its definition.
fn by_the_rule(canonical: &str) -> JsNumber {
    if exact(&js_print_back(canonical)) == exact(canonical) {
        JsNumber::Number
    } else if exact(canonical).2 >= 0 {
        JsNumber::BigInt
    } else {
        JsNumber::NumberValue
    }
}

/// Canonical numbers at the rule's edges: any DynamoDB number, what any double prints, integers
/// from 1e15 to 2^63 (those ending in zeros held exactly), 16 and 17 digits with one changed.
fn js_edge_number() -> impl Strategy<Value = String> {
    let double = any::<f64>()
        .prop_filter("finite", |x| x.is_finite())
        .prop_filter_map("in DynamoDB's range", |x| {
            validate_number(&format!("{x:e}")).ok()
        });
    prop_oneof![
        number().prop_map(|(_, canonical)| canonical),
        double.clone(),
        (double, 0..10u8).prop_filter_map("a digit to change", |(t, d)| {
            let i = t.rfind(|c: char| c.is_ascii_digit() && c != '0')?;
            let changed = format!("{}{d}{}", &t[..i], &t[i + 1..]);
            validate_number(&changed).ok()
        }),
        (10u64.pow(15)..u64::MAX / 2).prop_map(|n| n.to_string()),
        (1u64..1_000_000_000, 6..25u32).prop_map(|(n, k)| format!("{n}{}", "0".repeat(k as usize))),
    ]
}

fn numbers_reach_js_by_one_rule(check: &mut Check) -> Result<(), String> {
    check.run(&js_edge_number(), |n| {
        let mut asked = 0;
        let got = js_number(&n, |t| {
            asked += 1;
            js_print_back(t)
        });
        prop_assert_eq!(got, by_the_rule(&n), "{}", n);
        let digits = exact(&n).1.len();
        prop_assert!(
            asked == 0 || (16..=17).contains(&digits),
            "JS asked about {n}"
        );
        if got == JsNumber::Number {
            // The number put writes back (JS's text of the double) is the same decimal.
            let back = validate_number(&js_print_back(&n))
                .map_err(|e| TestCaseError::fail(e.message.clone()))?;
            prop_assert_eq!(back, n.clone());
        }
        // What put writes for a JS number is read back as that number.
        let x: f64 = n.parse().unwrap_or(0.0);
        let written = validate_number(&format!("{x:e}"))
            .map_err(|e| TestCaseError::fail(e.message.clone()))?;
        prop_assert_eq!(
            js_number(&written, js_print_back),
            JsNumber::Number,
            "{}",
            written
        );
        Ok(())
    })
}

/// Walks a document and the JSON `plain_json` wrote for it (read with the crate's JSON reader,
/// which keeps a number's text; `JSON.parse` rounds that text exactly as `Number` does): a JSON
/// number is an N the rule makes a `number`, written as its own text; a marker `"\u0000<i>"` is
/// the i-th value set aside, which is this document.
fn walk_plain(
    doc: &AttributeValue,
    json: &Json,
    specials: &[&AttributeValue],
    next: &mut usize,
) -> Result<(), TestCaseError> {
    match (doc, json) {
        (_, Json::String(s)) if s.starts_with('\0') => {
            prop_assert_eq!(s, &format!("\0{next}"));
            prop_assert_eq!(specials.get(*next).copied(), Some(doc));
            *next += 1;
        }
        (AttributeValue::N(n), Json::Number(text)) => {
            prop_assert_eq!(js_number(n, js_print_back), JsNumber::Number, "{}", n);
            prop_assert_eq!(text, n);
        }
        (AttributeValue::L(items), Json::Array(values)) => {
            prop_assert_eq!(items.len(), values.len());
            for (d, v) in items.iter().zip(values) {
                walk_plain(d, v, specials, next)?;
            }
        }
        (AttributeValue::M(fields), Json::Object(_)) => walk_map(fields, json, specials, next)?,
        (AttributeValue::S(s), Json::String(t)) => prop_assert_eq!(s, t),
        (AttributeValue::Bool(b), Json::Bool(c)) => prop_assert_eq!(b, c),
        (AttributeValue::Null, Json::Null) => {}
        (doc, json) => prop_assert!(false, "{doc:?} written as {json}"),
    }
    Ok(())
}

fn walk_map(
    fields: &[(String, AttributeValue)],
    object: &Json,
    specials: &[&AttributeValue],
    next: &mut usize,
) -> Result<(), TestCaseError> {
    let map = object
        .as_object()
        .ok_or_else(|| TestCaseError::fail(format!("not an object: {object}")))?;
    prop_assert_eq!(fields.len(), map.len());
    for ((name, doc), (written, value)) in fields.iter().zip(map.iter()) {
        prop_assert_eq!(name, written);
        walk_plain(doc, value, specials, next)?;
    }
    Ok(())
}

fn plain_json_sets_aside_the_rest(check: &mut Check) -> Result<(), String> {
    let number = js_edge_number().prop_map(AttributeValue::N);
    let doc = prop_oneof![3 => doc_pair().prop_map(|(_, read)| read), 2 => number];
    let item = vec((name(), doc), 0..6).prop_map(|entries| dedup_by(entries, |(n, _)| n.clone()));
    check.run(&vec(item, 0..3), |items| {
        let plain = plain_json(&items);
        let parsed = Json::parse(plain.text.as_bytes())
            .map_err(|_| TestCaseError::fail(format!("not JSON: {}", plain.text)))?;
        let values = parsed
            .as_array()
            .ok_or_else(|| TestCaseError::fail("not an array"))?;
        prop_assert_eq!(values.len(), items.len());
        let mut next = 0;
        for (item, value) in items.iter().zip(values) {
            walk_map(item, value, &plain.specials, &mut next)?;
        }
        prop_assert_eq!(next, plain.specials.len());
        Ok(())
    })
}

// ---- documents --------------------------------------------------------------------------

/// A non-empty attribute name.
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec!["pk", "sk", "a", "tags", "a b", "🙂"]).prop_map(str::to_owned),
        gen::nonempty_text()
    ]
}

fn dedup_by<T, K: std::hash::Hash + Eq>(items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut seen = HashSet::new();
    items.into_iter().filter(|t| seen.insert(key(t))).collect()
}

/// A valid document as the caller writes it, and the document it reads back as: numbers
/// canonical, maps in name order.
fn doc_pair() -> BoxedStrategy<(AttributeValue, AttributeValue)> {
    let leaf = prop_oneof![
        Just((AttributeValue::Null, AttributeValue::Null)),
        any::<bool>().prop_map(|b| (AttributeValue::Bool(b), AttributeValue::Bool(b))),
        gen::text().prop_map(|s| (AttributeValue::S(s.clone()), AttributeValue::S(s))),
        number().prop_map(|(w, c)| (AttributeValue::N(w), AttributeValue::N(c))),
        gen::bytes().prop_map(|b| (AttributeValue::B(b.clone()), AttributeValue::B(b))),
        vec(gen::text(), 1..5).prop_map(|v| {
            let v = dedup_by(v, String::clone);
            (AttributeValue::SS(v.clone()), AttributeValue::SS(v))
        }),
        vec(number(), 1..5).prop_map(|v| {
            let (written, canonical): (Vec<_>, Vec<_>) =
                dedup_by(v, |(_, c)| c.clone()).into_iter().unzip();
            (AttributeValue::NS(written), AttributeValue::NS(canonical))
        }),
        vec(gen::bytes(), 1..5).prop_map(|v| {
            let v = dedup_by(v, Vec::clone);
            (AttributeValue::BS(v.clone()), AttributeValue::BS(v))
        }),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..5).prop_map(|v| {
                let (a, b): (Vec<_>, Vec<_>) = v.into_iter().unzip();
                (AttributeValue::L(a), AttributeValue::L(b))
            }),
            item_pair(inner).prop_map(|(a, b)| (AttributeValue::M(a), AttributeValue::M(b))),
        ]
    })
    .boxed()
}

/// An item from `doc` values: as written, and as read back (in name order).
fn item_pair(
    doc: impl Strategy<Value = (AttributeValue, AttributeValue)>,
) -> impl Strategy<Value = (Item, Item)> {
    vec((name(), doc), 0..5).prop_map(|entries| {
        let entries = dedup_by(entries, |(n, _)| n.clone());
        let written = entries
            .iter()
            .map(|(n, (a, _))| (n.clone(), a.clone()))
            .collect();
        let read: Item = entries.into_iter().map(|(n, (_, b))| (n, b)).collect();
        (written, read)
    })
}

/// Through JSON text and back, as a request and a response travel.
fn via_text(v: &Json) -> Json {
    Json::parse(v.to_text().as_bytes()).unwrap_or_else(|_| panic!("not JSON: {v}"))
}

fn documents_round_trip(check: &mut Check) -> Result<(), String> {
    check.run(
        &(doc_pair(), item_pair(doc_pair())),
        |((doc, expected), (item, expected_item))| {
            let json = to_attribute_value(&doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(from_attribute_value(&via_text(&json)), Ok(expected));
            let json = item_to_json(&item).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(item_from_json(&via_text(&json)), Ok(expected_item.clone()));
            let response = apiless::json!({ "Item": json });
            prop_assert_eq!(
                parse_get_item_response(&via_text(&response)),
                Ok(Some(expected_item))
            );
            Ok(())
        },
    )
}

const TAGS: &[&str] = &[
    "S", "N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS", "s", "", "SSS",
];

/// JSON that looks like DynamoDB JSON: right and wrong tags over right and wrong values,
/// two tags at once, valid values, and anything at all.
fn attribute_json() -> BoxedStrategy<Value> {
    let tag = select(TAGS);
    let leaf = prop_oneof![
        gen::json_leaf(),
        (tag.clone(), gen::json_leaf()).prop_map(|(t, v)| json!({ t: v })),
        (tag.clone(), number()).prop_map(|(t, (w, _))| json!({ t: w })),
        (
            tag.clone(),
            vec(
                prop_oneof![gen::json_leaf(), number().prop_map(|(w, _)| json!(w))],
                0..4
            )
        )
            .prop_map(|(t, v)| json!({ t: v })),
        doc_pair().prop_map(|(d, _)| {
            to_attribute_value(&d)
                .map(|j| gen::theirs(&j))
                .unwrap_or(Value::Null)
        }),
        (gen::json_leaf(), gen::json_leaf()).prop_map(|(a, b)| json!({"S": a, "N": b})),
        gen::json(),
    ];
    leaf.prop_recursive(5, 64, 5, move |inner| {
        prop_oneof![
            (tag.clone(), vec(inner.clone(), 0..5)).prop_map(|(t, v)| json!({ t: v })),
            (tag.clone(), vec((gen::text(), inner.clone()), 0..4))
                .prop_map(|(t, kv)| json!({ t: kv.into_iter().collect::<Map<_, _>>() })),
            vec(inner, 0..4).prop_map(Value::Array),
        ]
    })
    .boxed()
}

fn attribute_json_junk(check: &mut Check) -> Result<(), String> {
    let item = vec((gen::text(), attribute_json()), 0..4)
        .prop_map(|kv| Value::Object(kv.into_iter().collect()));
    check.run(
        &(attribute_json(), prop_oneof![item, gen::json()]),
        |(value, item)| {
            let answers = [
                json!({ "Item": item }),
                json!({ "Attributes": item }),
                json!({ "Items": [item], "LastEvaluatedKey": value }),
                json!({ "Items": [], "Count": value }),
            ]
            .map(|a| gen::ours(&a));
            let (value, item) = (gen::ours(&value), gen::ours(&item));
            match from_attribute_value(&value) {
                Ok(doc) => {
                    let again = to_attribute_value(&doc);
                    prop_assert!(again.is_ok(), "read {doc:?} but cannot write it: {again:?}");
                    prop_assert_eq!(again.and_then(|v| from_attribute_value(&v)), Ok(doc));
                }
                Err(e) => typed_at(&e, ErrorKind::InvalidInput, "value")?,
            }
            match item_from_json(&item) {
                Ok(read) => {
                    let again = item_to_json(&read);
                    prop_assert!(
                        again.is_ok(),
                        "read {read:?} but cannot write it: {again:?}"
                    );
                    prop_assert_eq!(again.and_then(|v| item_from_json(&v)), Ok(read));
                }
                Err(e) => typed_at(&e, ErrorKind::InvalidInput, "item")?,
            }
            // The same JSON as DynamoDB's answer is a protocol fault, never a panic.
            for answer in [
                parse_get_item_response(&answers[0]).map(drop),
                parse_write_response(&answers[1]).map(drop),
                parse_query_response(&answers[2]).map(drop),
                parse_query_response(&answers[3]).map(drop),
                parse_get_item_response(&value).map(drop),
            ] {
                if let Err(e) = answer {
                    prop_assert_eq!(e.kind, ErrorKind::Protocol, "{}", e.message);
                }
            }
            Ok(())
        },
    )
}

/// `e` is of `kind` and its field is the path `root...`.
fn typed_at(e: &Error, kind: ErrorKind, root: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(e.kind, kind, "{}", e.message);
    let field = e.field.as_deref().unwrap_or("");
    prop_assert!(
        field.starts_with(root),
        "field {field:?}, not under {root:?}: {}",
        e.message
    );
    Ok(())
}

fn nesting_limit(check: &mut Check) -> Result<(), String> {
    check.run(&(0..120usize, any::<bool>()), |(depth, maps)| {
        let doc = (0..depth).fold(AttributeValue::Null, |d, _| {
            if maps {
                AttributeValue::M(vec![("a".into(), d)])
            } else {
                AttributeValue::L(vec![d])
            }
        });
        let json = (0..depth).fold(apiless::json!({"NULL": true}), |v, _| {
            if maps {
                apiless::json!({ "M": { "a": v } })
            } else {
                apiless::json!({ "L": [v] })
            }
        });
        let written = to_attribute_value(&doc);
        let read = from_attribute_value(&json);
        if depth <= 32 {
            prop_assert_eq!(written, Ok(json));
            prop_assert_eq!(read, Ok(doc));
        } else {
            prop_assert!(written
                .is_err_and(|e| e.kind == ErrorKind::InvalidInput && e.message.contains("32")));
            prop_assert!(
                read.is_err_and(|e| e.kind == ErrorKind::InvalidInput && e.message.contains("32"))
            );
        }
        Ok(())
    })
}

// ---- request builders -------------------------------------------------------------------

/// A document DynamoDB would refuse.
fn broken_doc() -> impl Strategy<Value = AttributeValue> {
    prop_oneof![
        gen::text().prop_map(AttributeValue::N),
        Just(AttributeValue::SS(vec![])),
        Just(AttributeValue::NS(vec!["1".into(), "1.0".into()])),
        Just(AttributeValue::BS(vec![vec![1], vec![1]])),
        Just(AttributeValue::M(vec![(
            String::new(),
            AttributeValue::Null
        )])),
        Just(AttributeValue::M(vec![
            ("a".into(), AttributeValue::Null),
            ("a".into(), AttributeValue::Null)
        ])),
        Just((0..40).fold(AttributeValue::Null, |d, _| AttributeValue::L(vec![d]))),
    ]
}

fn any_doc() -> impl Strategy<Value = AttributeValue> {
    prop_oneof![3 => doc_pair().prop_map(|(d, _)| d), 1 => broken_doc()]
}

/// A key value: left out (the identity id), the identity id, or anything.
fn key_value(identity: String) -> impl Strategy<Value = Option<AttributeValue>> {
    prop_oneof![
        Just(None),
        Just(Some(AttributeValue::S(identity))),
        any_doc().prop_map(Some)
    ]
}

fn key_name() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec!["pk", "sk", "gsi1pk", ""]).prop_map(str::to_owned),
        gen::text()
    ]
}

fn placeholders(sigil: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec!["pk", "sk", "sk0", "sk1", "a", "ok_1", ""])
            .prop_map(move |p| format!("{sigil}{p}")),
        gen::text(),
    ]
}

#[derive(Clone, Debug)]
struct Inputs {
    table: TableSchema,
    identity: String,
    scope: ScopeCheck,
    partition_key: Option<AttributeValue>,
    sort_key: Option<AttributeValue>,
    item: Item,
    names: Vec<(String, String)>,
    values: Item,
    expression: Option<String>,
    return_values: Option<ReturnValues>,
    condition: Option<SortKeyCondition>,
    index: Option<Index>,
    start_key: Option<Item>,
    limit: Option<u32>,
}

fn inputs() -> impl Strategy<Value = Inputs> {
    let identity =
        prop_oneof![4 => Just(ID.to_owned()), 1 => Just(String::new()), 1 => gen::text()];
    let table = (
        prop_oneof![Just("Notes".to_owned()), gen::text()],
        key_name(),
        proptest::option::of(key_name()),
    )
        .prop_map(|(name, pk_name, sk_name)| TableSchema {
            name,
            pk_name,
            sk_name,
            indexes: Vec::new(),
        });
    (identity, table, any::<bool>()).prop_flat_map(|(identity, table, enforce)| {
        let pk = table.pk_name.clone();
        let item = (
            item_pair(doc_pair()),
            key_value(identity.clone()),
            proptest::option::of(any_doc()),
        )
            .prop_map(move |((mut item, _), pk_value, sk_value)| {
                if let Some(v) = pk_value {
                    item.insert(0, (pk.clone(), v));
                }
                if let Some(v) = sk_value {
                    item.push(("sk".into(), v));
                }
                item
            });
        let condition = proptest::option::of(prop_oneof![
            any_doc().prop_map(SortKeyCondition::Eq),
            any_doc().prop_map(SortKeyCondition::Ge),
            (any_doc(), any_doc()).prop_map(|(a, b)| SortKeyCondition::Between(a, b)),
            any_doc().prop_map(SortKeyCondition::BeginsWith),
        ]);
        let index = proptest::option::of(
            (key_name(), key_name(), proptest::option::of(key_name())).prop_map(
                |(name, pk_name, sk_name)| Index {
                    name,
                    pk_name,
                    sk_name,
                },
            ),
        );
        let return_values = proptest::option::of(select(vec![
            ReturnValues::None,
            ReturnValues::AllOld,
            ReturnValues::AllNew,
            ReturnValues::UpdatedOld,
        ]));
        (
            (
                key_value(identity.clone()),
                proptest::option::of(any_doc()),
                item,
            ),
            (
                vec(
                    (
                        placeholders("#"),
                        prop_oneof![Just("a".to_owned()), gen::text()],
                    ),
                    0..3,
                ),
                vec((placeholders(":"), any_doc()), 0..3),
                proptest::option::of(prop_oneof![Just("#a = :a".to_owned()), gen::text()]),
                return_values,
            ),
            (
                condition,
                index,
                proptest::option::of(item_pair(doc_pair()).prop_map(|(i, _)| i)),
                proptest::option::of(0..3u32),
            ),
        )
            .prop_map(
                move |(
                    (partition_key, sort_key, item),
                    (names, values, expression, return_values),
                    (condition, index, start_key, limit),
                )| Inputs {
                    table: table.clone(),
                    identity: identity.clone(),
                    scope: if enforce {
                        ScopeCheck::Enforce
                    } else {
                        ScopeCheck::UnscopedForDemoOnly
                    },
                    partition_key,
                    sort_key,
                    item,
                    names,
                    values,
                    expression,
                    return_values,
                    condition,
                    index,
                    start_key,
                    limit,
                },
            )
    })
}

fn builders_stay_in_scope(check: &mut Check) -> Result<(), String> {
    check.run(&inputs(), |i| {
        let own = apiless::json!({ "S": &i.identity });
        let get = get_item_request(
            &i.table,
            &i.identity,
            &GetItem {
                partition_key: i.partition_key.clone(),
                sort_key: i.sort_key.clone(),
                projection_expression: i.expression.clone(),
                expression_attribute_names: i.names.clone(),
                consistent_read: Some(true),
            },
            i.scope,
        );
        let put = put_item_request(
            &i.table,
            &i.identity,
            &PutItem {
                item: i.item.clone(),
                condition_expression: i.expression.clone(),
                expression_attribute_names: i.names.clone(),
                expression_attribute_values: i.values.clone(),
                return_values: i.return_values,
            },
            i.scope,
        );
        let update = update_item_request(
            &i.table,
            &i.identity,
            &UpdateItem {
                partition_key: i.partition_key.clone(),
                sort_key: i.sort_key.clone(),
                update_expression: i.expression.clone().unwrap_or_default(),
                condition_expression: i.expression.clone(),
                expression_attribute_names: i.names.clone(),
                expression_attribute_values: i.values.clone(),
                return_values: i.return_values,
            },
            i.scope,
        );
        let delete = delete_item_request(
            &i.table,
            &i.identity,
            &DeleteItem {
                partition_key: i.partition_key.clone(),
                sort_key: i.sort_key.clone(),
                condition_expression: i.expression.clone(),
                expression_attribute_names: i.names.clone(),
                expression_attribute_values: i.values.clone(),
                return_values: i.return_values,
            },
            i.scope,
        );
        let query = query_request(
            &i.table,
            &i.identity,
            &Query {
                partition_key: i.partition_key.clone(),
                sort_key: i.condition.clone(),
                index: i.index.clone(),
                filter_expression: i.expression.clone(),
                projection_expression: None,
                expression_attribute_names: i.names.clone(),
                expression_attribute_values: i.values.clone(),
                limit: i.limit,
                scan_forward: Some(false),
                consistent_read: None,
                exclusive_start_key: i.start_key.clone(),
            },
            i.scope,
        );
        let enforced = i.scope == ScopeCheck::Enforce;
        let pk = &i.table.pk_name;
        for (what, result, place) in [
            ("GetItem", &get, "/Key"),
            ("PutItem", &put, "/Item"),
            ("UpdateItem", &update, "/Key"),
            ("DeleteItem", &delete, "/Key"),
        ] {
            match result {
                Ok(body) if enforced => {
                    let value = body.get(&place[1..]).and_then(|m| m.get(pk));
                    prop_assert_eq!(value, Some(&own), "{} left the partition: {}", what, body);
                }
                Ok(_) => {}
                Err(e) => typed(e)?,
            }
        }
        match &query {
            Ok(body) if enforced => {
                let index_pk = i.index.as_ref().map_or(pk, |x| &x.pk_name);
                prop_assert_eq!(
                    &body["KeyConditionExpression"]
                        .as_str()
                        .map(|k| k.starts_with("#pk = :pk")),
                    &Some(true)
                );
                prop_assert_eq!(
                    &body["ExpressionAttributeNames"]["#pk"],
                    &Json::from(index_pk)
                );
                prop_assert_eq!(
                    &body["ExpressionAttributeValues"][":pk"],
                    &own,
                    "Query left the partition: {}",
                    body
                );
                if let Some(start) = body.get("ExclusiveStartKey") {
                    prop_assert_eq!(
                        start.get(index_pk),
                        Some(&own),
                        "Query starts outside the partition: {}",
                        body
                    );
                }
            }
            Ok(_) => {}
            Err(e) => typed(e)?,
        }
        Ok(())
    })
}

/// A builder's error: refused input, naming what was refused.
fn typed(e: &Error) -> Result<(), TestCaseError> {
    prop_assert!(
        matches!(e.kind, ErrorKind::InvalidInput | ErrorKind::OutOfScope),
        "{e:?}"
    );
    prop_assert!(e.field.as_deref().is_some_and(|f| !f.is_empty()), "{e:?}");
    Ok(())
}

// ---- page tokens --------------------------------------------------------------------------

fn page_tokens(check: &mut Check) -> Result<(), String> {
    let good = item_pair(doc_pair()).prop_map(|(mut item, mut expected)| {
        item.retain(|(n, _)| n != "pk");
        expected.retain(|(n, _)| n != "pk");
        item.push(("pk".into(), AttributeValue::S(ID.into())));
        expected.push(("pk".into(), AttributeValue::S(ID.into())));
        (item, expected)
    });
    let junk = prop_oneof![
        gen::text(),
        gen::base64ish(),
        gen::json().prop_map(|v| URL_SAFE_NO_PAD.encode(v.to_string())),
        attribute_json().prop_map(|v| URL_SAFE_NO_PAD.encode(json!({ "pk": v }).to_string())),
        gen::deep_json_text().prop_map(|b| URL_SAFE_NO_PAD.encode(b)),
        item_pair(doc_pair()).prop_map(|(i, _)| page_token_encode(&i).unwrap_or_default()),
    ];
    check.run(&(good, junk), |((item, expected), junk)| {
        let token = page_token_encode(&item).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        prop_assert_eq!(
            page_token_decode(&token, "pk", ID, ScopeCheck::Enforce),
            Ok(expected)
        );
        match page_token_decode(&junk, "pk", ID, ScopeCheck::Enforce) {
            Ok(key) => prop_assert!(
                key.contains(&("pk".to_owned(), AttributeValue::S(ID.into()))),
                "{key:?}"
            ),
            Err(e) => {
                prop_assert!(
                    matches!(e.kind, ErrorKind::InvalidInput | ErrorKind::OutOfScope),
                    "{e:?}"
                );
                prop_assert!(
                    e.field
                        .as_deref()
                        .is_some_and(|f| f.starts_with("pageToken")),
                    "{e:?}"
                );
            }
        }
        Ok(())
    })
}
