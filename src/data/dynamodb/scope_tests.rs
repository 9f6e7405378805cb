//! Unit tests of the scope guard (`scope.rs`): index queries and writes, every key and condition
//! of another identity refused, placeholders the builders generate, the demo's unscoped bypass.

use super::*;
use crate::data::dynamodb::tests::*;
use crate::ErrorKind;

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
    let put = |owner: AttributeValue| {
        put_item_request(
            &table,
            ME,
            &PutItem {
                item: vec![
                    ("userId".into(), AttributeValue::S(ME.into())),
                    ("noteId".into(), AttributeValue::S("n".into())),
                    ("owner".into(), owner),
                ],
                ..PutItem::default()
            },
            ScopeCheck::Enforce,
        )
    };
    assert!(put(AttributeValue::S(ME.into())).is_ok());
    let e = put(AttributeValue::S(OTHER.into())).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.field.as_deref()),
        ("OutOfScopeError", Some("item.owner"))
    );
    assert!(put(AttributeValue::N("1".into())).is_err());

    let update = |expression: &str, names: &[(&str, &str)], value: &str| {
        update_item_request(
            &table,
            ME,
            &UpdateItem {
                sort_key: Some(AttributeValue::S("n".into())),
                update_expression: expression.into(),
                expression_attribute_names: names
                    .iter()
                    .map(|(a, b)| (a.to_string(), b.to_string()))
                    .collect(),
                expression_attribute_values: vec![
                    (":o".into(), AttributeValue::S(value.into())),
                    (":t".into(), AttributeValue::S("text".into())),
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
            sort_key: Some(AttributeValue::S("n".into())),
            update_expression: "SET #o = :o".into(),
            expression_attribute_names: vec![("#o".into(), "owner".into())],
            expression_attribute_values: vec![(":o".into(), AttributeValue::S(OTHER.into()))],
            ..UpdateItem::default()
        },
        ScopeCheck::UnscopedForDemoOnly,
    )
    .is_ok());
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
                attr("userId", AttributeValue::SS(vec![ME.into()])),
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
                exclusive_start_key: Some(vec![attr("userId", s(OTHER)), attr("noteId", s("n"))]),
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
