//! Unit tests of the batch and transaction calls (`batch.rs`): their bodies, the scope guard
//! over every item, the unprocessed-items loop against the scripted transport (bound and
//! backoff as parameters), and a cancelled transaction's reasons.

use super::*;
use crate::aws::credentials::Credentials;
use crate::clock::Clock;
use crate::data::dynamodb::tests::*;
use crate::http::Request;
use crate::test_util::{block_on, target, Answer, ScriptedTransport};
use crate::ErrorKind;
use std::cell::RefCell;

fn key(sk: &str) -> Key {
    Key {
        partition_key: None,
        sort_key: Some(s(sk)),
    }
}

fn note(pk: &str, sk: &str) -> Item {
    vec![
        attr("userId", s(pk)),
        attr("noteId", s(sk)),
        attr("n", n("1.50")),
    ]
}

fn put(sk: &str) -> Json {
    json!({"PutRequest": {"Item": {"userId": {"S": ME}, "noteId": {"S": sk}, "n": {"N": "1.5"}}}})
}

fn del(sk: &str) -> Json {
    json!({"DeleteRequest": {"Key": {"userId": {"S": ME}, "noteId": {"S": sk}}}})
}

fn writes(sks: &[&str]) -> Vec<WriteRequest> {
    sks.iter()
        .map(|sk| WriteRequest::Put(note(ME, sk)))
        .collect()
}

#[test]
fn batch_write_body_puts_and_deletes_in_order() {
    let requests = [
        WriteRequest::Put(note(ME, "a")),
        WriteRequest::Delete(key("b")),
    ];
    let batch = batch_write(&table(), ME, &requests, ScopeCheck::Enforce).unwrap();
    assert_eq!(batch.operation, Operation::BatchWriteItem);
    assert_eq!(
        batch.body(),
        json!({"RequestItems": {"Notes": [put("a"), del("b")]}})
    );
    assert_eq!(batch.pending(), vec![0, 1]);
}

#[test]
fn batch_get_body_carries_the_keys_and_options() {
    let options = BatchGet {
        keys: vec![key("a"), key("b")],
        projection_expression: Some("#t".into()),
        expression_attribute_names: vec![("#t".into(), "title".into())],
        consistent_read: Some(true),
    };
    let batch = batch_get(&table(), ME, &options, ScopeCheck::Enforce).unwrap();
    assert_eq!(
        batch.body(),
        json!({"RequestItems": {"Notes": {
            "ProjectionExpression": "#t",
            "ExpressionAttributeNames": {"#t": "title"},
            "ConsistentRead": true,
            "Keys": [
                {"userId": {"S": ME}, "noteId": {"S": "a"}},
                {"userId": {"S": ME}, "noteId": {"S": "b"}},
            ],
        }}})
    );
}

#[test]
fn one_out_of_scope_item_refuses_the_whole_batch_or_transaction_naming_it() {
    let t = table();
    // A put of another identity's item, third of three.
    let mut requests = writes(&["a", "b"]);
    requests.push(WriteRequest::Put(note(OTHER, "c")));
    let e = batch_write(&t, ME, &requests, ScopeCheck::Enforce).unwrap_err();
    assert_eq!(e.kind, ErrorKind::OutOfScope);
    assert_eq!(e.field.as_deref(), Some("requests[2].item.userId"));
    assert!(e.message.starts_with("requests[2]: "), "{}", e.message);
    // A delete of another identity's key.
    let other = Key {
        partition_key: Some(s(OTHER)),
        sort_key: Some(s("x")),
    };
    let requests = [
        WriteRequest::Put(note(ME, "a")),
        WriteRequest::Delete(other.clone()),
    ];
    let e = batch_write(&t, ME, &requests, ScopeCheck::Enforce).unwrap_err();
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (ErrorKind::OutOfScope, Some("requests[1].key.userId"))
    );
    // A get.
    let get = BatchGet {
        keys: vec![key("a"), other.clone()],
        ..Default::default()
    };
    let e = batch_get(&t, ME, &get, ScopeCheck::Enforce).unwrap_err();
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (ErrorKind::OutOfScope, Some("keys[1].key.userId"))
    );
    let e = transact_get_request(&t, ME, &get, ScopeCheck::Enforce).unwrap_err();
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (ErrorKind::OutOfScope, Some("keys[1].key.userId"))
    );
    // Each kind of transaction action.
    let actions = [
        TransactWrite::Put(PutItem {
            item: note(OTHER, "a"),
            ..Default::default()
        }),
        TransactWrite::Update(UpdateItem {
            partition_key: Some(s(OTHER)),
            sort_key: Some(s("a")),
            update_expression: "SET n = :n".into(),
            ..Default::default()
        }),
        TransactWrite::Delete(DeleteItem {
            partition_key: Some(s(OTHER)),
            sort_key: Some(s("a")),
            ..Default::default()
        }),
        TransactWrite::ConditionCheck(DeleteItem {
            partition_key: Some(s(OTHER)),
            sort_key: Some(s("a")),
            condition_expression: Some("attribute_exists(n)".into()),
            ..Default::default()
        }),
    ];
    for (i, action) in actions.into_iter().enumerate() {
        let ok = TransactWrite::Delete(DeleteItem {
            sort_key: Some(s("mine")),
            ..Default::default()
        });
        let e =
            transact_write_request(&t, ME, &[ok, action], None, ScopeCheck::Enforce).unwrap_err();
        assert_eq!(e.kind, ErrorKind::OutOfScope, "action {i}");
        assert!(
            e.field.as_deref().unwrap().starts_with("actions[1]."),
            "{:?}",
            e.field
        );
    }
    // The demo bypass builds it, for IAM to refuse.
    let bypass = batch_write(&t, ME, &requests, ScopeCheck::UnscopedForDemoOnly).unwrap();
    assert_eq!(bypass.pending(), vec![0, 1]);
}

#[test]
fn counts_outside_dynamodbs_limits_are_refused_before_sending() {
    let t = table();
    let e = batch_write(&t, ME, &[], ScopeCheck::Enforce).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("requests"));
    let many: Vec<String> = (0..26).map(|i| i.to_string()).collect();
    let refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let e = batch_write(&t, ME, &writes(&refs), ScopeCheck::Enforce).unwrap_err();
    assert_eq!(e.message, "requests holds from 1 to 25 entries, not 26");
    assert!(batch_write(&t, ME, &writes(&refs[..25]), ScopeCheck::Enforce).is_ok());
    let keys = |n: usize| BatchGet {
        keys: (0..n).map(|i| key(&i.to_string())).collect(),
        ..Default::default()
    };
    assert!(batch_get(&t, ME, &keys(100), ScopeCheck::Enforce).is_ok());
    assert!(batch_get(&t, ME, &keys(101), ScopeCheck::Enforce).is_err());
    assert!(transact_get_request(&t, ME, &keys(0), ScopeCheck::Enforce).is_err());
}

#[test]
fn an_answer_keeps_exactly_the_unprocessed_entries_pending() {
    let mut batch =
        batch_write(&table(), ME, &writes(&["a", "b", "c"]), ScopeCheck::Enforce).unwrap();
    let mut items = Vec::new();
    batch
        .read(
            &json!({"UnprocessedItems": {"Notes": [put("c"), put("a")]}}),
            &mut items,
        )
        .unwrap();
    assert_eq!(batch.pending(), vec![0, 2]);
    assert_eq!(
        batch.body(),
        json!({"RequestItems": {"Notes": [put("a"), put("c")]}})
    );
    // An entry that was never sent is DynamoDB's fault, not something to send.
    let e = batch
        .clone()
        .read(
            &json!({"UnprocessedItems": {"Notes": [put("b")]}}),
            &mut items,
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Protocol);
    batch
        .read(&json!({"UnprocessedItems": {}}), &mut items)
        .unwrap();
    assert!(batch.pending().is_empty());

    // BatchGetItem: the items found, and the keys left.
    let get = BatchGet {
        keys: vec![key("a"), key("b")],
        consistent_read: Some(true),
        ..Default::default()
    };
    let mut batch = batch_get(&table(), ME, &get, ScopeCheck::Enforce).unwrap();
    let b = json!({"userId": {"S": ME}, "noteId": {"S": "b"}});
    batch
        .read(
            &json!({
                "Responses": {"Notes": [{"userId": {"S": ME}, "noteId": {"S": "a"}, "tags": {"SS": ["x"]}}]},
                "UnprocessedKeys": {"Notes": {"Keys": [b], "ConsistentRead": true}},
            }),
            &mut items,
        )
        .unwrap();
    assert_eq!(
        items,
        vec![vec![
            attr("userId", s(ME)),
            attr("noteId", s("a")),
            attr("tags", AttributeValue::SS(vec!["x".into()]))
        ]]
    );
    assert_eq!(batch.pending(), vec![1]);
}

/// The scripted transport, with its waits recorded: the backoff is a parameter of the loop
/// (the transport's `pause`, which in the browser an abort ends).
struct Timed {
    script: ScriptedTransport,
    waits: RefCell<Vec<f64>>,
}

impl Transport for Timed {
    async fn send(&self, request: Request) -> Result<crate::http::Response> {
        self.script.send(request).await
    }

    fn pause(&self, ms: f64) -> impl std::future::Future<Output = ()> {
        self.waits.borrow_mut().push(ms);
        std::future::ready(())
    }
}

fn run(timed: &Timed, batch: Batch, policy: Policy) -> Result<Vec<Item>> {
    let credentials = Credentials {
        access_key_id: "ASIAEXAMPLE".into(),
        secret_access_key: "secret".into(),
        session_token: Some("token".into()),
        expires_at_ms: i64::MAX,
        signing_key: Default::default(),
    };
    let clock = Clock::new();
    let ctx = signed_call::SignedCall {
        transport: timed,
        clock: &clock,
        now: &|| 1_767_225_600_000.0,
        credentials: &credentials,
        region: "us-east-1",
        service: "dynamodb",
        policy: Policy::DYNAMODB,
        jitter: &|| 0.5,
    };
    block_on(run_batch(&ctx, "https://dynamodb.test", batch, policy))
}

fn sent(timed: &Timed) -> Vec<Json> {
    timed
        .script
        .requests()
        .iter()
        .map(|r| {
            assert_eq!(target(r), "DynamoDB_20120810.BatchWriteItem");
            Json::parse(&r.body).unwrap()
        })
        .collect()
}

fn unprocessed(entries: &[Json]) -> Answer {
    Answer::aws_json(json!({"UnprocessedItems": {"Notes": entries.to_vec()}}).to_text())
}

#[test]
fn unprocessed_items_are_sent_again_with_backoff_until_none_is_left() {
    let timed = Timed {
        script: ScriptedTransport::answering([
            unprocessed(&[put("b"), put("c")]),
            // A throttled call in between is the signed call's own retry, not a round of ours.
            Answer::aws_json(
                r#"{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}"#,
            ),
            unprocessed(&[put("c")]),
            Answer::aws_json("{}"),
        ]),
        waits: RefCell::new(Vec::new()),
    };
    let batch = batch_write(&table(), ME, &writes(&["a", "b", "c"]), ScopeCheck::Enforce).unwrap();
    let policy = Policy {
        max_attempts: 5,
        base_ms: 100.0,
        throttle_base_ms: 7000.0,
        cap_ms: 150.0,
    };
    assert_eq!(run(&timed, batch, policy).unwrap(), Vec::<Item>::new());
    let bodies = sent(&timed);
    let notes = |b: &Json| b["RequestItems"]["Notes"].as_array().unwrap().clone();
    assert_eq!(notes(&bodies[0]), vec![put("a"), put("b"), put("c")]);
    assert_eq!(notes(&bodies[1]), vec![put("b"), put("c")]);
    assert_eq!(notes(&bodies[2]), vec![put("b"), put("c")]);
    assert_eq!(notes(&bodies[3]), vec![put("c")]);
    // Our rounds wait 0.5 x 100 ms, then 0.5 x min(150, 200) ms; between them, the signed
    // call's own throttling wait (0.5 x 1000 ms, its DynamoDB policy).
    assert_eq!(*timed.waits.borrow(), vec![50.0, 500.0, 75.0]);
}

#[test]
fn the_bound_ends_in_an_error_that_names_what_was_left() {
    let timed = Timed {
        script: ScriptedTransport::always(unprocessed(&[put("b"), del("d")])),
        waits: RefCell::new(Vec::new()),
    };
    let requests = [
        WriteRequest::Put(note(ME, "a")),
        WriteRequest::Put(note(ME, "b")),
        WriteRequest::Put(note(ME, "c")),
        WriteRequest::Delete(key("d")),
    ];
    let batch = batch_write(&table(), ME, &requests, ScopeCheck::Enforce).unwrap();
    let policy = Policy {
        max_attempts: 3,
        ..UNPROCESSED_RETRY
    };
    let e = run(&timed, batch, policy).unwrap_err();
    assert_eq!(e.code, "UnprocessedItemsError");
    assert_eq!(e.kind, ErrorKind::Service);
    assert!(e.retryable);
    assert_eq!(e.unprocessed, vec![1, 3]);
    assert_eq!(
        e.message,
        "DynamoDB left 2 of the batch unprocessed after 3 attempts (the table's throughput): \
         requests[1], requests[3]; send them again later"
    );
    assert_eq!(sent(&timed).len(), 3);
    assert_eq!(*timed.waits.borrow(), vec![25.0, 50.0]);
    // One attempt: no wait at all.
    let timed = Timed {
        script: ScriptedTransport::always(unprocessed(&[put("b")])),
        waits: RefCell::new(Vec::new()),
    };
    let batch = batch_write(&table(), ME, &writes(&["a", "b"]), ScopeCheck::Enforce).unwrap();
    let policy = Policy {
        max_attempts: 1,
        ..UNPROCESSED_RETRY
    };
    assert_eq!(run(&timed, batch, policy).unwrap_err().unprocessed, vec![1]);
    assert!(timed.waits.borrow().is_empty());
}

#[test]
fn transact_write_body_has_every_action_kind_and_the_token() {
    let actions = [
        TransactWrite::Put(PutItem {
            item: note(ME, "a"),
            condition_expression: Some("attribute_not_exists(noteId)".into()),
            ..Default::default()
        }),
        TransactWrite::Update(UpdateItem {
            sort_key: Some(s("b")),
            update_expression: "SET n = n + :one".into(),
            expression_attribute_values: vec![attr(":one", n("1"))],
            ..Default::default()
        }),
        TransactWrite::Delete(DeleteItem {
            sort_key: Some(s("c")),
            ..Default::default()
        }),
        TransactWrite::ConditionCheck(DeleteItem {
            sort_key: Some(s("d")),
            condition_expression: Some("#s = :s".into()),
            expression_attribute_names: vec![("#s".into(), "state".into())],
            expression_attribute_values: vec![attr(":s", s("open"))],
            ..Default::default()
        }),
    ];
    let key = |sk: &str| json!({"userId": {"S": ME}, "noteId": {"S": sk}});
    assert_eq!(
        transact_write_request(&table(), ME, &actions, Some("token-1"), ScopeCheck::Enforce)
            .unwrap(),
        json!({
            "TransactItems": [
                {"Put": {"TableName": "Notes", "Item": put("a")["PutRequest"]["Item"].clone(),
                         "ConditionExpression": "attribute_not_exists(noteId)"}},
                {"Update": {"TableName": "Notes", "Key": key("b"), "UpdateExpression": "SET n = n + :one",
                            "ExpressionAttributeValues": {":one": {"N": "1"}}}},
                {"Delete": {"TableName": "Notes", "Key": key("c")}},
                {"ConditionCheck": {"TableName": "Notes", "Key": key("d"), "ConditionExpression": "#s = :s",
                                    "ExpressionAttributeNames": {"#s": "state"},
                                    "ExpressionAttributeValues": {":s": {"S": "open"}}}},
            ],
            "ClientRequestToken": "token-1",
        })
    );
    let check = |condition: Option<&str>, token: Option<&str>| {
        let action = TransactWrite::ConditionCheck(DeleteItem {
            sort_key: Some(s("d")),
            condition_expression: condition.map(str::to_owned),
            ..Default::default()
        });
        transact_write_request(&table(), ME, &[action], token, ScopeCheck::Enforce)
    };
    let e = check(None, None).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("actions[0].condition"));
    assert!(check(Some("x = :x"), Some(&"t".repeat(36))).is_ok());
    let e = check(Some("x = :x"), Some(&"t".repeat(37))).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("clientRequestToken"));
    assert!(check(Some("x = :x"), Some("")).is_err());
    let returning = TransactWrite::Delete(DeleteItem {
        sort_key: Some(s("c")),
        return_values: Some(ReturnValues::AllOld),
        ..Default::default()
    });
    let e =
        transact_write_request(&table(), ME, &[returning], None, ScopeCheck::Enforce).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("actions[0].returnValues"));
}

#[test]
fn transact_get_body_and_answer_keep_the_order() {
    let options = BatchGet {
        keys: vec![key("a"), key("b")],
        projection_expression: Some("n".into()),
        ..Default::default()
    };
    assert_eq!(
        transact_get_request(&table(), ME, &options, ScopeCheck::Enforce).unwrap(),
        json!({"TransactItems": [
            {"Get": {"TableName": "Notes", "Key": {"userId": {"S": ME}, "noteId": {"S": "a"}}, "ProjectionExpression": "n"}},
            {"Get": {"TableName": "Notes", "Key": {"userId": {"S": ME}, "noteId": {"S": "b"}}, "ProjectionExpression": "n"}},
        ]})
    );
    let answer = json!({"Responses": [{}, {"Item": {"n": {"N": "2"}}}]});
    assert_eq!(
        parse_transact_get_response(&answer).unwrap(),
        vec![None, Some(vec![attr("n", n("2"))])]
    );
    assert!(parse_transact_get_response(&json!({"Responses": {}})).is_err());
}

#[test]
fn a_cancelled_transaction_names_its_reason_per_action() {
    // As DynamoDB words it (the API reference's TransactionCanceledException).
    let response = crate::http::Response {
        status: 400,
        headers: vec![("x-amzn-requestid".into(), "R1".into())],
        body: br#"{"__type":"com.amazonaws.dynamodb.v20120810#TransactionCanceledException","Message":"Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]","CancellationReasons":[{"Code":"None"},{"Code":"ConditionalCheckFailed","Message":"The conditional request failed"}]}"#.to_vec(),
    };
    let e = read_transaction_error(&response);
    assert_eq!(e.code, "TransactionCanceledException");
    assert_eq!(e.request_id.as_deref(), Some("R1"));
    assert_eq!(
        e.cancellation_reasons,
        vec![
            CancellationReason {
                code: "None".into(),
                message: None
            },
            CancellationReason {
                code: "ConditionalCheckFailed".into(),
                message: Some("The conditional request failed".into())
            },
        ]
    );
    // Another error carries none.
    let other = crate::http::Response {
        body: br#"{"__type":"x#ValidationException","message":"bad"}"#.to_vec(),
        ..response
    };
    assert!(read_transaction_error(&other)
        .cancellation_reasons
        .is_empty());
}

/// One body of each operation, every value type in its items: `tests/vectors/dynamodb_batch/
/// requests.json` holds them, and `backend/tests/test_request_shapes.py` validates that file
/// against botocore's DynamoDB service model.
fn shape_bodies() -> Json {
    let item = |sk: &str| {
        vec![
            attr("userId", s(ME)),
            attr("noteId", s(sk)),
            attr("n", n("-1.50E+3")),
            attr("yes", AttributeValue::Bool(true)),
            attr("none", AttributeValue::Null),
            attr("bytes", AttributeValue::B(vec![0, 255])),
            attr("list", AttributeValue::L(vec![s("a"), n("1")])),
            attr("map", AttributeValue::M(vec![attr("k", s("v"))])),
            attr("ss", AttributeValue::SS(vec!["x".into()])),
            attr("ns", AttributeValue::NS(vec!["2".into()])),
            attr("bs", AttributeValue::BS(vec![vec![1]])),
        ]
    };
    let write = batch_write(
        &table(),
        ME,
        &[WriteRequest::Put(item("a")), WriteRequest::Delete(key("b"))],
        ScopeCheck::Enforce,
    )
    .unwrap();
    let get = BatchGet {
        keys: vec![key("a"), key("b")],
        projection_expression: Some("#t, n".into()),
        expression_attribute_names: vec![("#t".into(), "title".into())],
        consistent_read: Some(true),
    };
    let actions = [
        TransactWrite::Put(PutItem {
            item: item("c"),
            condition_expression: Some("attribute_not_exists(noteId)".into()),
            ..Default::default()
        }),
        TransactWrite::Update(UpdateItem {
            sort_key: Some(s("d")),
            update_expression: "SET #t = :t ADD n :one".into(),
            expression_attribute_names: vec![("#t".into(), "title".into())],
            expression_attribute_values: vec![attr(":t", s("x")), attr(":one", n("1"))],
            ..Default::default()
        }),
        TransactWrite::Delete(DeleteItem {
            sort_key: Some(s("e")),
            condition_expression: Some("attribute_exists(noteId)".into()),
            ..Default::default()
        }),
        TransactWrite::ConditionCheck(DeleteItem {
            sort_key: Some(s("f")),
            condition_expression: Some("n >= :min".into()),
            expression_attribute_values: vec![attr(":min", n("0"))],
            ..Default::default()
        }),
    ];
    json!({
        "BatchWriteItem": write.body(),
        "BatchGetItem": batch_get(&table(), ME, &get, ScopeCheck::Enforce).unwrap().body(),
        "TransactGetItems": transact_get_request(&table(), ME, &get, ScopeCheck::Enforce).unwrap(),
        "TransactWriteItems": transact_write_request(&table(), ME, &actions, Some("token-1"), ScopeCheck::Enforce).unwrap(),
    })
}

#[test]
fn the_bodies_botocore_validates_are_the_ones_built() {
    let file = include_str!("../../../tests/vectors/dynamodb_batch/requests.json");
    let expected = Json::parse(file.as_bytes()).unwrap();
    assert_eq!(expected["bodies"], shape_bodies());
}

#[test]
#[ignore = "writes the vector file: cargo test --lib -- --ignored print_the_shape_bodies"]
fn print_the_shape_bodies() {
    println!("{}", shape_bodies().to_text());
}
