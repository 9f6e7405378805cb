//! MFA at sign-in, in the browser against the local backend, which issues and checks every MFA
//! challenge as Cognito does (backend/cognito_mfa.py) and "sends" SMS and email codes through
//! its SES recorder, where these tests read them: SMS_MFA and EMAIL_OTP for a preferred factor,
//! SELECT_MFA_TYPE for several factors and none preferred (each choice), MFA_SETUP on a pool
//! that requires MFA (TOTP associated, then verified, during the sign-in), a wrong code
//! (CodeMismatchException, then the right one still signs in) and an expired challenge.
//! A user turns factors on as an app does: signed in, with `updateMFAPreference`. The last test
//! takes one path through the JS surface (`signIn`, `confirmSignIn` with `mfaType`, then `code`).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::rc::Rc;

use apiless::auth::session::{ChallengeResponse, NextStep, Session, SignInStep};
use apiless::auth::storage::MemoryStore;
use apiless::http::Fetch;
use apiless::js::Client;
use common::*;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::json;
use wasm_bindgen_test::*;
use zeroize::Zeroizing;

wasm_bindgen_test_configure!(run_in_browser);

/// A user of a fixture pool, with a session of that pool (signed out).
struct User {
    session: Rc<Session<Fetch>>,
    username: String,
    password: String,
    email: String,
    phone: String,
}

impl User {
    async fn new(pool: &str) -> User {
        let u = post(
            "/_apiless/fixtures/user",
            &json!({"pool": pool, "temporary": false}),
        )
        .await;
        let username = u["username"].as_str().unwrap().to_owned();
        User {
            session: Session::new(
                fixture_pool_config(pool).await,
                Fetch::default(),
                Rc::new(MemoryStore::default()),
                Box::new(js_sys::Date::now),
                Box::new(random),
            ),
            email: format!("{username}@example.com"),
            phone: u["phone"].as_str().unwrap_or_default().to_owned(),
            password: u["password"].as_str().unwrap().to_owned(),
            username,
        }
    }

    async fn sign_in(&self) -> SignInStep {
        self.session
            .sign_in(&self.username, Zeroizing::new(self.password.clone()))
            .await
            .unwrap()
    }

    /// Signs in (no MFA yet), changes the MFA preference as an app does, signs out.
    async fn turn_on(&self, preference: serde_json::Value) {
        done(self.sign_in().await);
        let client = Client::with_session(self.session.clone());
        ok(client.update_mfa_preference(js(preference))).await;
        self.session.sign_out(false).await.unwrap();
    }

    async fn answer(&self, code: &str) -> apiless::error::Result<SignInStep> {
        self.session
            .confirm_sign_in(ChallengeResponse {
                code: Some(code.to_owned()),
                ..Default::default()
            })
            .await
    }

    async fn choose(&self, mfa_type: &str) -> apiless::error::Result<SignInStep> {
        self.session
            .confirm_sign_in(ChallengeResponse {
                mfa_type: Some(mfa_type.to_owned()),
                ..Default::default()
            })
            .await
    }
}

fn next(step: SignInStep) -> NextStep {
    match step {
        SignInStep::Next(n) => n,
        SignInStep::Done(u) => panic!("expected a challenge, {} was signed in", u.username),
    }
}

fn done(step: SignInStep) -> apiless::auth::session::User {
    match step {
        SignInStep::Done(u) => u,
        SignInStep::Next(n) => panic!("expected to be signed in, got {}", n.name),
    }
}

/// RFC 6238 TOTP of a base32 secret at the browser's time: HMAC-SHA1, 30 s, 6 digits.
fn totp(secret: &str) -> String {
    let (mut bits, mut n, mut key) = (0u64, 0, Vec::new());
    for c in secret.trim_end_matches('=').chars() {
        let v = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
            .find(c.to_ascii_uppercase())
            .expect("base32") as u64;
        (bits, n) = (bits << 5 | v, n + 5);
        if n >= 8 {
            n -= 8;
            key.push((bits >> n) as u8);
        }
    }
    let counter = (js_sys::Date::now() / 1000.0 / 30.0).floor() as u64;
    let mut mac = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(&key).unwrap();
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let o = usize::from(h[19] & 0x0f);
    let code = u32::from_be_bytes([h[o] & 0x7f, h[o + 1], h[o + 2], h[o + 3]]) % 1_000_000;
    format!("{code:06}")
}

/// The code step `step` asks for: read where the backend sent it, or from the authenticator.
async fn code_for(user: &User, step: &NextStep, secret: Option<&str>) -> String {
    match step.name.as_str() {
        "SMS_MFA" => last_code(&user.phone).await,
        "EMAIL_OTP" => last_code(&user.email).await,
        "SOFTWARE_TOKEN_MFA" => totp(secret.expect("a TOTP secret")),
        other => panic!("no code for {other}"),
    }
}

#[wasm_bindgen_test]
async fn a_preferred_sms_factor_asks_for_the_code_sent_by_sms() {
    let user = User::new("factors").await;
    user.turn_on(json!({"sms": "PREFERRED"})).await;

    let step = next(user.sign_in().await);
    assert_eq!(step.name, "SMS_MFA");
    let delivery = step.code_delivery.clone().expect("where the code went");
    assert_eq!(delivery.medium, "SMS");
    assert!(
        delivery
            .destination
            .ends_with(&user.phone[user.phone.len() - 4..])
            && !delivery.destination.contains(&user.phone),
        "{}",
        delivery.destination
    );
    let code = last_code(&user.phone).await;
    let e = user.answer(&wrong(&code)).await.unwrap_err();
    assert_eq!(e.code, "CodeMismatchException", "{e}");
    // The challenge stays open after a wrong code: the right one still signs in.
    let signed_in = done(user.answer(&code).await.unwrap());
    assert_eq!(signed_in.username, user.username);
}

#[wasm_bindgen_test]
async fn a_preferred_email_factor_asks_for_the_code_sent_by_email() {
    let user = User::new("factors").await;
    user.turn_on(json!({"email": "PREFERRED", "sms": "ENABLED"}))
        .await;

    let step = next(user.sign_in().await);
    assert_eq!(step.name, "EMAIL_OTP");
    let delivery = step.code_delivery.clone().expect("where the code went");
    assert_eq!(delivery.medium, "EMAIL");
    assert!(
        !delivery.destination.contains(&user.email),
        "{}",
        delivery.destination
    );
    let code = last_code(&user.email).await;
    assert_eq!(
        user.answer(&wrong(&code)).await.unwrap_err().code,
        "CodeMismatchException"
    );
    done(user.answer(&code).await.unwrap());
}

#[wasm_bindgen_test]
async fn several_factors_and_none_preferred_let_the_user_choose_each() {
    let user = User::new("factors").await;
    done(user.sign_in().await);
    let setup = user.session.setup_totp().await.unwrap();
    user.session
        .verify_totp_setup(totp(&setup.secret))
        .await
        .unwrap();
    let client = Client::with_session(user.session.clone());
    ok(client.update_mfa_preference(js(
        json!({"sms": "ENABLED", "email": "ENABLED", "totp": "NOT_PREFERRED"}),
    )))
    .await;
    user.session.sign_out(false).await.unwrap();

    for choice in ["SMS_MFA", "EMAIL_OTP", "SOFTWARE_TOKEN_MFA"] {
        let select = next(user.sign_in().await);
        assert_eq!(select.name, "SELECT_MFA_TYPE");
        let mut types = select.mfa_types.clone();
        types.sort();
        assert_eq!(types, ["EMAIL_OTP", "SMS_MFA", "SOFTWARE_TOKEN_MFA"]);
        let e = user.choose("WEB_AUTHN").await.unwrap_err();
        assert_eq!(
            e.field.as_deref(),
            Some("mfaType"),
            "refused before any request"
        );

        let step = next(user.choose(choice).await.unwrap());
        assert_eq!(step.name, choice);
        let code = code_for(&user, &step, Some(&setup.secret)).await;
        assert_eq!(
            user.answer(&wrong(&code)).await.unwrap_err().code,
            "CodeMismatchException",
            "{choice}"
        );
        done(user.answer(&code).await.unwrap());
        user.session.sign_out(false).await.unwrap();
    }
}

#[wasm_bindgen_test]
async fn a_pool_that_requires_mfa_sets_totp_up_during_the_sign_in() {
    let user = User::new("mfa").await;
    let step = next(user.sign_in().await);
    assert_eq!(step.name, "MFA_SETUP");
    assert_eq!(step.mfa_types, ["SOFTWARE_TOKEN_MFA"]);

    let setup = user.session.setup_totp().await.unwrap();
    assert!(setup.uri.contains(&setup.secret), "{}", setup.uri);
    let e = user.answer(&wrong(&totp(&setup.secret))).await.unwrap_err();
    assert_eq!(e.code, "EnableSoftwareTokenMFAException", "{e}");
    let signed_in = done(user.answer(&totp(&setup.secret)).await.unwrap());
    assert_eq!(signed_in.username, user.username);

    // Set up: the next sign-in asks for the authenticator's code.
    user.session.sign_out(false).await.unwrap();
    let step = next(user.sign_in().await);
    assert_eq!(step.name, "SOFTWARE_TOKEN_MFA");
    done(user.answer(&totp(&setup.secret)).await.unwrap());
}

#[wasm_bindgen_test]
async fn an_expired_mfa_challenge_is_refused_by_the_backend() {
    let user = User::new("factors").await;
    user.turn_on(json!({"sms": "PREFERRED"})).await;
    assert_eq!(next(user.sign_in().await).name, "SMS_MFA");
    let code = last_code(&user.phone).await;
    // Cognito keeps a challenge 3 minutes; the backend ends this one now.
    let expired = post(
        "/_apiless/fixtures/expire-mfa",
        &json!({"username": user.username}),
    )
    .await;
    assert_eq!(expired["expired"], 1);
    let e = user.answer(&code).await.unwrap_err();
    assert_eq!(e.code, "NotAuthorizedException", "{e}");
    assert!(e.message.contains("expired"), "{e}");
}

#[wasm_bindgen_test]
async fn the_js_client_chooses_a_factor_and_answers_its_code() {
    use wasm_bindgen::JsCast;
    let user = User::new("factors").await;
    user.turn_on(json!({"sms": "ENABLED", "email": "ENABLED"}))
        .await;
    let c = Client::with_session(user.session.clone());

    let r = ok(c.sign_in(js(
        json!({"username": user.username, "password": user.password}),
    )))
    .await;
    assert_eq!(get(&r, "signedIn"), false);
    let step = get(&r, "nextStep");
    assert_eq!(get(&step, "name"), "SELECT_MFA_TYPE");
    let mut types: Vec<String> = js_sys::Array::from(&get(&step, "mfaTypes"))
        .iter()
        .map(|t| t.as_string().unwrap())
        .collect();
    types.sort();
    assert_eq!(types, ["EMAIL_OTP", "SMS_MFA"]);

    let r = ok(c.confirm_sign_in(js(json!({"mfaType": "EMAIL_OTP"})))).await;
    let step = get(&r, "nextStep");
    assert_eq!(get(&step, "name"), "EMAIL_OTP");
    assert_eq!(get(&get(&step, "codeDelivery"), "medium"), "EMAIL");
    let code = last_code(&user.email).await;
    let e =
        wasm_bindgen_futures::JsFuture::from(c.confirm_sign_in(js(json!({"code": wrong(&code)}))))
            .await
            .unwrap_err();
    assert_eq!(
        String::from(e.unchecked_ref::<js_sys::Error>().name()),
        "CodeMismatchException"
    );
    let r = ok(c.confirm_sign_in(js(json!({"code": code})))).await;
    assert_eq!(get(&r, "signedIn"), true);
    assert_eq!(
        get(&c.current_user().unwrap(), "username"),
        user.username.as_str()
    );
}
