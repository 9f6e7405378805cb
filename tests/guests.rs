//! Guests through the JS client (`createClient({ ..., guestAccess: true })`), in the browser
//! against the local backend, whose identity pool allows unauthenticated identities and links a
//! guest's identity to the user at sign-in as Cognito does: what a guest wrote is the user's
//! after signing up, confirming and signing in; after sign-out the visitor is a new guest, whom
//! IAM keeps out of the user's partition.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use apiless::js::Client;
use common::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A JS client of the backend, in memory, with `extra` fields in its config.
async fn client(extra: serde_json::Value) -> Result<Client, JsValue> {
    let c = backend_config().await;
    let mut config = serde_json::json!({
        "region": c["region"], "userPoolId": c["userPoolId"], "userPoolClientId": c["userPoolClientId"],
        "identityPoolId": c["identityPoolId"], "endpoint": c["endpoint"], "storage": "memory",
    });
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    apiless::js::create_client(js(config))
}

/// The name and `field` of the Error a promise rejects with.
async fn rejection(p: js_sys::Promise) -> (String, Option<String>) {
    let e = JsFuture::from(p).await.expect_err("the call must fail");
    assert!(e.is_instance_of::<js_sys::Error>(), "a real Error");
    let name = String::from(e.unchecked_ref::<js_sys::Error>().name());
    (name, get(&e, "field").as_string())
}

async fn identity_id(c: &Client) -> String {
    ok(c.identity_id()).await.as_string().unwrap()
}

#[wasm_bindgen_test]
async fn a_guest_writes_signs_up_confirms_signs_in_and_reads_the_same_item_and_object() {
    let aws = client(serde_json::json!({"guestAccess": true}))
        .await
        .unwrap();
    assert!(aws.current_user().unwrap().is_null());
    let guest = identity_id(&aws).await;
    assert!(guest.starts_with("us-east-1:"), "{guest}");

    let (t, f) = (table(&aws).await, bucket(&aws).await);
    let sk = format!("guest-{}", random_hex(4));
    let key = format!("{sk}/cart.txt");
    ok(t.put(
        js(serde_json::json!({"sk": sk, "text": "written as a guest"})),
        JsValue::UNDEFINED,
    ))
    .await;
    ok(f.put(
        key.clone(),
        JsValue::from_str("a guest's file"),
        JsValue::UNDEFINED,
    ))
    .await;

    let username = format!("guest-{}", random_hex(5));
    let password = format!("Pw-{}-9a!", random_hex(6));
    ok(aws.sign_up(js(serde_json::json!({
        "username": username, "password": password,
        "attributes": {"email": format!("{username}@example.com")},
    }))))
    .await;
    ok(aws.confirm_sign_up(js(
        serde_json::json!({"username": username, "code": "123456"}),
    )))
    .await;
    let signed_in = ok(aws.sign_in(js(
        serde_json::json!({"username": username, "password": password}),
    )))
    .await;
    assert_eq!(get(&signed_in, "signedIn").as_bool(), Some(true));

    assert_eq!(
        identity_id(&aws).await,
        guest,
        "the guest's identity is now the user's"
    );
    let item = ok(t.get(JsValue::from_str(&sk), JsValue::UNDEFINED)).await;
    assert_eq!(
        get(&item, "text").as_string().as_deref(),
        Some("written as a guest")
    );
    let text = ok(f.get(key.clone(), js(serde_json::json!({"as": "text"})))).await;
    assert_eq!(text.as_string().as_deref(), Some("a guest's file"));

    // Signed out: a new guest, kept out of the user's data by the scope guard and by IAM.
    ok(aws.sign_out(JsValue::UNDEFINED)).await;
    assert!(aws.current_user().unwrap().is_null());
    let next = identity_id(&aws).await;
    assert_ne!(
        next, guest,
        "the linked identity is the user's, not a guest's"
    );
    assert!(ok(t.get(JsValue::from_str(&sk), JsValue::UNDEFINED))
        .await
        .is_undefined());
    let (name, _) = rejection(t.get(
        JsValue::from_str(&sk),
        js(serde_json::json!({"unscopedForDemoOnly": true, "partitionKeyForDemoOnly": guest})),
    ))
    .await;
    assert_eq!(name, "AccessDeniedException");
    let users_key = format!("{guest}/{key}");
    let (name, _) = rejection(f.get(users_key.clone(), JsValue::UNDEFINED)).await;
    assert_eq!(name, "OutOfScopeError");
    let (name, _) = rejection(f.get(
        users_key,
        js(serde_json::json!({"unscopedForDemoOnly": true})),
    ))
    .await;
    assert_eq!(name, "AccessDenied");
}

#[wasm_bindgen_test]
async fn without_guest_access_a_signed_out_call_is_refused_as_before() {
    let aws = client(serde_json::json!({})).await.unwrap();
    let (name, _) = rejection(aws.identity_id()).await;
    assert_eq!(name, "NotAuthorizedException");
    let (name, _) = rejection(
        table(&aws)
            .await
            .put(js(serde_json::json!({"sk": "x"})), JsValue::UNDEFINED),
    )
    .await;
    assert_eq!(name, "NotAuthorizedException");
}

#[wasm_bindgen_test]
async fn guest_access_is_a_boolean_that_needs_an_identity_pool() {
    let on = serde_json::json!({"guestAccess": true});
    let c = backend_config().await;
    let mut config = serde_json::json!({
        "region": c["region"], "userPoolId": c["userPoolId"], "userPoolClientId": c["userPoolClientId"],
        "identityPoolId": c["identityPoolId"], "guestAccess": true,
    });
    let validated = apiless::js::validate_config(js(config.clone())).unwrap();
    assert_eq!(get(&validated, "guestAccess").as_bool(), Some(true));
    config["guestAccess"] = serde_json::json!("yes");
    let e = apiless::js::validate_config(js(config.clone())).unwrap_err();
    assert_eq!(get(&e, "field").as_string().as_deref(), Some("guestAccess"));
    config["guestAccess"] = on["guestAccess"].clone();
    config.as_object_mut().unwrap().remove("identityPoolId");
    let e = apiless::js::validate_config(js(config)).unwrap_err();
    assert_eq!(
        (
            String::from(e.unchecked_ref::<js_sys::Error>().name()),
            get(&e, "field").as_string()
        ),
        ("ConfigError".to_owned(), Some("guestAccess".to_owned()))
    );
}
