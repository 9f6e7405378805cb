//! Unit tests of attribute values (`value.rs`): numbers as JS reads them, plain JSON items, and
//! values to and from DynamoDB JSON.

use super::*;
use crate::data::dynamodb::tests::*;
use crate::ErrorKind;

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
            attr("ok", AttributeValue::Bool(true)),
            attr("none", AttributeValue::Null),
            attr(
                "tags",
                AttributeValue::L(vec![
                    s("a"),
                    AttributeValue::M(vec![attr("q\"uote", s("\n"))]),
                ]),
            ),
            attr("big", n("12345678901234567890")),
            attr("bytes", AttributeValue::B(vec![1, 2])),
        ],
        vec![
            attr("set", AttributeValue::SS(vec!["x".into()])),
            attr("nul", s("\0looks like a marker")),
            attr("empty", AttributeValue::M(vec![])),
        ],
    ];
    let plain = plain_json(&items);
    assert_eq!(
        plain.text,
        format!(
            r#"[{{"userId":"{ME}","n":-1.5,"ok":true,"none":null,"tags":["a",{{"q\"uote":"\n"}}],"big":"\u00000","bytes":"\u00001"}},{{"set":"\u00002","nul":"\u00003","empty":{{}}}}]"#
        )
    );
    let docs: Vec<&AttributeValue> = items.iter().flatten().map(|(_, d)| d).collect();
    assert_eq!(plain.specials, vec![docs[5], docs[6], docs[7], docs[8]]);
    let parsed: serde_json::Value = serde_json::from_str(&plain.text).unwrap();
    assert_eq!(parsed[0]["tags"][1]["q\"uote"], "\n");
    assert_eq!(plain_json(&[]).text, "[]");
}

fn round_trip(doc: AttributeValue) {
    let json = to_attribute_value(&doc).unwrap();
    assert_eq!(from_attribute_value(&json).unwrap(), doc, "{json}");
}

#[test]
fn every_kind_of_value_round_trips() {
    round_trip(AttributeValue::Null);
    round_trip(AttributeValue::Bool(true));
    round_trip(AttributeValue::Bool(false));
    round_trip(s(""));
    round_trip(s("héllo, 世界 🦀 \"quoted\" \n"));
    round_trip(n("12345678901234567890123456789012345678"));
    round_trip(n("0.000000000000000000000000000000000000001"));
    round_trip(n("-3.14"));
    round_trip(AttributeValue::B(vec![]));
    round_trip(AttributeValue::B(vec![0, 1, 2, 254, 255]));
    round_trip(AttributeValue::L(vec![]));
    round_trip(AttributeValue::L(vec![
        s("a"),
        n("1"),
        AttributeValue::Null,
        AttributeValue::L(vec![AttributeValue::Bool(true)]),
    ]));
    round_trip(AttributeValue::M(vec![]));
    // Maps come back in the order they were written.
    round_trip(AttributeValue::M(vec![
        attr(
            "a",
            AttributeValue::M(vec![attr("deep", AttributeValue::L(vec![s("x")]))]),
        ),
        attr("b c", s("")),
    ]));
    round_trip(AttributeValue::SS(vec!["".into(), "x".into(), "ü".into()]));
    round_trip(AttributeValue::NS(vec![
        "1".into(),
        "2.5".into(),
        "-7".into(),
    ]));
    round_trip(AttributeValue::BS(vec![vec![], vec![1], vec![1, 2]]));
}

#[test]
fn the_wire_form_is_dynamodb_json() {
    let doc = AttributeValue::M(vec![
        attr("s", s("x")),
        attr("n", n("1.50")),
        attr("b", AttributeValue::B(b"hi".to_vec())),
        attr("t", AttributeValue::Bool(true)),
        attr("z", AttributeValue::Null),
        attr("l", AttributeValue::L(vec![n("1"), s("2")])),
        attr("ss", AttributeValue::SS(vec!["a".into()])),
        attr("ns", AttributeValue::NS(vec!["1e2".into()])),
        attr("bs", AttributeValue::BS(vec![vec![0xff]])),
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
        field(vec![attr(
            "tags",
            AttributeValue::L(vec![s("a"), s("b"), n("NaN")])
        )]),
        "item.tags[2]"
    );
    assert_eq!(
        field(vec![attr("tags", AttributeValue::SS(vec![]))]),
        "item.tags"
    );
    assert_eq!(
        field(vec![attr(
            "tags",
            AttributeValue::SS(vec!["a".into(), "b".into(), "a".into()])
        )]),
        "item.tags[2]"
    );
    // Numerically equal members are duplicates.
    assert_eq!(
        field(vec![attr(
            "ns",
            AttributeValue::NS(vec!["1".into(), "1.0".into()])
        )]),
        "item.ns[1]"
    );
    assert_eq!(
        field(vec![attr("bs", AttributeValue::BS(vec![vec![1], vec![1]]))]),
        "item.bs[1]"
    );
    assert_eq!(
        field(vec![attr("ns", AttributeValue::NS(vec![]))]),
        "item.ns"
    );
    assert_eq!(field(vec![attr("", s("x"))]), "item[\"\"]");
    assert_eq!(
        field(vec![attr(
            "m",
            AttributeValue::M(vec![attr("", AttributeValue::Null)])
        )]),
        "item.m[\"\"]"
    );
    assert_eq!(
        field(vec![
            attr("a", AttributeValue::Null),
            attr("a", AttributeValue::Null)
        ]),
        "item.a"
    );
    assert_eq!(field(vec![attr("big", n("1E+126"))]), "item.big");
    assert_eq!(
        field(vec![attr("x y", AttributeValue::L(vec![n("--1")]))]),
        "item[\"x y\"][0]"
    );

    let mut deep = AttributeValue::Null;
    for _ in 0..40 {
        deep = AttributeValue::L(vec![deep]);
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
