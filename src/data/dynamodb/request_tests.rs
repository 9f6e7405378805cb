//! Unit tests of the request bodies (`request.rs`) for GetItem, PutItem, UpdateItem, DeleteItem
//! and Query.

use super::*;
use crate::data::dynamodb::tests::*;
use crate::ErrorKind;

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
    let plain = TableSchema {
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
            attr("tags", AttributeValue::SS(vec!["a".into()])),
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
        sort_key: Some(AttributeValue::B(vec![1, 2, 3])),
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
    let field = |t: &TableSchema, options: GetItem| {
        get_item_request(t, ME, &options, ScopeCheck::Enforce)
            .unwrap_err()
            .field
            .clone()
            .unwrap()
    };
    assert_eq!(field(&table(), GetItem::default()), "sortKey");
    let plain = TableSchema {
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
    for bad_key in [
        s(""),
        AttributeValue::B(vec![]),
        AttributeValue::Bool(true),
        AttributeValue::L(vec![]),
    ] {
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
    let plain = TableSchema {
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
