//! DynamoDB batches and transactions through the JS client, in headless Chromium against the
//! local backend (which checks `dynamodb:LeadingKeys` over every item): batchWrite then
//! batchGet round-trip items exactly, a failing ConditionCheck cancels a transaction with its
//! reasons per action, the idempotency token applies a repeated transaction once, and a batch
//! with one out-of-scope item is refused before sending by apiless and, with the guard bypassed
//! (the JS bypass, and a raw signed call), refused whole by IAM.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use apiless::auth::storage::MemoryStore;
use apiless::aws::signed_call;
use apiless::config::Service;
use apiless::data::dynamodb::{self, AttributeValue, Key};
use apiless::data::owner::ScopeCheck;
use apiless::http::retry::Policy;
use apiless::http::Fetch;
use common::*;
use serde_json::json;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const BATCH_WRITE: &str = "DynamoDB_20120810.BatchWriteItem";
const TRANSACT_WRITE: &str = "DynamoDB_20120810.TransactWriteItems";

/// The Error a promise rejects with.
async fn rejection(p: js_sys::Promise) -> js_sys::Error {
    let e = JsFuture::from(p).await.expect_err("the call must fail");
    assert!(e.is_instance_of::<js_sys::Error>(), "a real Error: {e:?}");
    e.unchecked_into()
}

fn name(e: &js_sys::Error) -> String {
    String::from(e.name())
}

/// A text that is equal for two items exactly when they hold the same values of the same
/// types (object keys sorted, `pk` left out): bigints, sets, binary and numbers tagged.
fn canonical(item: &JsValue) -> String {
    let f = js_sys::eval(
        r#"(function canon(v) {
            if (typeof v === "bigint") return "big:" + v;
            if (typeof v === "number") return "num:" + v;
            if (v instanceof Uint8Array) return "bin:" + Array.from(v);
            if (v instanceof Set) return "set:[" + [...v].map(canon).sort().join(",") + "]";
            if (Array.isArray(v)) return "[" + v.map(canon).join(",") + "]";
            if (v && typeof v === "object") return "{" + Object.keys(v).filter((k) => k !== "pk").sort()
                .map((k) => JSON.stringify(k) + ":" + canon(v[k])).join(",") + "}";
            return JSON.stringify(v);
        })"#,
    )
    .unwrap()
    .unchecked_into::<js_sys::Function>();
    f.call1(&JsValue::NULL, item).unwrap().as_string().unwrap()
}

fn tricky(sk: &str, i: u32) -> JsValue {
    js_sys::eval(&format!(
        r#"({{ sk: "{sk}", i: {i}, s: "ünï 🙂", big: 12345678901234567890123n, frac: 0.1, neg: -1.5,
            bytes: new Uint8Array([0, 255, {i}]), list: [1, "two", [3], null, true],
            map: {{ a: {{ b: "c" }} }}, names: new Set(["x", "y"]), nums: new Set([1, 2.5, 2n ** 70n]),
            blobs: new Set([new Uint8Array([1]), new Uint8Array([2])]) }})"#
    ))
    .unwrap()
}

fn array(items: &[JsValue]) -> JsValue {
    items.iter().collect::<js_sys::Array>().into()
}

#[wasm_bindgen_test]
async fn batch_write_then_batch_get_round_trips_items_exactly() {
    let alice = signed_in_client("alice", &TestClock::default()).await;
    let t = table(&alice).await;
    let run = random_hex(4);
    let sks: Vec<String> = (0..3).map(|i| format!("batch-{run}-{i}")).collect();
    let items: Vec<JsValue> = (0u32..3).map(|i| tricky(&sks[i as usize], i)).collect();
    let puts: Vec<JsValue> = items
        .iter()
        .map(|item| {
            let put = js_sys::Object::new();
            js_sys::Reflect::set(&put, &"put".into(), item).unwrap();
            put.into()
        })
        .collect();
    let writes = count(BATCH_WRITE).await;
    assert!(ok(t.batch_write(array(&puts), JsValue::UNDEFINED))
        .await
        .is_undefined());
    assert_eq!(
        count(BATCH_WRITE).await - writes,
        1,
        "one call: none unprocessed"
    );

    // Every item back, the same values of the same types; a key with no item has none.
    let mut keys: Vec<JsValue> = sks.iter().map(|sk| JsValue::from_str(sk)).collect();
    keys.push(JsValue::from_str(&format!("batch-{run}-missing")));
    let found = ok(t.batch_get(array(&keys), js(json!({"consistentRead": true})))).await;
    let found: js_sys::Array = found.unchecked_into();
    assert_eq!(found.length(), 3);
    let mut back: Vec<String> = found.iter().map(|i| canonical(&i)).collect();
    let mut sent: Vec<String> = items.iter().map(canonical).collect();
    back.sort();
    sent.sort();
    assert_eq!(back, sent);
    let alice_id = ok(alice.identity_id()).await;
    assert!(found.iter().all(|i| get(&i, "pk") == alice_id));
    // Each read back is what `get` reads.
    let one = ok(t.get(JsValue::from_str(&sks[1]), JsValue::UNDEFINED)).await;
    assert_eq!(canonical(&one), canonical(&items[1]));

    // A projection; then deletes, in the same kind of batch.
    let projected = ok(t.batch_get(
        array(&keys[..1]),
        js(json!({"projection": "#s, i", "names": {"#s": "sk"}})),
    ))
    .await;
    assert_eq!(
        js_sys::JSON::stringify(&projected).unwrap(),
        format!(r#"[{{"sk":"{}","i":0}}]"#, sks[0])
    );
    let deletes: Vec<JsValue> = sks.iter().map(|sk| js(json!({"delete": sk}))).collect();
    ok(t.batch_write(array(&deletes), JsValue::UNDEFINED)).await;
    let gone = ok(t.batch_get(array(&keys), JsValue::UNDEFINED)).await;
    assert_eq!(js_sys::Array::from(&gone).length(), 0);
}

#[wasm_bindgen_test]
async fn a_failing_condition_check_cancels_the_transaction_with_reasons_per_action() {
    let alice = signed_in_client("alice", &TestClock::default()).await;
    let t = table(&alice).await;
    let run = random_hex(4);
    let (account, order) = (format!("acct-{run}"), format!("order-{run}"));
    ok(t.put(js(json!({"sk": account, "balance": 3})), JsValue::UNDEFINED)).await;

    let stats = format!("stats-{run}");
    // (DynamoDB allows one action per item in a transaction.)
    let too_much = js(json!([
        {"put": {"sk": order, "total": 5}},
        {"conditionCheck": account, "condition": "balance >= :n", "values": {":n": 5}},
        {"update": stats, "updateExpression": "ADD orders :one", "values": {":one": 1}},
    ]));
    let e = rejection(t.transact_write(too_much, JsValue::UNDEFINED)).await;
    assert_eq!(name(&e), "TransactionCanceledException");
    let reasons: js_sys::Array = get(&e, "cancellationReasons").unchecked_into();
    let codes: Vec<String> = reasons
        .iter()
        .map(|r| get(&r, "code").as_string().unwrap())
        .collect();
    assert_eq!(codes, ["None", "ConditionalCheckFailed", "None"]);
    assert!(get(&reasons.get(1), "message").as_string().is_some());
    // Nothing applied: one consistent read of both.
    let all = ok(t.transact_get(
        array(&[
            JsValue::from_str(&account),
            JsValue::from_str(&order),
            JsValue::from_str(&stats),
        ]),
        JsValue::UNDEFINED,
    ))
    .await;
    let all: js_sys::Array = all.unchecked_into();
    assert_eq!(get(&all.get(0), "balance").as_f64(), Some(3.0));
    assert!(all.get(1).is_undefined() && all.get(2).is_undefined());

    // Enough: all four kinds apply together.
    ok(t.put(js(json!({"sk": format!("old-{run}")})), JsValue::UNDEFINED)).await;
    let enough = js(json!([
        {"conditionCheck": account, "condition": "balance >= :n", "values": {":n": 2}},
        {"update": stats, "updateExpression": "ADD orders :one", "values": {":one": 1}},
        {"put": {"sk": order, "total": 2}, "condition": "attribute_not_exists(sk)"},
        {"delete": format!("old-{run}")},
    ]));
    ok(t.transact_write(enough, JsValue::UNDEFINED)).await;
    let after = ok(t.transact_get(
        js(json!([account, order, stats, format!("old-{run}")])),
        js(json!({"projection": "balance, #t, orders", "names": {"#t": "total"}})),
    ))
    .await;
    assert_eq!(
        js_sys::JSON::stringify(&after).unwrap(),
        r#"[{"balance":3},{"total":2},{"orders":1},null]"#
    );

    // The same token twice: applied once.
    let add = || {
        t.transact_write(
            js(json!([{"update": account, "updateExpression": "ADD balance :one", "values": {":one": 10}}])),
            js(json!({"clientRequestToken": format!("token-{run}")})),
        )
    };
    ok(add()).await;
    ok(add()).await;
    let account_now = ok(t.get(JsValue::from_str(&account), JsValue::UNDEFINED)).await;
    assert_eq!(get(&account_now, "balance").as_f64(), Some(13.0));

    // Bad actions are refused before anything is sent.
    let sent = count(TRANSACT_WRITE).await;
    for (actions, field) in [
        (json!([{"update": account}]), "actions[0].updateExpression"),
        (json!([{"conditionCheck": account}]), "actions[0].condition"),
        (
            json!([{"put": {"sk": "a"}, "delete": "b"}]),
            "actions[0].delete",
        ),
        (json!([{"sk": "a"}]), "actions[0].sk"),
        (json!([]), "actions"),
    ] {
        let e = rejection(t.transact_write(js(actions), JsValue::UNDEFINED)).await;
        assert_eq!(name(&e), "InvalidInputError");
        assert_eq!(get(&e, "field").as_string().as_deref(), Some(field));
    }
    assert_eq!(count(TRANSACT_WRITE).await, sent);
}

#[wasm_bindgen_test]
async fn a_batch_with_one_out_of_scope_item_is_refused_before_sending_and_whole_by_iam() {
    let alice = signed_in_client("alice", &TestClock::default()).await;
    let bob = signed_in_client("bob", &TestClock::default()).await;
    let bob_id = ok(bob.identity_id()).await.as_string().unwrap();
    let t = table(&alice).await;
    let run = random_hex(4);
    let mine = format!("mine-{run}");
    let batch = js(json!([
        {"put": {"sk": mine, "note": "mine"}},
        {"put": {"pk": bob_id, "sk": format!("intrusion-{run}")}},
    ]));
    let transaction = js(json!([
        {"put": {"sk": mine, "note": "mine"}},
        {"put": {"pk": bob_id, "sk": format!("intrusion-{run}")}},
    ]));

    // apiless refuses it whole, before anything is sent.
    let (writes, transactions) = (count(BATCH_WRITE).await, count(TRANSACT_WRITE).await);
    let e = rejection(t.batch_write(batch.clone(), JsValue::UNDEFINED)).await;
    assert_eq!(name(&e), "OutOfScopeError");
    assert_eq!(
        get(&e, "field").as_string().as_deref(),
        Some("requests[1].item.pk")
    );
    let e = rejection(t.transact_write(transaction.clone(), JsValue::UNDEFINED)).await;
    assert_eq!(name(&e), "OutOfScopeError");
    assert_eq!(
        get(&e, "field").as_string().as_deref(),
        Some("actions[1].item.pk")
    );
    assert_eq!(count(BATCH_WRITE).await, writes);
    assert_eq!(count(TRANSACT_WRITE).await, transactions);

    // Sent anyway: IAM refuses the whole call, and alice's own item is not written either.
    let bypass = js(json!({"unscopedForDemoOnly": true}));
    let e = rejection(t.batch_write(batch, bypass.clone())).await;
    assert_eq!(name(&e), "AccessDeniedException");
    assert_eq!(count(BATCH_WRITE).await, writes + 1);
    let e = rejection(t.transact_write(transaction, bypass)).await;
    assert_eq!(name(&e), "AccessDeniedException");
    assert!(ok(t.get(JsValue::from_str(&mine), JsValue::UNDEFINED))
        .await
        .is_undefined());

    // A raw signed BatchGetItem built past the guard, one of bob's keys among alice's: IAM
    // refuses it whole; built with the guard, it never exists.
    let session = session_with(
        Fetch::default(),
        Rc::new(MemoryStore::default()),
        &TestClock::default(),
    )
    .await;
    session
        .sign_in("alice", zeroize::Zeroizing::new(password_of("alice").await))
        .await
        .unwrap();
    let identity = session.aws_identity().await.unwrap();
    let schema = dynamodb::TableSchema {
        name: field(&backend_config().await, "table").to_owned(),
        pk_name: "pk".into(),
        sk_name: Some("sk".into()),
        indexes: Vec::new(),
    };
    let key = |pk: Option<&str>, sk: &str| Key {
        partition_key: pk.map(|p| AttributeValue::S(p.to_owned())),
        sort_key: Some(AttributeValue::S(sk.to_owned())),
    };
    let get = dynamodb::BatchGet {
        keys: vec![key(None, &mine), key(Some(&bob_id), "anything")],
        ..Default::default()
    };
    let guarded = dynamodb::batch_get(&schema, &identity.identity_id, &get, ScopeCheck::Enforce);
    assert_eq!(guarded.unwrap_err().code, "OutOfScopeError");
    let unguarded = dynamodb::batch_get(
        &schema,
        &identity.identity_id,
        &get,
        ScopeCheck::UnscopedForDemoOnly,
    )
    .unwrap();
    let transport = Fetch::default();
    let now = || session.local_now_ms();
    let ctx = signed_call::SignedCall {
        transport: &transport,
        clock: session.clock(),
        now: &now,
        credentials: &identity.credentials,
        region: &session.config().region,
        service: "dynamodb",
        policy: Policy::DYNAMODB,
        jitter: &|| 0.5,
    };
    let endpoint = session.config().endpoint_for(Service::DynamoDb);
    let e = dynamodb::run_batch(&ctx, &endpoint, unguarded, dynamodb::UNPROCESSED_RETRY)
        .await
        .unwrap_err();
    assert_eq!(e.code, "AccessDeniedException");
    // Alice's key alone passes the same way.
    let own = dynamodb::BatchGet {
        keys: vec![key(None, &mine)],
        ..Default::default()
    };
    let own =
        dynamodb::batch_get(&schema, &identity.identity_id, &own, ScopeCheck::Enforce).unwrap();
    assert!(
        dynamodb::run_batch(&ctx, &endpoint, own, dynamodb::UNPROCESSED_RETRY)
            .await
            .unwrap()
            .is_empty()
    );
}
