//! AWS data through the JS client, in headless Chromium against the local backend, which
//! checks every SigV4 signature and evaluates the scoped IAM policy: credentials from the
//! identity pool, DynamoDB items and S3 objects under the identity id, the scope guard, IAM's
//! own refusal when the guard is bypassed, presigned URLs, and a browser clock 20 minutes off.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use apiless::auth::storage::MemoryStore;
use apiless::http::Fetch;
use apiless::js::Client;
use common::*;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn signed_in(user: &str, clock: &TestClock) -> Client {
    signed_in_client(user, clock).await
}

#[wasm_bindgen_test]
async fn credentials_are_fetched_once_and_the_identity_id_is_stable() {
    let alice = signed_in("alice", &TestClock::default()).await;
    let (ids0, creds0) = (
        count("AWSCognitoIdentityService.GetId").await,
        count("AWSCognitoIdentityService.GetCredentialsForIdentity").await,
    );
    // 50 callers at once, no credentials yet: one GetCredentialsForIdentity.
    let all = js_sys::Promise::all(
        &(0..50)
            .map(|_| alice.identity_id())
            .collect::<js_sys::Array>(),
    );
    let ids = ok(all).await;
    let ids: js_sys::Array = ids.unchecked_into();
    let first = ids.get(0).as_string().unwrap();
    assert!(first.starts_with("us-east-1:"), "{first}");
    assert!(ids.iter().all(|i| i.as_string().as_deref() == Some(&first)));
    assert_eq!(
        count("AWSCognitoIdentityService.GetCredentialsForIdentity").await - creds0,
        1
    );
    assert!(count("AWSCognitoIdentityService.GetId").await - ids0 <= 1);
    assert!(alice.credentials_expire_at().unwrap() > js_sys::Date::now() + 30.0 * 60_000.0);
    // Cached: no more calls.
    assert_eq!(ok(alice.identity_id()).await.as_string().unwrap(), first);
    assert_eq!(
        count("AWSCognitoIdentityService.GetCredentialsForIdentity").await - creds0,
        1
    );
    // bob is someone else.
    let bob = signed_in("bob", &TestClock::default()).await;
    assert_ne!(ok(bob.identity_id()).await.as_string().unwrap(), first);
}

#[wasm_bindgen_test]
async fn alice_writes_reads_queries_pages_updates_and_deletes_her_items() {
    let alice = signed_in("alice", &TestClock::default()).await;
    let t = table(&alice).await;
    let run = random_hex(4);
    for i in 0..5 {
        ok(t.put(js(serde_json::json!({"sk": format!("note-{run}-{i}"), "n": i, "text": format!("note {i}")})), JsValue::UNDEFINED)).await;
    }
    let item = ok(t.get(
        JsValue::from_str(&format!("note-{run}-3")),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(get(&item, "text").as_string().as_deref(), Some("note 3"));
    assert_eq!(
        get(&item, "pk").as_string().unwrap(),
        ok(alice.identity_id()).await.as_string().unwrap()
    );

    // Pages of two, in order, then the rest.
    let query = |token: Option<String>| {
        let mut o =
            serde_json::json!({"sortKey": {"beginsWith": format!("note-{run}-")}, "limit": 2});
        if let Some(t) = token {
            o["pageToken"] = t.into();
        }
        t.query(js(o))
    };
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = ok(query(token.clone())).await;
        let items: js_sys::Array = get(&page, "items").unchecked_into();
        seen.extend(items.iter().map(|i| get(&i, "n").as_f64().unwrap() as u32));
        token = get(&page, "pageToken").as_string();
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, vec![0, 1, 2, 3, 4]);
    let reversed = ok(t.query(js(serde_json::json!({"sortKey": {"between": [format!("note-{run}-1"), format!("note-{run}-3")]}, "reverse": true})))).await;
    let items: js_sys::Array = get(&reversed, "items").unchecked_into();
    assert_eq!(
        items
            .iter()
            .map(|i| get(&i, "n").as_f64().unwrap() as u32)
            .collect::<Vec<_>>(),
        vec![3, 2, 1]
    );
    let filtered = ok(t.query(js(serde_json::json!({"sortKey": {"beginsWith": format!("note-{run}-")}, "filter": "n >= :min", "values": {":min": 3}})))).await;
    assert_eq!(js_sys::Array::from(&get(&filtered, "items")).length(), 2);

    let updated = ok(t.update(JsValue::from_str(&format!("note-{run}-0")), js(serde_json::json!({"update": "SET #t = :t", "names": {"#t": "text"}, "values": {":t": "edited"}, "returnValues": "ALL_NEW"})))).await;
    assert_eq!(get(&updated, "text").as_string().as_deref(), Some("edited"));
    let (name, _) = err(t.put(
        js(serde_json::json!({"sk": format!("note-{run}-0")})),
        js(serde_json::json!({"condition": "attribute_not_exists(sk)"})),
    ))
    .await;
    assert_eq!(name, "ConditionalCheckFailedException");
    let old = ok(t.delete(
        JsValue::from_str(&format!("note-{run}-0")),
        js(serde_json::json!({"returnValues": "ALL_OLD"})),
    ))
    .await;
    assert_eq!(get(&old, "text").as_string().as_deref(), Some("edited"));
    assert!(ok(t.get(
        JsValue::from_str(&format!("note-{run}-0")),
        JsValue::UNDEFINED
    ))
    .await
    .is_undefined());
}

#[wasm_bindgen_test]
async fn tricky_values_round_trip() {
    let alice = signed_in("alice", &TestClock::default()).await;
    let t = table(&alice).await;
    let sk = format!("tricky-{}", random_hex(4));
    let item = js_sys::eval(&format!(
        r#"({{ sk: "{sk}", s: "ünï 🙂 \"quoted\"", empty: "", int: 42, neg: -1.5, big: 12345678901234567890123n,
            yes: true, none: null,
            bytes: new Uint8Array([0, 255, 7]), list: [1, "two", [3]], map: {{ a: {{ b: "c" }} }},
            names: new Set(["x", "y"]), nums: new Set([1, 2.5]), blobs: new Set([new Uint8Array([1]), new Uint8Array([2])]) }})"#
    ))
    .unwrap();
    ok(t.put(item.clone(), JsValue::UNDEFINED)).await;
    let back = ok(t.get(JsValue::from_str(&sk), JsValue::UNDEFINED)).await;
    let same = js_sys::eval("(a, b) => JSON.stringify(a, (k, v) => typeof v === 'bigint' ? v.toString() + 'n' : v instanceof Set ? [...v].map(String).sort() : v instanceof Uint8Array ? Array.from(v) : v)")
        .unwrap()
        .unchecked_into::<js_sys::Function>();
    let a = same
        .call2(&JsValue::NULL, &back, &JsValue::NULL)
        .unwrap()
        .as_string()
        .unwrap();
    for needle in [
        "ünï 🙂 \\\"quoted\\\"",
        "\"empty\":\"\"",
        "\"int\":42",
        "\"neg\":-1.5",
        "12345678901234567890123n",
        "\"yes\":true",
        "\"none\":null",
        "[0,255,7]",
        "[1,\"two\",[3]]",
        "{\"a\":{\"b\":\"c\"}}",
        "[\"x\",\"y\"]",
        "[\"1\",\"2.5\"]",
        "[\"1\",\"2\"]",
    ] {
        assert!(a.contains(needle), "{needle} in {a}");
    }
    let nan = js_sys::eval(r#"({ sk: "x", bad: NaN })"#).unwrap();
    let (name, message) = err(t.put(nan, JsValue::UNDEFINED)).await;
    assert_eq!(name, "InvalidInputError", "{message}");
}

/// Issue 16 point 1, against the backend: values util-dynamodb stores (Map, typed arrays,
/// DataView, boxed primitives) are stored as it stores them; a user's `{ $number }` map stays a
/// map; numbers come back by the one rule (a `number` when the double prints back to the same
/// decimal, else `bigint` or `NumberValue`), in sets too; and what `get` returned, `put` stores
/// unchanged. What has no DynamoDB type is an InvalidInputError naming the attribute.
#[wasm_bindgen_test]
async fn values_are_stored_as_marshall_stores_them_and_round_trip_exactly() {
    let alice = signed_in("alice", &TestClock::default()).await;
    let t = table(&alice).await;
    let sk = format!("values-{}", random_hex(4));
    let nv = apiless::js::number_value;
    let make = js_sys::Function::new_with_args(
        "sk, precise, tenth",
        r#"const buffer = new Uint8Array([9, 1, 2, 3, 9]).buffer;
        return { sk, dollar: { $number: "5" }, map: new Map([["a", 1], ["b", new Map([["c", "d"]])]]),
          u16: new Uint16Array([0x0201]), dv: new DataView(buffer, 1, 3), f64: new Float64Array([1]),
          ab: buffer.slice(1, 3), boxS: new String("s"), boxN: new Number(7), boxB: new Boolean(false),
          e15: 1000000000000000, e20: 1e20, d17: 0.30000000000000004, odd: 9007199254740993n, precise,
          nums: new Set([1, 9007199254740993n, tenth]), skip: undefined };"#,
    );
    let item = make
        .call3(
            &JsValue::NULL,
            &JsValue::from_str(&sk),
            &nv("0.12345678901234567890123456789"),
            &nv("0.1000000000000000000001"),
        )
        .unwrap();
    ok(t.put(item, JsValue::UNDEFINED)).await;
    let back = ok(t.get(JsValue::from_str(&sk), JsValue::UNDEFINED)).await;
    let describe = js_sys::Function::new_with_args(
        "v, NumberValue",
        r#"const d = (x) => typeof x === "bigint" ? x + "n" : x instanceof NumberValue ? "NumberValue " + x.value
            : x instanceof Uint8Array ? "bytes " + Array.from(x) : x instanceof Set ? "Set " + [...x].map(d).join()
            : typeof x === "object" && x !== null ? "{" + Object.keys(x).sort().map((k) => k + ": " + d(x[k])).join(", ") + "}"
            : typeof x + " " + String(x);
        return d(v);"#,
    );
    let class = js_sys::Reflect::get(&nv("1"), &JsValue::from_str("constructor")).unwrap();
    let text = |v: &JsValue| {
        describe
            .call2(&JsValue::NULL, v, &class)
            .unwrap()
            .as_string()
            .unwrap()
    };
    let read = text(&back);
    for want in [
        "dollar: {$number: string 5}",
        "map: {a: number 1, b: {c: string d}}",
        "u16: bytes 1,2",
        "dv: bytes 1,2,3",
        "f64: bytes 0,0,0,0,0,0,240,63",
        "ab: bytes 1,2",
        "boxS: string s",
        "boxN: number 7",
        "boxB: boolean false",
        "e15: number 1000000000000000",
        "e20: number 100000000000000000000",
        "d17: number 0.30000000000000004",
        "odd: 9007199254740993n",
        "precise: NumberValue 0.12345678901234567890123456789",
        "nums: Set ",
    ] {
        assert!(read.contains(want), "{want} in {read}");
    }
    assert!(!read.contains("skip"), "{read}");
    for member in [
        "number 1",
        "9007199254740993n",
        "NumberValue 0.1000000000000000000001",
    ] {
        assert!(read.contains(member), "{member} in {read}");
    }
    // Whatever get returned, put stores unchanged: the number set and the NumberValue included.
    ok(t.put(back.clone(), JsValue::UNDEFINED)).await;
    let again = ok(t.get(JsValue::from_str(&sk), JsValue::UNDEFINED)).await;
    assert_eq!(text(&again), read);

    for (attribute, value) in [
        ("when", "new Date(0)"),
        ("blob", "new Blob(['x'])"),
        (
            "point",
            "new (class Point { constructor() { this.x = 1; } })()",
        ),
        ("keys", "new Map([[1, 'one']])"),
        ("half", "'\\uD800'"),
        ("list", "[1, undefined]"),
    ] {
        let item = js_sys::eval(&format!("({{ sk: 'refused', {attribute}: {value} }})")).unwrap();
        let e = JsFuture::from(t.put(item, JsValue::UNDEFINED))
            .await
            .expect_err(attribute);
        let name = js_sys::Reflect::get(&e, &JsValue::from_str("name")).unwrap();
        let field = js_sys::Reflect::get(&e, &JsValue::from_str("field")).unwrap();
        assert_eq!(
            name.as_string().as_deref(),
            Some("InvalidInputError"),
            "{attribute}"
        );
        let field = field.as_string().unwrap_or_default();
        assert!(
            field.starts_with(&format!("item.{attribute}")),
            "{attribute}: {field}"
        );
    }
}

#[wasm_bindgen_test]
async fn another_users_partition_is_refused_by_the_guard_and_by_iam() {
    let alice = signed_in("alice", &TestClock::default()).await;
    let bob = signed_in("bob", &TestClock::default()).await;
    let bob_id = ok(bob.identity_id()).await.as_string().unwrap();
    let t = table(&alice).await;
    let before = count("DynamoDB_20120810.PutItem").await;
    let (name, message) = err(t.put(
        js(serde_json::json!({"pk": bob_id, "sk": "stolen"})),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(name, "OutOfScopeError");
    assert!(
        message.contains(&bob_id) || message.contains("identity id"),
        "{message}"
    );
    assert_eq!(
        count("DynamoDB_20120810.PutItem").await,
        before,
        "refused before sending"
    );
    let (name, _) = err(t.put(
        js(serde_json::json!({"pk": bob_id, "sk": "stolen"})),
        js(serde_json::json!({"unscopedForDemoOnly": true})),
    ))
    .await;
    assert_eq!(name, "AccessDeniedException");
    let (name, _) = err(t.get(
        JsValue::from_str("anything"),
        js(serde_json::json!({"unscopedForDemoOnly": true, "partitionKeyForDemoOnly": bob_id})),
    ))
    .await;
    assert_eq!(name, "AccessDeniedException");
    let (name, _) = err(t.query(js(
        serde_json::json!({"unscopedForDemoOnly": true, "partitionKeyForDemoOnly": bob_id}),
    )))
    .await;
    assert_eq!(name, "AccessDeniedException");
}

/// Review finding 2: mallory (bob here) writes an item into his own partition with alice's
/// identity id in the `byOwner` index's key. The guard refuses it; bypassed, IAM lets it through
/// (the table key is bob's own), but alice's index query never returns it.
#[wasm_bindgen_test]
async fn an_item_planted_in_anothers_index_partition_never_reaches_them() {
    let config = backend_config().await;
    let indexes = config["indexes"].clone();
    let (index, keys) = indexes
        .as_object()
        .and_then(|m| m.iter().next())
        .expect("the backend declares an index");
    let owner = keys["partitionKey"].as_str().unwrap().to_owned();
    let declared = js(serde_json::json!({ "indexes": indexes }));
    let alice = signed_in("alice", &TestClock::default()).await;
    let bob = signed_in("bob", &TestClock::default()).await;
    let alice_id = ok(alice.identity_id()).await.as_string().unwrap();
    let name = field(&config, "table").to_owned();
    let (ta, tb) = (
        alice.db(name.clone(), declared.clone()).unwrap(),
        bob.db(name, declared).unwrap(),
    );
    let run = random_hex(4);
    let mine = format!("index-own-{run}");
    let planted = format!("index-planted-{run}");
    ok(ta.put(
        js(serde_json::json!({"sk": mine, owner.clone(): alice_id})),
        JsValue::UNDEFINED,
    ))
    .await;

    let before = count("DynamoDB_20120810.PutItem").await;
    let updates = count("DynamoDB_20120810.UpdateItem").await;
    let (e, _) = err(tb.put(
        js(serde_json::json!({"sk": planted, owner.clone(): alice_id})),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(e, "OutOfScopeError");
    let (e, _) = err(tb.update(
        JsValue::from_str(&planted),
        js(serde_json::json!({"update": "SET #o = :o", "names": {"#o": owner}, "values": {":o": alice_id}})),
    ))
    .await;
    assert_eq!(e, "OutOfScopeError");
    assert_eq!(
        count("DynamoDB_20120810.PutItem").await,
        before,
        "refused before sending"
    );
    assert_eq!(
        count("DynamoDB_20120810.UpdateItem").await,
        updates,
        "the update too"
    );
    // Bypassed, the write is bob's own partition: IAM allows it, as AWS would.
    ok(tb.put(
        js(serde_json::json!({"sk": planted, owner.clone(): alice_id})),
        js(serde_json::json!({"unscopedForDemoOnly": true})),
    ))
    .await;

    let page = ok(ta.query(js(serde_json::json!({ "index": index })))).await;
    let items: Vec<String> = js_sys::Array::from(&get(&page, "items"))
        .iter()
        .map(|i| get(&i, "sk").as_string().unwrap_or_default())
        .collect();
    assert!(items.contains(&mine), "alice's own item: {items:?}");
    assert!(
        !items.contains(&planted),
        "bob's planted item must not reach alice: {items:?}"
    );
    // The same query through the index's keys (no declaration) is filtered the same way.
    let page = ok(ta.query(js(
        serde_json::json!({"index": {"name": index, "partitionKey": owner}}),
    )))
    .await;
    let items: Vec<String> = js_sys::Array::from(&get(&page, "items"))
        .iter()
        .map(|i| get(&i, "sk").as_string().unwrap_or_default())
        .collect();
    assert!(
        items.contains(&mine) && !items.contains(&planted),
        "{items:?}"
    );
}

#[wasm_bindgen_test]
async fn alice_puts_lists_gets_and_deletes_her_objects_with_tricky_keys() {
    let alice = signed_in("alice", &TestClock::default()).await;
    let f = bucket(&alice).await;
    let dir = format!("t-{}", random_hex(4));
    let keys = [
        format!("{dir}/plain.txt"),
        format!("{dir}/a b+c=d:e~f.txt"),
        format!("{dir}/ü/🙂 emoji.json"),
        // S3 takes any UTF-8 in a key, a line break and a tab included.
        format!("{dir}/line\nbreak\ttab.txt"),
    ];
    ok(f.put(
        keys[3].clone(),
        JsValue::from_str("two lines"),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(
        ok(f.get(keys[3].clone(), js(serde_json::json!({"as": "text"}))))
            .await
            .as_string()
            .as_deref(),
        Some("two lines")
    );
    ok(f.put(
        keys[0].clone(),
        JsValue::from_str("hello"),
        JsValue::UNDEFINED,
    ))
    .await;
    ok(f.put(
        keys[1].clone(),
        js_sys::Uint8Array::from(&[0u8, 1, 2, 255][..]).into(),
        js(serde_json::json!({
            "contentType": "application/octet-stream",
            "metadata": {"owner": "alice", "__proto__": "not a prototype"},
        })),
    ))
    .await;
    let blob = web_sys::Blob::new_with_str_sequence(&js_sys::Array::of1(&JsValue::from_str(
        "{\"ok\":true}",
    )))
    .unwrap();
    ok(f.put(
        keys[2].clone(),
        blob.into(),
        js(serde_json::json!({"contentType": "application/json"})),
    ))
    .await;

    assert_eq!(
        ok(f.get(keys[0].clone(), js(serde_json::json!({"as": "text"}))))
            .await
            .as_string()
            .as_deref(),
        Some("hello")
    );
    let bytes =
        js_sys::Uint8Array::from(ok(f.get(keys[1].clone(), JsValue::UNDEFINED)).await).to_vec();
    assert_eq!(bytes, vec![0, 1, 2, 255]);
    let json = ok(f.get(keys[2].clone(), js(serde_json::json!({"as": "json"})))).await;
    assert_eq!(get(&json, "ok").as_bool(), Some(true));
    let part = ok(f.get(
        keys[0].clone(),
        js(serde_json::json!({"as": "text", "range": "bytes=1-3"})),
    ))
    .await;
    assert_eq!(part.as_string().as_deref(), Some("ell"));
    let head = ok(f.head(keys[1].clone(), JsValue::UNDEFINED)).await;
    assert_eq!(get(&head, "contentLength").as_f64(), Some(4.0));
    // Metadata names are the writer's: `__proto__` is one more own string, not a prototype.
    let metadata: js_sys::Object = get(&head, "metadata").unchecked_into();
    let mut names: Vec<String> = js_sys::Object::keys(&metadata)
        .iter()
        .map(|k| k.as_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["__proto__", "owner"]);
    assert_eq!(
        get(&metadata, "__proto__").as_string().as_deref(),
        Some("not a prototype")
    );
    assert_eq!(
        JsValue::from(js_sys::Object::get_prototype_of(&metadata)),
        JsValue::from(js_sys::Object::get_prototype_of(&js_sys::Object::new())),
        "metadata is a plain object"
    );

    let listing = ok(f.list(js(serde_json::json!({"prefix": format!("{dir}/")})))).await;
    let mut listed: Vec<String> = js_sys::Array::from(&get(&listing, "objects"))
        .iter()
        .map(|o| get(&o, "key").as_string().unwrap())
        .collect();
    listed.sort();
    let mut expected = keys.to_vec();
    expected.sort();
    assert_eq!(listed, expected, "keys round-trip, relative to the prefix");

    for k in &keys {
        ok(f.delete(k.clone(), JsValue::UNDEFINED)).await;
    }
    let (name, _) = err(f.get(keys[0].clone(), JsValue::UNDEFINED)).await;
    assert_eq!(name, "NoSuchKey");
}

#[wasm_bindgen_test]
async fn another_users_prefix_is_refused_by_the_guard_and_by_iam() {
    let alice = signed_in("alice", &TestClock::default()).await;
    let bob = signed_in("bob", &TestClock::default()).await;
    let bob_id = ok(bob.identity_id()).await.as_string().unwrap();
    let fb = bucket(&bob).await;
    ok(fb.put(
        "secret.txt".into(),
        JsValue::from_str("bob's"),
        JsValue::UNDEFINED,
    ))
    .await;
    let f = bucket(&alice).await;
    let key = format!("{bob_id}/secret.txt");
    let (name, _) = err(f.get(key.clone(), JsValue::UNDEFINED)).await;
    assert_eq!(name, "OutOfScopeError");
    let (name, _) = err(f.get(
        key.clone(),
        js(serde_json::json!({"unscopedForDemoOnly": true})),
    ))
    .await;
    assert_eq!(name, "AccessDenied");
    let (name, _) = err(f.put(
        key.clone(),
        JsValue::from_str("overwrite"),
        js(serde_json::json!({"unscopedForDemoOnly": true})),
    ))
    .await;
    assert_eq!(name, "AccessDenied");
    let (name, _) = err(f.list(js(
        serde_json::json!({"prefix": format!("{bob_id}/"), "unscopedForDemoOnly": true}),
    )))
    .await;
    assert_eq!(name, "AccessDenied");
    assert_eq!(
        ok(fb.get("secret.txt".into(), js(serde_json::json!({"as": "text"}))))
            .await
            .as_string()
            .as_deref(),
        Some("bob's")
    );
}

/// Issue 16, point 5: a presigned URL never outlives the credentials that signed it: a week
/// asked for is clamped to what the credentials have left (an hour at most from Cognito).
#[wasm_bindgen_test]
async fn a_presigned_url_never_outlives_its_credentials() {
    let alice = signed_in("alice", &TestClock::default()).await;
    let f = bucket(&alice).await;
    let expires_of = |url: String| -> f64 {
        let query = url.split_once('?').unwrap().1;
        query
            .split('&')
            .find_map(|p| p.strip_prefix("X-Amz-Expires="))
            .unwrap()
            .parse()
            .unwrap()
    };
    let week = ok(f.presign(
        "long.txt".into(),
        js(serde_json::json!({"expiresIn": 604_800})),
    ))
    .await
    .as_string()
    .unwrap();
    let left_s = (alice.credentials_expire_at().unwrap() - js_sys::Date::now()) / 1000.0;
    let expires = expires_of(week);
    assert!(
        expires <= left_s.ceil() + 1.0 && expires <= 3600.0,
        "X-Amz-Expires={expires} outlives the credentials ({left_s} s left)"
    );
    assert!(expires > 60.0, "{expires}: clamped, not cut to nothing");
    let short = ok(f.presign("long.txt".into(), js(serde_json::json!({"expiresIn": 60}))))
        .await
        .as_string()
        .unwrap();
    assert_eq!(expires_of(short), 60.0, "a shorter expiry is kept as asked");
}

#[wasm_bindgen_test]
async fn presigned_urls_work_with_plain_fetch() {
    let alice = signed_in("alice", &TestClock::default()).await;
    let f = bucket(&alice).await;
    let key = format!("presigned-{}.txt", random_hex(4));
    let put_url = ok(f.presign(
        key.clone(),
        js(serde_json::json!({"method": "PUT", "expiresIn": 300})),
    ))
    .await
    .as_string()
    .unwrap();
    let init = web_sys::RequestInit::new();
    init.set_method("PUT");
    init.set_body(&JsValue::from_str("via presigned PUT"));
    let window = web_sys::window().unwrap();
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str_and_init(&put_url, &init))
            .await
            .unwrap()
            .unchecked_into();
    assert_eq!(response.status(), 200, "presigned PUT");
    let get_url = ok(f.presign(key.clone(), JsValue::UNDEFINED))
        .await
        .as_string()
        .unwrap();
    assert!(
        get_url.contains("X-Amz-Security-Token="),
        "the session token is part of the URL"
    );
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&get_url))
        .await
        .unwrap()
        .unchecked_into();
    assert_eq!(response.status(), 200);
    let text = JsFuture::from(response.text().unwrap())
        .await
        .unwrap()
        .as_string()
        .unwrap();
    assert_eq!(text, "via presigned PUT");
}

#[wasm_bindgen_test]
async fn a_browser_clock_twenty_minutes_off_in_either_direction_still_works() {
    for offset_min in [20.0, -20.0] {
        let clock = TestClock::default();
        let alice = signed_in("alice", &clock).await;
        let t = table(&alice).await;
        ok(t.put(
            js(serde_json::json!({"sk": "clock-warmup"})),
            JsValue::UNDEFINED,
        ))
        .await;
        // The clock jumps after sign-in: the next request is signed 20 minutes off, refused as
        // skewed, re-signed with the skew learned from the refusal's Date, and accepted.
        clock.advance_ms(offset_min * 60_000.0);
        let before = count("DynamoDB_20120810.PutItem").await;
        ok(t.put(
            js(serde_json::json!({"sk": "clock", "offset": offset_min})),
            JsValue::UNDEFINED,
        ))
        .await;
        assert_eq!(
            count("DynamoDB_20120810.PutItem").await - before,
            2,
            "{offset_min}: refused once, then accepted"
        );
        let f = bucket(&alice).await;
        ok(f.put(
            "clock.txt".into(),
            JsValue::from_str("on time"),
            JsValue::UNDEFINED,
        ))
        .await;
    }
}

#[wasm_bindgen_test]
async fn an_aborted_call_is_an_abort_error() {
    let alice = signed_in("alice", &TestClock::default()).await;
    let t = table(&alice).await;
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"signal".into(), &controller.signal()).unwrap();
    let (name, _) = err(t.put(js(serde_json::json!({"sk": "aborted"})), options.into())).await;
    assert_eq!(name, "AbortError");
    assert!(
        ok(t.get(JsValue::from_str("aborted"), JsValue::UNDEFINED))
            .await
            .is_undefined(),
        "nothing written"
    );
}

#[wasm_bindgen_test]
async fn query_all_iterates_every_page() {
    let alice = signed_in("alice", &TestClock::default()).await;
    let t = table(&alice).await;
    let run = random_hex(4);
    for i in 0..7 {
        ok(t.put(
            js(serde_json::json!({"sk": format!("iter-{run}-{i}"), "n": i})),
            JsValue::UNDEFINED,
        ))
        .await;
    }
    let iterator = t.query_all(js(
        serde_json::json!({"sortKey": {"beginsWith": format!("iter-{run}-")}, "limit": 3}),
    ));
    let collect = js_sys::eval("async (it) => { const out = []; for await (const item of it) out.push(item.n); return out; }")
        .unwrap()
        .unchecked_into::<js_sys::Function>();
    let before = count("DynamoDB_20120810.Query").await;
    let ns = ok(collect
        .call1(&JsValue::NULL, &iterator)
        .unwrap()
        .unchecked_into())
    .await;
    let ns: Vec<u32> = js_sys::Array::from(&ns)
        .iter()
        .map(|n| n.as_f64().unwrap() as u32)
        .collect();
    assert_eq!(ns, (0..7).collect::<Vec<_>>());
    assert_eq!(
        count("DynamoDB_20120810.Query").await - before,
        3,
        "pages of 3, 3 and 1"
    );
}

#[wasm_bindgen_test]
async fn fifty_data_calls_at_credential_expiry_cost_one_credential_fetch() {
    let clock = TestClock::default();
    let alice = signed_in("alice", &clock).await;
    let t = table(&alice).await;
    ok(t.get(JsValue::from_str("warm"), JsValue::UNDEFINED)).await;
    // 59.5 minutes later the credentials (one hour) are inside their 5-minute margin and the
    // tokens (one hour) inside their 1-minute one: one refresh of each for 50 concurrent calls.
    clock.advance_ms(59.5 * 60_000.0);
    let (creds0, auth0) = (
        count("AWSCognitoIdentityService.GetCredentialsForIdentity").await,
        count("AWSCognitoIdentityProviderService.GetTokensFromRefreshToken").await,
    );
    let calls: js_sys::Array = (0..50)
        .map(|i| t.get(JsValue::from_str(&format!("k{i}")), JsValue::UNDEFINED))
        .collect();
    ok(js_sys::Promise::all(&calls)).await;
    assert_eq!(
        count("AWSCognitoIdentityService.GetCredentialsForIdentity").await - creds0,
        1
    );
    assert_eq!(
        count("AWSCognitoIdentityProviderService.GetTokensFromRefreshToken").await - auth0,
        1,
        "the ID token was refreshed first, once"
    );
}

#[wasm_bindgen_test]
async fn large_bodies_are_hashed_by_webcrypto_or_sent_unsigned() {
    let alice = signed_in("alice", &TestClock::default()).await;
    let f = bucket(&alice).await;
    let big: Vec<u8> = (0..(1u32 << 20)).map(|i| (i % 251) as u8).collect();
    for (key, options) in [
        ("big-hashed.bin", JsValue::UNDEFINED),
        (
            "big-unsigned.bin",
            js(serde_json::json!({"unsignedPayload": true, "metadata": {"purpose": "test"}})),
        ),
    ] {
        ok(f.put(
            key.into(),
            js_sys::Uint8Array::from(big.as_slice()).into(),
            options,
        ))
        .await;
        let back =
            js_sys::Uint8Array::from(ok(f.get(key.into(), JsValue::UNDEFINED)).await).to_vec();
        assert!(back == big, "{key}: 1 MiB round-trips");
    }
    let head = ok(f.head("big-unsigned.bin".into(), JsValue::UNDEFINED)).await;
    assert_eq!(
        get(&get(&head, "metadata"), "purpose")
            .as_string()
            .as_deref(),
        Some("test")
    );
    let blob = ok(f.get(
        "big-hashed.bin".into(),
        js(serde_json::json!({"as": "blob"})),
    ))
    .await;
    assert_eq!(
        blob.unchecked_into::<web_sys::Blob>().size(),
        (1u32 << 20) as f64
    );
}

#[wasm_bindgen_test]
async fn a_stale_remembered_identity_id_is_replaced_by_one_new_get_id() {
    let store = Rc::new(MemoryStore::default());
    let session = session_with(Fetch::default(), store.clone(), &TestClock::default()).await;
    session
        .sign_in("alice", zeroize::Zeroizing::new(password_of("alice").await))
        .await
        .unwrap();
    let sub = session.current_user().unwrap().sub;
    let pool = session.config().identity_pool_id.clone().unwrap();
    // What a deleted or foreign identity id looks like to the pool.
    let key = apiless::auth::storage::identity_id_key(&pool, &sub);
    apiless::auth::storage::Store::set(
        store.as_ref(),
        &key,
        "us-east-1:00000000-0000-0000-0000-000000000000",
    )
    .unwrap();
    let alice = Client::with_session(session);
    let get_ids = count("AWSCognitoIdentityService.GetId").await;
    let id = ok(alice.identity_id()).await.as_string().unwrap();
    assert_ne!(id, "us-east-1:00000000-0000-0000-0000-000000000000");
    assert_eq!(count("AWSCognitoIdentityService.GetId").await - get_ids, 1);
    assert_eq!(
        apiless::auth::storage::Store::get(store.as_ref(), &key).as_deref(),
        Some(id.as_str()),
        "the new id is remembered"
    );
    // A returning user (a new page, same storage) skips GetId.
    let session = session_with(Fetch::default(), store.clone(), &TestClock::default()).await;
    let again = Client::with_session(session);
    assert_eq!(ok(again.identity_id()).await.as_string().unwrap(), id);
    assert_eq!(
        count("AWSCognitoIdentityService.GetId").await - get_ids,
        1,
        "no GetId for a returning user"
    );
}

#[wasm_bindgen_test]
async fn a_reloaded_page_reaches_its_first_query_result_with_the_query_alone() {
    // The app's storage, which a reload keeps (localStorage in an app; the same store here).
    let store = Rc::new(MemoryStore::default());
    let session = session_with(Fetch::default(), store.clone(), &TestClock::default()).await;
    session
        .sign_in("alice", zeroize::Zeroizing::new(password_of("alice").await))
        .await
        .unwrap();
    let alice = Client::with_session(session);
    let run = random_hex(4);
    let t = table(&alice).await;
    ok(t.put(
        js(serde_json::json!({"sk": format!("reload-{run}")})),
        JsValue::UNDEFINED,
    ))
    .await;

    // The reload: a new page's session on the same storage, its first Query.
    let session = session_with(Fetch::default(), store.clone(), &TestClock::default()).await;
    let reloaded = Client::with_session(session);
    let t = table(&reloaded).await;
    let before = calls().await;
    let page = ok(t.query(js(
        serde_json::json!({"sortKey": {"beginsWith": format!("reload-{run}")}}),
    )))
    .await;
    let items: js_sys::Array = get(&page, "items").unchecked_into();
    assert_eq!(items.length(), 1);
    let after = calls().await;
    let made: Vec<(String, i64)> = after
        .as_object()
        .unwrap()
        .iter()
        .map(|(op, n)| {
            (
                op.clone(),
                n.as_i64().unwrap_or(0) - before[op].as_i64().unwrap_or(0),
            )
        })
        .filter(|(op, n)| *n != 0 && op != "preflight")
        .collect();
    assert_eq!(
        made,
        [("DynamoDB_20120810.Query".to_owned(), 1)],
        "one AWS call: the Query itself"
    );
}
