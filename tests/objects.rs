//! S3 copies and presigned POST uploads through the JS client, in the browser against the local
//! backend, which checks the signature, the POST policy and the scoped IAM policy: a copy stays
//! under the caller's prefix and IAM checks reading its source; a presigned POST form uploads
//! what its policy allows and S3 refuses the rest (too large, another key, another type, another
//! identity's prefix).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn text_of(f: &apiless::js::Files, key: &str) -> String {
    ok(f.get(key.into(), js(serde_json::json!({"as": "text"}))))
        .await
        .as_string()
        .unwrap()
}

#[wasm_bindgen_test]
async fn a_copy_stays_under_the_prefix_and_iam_checks_its_source() {
    let clock = TestClock::default();
    let alice = signed_in_client("alice", &clock).await;
    let f = bucket(&alice).await;
    let n = random_hex(4);
    let source = format!("copy-{n}/original.txt");
    ok(f.put(
        source.clone(),
        JsValue::from_str("to be copied"),
        js(serde_json::json!({"contentType": "text/plain", "metadata": {"purpose": "original"}})),
    ))
    .await;

    // A plain copy keeps the source's type and metadata.
    let copied = ok(f.copy(
        source.clone(),
        format!("copy-{n}/plain.txt"),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(
        get(&copied, "key").as_string().unwrap(),
        format!("copy-{n}/plain.txt")
    );
    assert!(get(&copied, "etag").as_string().unwrap().starts_with('"'));
    assert_eq!(
        text_of(&f, &format!("copy-{n}/plain.txt")).await,
        "to be copied"
    );
    let head = ok(f.head(format!("copy-{n}/plain.txt"), JsValue::UNDEFINED)).await;
    assert_eq!(
        get(&get(&head, "metadata"), "purpose")
            .as_string()
            .as_deref(),
        Some("original")
    );

    // With metadata or a type, the copy gets exactly those.
    ok(f.copy(
        source.clone(),
        format!("copy-{n}/replaced.md"),
        js(serde_json::json!({"contentType": "text/markdown", "metadata": {"purpose": "copy"}})),
    ))
    .await;
    let head = ok(f.head(format!("copy-{n}/replaced.md"), JsValue::UNDEFINED)).await;
    assert_eq!(
        get(&head, "contentType").as_string().as_deref(),
        Some("text/markdown")
    );
    assert_eq!(
        get(&get(&head, "metadata"), "purpose")
            .as_string()
            .as_deref(),
        Some("copy")
    );

    // No such source: S3's NoSuchKey.
    let (name, _) = err(f.copy(
        format!("copy-{n}/missing.txt"),
        format!("copy-{n}/x.txt"),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(name, "NoSuchKey");

    // Bob's object: refused before sending as a source or a destination; with the guard
    // bypassed, IAM refuses reading it (the copy's source) and writing there.
    let bob = signed_in_client("bob", &clock).await;
    let fb = bucket(&bob).await;
    ok(fb.put(
        format!("copy-{n}/bobs.txt"),
        JsValue::from_str("bob's"),
        JsValue::UNDEFINED,
    ))
    .await;
    let bob_id = ok(bob.identity_id()).await.as_string().unwrap();
    let bobs = format!("{bob_id}/copy-{n}/bobs.txt");
    let (name, message) = err(f.copy(
        bobs.clone(),
        format!("copy-{n}/stolen.txt"),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(name, "OutOfScopeError", "{message}");
    let (name, _) = err(f.copy(source.clone(), bobs.clone(), JsValue::UNDEFINED)).await;
    assert_eq!(name, "OutOfScopeError");
    let alice_id = ok(alice.identity_id()).await.as_string().unwrap();
    let (name, message) = err(f.copy(
        bobs.clone(),
        format!("{alice_id}/copy-{n}/stolen.txt"),
        js(serde_json::json!({"unscopedForDemoOnly": true})),
    ))
    .await;
    assert_eq!(name, "AccessDenied", "IAM checks the source: {message}");
    let (name, _) = err(f.get(format!("copy-{n}/stolen.txt"), JsValue::UNDEFINED)).await;
    assert_eq!(name, "NoSuchKey", "nothing was copied");
    assert_eq!(text_of(&fb, &format!("copy-{n}/bobs.txt")).await, "bob's");
}

/// POSTs the presigned form `post` (`fields` changed by `change`) with `body` as the file
/// `name`: the status and the answer's text.
async fn post_form(
    post: &JsValue,
    change: &[(&str, &str)],
    name: &str,
    body: &str,
) -> (u16, String) {
    let global = js_sys::global();
    let ctor: Function = get(&global, "FormData").unchecked_into();
    let form = Reflect::construct(&ctor, &Array::new()).unwrap();
    let append: Function = get(&form, "append").unchecked_into();
    let fields = get(post, "fields");
    for entry in Object::entries(&fields.unchecked_into()).iter() {
        let entry: Array = entry.unchecked_into();
        let field = entry.get(0).as_string().unwrap();
        let value = change
            .iter()
            .find(|(n, _)| *n == field)
            .map_or(entry.get(1), |(_, v)| JsValue::from_str(v));
        append.call2(&form, &entry.get(0), &value).unwrap();
    }
    let parts = Array::of1(&JsValue::from_str(body));
    let blob = web_sys::Blob::new_with_str_sequence(&parts).unwrap();
    Reflect::apply(
        &append,
        &form,
        &Array::of3(&"file".into(), &blob, &name.into()),
    )
    .unwrap();
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&form);
    let url = get(post, "url").as_string().unwrap();
    let response: web_sys::Response = JsFuture::from(
        web_sys::window()
            .unwrap()
            .fetch_with_str_and_init(&url, &init),
    )
    .await
    .unwrap()
    .unchecked_into();
    let text = JsFuture::from(response.text().unwrap())
        .await
        .unwrap()
        .as_string()
        .unwrap();
    (response.status(), text)
}

#[wasm_bindgen_test]
async fn a_presigned_post_uploads_what_its_policy_allows_and_s3_refuses_the_rest() {
    let clock = TestClock::default();
    let alice = signed_in_client("alice", &clock).await;
    let f = bucket(&alice).await;
    let alice_id = ok(alice.identity_id()).await.as_string().unwrap();
    let n = random_hex(4);
    let post = ok(f.presign_post(
        format!("post-{n}/"),
        js(serde_json::json!({
            "startsWith": true, "contentLengthRange": [1, 64], "contentType": "text/plain",
            "expiresIn": 300
        })),
    ))
    .await;
    let fields = get(&post, "fields");
    assert_eq!(
        get(&fields, "key").as_string().unwrap(),
        format!("{alice_id}/post-{n}/${{filename}}")
    );
    assert!(get(&fields, "x-amz-security-token").is_string());

    // Within the policy: S3 takes it, under the file's name.
    let (status, text) = post_form(&post, &[], "hello.txt", "posted through a form").await;
    assert_eq!(status, 204, "{text}");
    assert_eq!(
        text_of(&f, &format!("post-{n}/hello.txt")).await,
        "posted through a form"
    );
    let head = ok(f.head(format!("post-{n}/hello.txt"), JsValue::UNDEFINED)).await;
    assert_eq!(
        get(&head, "contentType").as_string().as_deref(),
        Some("text/plain")
    );

    // Too large, another type, a key outside the prefix, a changed date: each refused.
    let (status, text) = post_form(&post, &[], "big.txt", &"x".repeat(65)).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("EntityTooLarge"), "{text}");
    let (status, text) = post_form(
        &post,
        &[("Content-Type", "text/html")],
        "a.html",
        "<p>hi</p>",
    )
    .await;
    assert_eq!(status, 403, "{text}");
    let elsewhere = format!("{alice_id}/elsewhere-{n}.txt");
    let (status, text) = post_form(&post, &[("key", &elsewhere)], "e.txt", "elsewhere").await;
    assert_eq!(status, 403, "{text}");
    let (status, text) = post_form(
        &post,
        &[("x-amz-date", "20261207T000000Z")],
        "d.txt",
        "dated",
    )
    .await;
    assert_ne!(status / 100, 2, "{text}");
    for key in ["big.txt", "a.html", "d.txt"] {
        let (name, _) = err(f.head(format!("post-{n}/{key}"), JsValue::UNDEFINED)).await;
        assert_eq!(name, "NotFound", "{key} was not stored");
    }

    // An exact key; another identity's prefix is refused before signing, and with the guard
    // bypassed IAM refuses the form's signer (the policy itself is fine).
    let exact = ok(f.presign_post(
        format!("post-{n}/exact.txt"),
        js(serde_json::json!({"contentLengthRange": [0, 64]})),
    ))
    .await;
    let (status, text) = post_form(&exact, &[], "whatever.txt", "exactly").await;
    assert_eq!(status, 204, "{text}");
    assert_eq!(text_of(&f, &format!("post-{n}/exact.txt")).await, "exactly");
    let bob = signed_in_client("bob", &clock).await;
    let bob_id = ok(bob.identity_id()).await.as_string().unwrap();
    let bobs = format!("{bob_id}/post-{n}.txt");
    let (name, _) = err(f.presign_post(
        bobs.clone(),
        js(serde_json::json!({"contentLengthRange": [0, 64]})),
    ))
    .await;
    assert_eq!(name, "OutOfScopeError");
    let forged = ok(f.presign_post(
        bobs.clone(),
        js(serde_json::json!({"contentLengthRange": [0, 64], "unscopedForDemoOnly": true})),
    ))
    .await;
    let (status, text) = post_form(&forged, &[], "x.txt", "into bob's prefix").await;
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("AccessDenied"), "{text}");

    // Bad input: typed, nothing signed.
    for options in [
        serde_json::json!({}),
        serde_json::json!({"contentLengthRange": [10, 1]}),
        serde_json::json!({"contentLengthRange": [0, 1.5]}),
        serde_json::json!({"contentLengthRange": [0]}),
        serde_json::json!({"contentLengthRange": [0, 6_000_000_000_u64]}),
    ] {
        let (name, message) = err(f.presign_post("k.txt".into(), js(options.clone()))).await;
        assert_eq!(name, "InvalidInputError", "{options}: {message}");
        assert!(message.contains("contentLengthRange"), "{message}");
    }
}
