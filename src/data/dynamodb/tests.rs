//! Unit tests of the DynamoDB module's own items (`mod.rs`), and the helpers the unit tests of its
//! files share (`x_tests.rs` beside each `x.rs`).

use super::*;

pub(super) const ME: &str = "us-east-1:11111111-2222-3333-4444-555555555555";
pub(super) const OTHER: &str = "us-east-1:99999999-8888-7777-6666-555555555555";

pub(super) fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}
pub(super) fn n(v: &str) -> AttributeValue {
    AttributeValue::N(v.to_owned())
}
pub(super) fn attr(name: &str, doc: AttributeValue) -> (String, AttributeValue) {
    (name.to_owned(), doc)
}
pub(super) fn table() -> TableSchema {
    TableSchema {
        name: "Notes".into(),
        pk_name: "userId".into(),
        sk_name: Some("noteId".into()),
        indexes: Vec::new(),
    }
}

pub(super) fn with_owner_index() -> TableSchema {
    TableSchema {
        indexes: vec![Index {
            name: "byOwner".into(),
            pk_name: "owner".into(),
            sk_name: Some("noteId".into()),
        }],
        ..table()
    }
}

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
fn errors_never_echo_values() {
    let secret = "hunter2-secret";
    let e = item_to_json(&[attr(
        "pin",
        AttributeValue::SS(vec![secret.into(), secret.into()]),
    )])
    .unwrap_err();
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
