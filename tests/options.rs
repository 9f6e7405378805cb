//! Options bags and input objects through the JS client, in headless Chromium against the local
//! backend: one reader reads them all, as own properties only (a polluted `Object.prototype`
//! turns no guard off), refuses a wrongly typed value or an unknown name with an
//! `InvalidInputError` naming it (before anything is sent), refuses options that are not an
//! object, and treats `undefined` as absent. Bucket and table names, and plain-http endpoints,
//! are checked when the handle or client is made.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use apiless::js::Client;
use common::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The `name`, `field` and `message` of an error (thrown or rejected).
fn named(e: JsValue) -> (String, String, String) {
    assert!(e.is_instance_of::<js_sys::Error>(), "a real Error");
    let field = get(&e, "field").as_string().unwrap_or_default();
    let e: js_sys::Error = e.unchecked_into();
    (String::from(e.name()), field, String::from(e.message()))
}

async fn refused(p: js_sys::Promise) -> (String, String, String) {
    named(JsFuture::from(p).await.expect_err("the call must fail"))
}

async fn signed_in(user: &str) -> Client {
    signed_in_client(user, &TestClock::default()).await
}

fn eval(code: &str) -> JsValue {
    js_sys::eval(code).unwrap()
}

#[wasm_bindgen_test]
async fn a_polluted_object_prototype_turns_no_guard_off() {
    let alice = signed_in("alice").await;
    let bob = signed_in("bob").await;
    let bob_id = ok(bob.identity_id()).await.as_string().unwrap();
    let t = table(&alice).await;
    let f = bucket(&alice).await;
    let puts = count("DynamoDB_20120810.PutItem").await;
    let gets = count("DynamoDB_20120810.GetItem").await;

    let pollute = format!(
        "Object.prototype.unscopedForDemoOnly = true; Object.prototype.partitionKeyForDemoOnly = {};",
        serde_json::Value::from(bob_id.clone())
    );
    eval(&pollute);
    // Every call runs before any assertion, so that the clean-up below always happens (a
    // panic aborts the wasm module, so no destructor would run it).
    let put = JsFuture::from(t.put(
        js(serde_json::json!({"pk": bob_id, "sk": "planted"})),
        js(serde_json::json!({"condition": "attribute_not_exists(sk)"})),
    ))
    .await;
    let get = JsFuture::from(t.get(
        JsValue::from_str("planted"),
        js(serde_json::json!({"projection": "sk"})),
    ))
    .await;
    let s3 = JsFuture::from(f.get(
        format!("{bob_id}/secret.txt"),
        js(serde_json::json!({"as": "text"})),
    ))
    .await;
    // finally:
    eval("delete Object.prototype.unscopedForDemoOnly; delete Object.prototype.partitionKeyForDemoOnly;");
    assert!(eval("!('unscopedForDemoOnly' in {})").as_bool().unwrap());

    assert_eq!(named(put.unwrap_err()).0, "OutOfScopeError");
    // Read from alice's own partition: nothing planted there.
    assert!(get.unwrap().is_undefined());
    assert_eq!(named(s3.unwrap_err()).0, "OutOfScopeError");
    assert_eq!(
        count("DynamoDB_20120810.PutItem").await,
        puts,
        "nothing sent"
    );
    assert_eq!(count("DynamoDB_20120810.GetItem").await, gets + 1);
}

#[wasm_bindgen_test]
async fn a_wrongly_typed_option_is_named_and_nothing_is_sent() {
    let alice = signed_in("alice").await;
    let t = table(&alice).await;
    let f = bucket(&alice).await;
    let queries = count("DynamoDB_20120810.Query").await;
    let k = || JsValue::from_str("k");
    for (call, field) in [
        (
            t.query(js(serde_json::json!({"limit": "10"}))),
            "options.limit",
        ),
        (
            t.query(js(serde_json::json!({"limit": 0}))),
            "options.limit",
        ),
        (
            t.query(js(serde_json::json!({"limit": 2.5}))),
            "options.limit",
        ),
        (
            t.query(js(serde_json::json!({"reverse": 1}))),
            "options.reverse",
        ),
        (
            t.query(js(serde_json::json!({"sortKey": {"eq": "a", "lt": "b"}}))),
            "options.sortKey.lt",
        ),
        (
            t.query(js(serde_json::json!({"sortKey": {"startsWith": "a"}}))),
            "options.sortKey.startsWith",
        ),
        (
            t.query(js(serde_json::json!({"sortKey": {"between": ["a"]}}))),
            "options.sortKey.between",
        ),
        (
            t.query(js(serde_json::json!({"index": {"name": "byOwner"}}))),
            "options.index.partitionKey",
        ),
        (
            t.query(js(serde_json::json!({"names": {"#n": 1}}))),
            "options.names",
        ),
        (
            t.get(k(), js(serde_json::json!({"consistentRead": "true"}))),
            "options.consistentRead",
        ),
        (
            t.put(
                js(serde_json::json!({"sk": "x"})),
                js(serde_json::json!({"returnValues": "ALL_NEW"})),
            ),
            "options.returnValues",
        ),
        (
            t.delete(k(), js(serde_json::json!({"unscopedForDemoOnly": "yes"}))),
            "options.unscopedForDemoOnly",
        ),
        (
            t.update(k(), js(serde_json::json!({"names": {}}))),
            "options.update",
        ),
        (
            t.get(k(), js(serde_json::json!({"signal": "stop"}))),
            "options.signal",
        ),
        (
            f.presign("k".into(), js(serde_json::json!({"expiresIn": "300"}))),
            "options.expiresIn",
        ),
        (
            f.presign("k".into(), js(serde_json::json!({"method": "put"}))),
            "options.method",
        ),
        (
            f.list(js(serde_json::json!({"maxKeys": 0}))),
            "options.maxKeys",
        ),
        (
            f.get("k".into(), js(serde_json::json!({"as": "string"}))),
            "options.as",
        ),
        (
            f.put(
                "k".into(),
                JsValue::from_str("x"),
                js(serde_json::json!({"metadata": ["a"]})),
            ),
            "options.metadata",
        ),
        (
            f.put(
                "k".into(),
                JsValue::from_str("x"),
                js(serde_json::json!({"unsignedPayload": "false"})),
            ),
            "options.unsignedPayload",
        ),
    ] {
        let (name, named_field, message) = refused(call).await;
        assert_eq!(
            (name.as_str(), named_field.as_str()),
            ("InvalidInputError", field),
            "{message}"
        );
        assert!(message.contains(field), "{message}");
    }
    assert_eq!(
        count("DynamoDB_20120810.Query").await,
        queries,
        "nothing sent"
    );
    let thrown = alice
        .db(
            "apiless-demo".into(),
            js(serde_json::json!({"sortKey": false})),
        )
        .err()
        .unwrap();
    assert_eq!(named(thrown).1, "options.sortKey");
    let thrown = alice
        .files(
            "apiless-demo".into(),
            js(serde_json::json!({"virtualHost": "no"})),
        )
        .err()
        .unwrap();
    assert_eq!(named(thrown).1, "options.virtualHost");
    // A wrongly typed secret is named, never quoted back.
    let (_, field, message) = refused(alice.sign_in(js(
        serde_json::json!({"username": "alice", "password": 98765432}),
    )))
    .await;
    assert_eq!(field, "signIn.password");
    assert!(!message.contains("98765432"), "{message}");
}

#[wasm_bindgen_test]
async fn an_unknown_option_is_named_with_the_closest_known_name() {
    let alice = signed_in("alice").await;
    let t = table(&alice).await;
    let f = bucket(&alice).await;
    for (call, field, hint) in [
        (
            t.query(js(serde_json::json!({"limt": 10}))),
            "options.limt",
            Some("limit"),
        ),
        (
            t.get(
                JsValue::from_str("k"),
                js(serde_json::json!({"ConsistentRead": true})),
            ),
            "options.ConsistentRead",
            Some("consistentRead"),
        ),
        // Options that other calls take are unknown here.
        (
            t.get(
                JsValue::from_str("k"),
                js(serde_json::json!({"values": {":v": 1}})),
            ),
            "options.values",
            None,
        ),
        (
            t.put(
                js(serde_json::json!({"sk": "x"})),
                js(serde_json::json!({"partitionKeyForDemoOnly": "x"})),
            ),
            "options.partitionKeyForDemoOnly",
            None,
        ),
        (
            f.get(
                "k".into(),
                js(serde_json::json!({"contentType": "text/plain"})),
            ),
            "options.contentType",
            None,
        ),
        (
            t.query(js(
                serde_json::json!({"index": {"name": "i", "partitionKey": "p", "sortkey": "s"}}),
            )),
            "options.index.sortkey",
            Some("sortKey"),
        ),
        (
            alice.sign_in(js(serde_json::json!({"username": "alice", "pasword": "x"}))),
            "signIn.pasword",
            Some("password"),
        ),
    ] {
        let (name, named_field, message) = refused(call).await;
        assert_eq!(
            (name.as_str(), named_field.as_str()),
            ("InvalidInputError", field),
            "{message}"
        );
        if let Some(hint) = hint {
            assert!(
                message.contains(&format!("did you mean {hint}?")),
                "{message}"
            );
        }
    }
    let thrown = alice
        .db(
            "apiless-demo".into(),
            js(serde_json::json!({"partitonKey": "pk"})),
        )
        .err()
        .unwrap();
    assert_eq!(named(thrown).1, "options.partitonKey");
    // queryAll passes the page token itself.
    let pages = t.query_all(js(serde_json::json!({"pageToken": "x"})));
    let next: js_sys::Function = get(&pages, "next").unchecked_into();
    let first: js_sys::Promise = next.call0(&pages).unwrap().unchecked_into();
    assert_eq!(refused(first).await.1, "options.pageToken");
}

#[wasm_bindgen_test]
async fn options_that_are_not_an_object_are_refused_and_undefined_is_absent() {
    let alice = signed_in("alice").await;
    let t = table(&alice).await;
    for options in [
        JsValue::from_str("limit"),
        JsValue::NULL,
        JsValue::from(5),
        js_sys::Array::of1(&JsValue::from(1)).into(),
        eval("(() => ({}))"),
    ] {
        let (name, field, _) = refused(t.query(options)).await;
        assert_eq!(
            (name.as_str(), field.as_str()),
            ("InvalidInputError", "options")
        );
    }
    let (_, field, _) = refused(alice.sign_out(JsValue::from_str("global"))).await;
    assert_eq!(field, "signOut");
    let run = random_hex(4);
    ok(t.put(
        js(serde_json::json!({"sk": format!("opt-{run}"), "n": 1})),
        eval("({ condition: undefined, returnValues: undefined })"),
    ))
    .await;
    let options = eval(&format!(
        "({{ sortKey: {{ beginsWith: 'opt-{run}', eq: undefined }}, limit: undefined, index: undefined, limt: undefined }})"
    ));
    let page = ok(t.query(options)).await;
    assert_eq!(js_sys::Array::from(&get(&page, "items")).length(), 1);
    // An options object with a null prototype is an object like any other.
    let bare = eval(&format!(
        "Object.assign(Object.create(null), {{ sortKey: {{ beginsWith: 'opt-{run}' }} }})"
    ));
    let page = ok(t.query(bare)).await;
    assert_eq!(js_sys::Array::from(&get(&page, "items")).length(), 1);
}

#[wasm_bindgen_test]
async fn bucket_and_table_names_are_checked_when_the_handle_is_made() {
    let alice = signed_in("alice").await;
    for bucket in [
        ".",
        "..",
        "ab",
        "My-Bucket",
        "a..b",
        "192.168.5.4",
        "xn--abc",
        "abc-s3alias",
    ] {
        let thrown = alice
            .files(bucket.into(), JsValue::UNDEFINED)
            .err()
            .unwrap_or_else(|| panic!("{bucket} accepted"));
        let (name, field, _) = named(thrown);
        assert_eq!(
            (name.as_str(), field.as_str()),
            ("InvalidInputError", "bucket"),
            "{bucket}"
        );
    }
    for table in ["T", "a b", "arn:aws:dynamodb:us-east-1:1:table/t"] {
        let thrown = alice
            .db(table.into(), JsValue::UNDEFINED)
            .err()
            .unwrap_or_else(|| panic!("{table} accepted"));
        assert_eq!(named(thrown).1, "table", "{table}");
    }
    assert!(alice
        .files("apiless-demo".into(), JsValue::UNDEFINED)
        .is_ok());
    assert!(alice
        .db("Apiless_Demo.v2".into(), JsValue::UNDEFINED)
        .is_ok());
}

#[wasm_bindgen_test]
fn a_client_refuses_plain_http_to_another_machine() {
    let config = |endpoint: &str| {
        js(
            serde_json::json!({"region": "us-east-1", "userPoolId": "us-east-1_A",
            "userPoolClientId": "c", "storage": "memory", "endpoint": endpoint}),
        )
    };
    for endpoint in [
        "http://203.0.113.7:8080",
        "http://cognito-proxy.example.com",
        "https://user:secret@aws.example.com",
        "https://s3.amazonaws.com@evil.example",
        "http://127.0.0.1\\@evil.example",
    ] {
        let thrown = apiless::js::create_client(config(endpoint))
            .err()
            .unwrap_or_else(|| panic!("{endpoint} accepted"));
        let (name, field, _) = named(thrown);
        assert_eq!(
            (name.as_str(), field.as_str()),
            ("ConfigError", "endpoint"),
            "{endpoint}"
        );
    }
    assert!(apiless::js::create_client(config("http://localhost:4566")).is_ok());
    // Config fields are own properties too.
    eval("Object.prototype.endpoint = 'http://203.0.113.7'");
    let client = apiless::js::create_client(js(serde_json::json!({"region": "us-east-1",
        "userPoolId": "us-east-1_A", "userPoolClientId": "c", "storage": "memory"})));
    eval("delete Object.prototype.endpoint");
    assert!(client.is_ok());
}
