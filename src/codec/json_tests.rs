//! Unit tests of `json`.

use super::*;

fn parse(text: &str) -> Result<Json, NotJson> {
    Json::parse(text.as_bytes())
}

#[test]
fn reads_and_writes_back_the_same_text() {
    for text in [
        r#"{"a":1,"b":[true,false,null],"c":{"d":"e\n\"\\\u0001"},"e":-0.5e+3}"#,
        r#"[]"#,
        r#"{}"#,
        r#""é and 😀""#,
        r#"12345678901234567890123"#,
    ] {
        assert_eq!(parse(text).unwrap().to_text(), text);
    }
}

#[test]
fn escapes_are_decoded() {
    assert_eq!(
        parse(r#""\u00e9\ud83d\ude00\/\b\f""#).unwrap(),
        Json::String("é😀/\u{8}\u{c}".to_owned())
    );
}

#[test]
fn what_json_parse_refuses_is_refused() {
    for text in [
        "",
        " ",
        "nul",
        "tru",
        "01",
        "1.",
        ".5",
        "+1",
        "-",
        "1e",
        "1e+",
        "[1,]",
        "{\"a\":1,}",
        "{a:1}",
        "[1 2]",
        "\"\\x\"",
        "\"\u{1}\"",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"\\ud800\\u0041\"",
        "\"abc",
        "{\"a\" 1}",
        "1 2",
        "NaN",
        "Infinity",
    ] {
        assert_eq!(parse(text), Err(NotJson), "{text:?}");
    }
    assert_eq!(Json::parse(b"\"\xff\""), Err(NotJson));
}

#[test]
fn nesting_is_limited() {
    let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
    assert_eq!(parse(&deep), Err(NotJson));
    let fine = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
    assert!(parse(&fine).is_ok());
}

#[test]
fn a_duplicate_field_replaces_the_earlier_one_in_place() {
    let v = parse(r#"{"a":1,"b":2,"a":3}"#).unwrap();
    assert_eq!(v.to_text(), r#"{"a":3,"b":2}"#);
}

#[test]
fn repeated_fields_in_wide_objects_keep_their_first_place_and_last_value() {
    // Against one insert at a time (the old reader), on objects that repeat names (all but
    // the shortest do).
    let mut seed = 11u32;
    for len in [0, 1, 2, 5, 8, 9, 40, 300] {
        let mut text = String::from("{");
        let mut expected = Map::new();
        for i in 0..len {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let name = format!("k{}", seed % (len as u32 / 2 + 1));
            if i > 0 {
                text.push(',');
            }
            text.push_str(&format!("\"{name}\":{i}"));
            expected.insert(name, Json::Number(i.to_string()));
        }
        text.push('}');
        let read = parse(&text).unwrap();
        assert_eq!(read.to_text(), Json::Object(expected).to_text(), "{text}");
    }
}

#[test]
fn wide_objects_without_repeats_keep_every_field_in_order() {
    let fields: Vec<String> = (0..300).map(|i| format!("\"k{i}\":{i}")).collect();
    let text = format!("{{{}}}", fields.join(","));
    let read = parse(&text).unwrap();
    assert_eq!(read.as_object().unwrap().len(), 300);
    assert_eq!(read.to_text(), text);
}

#[test]
fn objects_compare_as_sets_of_fields() {
    assert_eq!(parse(r#"{"a":1,"b":2}"#), parse(r#"{"b":2,"a":1}"#));
    assert_ne!(parse(r#"{"a":1}"#), parse(r#"{"a":1,"b":2}"#));
    assert_ne!(parse(r#"[1,2]"#), parse(r#"[2,1]"#));
}

#[test]
fn numbers_read_as_the_timestamps_aws_sends() {
    let n = |t: &str| parse(t).unwrap();
    assert_eq!(n("1700000000").as_f64(), Some(1_700_000_000.0));
    assert_eq!(n("1.7000363E9").as_f64(), Some(1_700_036_300.0));
    assert_eq!(
        n("1700036300.123").as_f64().map(|s| (s * 1000.0).round()),
        Some(1_700_036_300_123.0)
    );
    assert_eq!(n("-2.5").as_f64(), Some(-2.5));
    assert_eq!(n("0.000").as_f64(), Some(0.0));
    assert_eq!(n("3600").as_u64(), Some(3600));
    assert_eq!(n("-1").as_u64(), None);
    assert_eq!(n("1e3").as_u64(), None);
    assert_eq!(n("18446744073709551616").as_u64(), None);
    assert_eq!(Json::from("1").as_f64(), None);
}

#[test]
fn the_macro_builds_what_it_shows() {
    let user = "alice";
    let none: Option<&str> = None;
    let v = json!({"a": user, "b": {"c": [1u64, "x", null, {"d": true}]}, "e": none, "f": []});
    assert_eq!(
        v.to_text(),
        r#"{"a":"alice","b":{"c":[1,"x",null,{"d":true}]},"e":null,"f":[]}"#
    );
}

#[test]
fn indexing_reads_and_adds_fields() {
    let mut v = json!({"a": 1u64});
    assert!(v["missing"].is_null());
    v["b"] = json!("x");
    v["a"] = json!(2u64);
    assert_eq!(v.to_text(), r#"{"a":2,"b":"x"}"#);
}

#[test]
fn is_number_follows_the_grammar() {
    for ok in ["0", "-0", "12", "1.5", "1e5", "1E-5", "-1.25e+10"] {
        assert!(is_number(ok), "{ok}");
    }
    for bad in ["", "01", "1.", ".1", "+1", "1e", "0x1", " 1", "1 "] {
        assert!(!is_number(bad), "{bad}");
    }
}
