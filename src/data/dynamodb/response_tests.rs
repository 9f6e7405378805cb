//! Unit tests of reading DynamoDB's answers (`response.rs`): page tokens, items and attributes.

use super::*;
use crate::data::dynamodb::tests::*;
use crate::ErrorKind;

#[test]
fn page_tokens_round_trip_and_stay_in_scope() {
    let key = vec![attr("userId", s(ME)), attr("noteId", s("n/+?=é"))];
    let token = page_token_encode(&key).unwrap();
    assert!(token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    let back = page_token_decode(&token, "userId", ME, ScopeCheck::Enforce).unwrap();
    assert_eq!(back, key);

    let theirs = page_token_encode(&[attr("userId", s(OTHER)), attr("noteId", s("n"))]).unwrap();
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

// Shapes from the DynamoDB API reference.

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
                AttributeValue::SS(vec![
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
    assert!(page.items[1].contains(&attr("Data", AttributeValue::B(vec![0, 1]))));
    assert_eq!(
        page.last_evaluated_key,
        Some(vec![
            attr("Id", s("Amazon DynamoDB#DynamoDB Thread 1")),
            attr("ReplyDateTime", s("20150922T20:10:15.323Z")),
        ])
    );

    let last = parse_query_response(&json!({"Count": 0, "Items": [], "ScannedCount": 0})).unwrap();
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
