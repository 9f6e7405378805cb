//! Browser tests of the profile: the signed-in user's attributes and their verification, MFA
//! preferences and deleting the user, through the JS surface (`aws.auth.*`), in headless
//! Chromium against the local backend, which keeps attributes, codes and MFA settings as
//! Cognito does (backend/extension.py, `profile`) and "sends" each code through its SES
//! recorder, where these tests read it.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use apiless::auth::session::Session;
use apiless::auth::storage::{self, MemoryStore, Store};
use apiless::config::StorageKind;
use apiless::http::Fetch;
use apiless::js::Client;
use common::*;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::json;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use zeroize::Zeroizing;

wasm_bindgen_test_configure!(run_in_browser);

/// A JS client signed in as a fresh user of the seeded pool (verified email
/// `<username>@example.com`), over `store`; returns it with the user's name and password.
async fn fresh_client(store: Rc<dyn Store>) -> (Client, String, String) {
    let (username, password) = fixture_user("main", false).await;
    let session = session_with(Fetch::default(), store, &TestClock::default()).await;
    session
        .sign_in(&username, Zeroizing::new(password.clone()))
        .await
        .unwrap();
    (Client::with_session(session), username, password)
}

async fn client() -> (Client, String) {
    let (c, username, _) = fresh_client(Rc::new(MemoryStore::default())).await;
    (c, username)
}

/// What `p` rejects with: the Error's name and its `field` (empty when it has none); fails
/// the test if it resolves.
async fn rejection(p: js_sys::Promise) -> (String, String) {
    match JsFuture::from(p).await {
        Ok(v) => panic!("resolved to {v:?}, expected a rejection"),
        Err(e) => (
            String::from(e.unchecked_ref::<js_sys::Error>().name()),
            get(&e, "field").as_string().unwrap_or_default(),
        ),
    }
}

fn text(v: &JsValue, path: &[&str]) -> Option<String> {
    path.iter().fold(v.clone(), |v, k| get(&v, k)).as_string()
}

async fn attributes(c: &Client) -> JsValue {
    ok(c.fetch_user_attributes()).await
}

/// How many requests the backend saw for each profile operation.
async fn profile_calls() -> Vec<u64> {
    let mut counts = Vec::new();
    for op in [
        "GetUser",
        "UpdateUserAttributes",
        "DeleteUserAttributes",
        "GetUserAttributeVerificationCode",
        "VerifyUserAttribute",
        "SetUserMFAPreference",
        "DeleteUser",
    ] {
        counts.push(cognito_calls(op).await);
    }
    counts
}

#[wasm_bindgen_test]
async fn fetch_user_attributes_reads_what_cognito_has() {
    let (c, username) = client().await;
    let a = attributes(&c).await;
    assert_eq!(
        text(&a, &["email"]).as_deref(),
        Some(format!("{username}@example.com").as_str())
    );
    assert_eq!(text(&a, &["email_verified"]).as_deref(), Some("true"));
    let user = c.current_user().unwrap();
    assert_eq!(text(&a, &["sub"]), text(&user, &["sub"]));

    ok(c.sign_out(JsValue::UNDEFINED)).await;
    assert_eq!(
        rejection(c.fetch_user_attributes()).await.0,
        "NotAuthorizedException"
    );
}

#[wasm_bindgen_test]
async fn a_new_email_waits_for_the_code_sent_to_it() {
    let (c, username) = client().await;
    let new = format!("new-{username}@example.com");
    let result = ok(c.update_user_attributes(js(json!({
        "attributes": {"email": new, "name": "Zoë"}
    }))))
    .await;
    let email = get(&result, "email");
    assert_eq!(get(&email, "isUpdated").as_bool(), Some(false));
    assert_eq!(
        text(&email, &["nextStep", "name"]).as_deref(),
        Some("CONFIRM_ATTRIBUTE_WITH_CODE")
    );
    assert_eq!(
        text(&email, &["nextStep", "codeDelivery", "attribute"]).as_deref(),
        Some("email")
    );
    assert_eq!(
        text(&email, &["nextStep", "codeDelivery", "medium"]).as_deref(),
        Some("EMAIL")
    );
    let name = get(&result, "name");
    assert_eq!(get(&name, "isUpdated").as_bool(), Some(true));
    assert_eq!(text(&name, &["nextStep", "name"]).as_deref(), Some("DONE"));

    // The seeded pool keeps no original value: the new email is in force, unverified.
    let a = attributes(&c).await;
    assert_eq!(text(&a, &["email"]), Some(new.clone()));
    assert_eq!(text(&a, &["email_verified"]).as_deref(), Some("false"));
    assert_eq!(text(&a, &["name"]).as_deref(), Some("Zoë"));

    let code = last_code(&new).await;
    let refused = c.confirm_user_attribute(js(json!({"attribute": "email", "code": wrong(&code)})));
    assert_eq!(rejection(refused).await.0, "CodeMismatchException");
    assert_eq!(
        text(&attributes(&c).await, &["email_verified"]).as_deref(),
        Some("false")
    );
    ok(c.confirm_user_attribute(js(json!({"attribute": "email", "code": code})))).await;
    assert_eq!(
        text(&attributes(&c).await, &["email_verified"]).as_deref(),
        Some("true")
    );

    // The ID token says so after a refresh.
    ok(c.current_session(js(json!({"forceRefresh": true})))).await;
    assert_eq!(
        text(&c.current_user().unwrap(), &["email"]),
        Some(new.clone())
    );
}

#[wasm_bindgen_test]
async fn a_phone_number_is_verified_with_a_code_asked_for() {
    let (c, _) = client().await;
    let phone = format!("+1555{:07}", (js_sys::Math::random() * 1e7) as u32);
    let result =
        ok(c.update_user_attributes(js(json!({"attributes": {"phone_number": phone}})))).await;
    // The seeded pool does not verify phone numbers by itself: no code was sent.
    assert_eq!(
        get(&get(&result, "phone_number"), "isUpdated").as_bool(),
        Some(true)
    );
    assert_eq!(
        text(&attributes(&c).await, &["phone_number_verified"]).as_deref(),
        Some("false")
    );

    let delivery =
        ok(c.send_user_attribute_verification_code(js(json!({"attribute": "phone_number"})))).await;
    assert_eq!(text(&delivery, &["medium"]).as_deref(), Some("SMS"));
    assert_eq!(
        text(&delivery, &["attribute"]).as_deref(),
        Some("phone_number")
    );
    assert!(
        !text(&delivery, &["destination"])
            .unwrap()
            .contains(&phone[..8]),
        "the destination is masked"
    );
    let code = last_code(&phone).await;
    ok(c.confirm_user_attribute(js(json!({"attribute": "phone_number", "code": code})))).await;
    assert_eq!(
        text(&attributes(&c).await, &["phone_number_verified"]).as_deref(),
        Some("true")
    );
}

#[wasm_bindgen_test]
async fn deleted_attributes_are_gone_and_the_others_stay() {
    let (c, _) = client().await;
    ok(c.update_user_attributes(js(
        json!({"attributes": {"nickname": "zo", "locale": "fr"}}),
    )))
    .await;
    ok(c.delete_user_attributes(js(json!({"names": ["nickname"]})))).await;
    let a = attributes(&c).await;
    assert!(get(&a, "nickname").is_undefined());
    assert_eq!(text(&a, &["locale"]).as_deref(), Some("fr"));
}

#[wasm_bindgen_test]
async fn cognito_refusals_are_typed_and_change_nothing() {
    let (c, _) = client().await;
    ok(c.update_user_attributes(js(json!({"attributes": {"nickname": "zo"}})))).await;
    let before = js_sys::JSON::stringify(&attributes(&c).await).unwrap();

    let refusals = [
        c.update_user_attributes(js(
            json!({"attributes": {"nickname": "changed", "favourite_colour": "blue"}}),
        )),
        c.update_user_attributes(js(
            json!({"attributes": {"nickname": "changed", "sub": "x"}}),
        )),
        c.delete_user_attributes(js(json!({"names": ["nickname", "sub"]}))),
        c.send_user_attribute_verification_code(js(json!({"attribute": "nickname"}))),
    ];
    for p in refusals {
        assert_eq!(rejection(p).await.0, "InvalidParameterException");
    }
    assert_eq!(
        js_sys::JSON::stringify(&attributes(&c).await).unwrap(),
        before,
        "nothing changed"
    );
}

#[wasm_bindgen_test]
async fn bad_input_is_refused_before_any_request() {
    let (c, _) = client().await;
    let before = profile_calls().await;
    let cases: Vec<(js_sys::Promise, &str)> = vec![
        (
            c.update_user_attributes(js(json!({}))),
            "updateUserAttributes.attributes",
        ),
        (
            c.update_user_attributes(js(json!({"attributes": {}}))),
            "attributes",
        ),
        (
            c.update_user_attributes(js(json!({"attributes": {"name": 5}}))),
            "updateUserAttributes.attributes",
        ),
        (
            c.update_user_attributes(js(json!({"attributes": {"name": "x"}, "verify": true}))),
            "updateUserAttributes.verify",
        ),
        (
            c.update_user_attributes(JsValue::UNDEFINED),
            "updateUserAttributes",
        ),
        (
            c.delete_user_attributes(js(json!({"names": "nickname"}))),
            "deleteUserAttributes.names",
        ),
        (
            c.delete_user_attributes(js(json!({"names": ["nickname", 1]}))),
            "deleteUserAttributes.names",
        ),
        (c.delete_user_attributes(js(json!({"names": []}))), "names"),
        (
            c.delete_user_attributes(js(json!({"names": [""]}))),
            "names",
        ),
        (
            c.send_user_attribute_verification_code(js(json!({}))),
            "sendUserAttributeVerificationCode.attribute",
        ),
        (
            c.confirm_user_attribute(js(json!({"attribute": "email"}))),
            "confirmUserAttribute.code",
        ),
        (
            c.confirm_user_attribute(js(json!({"attribute": "email", "code": " "}))),
            "code",
        ),
        (c.update_mfa_preference(js(json!({}))), "mfa"),
        (
            c.update_mfa_preference(js(json!({"sms": "ON"}))),
            "updateMFAPreference.sms",
        ),
        (
            c.update_mfa_preference(js(json!({"webauthn": "ENABLED"}))),
            "updateMFAPreference.webauthn",
        ),
        (
            c.update_mfa_preference(js(json!({"sms": "PREFERRED", "email": "PREFERRED"}))),
            "email",
        ),
    ];
    for (p, field) in cases {
        assert_eq!(
            rejection(p).await,
            ("InvalidInputError".to_owned(), field.to_owned())
        );
    }
    assert_eq!(profile_calls().await, before, "no request went out");
}

/// RFC 4648 base32 (the TOTP secret's encoding).
fn base32(s: &str) -> Vec<u8> {
    let (mut bits, mut n, mut out) = (0u64, 0, Vec::new());
    for c in s.trim_end_matches('=').chars() {
        let v = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
            .find(c.to_ascii_uppercase())
            .expect("base32") as u64;
        bits = bits << 5 | v;
        n += 5;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

/// RFC 6238 TOTP now: HMAC-SHA1 over the 30-second step, 6 digits.
fn totp(secret: &str) -> String {
    let counter = (js_sys::Date::now() / 1000.0 / 30.0).floor() as u64;
    let mut mac = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(&base32(secret)).unwrap();
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let o = usize::from(h[19] & 0x0f);
    let code = u32::from_be_bytes([h[o] & 0x7f, h[o + 1], h[o + 2], h[o + 3]]) % 1_000_000;
    format!("{code:06}")
}

async fn mfa(c: &Client) -> (Vec<String>, Option<String>) {
    let p = ok(c.fetch_mfa_preference()).await;
    let enabled = js_sys::Array::from(&get(&p, "enabled"))
        .iter()
        .map(|v| v.as_string().unwrap())
        .collect();
    (enabled, get(&p, "preferred").as_string())
}

fn owned(names: &[&str], preferred: Option<&str>) -> (Vec<String>, Option<String>) {
    (
        names.iter().map(|s| (*s).to_owned()).collect(),
        preferred.map(str::to_owned),
    )
}

#[wasm_bindgen_test]
async fn mfa_preferences_for_sms_totp_and_email() {
    let (c, _) = client().await;
    assert_eq!(mfa(&c).await, owned(&[], None));

    ok(c.update_mfa_preference(js(json!({"email": "PREFERRED"})))).await;
    assert_eq!(mfa(&c).await, owned(&["EMAIL"], Some("EMAIL")));

    // Factors the user cannot receive yet: refused whole, nothing changes.
    for input in [
        json!({"sms": "ENABLED"}),
        json!({"totp": "ENABLED"}),
        json!({"email": "DISABLED", "totp": "PREFERRED"}),
    ] {
        let refused = c.update_mfa_preference(js(input.clone()));
        assert_eq!(
            rejection(refused).await.0,
            "InvalidParameterException",
            "{input}"
        );
        assert_eq!(mfa(&c).await, owned(&["EMAIL"], Some("EMAIL")), "{input}");
    }

    // With a phone number and an authenticator app, all three.
    ok(c.update_user_attributes(js(json!({"attributes": {"phone_number": "+15550000002"}})))).await;
    let setup = ok(c.set_up_totp()).await;
    let secret = text(&setup, &["totpSecret"]).unwrap();
    ok(c.verify_totp_setup(js(json!({"code": totp(&secret)})))).await;
    assert_eq!(mfa(&c).await, owned(&["TOTP", "EMAIL"], Some("TOTP")));

    ok(c.update_mfa_preference(js(
        json!({"sms": "PREFERRED", "totp": "NOT_PREFERRED", "email": "ENABLED"}),
    )))
    .await;
    assert_eq!(mfa(&c).await, owned(&["SMS", "TOTP", "EMAIL"], Some("SMS")));
    ok(c.update_mfa_preference(js(json!({"sms": "DISABLED", "email": "DISABLED"})))).await;
    assert_eq!(mfa(&c).await, owned(&["TOTP"], None));
}

/// Every key of `localStorage`, with its value.
fn local_storage() -> Vec<(String, String)> {
    let s = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let mut all: Vec<(String, String)> = (0..s.length().unwrap())
        .map(|i| {
            let k = s.key(i).unwrap().unwrap();
            let v = s.get_item(&k).unwrap().unwrap();
            (k, v)
        })
        .collect();
    all.sort();
    all
}

#[wasm_bindgen_test]
async fn delete_user_signs_out_and_leaves_nothing_in_storage() {
    let before = local_storage();
    let store = storage::open(StorageKind::Local).unwrap();
    let (c, username, password) = fresh_client(store).await;
    let sub = text(&c.current_user().unwrap(), &["sub"]).unwrap();
    let identity_id = JsFuture::from(c.identity_id())
        .await
        .unwrap()
        .as_string()
        .unwrap();
    let during = local_storage();
    let config = client_config().await;
    let prefix = storage::client_prefix(&config.user_pool_client_id);
    assert!(
        during.len() > before.len()
            && during.iter().any(|(k, _)| k.starts_with(&prefix))
            && during.iter().any(|(k, _)| k.contains(&sub)),
        "the session and the identity id were stored: {during:?}"
    );
    let events = Rc::new(RefCell::new(Vec::new()));
    let seen = events.clone();
    let listener = wasm_bindgen::closure::Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
        seen.borrow_mut().push(e.as_string().unwrap())
    });
    c.on_change(
        listener
            .as_ref()
            .unchecked_ref::<js_sys::Function>()
            .clone(),
    );

    ok(c.delete_user()).await;

    assert!(c.current_user().unwrap().is_null());
    assert_eq!(*events.borrow(), ["signedOut"]);
    let after = local_storage();
    assert_eq!(after, before, "storage is as it was before the sign-in");
    for needle in [&username, &sub, &identity_id] {
        assert!(
            !after
                .iter()
                .any(|(k, v)| k.contains(needle.as_str()) || v.contains(needle.as_str())),
            "{needle} left in storage"
        );
    }
    // Signed out here, and the user is gone at Cognito.
    assert_eq!(
        rejection(c.fetch_user_attributes()).await.0,
        "NotAuthorizedException"
    );
    assert_eq!(rejection(c.delete_user()).await.0, "NotAuthorizedException");
    let again = session().await;
    let e = again
        .sign_in(&username, Zeroizing::new(password))
        .await
        .unwrap_err();
    // The pool hides unknown users (PreventUserExistenceErrors).
    assert!(
        ["NotAuthorizedException", "UserNotFoundException"].contains(&e.code.as_str()),
        "{e}"
    );
}

#[wasm_bindgen_test]
async fn a_refused_delete_user_keeps_the_session() {
    // A session whose access token Cognito no longer accepts (signed out everywhere from another
    // device), but which this tab still holds: DeleteUser is refused, and nothing here changes.
    let store: Rc<dyn Store> = Rc::new(MemoryStore::default());
    let (c, username, password) = fresh_client(store.clone()).await;
    let other: Rc<Session<Fetch>> = session().await;
    other
        .sign_in(&username, Zeroizing::new(password))
        .await
        .unwrap();
    other.sign_out(true).await.unwrap();

    let client_id = client_config().await.user_pool_client_id;
    let stored = storage::load_tokens(store.as_ref(), &client_id);
    assert_eq!(rejection(c.delete_user()).await.0, "NotAuthorizedException");
    assert!(!c.current_user().unwrap().is_null(), "still signed in here");
    assert_eq!(storage::load_tokens(store.as_ref(), &client_id), stored);
}
