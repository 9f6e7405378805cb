//! Browser tests of sign-in and the account life, in headless Chromium against the local
//! backend, which checks every SRP proof, code and token as Cognito does.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use apiless::auth::session::{ChallengeResponse, Event, SignInStep};
use apiless::auth::storage::{self, MemoryStore, Store};
use apiless::auth::user_pool::UserPool;
use apiless::error::{ErrorKind, Result};
use apiless::http::Fetch;
use apiless::test_util::{Answer, ScriptedTransport};
use common::*;
use futures_util::future::join_all;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use zeroize::Zeroizing;

wasm_bindgen_test_configure!(run_in_browser);

fn pw(s: &str) -> Zeroizing<String> {
    Zeroizing::new(s.to_owned())
}

/// A password that meets the pool policy, with symbols and unicode.
fn new_password() -> String {
    format!("Pw-{}-É✓9a", random_hex(6))
}

fn signed_in(step: SignInStep) -> apiless::auth::session::User {
    match step {
        SignInStep::Done(user) => user,
        SignInStep::Next(next) => panic!("expected to be signed in, got the step {}", next.name),
    }
}

/// Registers and confirms a fresh user; returns its name and password.
async fn confirmed_user(s: &Rc<apiless::auth::session::Session<Fetch>>) -> (String, String) {
    let username = format!("user-{}", random_hex(6));
    let password = new_password();
    let r = s
        .sign_up(
            username.clone(),
            pw(&password),
            vec![("email".into(), format!("{username}@example.com"))],
        )
        .await
        .unwrap();
    assert!(!r.user_confirmed);
    s.confirm_sign_up(username.clone(), "123456".into())
        .await
        .unwrap();
    (username, password)
}

#[wasm_bindgen_test]
async fn alice_signs_in_with_srp_and_her_tokens_are_stored_in_the_peer_layout() {
    let store = Rc::new(MemoryStore::default());
    let s = common::session_with(Fetch::default(), store.clone(), &TestClock::default()).await;
    let events = Rc::new(RefCell::new(Vec::new()));
    let seen = events.clone();
    s.on_change(Rc::new(move |e| seen.borrow_mut().push(e)));

    let user = signed_in(
        s.sign_in("alice", pw(&password_of("alice").await))
            .await
            .unwrap(),
    );
    assert_eq!(user.username, "alice");
    assert_eq!(user.email.as_deref(), Some("alice@example.com"));
    assert!(user.expires_at_ms as f64 > js_sys::Date::now());
    assert_eq!(*events.borrow(), vec![Event::SignedIn]);

    let client = s.config().user_pool_client_id.clone();
    assert_eq!(
        store.get(&storage::last_user_key(&client)).as_deref(),
        Some("alice")
    );
    for item in ["idToken", "accessToken", "refreshToken"] {
        assert!(
            store
                .get(&storage::user_key(&client, "alice", item))
                .is_some(),
            "{item} stored"
        );
    }
    let claims = apiless::auth::tokens::claims(
        &store
            .get(&storage::user_key(&client, "alice", "idToken"))
            .unwrap(),
    )
    .unwrap();
    assert!(
        claims.iss.ends_with(&s.config().user_pool_id),
        "{}",
        claims.iss
    );
    assert_eq!(s.current_user().unwrap().sub, claims.sub);
}

#[wasm_bindgen_test]
async fn a_wrong_password_is_refused_by_the_verifier_and_nothing_is_stored() {
    let store = Rc::new(MemoryStore::default());
    let s = common::session_with(Fetch::default(), store.clone(), &TestClock::default()).await;
    let err = s
        .sign_in("alice", pw("Not-Her-Passw0rd!"))
        .await
        .unwrap_err();
    assert_eq!(err.code, "NotAuthorizedException", "{err}");
    assert_eq!(err.http_status, Some(400));
    assert!(
        !err.message.contains("Not-Her"),
        "the password never appears in errors"
    );
    assert!(s.current_user().is_none());
    assert!(store
        .get(&storage::last_user_key(&s.config().user_pool_client_id))
        .is_none());
}

#[wasm_bindgen_test]
async fn bad_input_is_refused_before_any_request() {
    let s = session().await;
    let before = cognito_calls("InitiateAuth").await;
    assert_eq!(
        s.sign_in("  ", pw("x")).await.unwrap_err().field.as_deref(),
        Some("username")
    );
    assert_eq!(
        s.sign_in("alice", pw(""))
            .await
            .unwrap_err()
            .field
            .as_deref(),
        Some("password")
    );
    let e = s
        .confirm_sign_in(ChallengeResponse {
            code: Some("123456".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        (e.kind, e.field.as_deref()),
        (ErrorKind::InvalidInput, Some("challenge")),
        "a challenge the server never sent"
    );
    assert_eq!(cognito_calls("InitiateAuth").await, before);
}

#[wasm_bindgen_test]
async fn sign_up_needs_the_emailed_code_before_sign_in() {
    let s = session().await;
    let username = format!("carol-{}", random_hex(4));
    let password = new_password();
    let r = s
        .sign_up(
            username.clone(),
            pw(&password),
            vec![("email".into(), "carol@example.com".into())],
        )
        .await
        .unwrap();
    assert!(!r.user_confirmed);
    assert!(!r.user_sub.is_empty());
    assert_eq!(r.code_delivery.unwrap().medium, "EMAIL");

    let e = s.sign_in(&username, pw(&password)).await.unwrap_err();
    assert_eq!(e.code, "UserNotConfirmedException", "{e}");
    assert_eq!(
        s.resend_sign_up_code(username.clone())
            .await
            .unwrap()
            .medium,
        "EMAIL"
    );
    let e = s
        .confirm_sign_up(username.clone(), "000000".into())
        .await
        .unwrap_err();
    assert_eq!(e.code, "CodeMismatchException", "{e}");
    s.confirm_sign_up(username.clone(), "123456".into())
        .await
        .unwrap();
    assert_eq!(
        signed_in(s.sign_in(&username, pw(&password)).await.unwrap()).username,
        username
    );

    let e = s
        .sign_up(username.clone(), pw(&password), vec![])
        .await
        .unwrap_err();
    assert_eq!(e.code, "UsernameExistsException", "{e}");
    let e = s
        .sign_up(format!("dave-{}", random_hex(4)), pw("short"), vec![])
        .await
        .unwrap_err();
    assert_eq!(e.code, "InvalidPasswordException", "{e}");
}

#[wasm_bindgen_test]
async fn a_forgotten_password_is_reset_with_the_code() {
    let s = session().await;
    let (username, old) = confirmed_user(&s).await;
    assert_eq!(
        s.forgot_password(username.clone()).await.unwrap().medium,
        "EMAIL"
    );
    let new = new_password();
    let e = s
        .confirm_forgot_password(username.clone(), "111111".into(), pw(&new))
        .await
        .unwrap_err();
    assert_eq!(e.code, "CodeMismatchException", "{e}");
    s.confirm_forgot_password(username.clone(), "654321".into(), pw(&new))
        .await
        .unwrap();
    assert_eq!(
        s.sign_in(&username, pw(&old)).await.unwrap_err().code,
        "NotAuthorizedException"
    );
    signed_in(s.sign_in(&username, pw(&new)).await.unwrap());
}

#[wasm_bindgen_test]
async fn the_password_can_be_changed_when_signed_in() {
    let s = session().await;
    let (username, old) = confirmed_user(&s).await;
    signed_in(s.sign_in(&username, pw(&old)).await.unwrap());
    let e = s
        .change_password(pw("Wrong-0ld!"), pw(&new_password()))
        .await
        .unwrap_err();
    assert_eq!(e.code, "NotAuthorizedException", "{e}");
    let new = new_password();
    s.change_password(pw(&old), pw(&new)).await.unwrap();
    signed_in(s.sign_in(&username, pw(&new)).await.unwrap());
}

#[wasm_bindgen_test]
async fn fifty_callers_at_expiry_share_one_refresh() {
    let clock = TestClock::default();
    let s = common::session_with(Fetch::default(), Rc::new(MemoryStore::default()), &clock).await;
    let events = Rc::new(RefCell::new(Vec::new()));
    let seen = events.clone();
    s.on_change(Rc::new(move |e| seen.borrow_mut().push(e)));
    signed_in(
        s.sign_in("alice", pw(&password_of("alice").await))
            .await
            .unwrap(),
    );
    let first = s.tokens().await.unwrap();

    // An hour later the tokens are about to expire.
    clock.advance_ms(3_600_000.0 - 30_000.0);
    let before = cognito_calls("GetTokensFromRefreshToken").await;
    let results = join_all((0..50).map(|_| s.tokens())).await;
    assert_eq!(
        cognito_calls("GetTokensFromRefreshToken").await - before,
        1,
        "one GetTokensFromRefreshToken for 50 callers"
    );
    let refreshed: Vec<_> = results.into_iter().map(Result::unwrap).collect();
    assert!(refreshed.iter().all(|t| *t == refreshed[0]));
    assert_eq!(
        refreshed[0].refresh_token, first.refresh_token,
        "no rotation: the refresh token is kept"
    );
    assert_eq!(
        *events.borrow(),
        vec![Event::SignedIn, Event::TokensRefreshed]
    );
    // And the next caller needs no refresh at all.
    s.tokens().await.unwrap();
    assert_eq!(cognito_calls("GetTokensFromRefreshToken").await - before, 1);
}

#[wasm_bindgen_test]
async fn global_sign_out_kills_the_old_refresh_token() {
    let store = Rc::new(MemoryStore::default());
    let s = common::session_with(Fetch::default(), store.clone(), &TestClock::default()).await;
    let (username, password) = confirmed_user(&s).await;
    signed_in(s.sign_in(&username, pw(&password)).await.unwrap());
    let old = s.tokens().await.unwrap();
    s.sign_out(true).await.unwrap();
    assert!(s.current_user().is_none());
    assert!(storage::load_tokens(store.as_ref(), &s.config().user_pool_client_id).is_none());
    let endpoint = endpoint().to_owned();
    let pool = UserPool {
        transport: &Fetch::default(),
        endpoint: &endpoint,
        client_id: &s.config().user_pool_client_id,
    };
    let e = pool.refresh(&old.refresh_token, None).await.unwrap_err();
    assert_eq!(e.code, "NotAuthorizedException", "{e}");
}

#[wasm_bindgen_test]
async fn local_sign_out_revokes_the_refresh_token() {
    let s = session().await;
    signed_in(
        s.sign_in("bob", pw(&password_of("bob").await))
            .await
            .unwrap(),
    );
    let old = s.tokens().await.unwrap();
    let before = cognito_calls("RevokeToken").await;
    s.sign_out(false).await.unwrap();
    assert_eq!(cognito_calls("RevokeToken").await - before, 1);
    let endpoint = endpoint().to_owned();
    let pool = UserPool {
        transport: &Fetch::default(),
        endpoint: &endpoint,
        client_id: &s.config().user_pool_client_id,
    };
    assert_eq!(
        pool.refresh(&old.refresh_token, None)
            .await
            .unwrap_err()
            .code,
        "NotAuthorizedException"
    );
}

#[wasm_bindgen_test]
async fn a_reloaded_page_restores_the_session_from_session_storage() {
    let web = storage::open(apiless::config::StorageKind::Session).expect("sessionStorage");
    let clock = TestClock::default();
    let before_reload = common::session_with(Fetch::default(), web.clone(), &clock).await;
    signed_in(
        before_reload
            .sign_in("alice", pw(&password_of("alice").await))
            .await
            .unwrap(),
    );
    drop(before_reload);

    // "Reload": a new session over the same browser storage, nothing in memory.
    let after = common::session_with(
        Fetch::default(),
        storage::open(apiless::config::StorageKind::Session).unwrap(),
        &clock,
    )
    .await;
    assert_eq!(
        after.current_user().map(|u| u.username).as_deref(),
        Some("alice")
    );
    // Its tokens still work: a refresh with the restored refresh token succeeds.
    clock.advance_ms(3_600_000.0);
    after.tokens().await.unwrap();
    after.sign_out(false).await.unwrap();
    let raw = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    // The pool tracks devices: the browser's device (its three items, as the peers keep them)
    // outlives the sign-out, so the next sign-in names it. Nothing else is left.
    let left: Vec<String> = (0..raw.length().unwrap())
        .filter_map(|i| raw.key(i).unwrap())
        .collect();
    assert!(
        left.iter().all(|k| k.ends_with(".alice.deviceKey")
            || k.ends_with(".alice.deviceGroupKey")
            || k.ends_with(".alice.randomPasswordKey")),
        "sign-out leaves nothing in sessionStorage but the device: {left:?}"
    );
    assert_eq!(left.len(), 3, "the device is kept whole: {left:?}");
}

#[wasm_bindgen_test]
async fn a_network_fault_keeps_the_session_and_a_revoked_token_ends_it() {
    // Requests go to the backend, but fail while the network is down.
    let network = ScriptedTransport::passing_to(Fetch::default());
    let clock = TestClock::default();
    let s = common::session_with(network.clone(), Rc::new(MemoryStore::default()), &clock).await;
    let events = Rc::new(RefCell::new(Vec::new()));
    let seen = events.clone();
    s.on_change(Rc::new(move |e| seen.borrow_mut().push(e)));
    let (username, password) = {
        let plain = session().await;
        confirmed_user(&plain).await
    };
    signed_in(s.sign_in(&username, pw(&password)).await.unwrap());
    let tokens = s.tokens().await.unwrap();

    clock.advance_ms(3_600_000.0);
    let down = apiless::Error::network("the network is down (test)");
    network.repeat(Some(Answer::Fail(down)));
    let e = s.tokens().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network);
    assert!(
        s.current_user().is_some(),
        "a transient fault keeps the session"
    );

    // Revoke the refresh token behind the session's back: the next refresh ends it.
    network.repeat(None);
    let endpoint = endpoint().to_owned();
    let pool = UserPool {
        transport: &Fetch::default(),
        endpoint: &endpoint,
        client_id: &s.config().user_pool_client_id,
    };
    pool.revoke_token(&tokens.refresh_token).await.unwrap();
    let e = s.tokens().await.unwrap_err();
    assert_eq!(e.code, "NotAuthorizedException", "{e}");
    assert!(
        s.current_user().is_none(),
        "an auth error clears the session"
    );
    assert_eq!(
        *events.borrow(),
        vec![Event::SignedIn, Event::SessionExpired]
    );
}

#[wasm_bindgen_test]
async fn a_browser_clock_an_hour_off_still_signs_in() {
    // Cognito checks TIMESTAMP; the session learns the skew from the challenge's Date header.
    let clock = TestClock::default();
    clock.advance_ms(-3_600_000.0);
    let s = common::session_with(Fetch::default(), Rc::new(MemoryStore::default()), &clock).await;
    signed_in(
        s.sign_in("alice", pw(&password_of("alice").await))
            .await
            .unwrap(),
    );
    let skew = s.clock().skew_ms();
    assert!((skew - 3_600_000).abs() < 5_000, "learned skew {skew}");
    // Tokens look fresh on the corrected clock, so no refresh is needed.
    let before = cognito_calls("GetTokensFromRefreshToken").await;
    s.tokens().await.unwrap();
    assert_eq!(cognito_calls("GetTokensFromRefreshToken").await, before);
}

async fn await_promise(p: js_sys::Promise) -> std::result::Result<JsValue, JsValue> {
    JsFuture::from(p).await
}

/// A JS client on the backend's config, its session in memory.
async fn memory_js_client() -> apiless::js::Client {
    let c = backend_config().await;
    let config = js_sys::JSON::parse(
        &serde_json::json!({
            "region": c["region"], "userPoolId": c["userPoolId"], "userPoolClientId": c["userPoolClientId"],
            "identityPoolId": c["identityPoolId"], "endpoint": c["endpoint"], "storage": "memory"
        })
        .to_string(),
    )
    .unwrap();
    apiless::js::create_client(config).unwrap()
}

#[wasm_bindgen_test]
async fn the_js_client_signs_in_with_plain_objects_and_rejects_with_real_errors() {
    let client = memory_js_client().await;
    client.prepare_sign_in(JsValue::UNDEFINED).unwrap();

    let input = js_sys::JSON::parse(
        &serde_json::json!({"username": "bob", "password": password_of("bob").await}).to_string(),
    )
    .unwrap();
    let result = await_promise(client.sign_in(input)).await.unwrap();
    assert_eq!(get(&result, "signedIn").as_bool(), Some(true));
    assert_eq!(
        get(&get(&result, "user"), "username")
            .as_string()
            .as_deref(),
        Some("bob")
    );
    let session = await_promise(client.current_session(JsValue::UNDEFINED))
        .await
        .unwrap();
    assert!(get(&session, "idToken")
        .as_string()
        .unwrap()
        .starts_with("eyJ"));
    assert!(get(&session, "expiresAt").as_f64().unwrap() > js_sys::Date::now());

    let wrong = js_sys::JSON::parse(r#"{"username":"bob","password":"Wrong-Passw0rd!"}"#).unwrap();
    let err = await_promise(client.sign_in(wrong)).await.unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(
        String::from(err.unchecked_ref::<js_sys::Error>().name()),
        "NotAuthorizedException"
    );
    assert!(get(&err, "requestId").as_string().is_some());
    assert_eq!(get(&err, "httpStatus").as_f64(), Some(400.0));

    let typo = js_sys::JSON::parse(r#"{"username":"bob","pasword":"x"}"#).unwrap();
    let err = await_promise(client.sign_in(typo)).await.unwrap_err();
    assert_eq!(
        String::from(err.unchecked_ref::<js_sys::Error>().name()),
        "InvalidInputError"
    );
    // A misspelt field is named, with the field it was meant to be.
    let message = String::from(err.unchecked_ref::<js_sys::Error>().message());
    assert!(message.contains("did you mean password?"), "{message}");
    assert_eq!(
        get(&err, "field").as_string().as_deref(),
        Some("signIn.pasword")
    );

    // A wrongly typed secret is never quoted back.
    let numeric = js_sys::JSON::parse(r#"{"username":"bob","password":98765432}"#).unwrap();
    let err = await_promise(client.sign_in(numeric)).await.unwrap_err();
    let message = String::from(err.unchecked_ref::<js_sys::Error>().message());
    assert!(!message.contains("98765432"), "{message}");
    assert_eq!(
        get(&err, "field").as_string().as_deref(),
        Some("signIn.password")
    );

    await_promise(client.sign_out(JsValue::UNDEFINED))
        .await
        .unwrap();
    assert!(client.current_user().unwrap().is_null());
}

#[wasm_bindgen_test]
async fn an_early_start_on_the_username_leaves_one_round_trip_for_the_submit() {
    let client = memory_js_client().await;
    let before = cognito_calls("InitiateAuth").await;
    let username = js_sys::JSON::parse(r#"{"username":"bob"}"#).unwrap();
    client.prepare_sign_in(username.clone()).unwrap();
    // The early InitiateAuth goes out on its own, while the user would type the password.
    let mut polls = 0;
    while cognito_calls("InitiateAuth").await == before {
        polls += 1;
        assert!(
            polls < 200,
            "the early InitiateAuth never reached the backend"
        );
    }
    client.prepare_sign_in(username).unwrap();
    let initiated = cognito_calls("InitiateAuth").await;
    assert_eq!(
        initiated,
        before + 1,
        "preparing the same username again sends nothing"
    );
    let answered = cognito_calls("RespondToAuthChallenge").await;

    let input = js_sys::JSON::parse(
        &serde_json::json!({"username": "bob", "password": password_of("bob").await}).to_string(),
    )
    .unwrap();
    let result = await_promise(client.sign_in(input)).await.unwrap();
    assert_eq!(
        get(&result, "signedIn").as_bool(),
        Some(true),
        "the backend took the early challenge's proof"
    );
    assert_eq!(
        cognito_calls("InitiateAuth").await,
        initiated,
        "the submit sent no InitiateAuth"
    );
    assert_eq!(cognito_calls("RespondToAuthChallenge").await, answered + 1);

    // A bad input is refused at once, and nothing is sent.
    let typo = js_sys::JSON::parse(r#"{"user":"bob"}"#).unwrap();
    let err = client.prepare_sign_in(typo).unwrap_err();
    assert_eq!(
        String::from(err.unchecked_ref::<js_sys::Error>().name()),
        "InvalidInputError"
    );
    assert_eq!(cognito_calls("InitiateAuth").await, initiated);
}
