//! Browser tests of device tracking, through the JS surface (`aws.auth.rememberDevice`,
//! `forgetDevice`, `fetchDevices`) and `signIn`, in a headless browser against the local
//! backend's pool that tracks devices (backend/fixtures.py; the `devices` patch issues
//! `NewDeviceMetadata`, checks the device's SRP proof and pages `ListDevices` as Cognito does).
//! "The same browser" is one store shared by two sessions; the backend counts every call.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::rc::Rc;

use apiless::auth::session::{Session, SignInStep};
use apiless::auth::storage::{self, MemoryStore, Store};
use apiless::http::Fetch;
use apiless::js::Client;
use common::*;
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use zeroize::Zeroizing;

wasm_bindgen_test_configure!(run_in_browser);

/// A session of the devices pool over `store` (one store = one browser).
async fn session(store: &Rc<MemoryStore>) -> Rc<Session<Fetch>> {
    Session::new(
        fixture_pool_config("devices").await,
        Fetch::default(),
        store.clone() as Rc<dyn Store>,
        Box::new(js_sys::Date::now),
        Box::new(random),
    )
}

/// Signs `user` in on a new session over `store`; the JS client of that session.
async fn sign_in(store: &Rc<MemoryStore>, user: &(String, String)) -> Client {
    let s = session(store).await;
    let step = s
        .sign_in(&user.0, Zeroizing::new(user.1.clone()))
        .await
        .unwrap();
    assert!(matches!(step, SignInStep::Done(_)), "{step:?}");
    Client::with_session(s)
}

async fn user() -> (String, String) {
    fixture_user("devices", false).await
}

/// Cognito calls per operation, for the differences a step makes.
async fn counts() -> [u64; 4] {
    [
        cognito_calls("RespondToAuthChallenge").await,
        cognito_calls("ConfirmDevice").await,
        cognito_calls("ListDevices").await,
        cognito_calls("InitiateAuth").await,
    ]
}

fn since(before: [u64; 4], after: [u64; 4]) -> [u64; 4] {
    [0, 1, 2, 3].map(|i| after[i] - before[i])
}

async fn client_id() -> String {
    field(&fixtures().await, "devicesUserPoolClientId").to_owned()
}

async fn stored_device(store: &MemoryStore, user: &str) -> Option<storage::RememberedDevice> {
    storage::load_device(store, &client_id().await, user)
}

/// What `p` rejects with: the Error's name and its `field` (empty when it has none).
async fn rejection(p: js_sys::Promise) -> (String, String) {
    match JsFuture::from(p).await {
        Ok(v) => panic!("resolved to {v:?}, expected a rejection"),
        Err(e) => (
            String::from(e.unchecked_ref::<js_sys::Error>().name()),
            get(&e, "field").as_string().unwrap_or_default(),
        ),
    }
}

async fn devices(c: &Client, options: Value) -> Vec<JsValue> {
    let list = ok(c.fetch_devices(js(options))).await;
    js_sys::Array::from(&list).iter().collect()
}

fn attribute(device: &JsValue, name: &str) -> Option<String> {
    get(&get(device, "attributes"), name).as_string()
}

#[wasm_bindgen_test]
async fn a_remembered_device_signs_in_again_without_asking_the_user() {
    let store = Rc::new(MemoryStore::default());
    let user = user().await;
    let before = counts().await;
    let c = sign_in(&store, &user).await;
    // USER_SRP_AUTH, PASSWORD_VERIFIER, then the new device confirmed.
    assert_eq!(since(before, counts().await), [1, 1, 0, 1]);
    let device = stored_device(&store, &user.0).await.expect("a device kept");
    assert!(device.key.contains('_') && device.group_key.starts_with('-'));
    assert!(!format!("{device:?}").contains(device.password.as_str()));

    let listed = devices(&c, json!({})).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(get(&listed[0], "id").as_string(), Some(device.key.clone()));
    assert!(get(&listed[0], "name")
        .as_string()
        .unwrap()
        .contains("Mozilla"));
    assert!(get(&listed[0], "createDate").is_instance_of::<js_sys::Date>());
    // The pool remembers a device only when the user says so.
    assert_eq!(
        attribute(&listed[0], "dev:device_remembered_status").as_deref(),
        Some("not_remembered")
    );
    ok(c.remember_device()).await;
    let listed = devices(&c, json!({})).await;
    assert_eq!(
        attribute(&listed[0], "dev:device_remembered_status").as_deref(),
        Some("remembered")
    );
    ok(c.sign_out(JsValue::UNDEFINED)).await;
    assert!(
        stored_device(&store, &user.0).await.is_some(),
        "signing out keeps the device"
    );

    // The same browser, a new page: the device's SRP is answered by signIn itself.
    let before = counts().await;
    let c = sign_in(&store, &user).await;
    assert_eq!(
        since(before, counts().await),
        [3, 0, 0, 1],
        "PASSWORD_VERIFIER, DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER, and no new device"
    );
    assert_eq!(devices(&c, json!({})).await.len(), 1);
}

#[wasm_bindgen_test]
async fn fetch_devices_reads_every_page() {
    let user = user().await;
    let mut keys = Vec::new();
    let mut last = None;
    for _ in 0..3 {
        let store = Rc::new(MemoryStore::default());
        last = Some(sign_in(&store, &user).await);
        keys.push(stored_device(&store, &user.0).await.unwrap().key);
    }
    let c = last.unwrap();
    let before = counts().await;
    let mut listed: Vec<String> = devices(&c, json!({"pageSize": 2}))
        .await
        .iter()
        .map(|d| get(d, "id").as_string().unwrap())
        .collect();
    assert_eq!(since(before, counts().await)[2], 2, "two ListDevices pages");
    listed.sort();
    keys.sort();
    assert_eq!(listed, keys);
    for bad in [
        json!({"pageSize": 0}),
        json!({"pageSize": 61}),
        json!({"pagesize": 2}),
    ] {
        let (name, field) = rejection(c.fetch_devices(js(bad.clone()))).await;
        assert_eq!(name, "InvalidInputError", "{bad}");
        assert!(field.starts_with("options.page"), "{bad}: {field}");
    }
}

#[wasm_bindgen_test]
async fn forget_device_then_the_next_sign_in_takes_no_device_path() {
    let store = Rc::new(MemoryStore::default());
    let user = user().await;
    let c = sign_in(&store, &user).await;
    let key = stored_device(&store, &user.0).await.unwrap().key;
    ok(c.forget_device(JsValue::UNDEFINED)).await;
    assert!(stored_device(&store, &user.0).await.is_none(), "wiped here");
    assert!(devices(&c, json!({})).await.is_empty(), "and at Cognito");
    let (name, field) = rejection(c.forget_device(JsValue::UNDEFINED)).await;
    assert_eq!(
        (name.as_str(), field.as_str()),
        ("InvalidInputError", "device")
    );
    let (name, _) = rejection(c.forget_device(js(json!({"device": key})))).await;
    assert_eq!(name, "ResourceNotFoundException");

    let before = counts().await;
    sign_in(&store, &user).await;
    assert_eq!(
        since(before, counts().await),
        [1, 1, 0, 1],
        "PASSWORD_VERIFIER only, then a new device"
    );
    assert_ne!(stored_device(&store, &user.0).await.unwrap().key, key);
}

#[wasm_bindgen_test]
async fn a_device_forgotten_elsewhere_is_dropped_and_the_sign_in_goes_on() {
    let (here, there) = (
        Rc::new(MemoryStore::default()),
        Rc::new(MemoryStore::default()),
    );
    let user = user().await;
    sign_in(&here, &user).await;
    let old = stored_device(&here, &user.0).await.unwrap().key;
    let other = sign_in(&there, &user).await;
    ok(other.forget_device(js(json!({"device": old})))).await;
    assert!(
        stored_device(&there, &user.0).await.is_some(),
        "forgetting another device keeps this browser's"
    );

    // Cognito answers ResourceNotFoundException ("Device does not exist."): the proof goes again
    // without the device, and a new one is confirmed.
    let before = counts().await;
    sign_in(&here, &user).await;
    assert_eq!(since(before, counts().await), [2, 1, 0, 1]);
    assert_ne!(stored_device(&here, &user.0).await.unwrap().key, old);
}

#[wasm_bindgen_test]
async fn a_device_whose_proof_fails_is_refused_with_cognitos_name_and_forgotten_here() {
    let store = Rc::new(MemoryStore::default());
    let user = user().await;
    sign_in(&store, &user).await;
    let cid = client_id().await;
    store
        .set(
            &storage::user_key(&cid, &user.0, "randomPasswordKey"),
            "not-the-device-password",
        )
        .unwrap();
    let s = session(&store).await;
    let e = s
        .sign_in(&user.0, Zeroizing::new(user.1.clone()))
        .await
        .unwrap_err();
    assert_eq!(e.code, "NotAuthorizedException");
    assert!(stored_device(&store, &user.0).await.is_none());
    // The next sign-in starts over with a new device.
    sign_in(&store, &user).await;
    assert!(stored_device(&store, &user.0).await.is_some());
}

#[wasm_bindgen_test]
async fn delete_user_wipes_the_device() {
    let store = Rc::new(MemoryStore::default());
    let user = user().await;
    let c = sign_in(&store, &user).await;
    assert!(stored_device(&store, &user.0).await.is_some());
    ok(c.delete_user()).await;
    assert!(stored_device(&store, &user.0).await.is_none());
}

#[wasm_bindgen_test]
async fn device_calls_need_a_signed_in_user() {
    let store = Rc::new(MemoryStore::default());
    let c = Client::with_session(session(&store).await);
    let (name, _) = rejection(c.fetch_devices(JsValue::UNDEFINED)).await;
    assert_eq!(name, "NotAuthorizedException");
    let (name, _) = rejection(c.remember_device()).await;
    assert_eq!(name, "NotAuthorizedException");
}
