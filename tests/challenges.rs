//! The sign-in challenges, in headless Chromium against the local backend, which issues and
//! checks them as Cognito does: NEW_PASSWORD_REQUIRED for a user an administrator created, and
//! SOFTWARE_TOKEN_MFA (checked against the enrolled TOTP secret) after a signed-in user set up
//! TOTP. SMS_MFA, EMAIL_OTP, SELECT_MFA_TYPE and MFA_SETUP at sign-in are in `tests/mfa.rs`.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::rc::Rc;

use apiless::auth::session::{ChallengeResponse, Session, SignInStep};
use apiless::auth::storage::MemoryStore;
use apiless::error::ErrorKind;
use apiless::http::Fetch;
use common::*;
use hmac::{Hmac, KeyInit, Mac};
use wasm_bindgen_test::*;
use zeroize::Zeroizing;

wasm_bindgen_test_configure!(run_in_browser);

fn pw(s: &str) -> Zeroizing<String> {
    Zeroizing::new(s.to_owned())
}

fn next(step: SignInStep) -> apiless::auth::session::NextStep {
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

/// RFC 4648 base32 (the TOTP secret's encoding).
fn base32(s: &str) -> Vec<u8> {
    let mut bits = 0u64;
    let mut n = 0;
    let mut out = Vec::new();
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

/// RFC 6238 TOTP: HMAC-SHA1 over the 30-second step, 6 digits.
fn totp(secret: &str, now_ms: f64) -> String {
    let counter = (now_ms / 1000.0 / 30.0).floor() as u64;
    let mut mac = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(&base32(secret)).unwrap();
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let o = usize::from(h[19] & 0x0f);
    let code = u32::from_be_bytes([h[o] & 0x7f, h[o + 1], h[o + 2], h[o + 3]]) % 1_000_000;
    format!("{code:06}")
}

#[wasm_bindgen_test]
async fn an_admin_created_user_sets_a_new_password_at_first_sign_in() {
    let s = session().await;
    let (username, temporary) = fixture_user("main", true).await;
    let step = next(s.sign_in(&username, pw(&temporary)).await.unwrap());
    assert_eq!(step.name, "NEW_PASSWORD_REQUIRED");

    let e = s
        .confirm_sign_in(ChallengeResponse {
            code: Some("x".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (ErrorKind::InvalidInput, Some("newPassword"))
    );

    // (ministack does not apply the password policy to NEW_PASSWORD; AWS does.)
    let new = format!("New-{}-Pw9!", random_hex(4));
    let user = done(
        s.confirm_sign_in(ChallengeResponse {
            new_password: Some(new.clone()),
            ..Default::default()
        })
        .await
        .unwrap(),
    );
    assert_eq!(user.username, username);
    // From now on the new password signs in directly, and the temporary one is dead.
    let fresh = session().await;
    assert_eq!(
        fresh
            .sign_in(&username, pw(&temporary))
            .await
            .unwrap_err()
            .code,
        "NotAuthorizedException"
    );
    done(fresh.sign_in(&username, pw(&new)).await.unwrap());
}

#[wasm_bindgen_test]
async fn a_user_who_set_up_totp_is_asked_for_its_code_at_sign_in() {
    let s = Session::new(
        fixture_pool_config("factors").await,
        Fetch::default(),
        Rc::new(MemoryStore::default()),
        Box::new(js_sys::Date::now),
        Box::new(random),
    );
    let (username, password) = fixture_user("factors", false).await;
    // MFA is optional in this pool: no factor yet, no challenge.
    done(s.sign_in(&username, pw(&password)).await.unwrap());

    let setup = s.setup_totp().await.unwrap();
    assert!(
        setup.uri.starts_with("otpauth://totp/")
            && setup.uri.contains(&format!("secret={}", setup.secret)),
        "{}",
        setup.uri
    );
    let wrong = if totp(&setup.secret, js_sys::Date::now()) == "000000" {
        "111111"
    } else {
        "000000"
    };
    assert_eq!(
        s.verify_totp_setup(wrong.into()).await.unwrap_err().code,
        "EnableSoftwareTokenMFAException"
    );
    s.verify_totp_setup(totp(&setup.secret, js_sys::Date::now()))
        .await
        .unwrap();

    // Next time: the password, then the authenticator's code.
    s.sign_out(false).await.unwrap();
    let step = next(s.sign_in(&username, pw(&password)).await.unwrap());
    assert_eq!(step.name, "SOFTWARE_TOKEN_MFA");
    let e = s
        .confirm_sign_in(ChallengeResponse::default())
        .await
        .unwrap_err();
    assert_eq!(
        e.field.as_deref(),
        Some("code"),
        "no code: refused before any request"
    );
    let e = s
        .confirm_sign_in(ChallengeResponse {
            code: Some(wrong.into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.code, "CodeMismatchException", "{e}");
    let user = done(
        s.confirm_sign_in(ChallengeResponse {
            code: Some(totp(&setup.secret, js_sys::Date::now())),
            ..Default::default()
        })
        .await
        .unwrap(),
    );
    assert_eq!(user.username, username);
}

#[wasm_bindgen_test]
async fn an_expired_challenge_is_refused_before_any_request() {
    let clock = TestClock::default();
    let s = common::session_with(Fetch::default(), Rc::new(MemoryStore::default()), &clock).await;
    let (username, temporary) = fixture_user("main", true).await;
    assert_eq!(
        next(s.sign_in(&username, pw(&temporary)).await.unwrap()).name,
        "NEW_PASSWORD_REQUIRED"
    );
    clock.advance_ms(4.0 * 60_000.0);
    let e = s
        .confirm_sign_in(ChallengeResponse {
            new_password: Some("New-Passw0rd!x".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("challenge"));
    assert!(e.message.contains("expired"), "{e}");
}
