//! Choice-based sign-in (`USER_AUTH`) in the browser against the local backend, which offers the
//! pool's first factors, sends and checks one-time codes and single-use sessions as Cognito does
//! (backend/cognito_userauth.py) and "sends" codes through its SES recorder, where these tests
//! read them. The seeded choice-based pool (SignInPolicy PASSWORD, EMAIL_OTP, SMS_OTP, a client
//! with ALLOW_USER_AUTH) is trusted by the identity pool, so a code sign-in ends with AWS
//! credentials. Through the JS surface (`signIn`, `confirmSignIn`, `signUp`, `confirmSignUp`,
//! `autoSignIn`), as an app calls it.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::rc::Rc;

use apiless::auth::session::Session;
use apiless::auth::storage::{self, MemoryStore};
use apiless::config::{Config, RawConfig};
use apiless::http::Fetch;
use apiless::js::Client;
use common::*;
use serde_json::json;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The choice-based pool's config, with the identity pool.
async fn config() -> Config {
    let pool = fixture_pool_config("userAuth").await;
    let c = backend_config().await;
    Config::validate(RawConfig {
        region: Some(field(&c, "region").into()),
        user_pool_id: Some(pool.user_pool_id.clone()),
        user_pool_client_id: Some(pool.user_pool_client_id.clone()),
        identity_pool_id: Some(field(&c, "identityPoolId").into()),
        endpoint: Some(field(&c, "endpoint").into()),
        storage: Some("memory".into()),
        attempt_timeout_ms: None,
        guest_access: None,
    })
    .expect("the choice-based pool's config validates")
}

struct App {
    client: Client,
    store: Rc<MemoryStore>,
    client_id: String,
}

impl App {
    async fn new() -> App {
        let store = Rc::new(MemoryStore::default());
        let config = config().await;
        let client_id = config.user_pool_client_id.clone();
        let session = Session::new(
            config,
            Fetch::default(),
            store.clone(),
            Box::new(js_sys::Date::now),
            Box::new(random),
        );
        App {
            client: Client::with_session(session),
            store,
            client_id,
        }
    }

    fn stored(&self) -> bool {
        storage::load_tokens(self.store.as_ref(), &self.client_id).is_some()
    }

    async fn refused(&self, p: js_sys::Promise) -> (String, JsValue) {
        let e = wasm_bindgen_futures::JsFuture::from(p).await.unwrap_err();
        let name = String::from(e.unchecked_ref::<js_sys::Error>().name());
        (name, e)
    }

    /// Signed in, with the session's AWS credentials from the identity pool.
    async fn assert_signed_in_with_credentials(&self, username: &str) {
        assert_eq!(
            get(&self.client.current_user().unwrap(), "username"),
            username
        );
        assert!(self.stored(), "the session is stored");
        let id = ok(self.client.identity_id()).await.as_string().unwrap();
        assert!(id.starts_with("us-east-1:"), "{id}");
    }
}

/// A fresh confirmed user of the choice-based pool: (username, password, email, phone).
async fn new_user() -> (String, String, String, String) {
    let u = post(
        "/_apiless/fixtures/user",
        &json!({"pool": "userAuth", "temporary": false}),
    )
    .await;
    let username = u["username"].as_str().unwrap().to_owned();
    (
        username.clone(),
        u["password"].as_str().unwrap().to_owned(),
        format!("{username}@example.com"),
        u["phone"].as_str().unwrap().to_owned(),
    )
}

fn strings(v: &JsValue) -> Vec<String> {
    js_sys::Array::from(v)
        .iter()
        .map(|s| s.as_string().unwrap())
        .collect()
}

#[wasm_bindgen_test]
async fn a_chosen_email_code_signs_in_with_aws_credentials() {
    let (username, _, email, _) = new_user().await;
    let app = App::new().await;
    let r = ok(app.client.sign_in(js(json!({"username": username})))).await;
    assert_eq!(get(&r, "signedIn"), false);
    let step = get(&r, "nextStep");
    assert_eq!(get(&step, "name"), "SELECT_CHALLENGE");
    assert_eq!(
        strings(&get(&step, "availableChallenges")),
        ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"]
    );

    let r = ok(app
        .client
        .confirm_sign_in(js(json!({"firstFactor": "EMAIL_OTP"}))))
    .await;
    let step = get(&r, "nextStep");
    assert_eq!(get(&step, "name"), "EMAIL_OTP");
    assert_eq!(get(&get(&step, "codeDelivery"), "medium"), "EMAIL");
    let code = last_code(&email).await;
    let r = ok(app.client.confirm_sign_in(js(json!({"code": code})))).await;
    assert_eq!(get(&r, "signedIn"), true);
    app.assert_signed_in_with_credentials(&username).await;
}

#[wasm_bindgen_test]
async fn a_wrong_code_is_code_mismatch_and_leaves_nothing_stored() {
    let (username, _, email, _) = new_user().await;
    let app = App::new().await;
    let r = ok(app.client.sign_in(js(
        json!({"username": username, "preferredChallenge": "EMAIL_OTP"}),
    )))
    .await;
    assert_eq!(get(&get(&r, "nextStep"), "name"), "EMAIL_OTP");
    let code = last_code(&email).await;
    let (name, _) = app
        .refused(
            app.client
                .confirm_sign_in(js(json!({"code": wrong(&code)}))),
        )
        .await;
    assert_eq!(name, "CodeMismatchException");
    assert!(!app.stored(), "nothing stored after a wrong code");
    assert!(app.client.current_user().unwrap().is_null());
    // The step stays open: the right code signs in.
    let r = ok(app.client.confirm_sign_in(js(json!({"code": code})))).await;
    assert_eq!(get(&r, "signedIn"), true);
}

#[wasm_bindgen_test]
async fn a_preferred_sms_code_signs_in() {
    let (username, _, _, phone) = new_user().await;
    let app = App::new().await;
    let r = ok(app.client.sign_in(js(
        json!({"username": username, "preferredChallenge": "SMS_OTP"}),
    )))
    .await;
    let step = get(&r, "nextStep");
    assert_eq!(get(&step, "name"), "SMS_OTP");
    let delivery = get(&step, "codeDelivery");
    assert_eq!(get(&delivery, "medium"), "SMS");
    let code = last_code(&phone).await;
    let r = ok(app.client.confirm_sign_in(js(json!({"code": code})))).await;
    assert_eq!(get(&r, "signedIn"), true);
    app.assert_signed_in_with_credentials(&username).await;
}

#[wasm_bindgen_test]
async fn preferred_password_srp_proves_the_password_and_a_wrong_one_fails() {
    let (username, password, _, _) = new_user().await;
    let app = App::new().await;
    let (name, _) = app
        .refused(app.client.sign_in(js(json!({
            "username": username, "preferredChallenge": "PASSWORD_SRP", "password": format!("{password}x")
        }))))
        .await;
    assert_eq!(name, "NotAuthorizedException");
    assert!(!app.stored());
    let r = ok(app.client.sign_in(js(json!({
        "username": username, "preferredChallenge": "PASSWORD_SRP", "password": password
    }))))
    .await;
    assert_eq!(get(&r, "signedIn"), true);
    app.assert_signed_in_with_credentials(&username).await;
}

#[wasm_bindgen_test]
async fn a_chosen_password_srp_signs_in() {
    let (username, password, _, _) = new_user().await;
    let app = App::new().await;
    ok(app.client.sign_in(js(json!({"username": username})))).await;
    let r = ok(app.client.confirm_sign_in(js(
        json!({"firstFactor": "PASSWORD_SRP", "password": password}),
    )))
    .await;
    assert_eq!(get(&r, "signedIn"), true);
}

#[wasm_bindgen_test]
async fn passwordless_sign_up_confirm_and_auto_sign_in() {
    let app = App::new().await;
    let username = format!("ua-{}", random_hex(5));
    let email = format!("{username}@example.com");
    let r = ok(app.client.sign_up(js(
        json!({"username": username, "attributes": {"email": email}}),
    )))
    .await;
    assert_eq!(get(&r, "userConfirmed"), false);
    let (name, e) = app.refused(app.client.auto_sign_in()).await;
    assert_eq!(name, "InvalidInputError", "{e:?}");
    ok(app.client.confirm_sign_up(js(
        json!({"username": username, "code": last_code(&email).await}),
    )))
    .await;
    let r = ok(app.client.auto_sign_in()).await;
    assert_eq!(get(&r, "signedIn"), true);
    app.assert_signed_in_with_credentials(&username).await;

    // No password: the user signs in with a code only.
    let other = App::new().await;
    let r = ok(other.client.sign_in(js(json!({"username": username})))).await;
    assert_eq!(
        strings(&get(&get(&r, "nextStep"), "availableChallenges")),
        ["EMAIL_OTP"]
    );
}
