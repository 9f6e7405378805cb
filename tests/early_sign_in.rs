//! `prepare_sign_in` with a username: `InitiateAuth` goes out before the password is submitted,
//! and `sign_in` then sends only `RespondToAuthChallenge`, or starts again for another
//! username, an early start too old to answer, or one that failed. A scripted transport
//! answers; each test checks the exact requests.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::Cell;
use std::rc::Rc;

use apiless::auth::session::{Session, SignInStep, EARLY_START_MAX_AGE_MS};
use apiless::auth::storage::MemoryStore;
use apiless::config::{Config, RawConfig};
use apiless::error::Error;
use apiless::test_util::{block_on, poll_once, target, Answer, ScriptedTransport};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use zeroize::Zeroizing;

const NOW_MS: f64 = 1_767_225_600_000.0; // 2026-01-01T00:00:00Z

fn verifier(user: &str) -> Answer {
    Answer::aws_json(
        json!({
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeParameters": {
                "SALT": "a1b2c3d4", "SRP_B": "ff".repeat(300), "SECRET_BLOCK": "c2VjcmV0LWJsb2Nr",
                "USERNAME": user, "USER_ID_FOR_SRP": user
            }
        })
        .to_string(),
    )
}

fn tokens(user: &str) -> Answer {
    let jwt = |claims: Value| format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(claims.to_string()));
    let exp = NOW_MS as i64 / 1000 + 3600;
    let iss = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1";
    Answer::aws_json(
        json!({
            "AuthenticationResult": {
                "IdToken": jwt(json!({"sub": "s", "iss": iss, "aud": "client1", "exp": exp, "iat": exp - 3600, "cognito:username": user, "token_use": "id"})),
                "AccessToken": jwt(json!({"sub": "s", "iss": iss, "client_id": "client1", "exp": exp, "iat": exp - 3600, "username": user, "token_use": "access"})),
                "RefreshToken": "opaque-refresh", "ExpiresIn": 3600, "TokenType": "Bearer"
            },
            "ChallengeParameters": {}
        })
        .to_string(),
    )
}

/// A session on a clock the test moves, whose random bytes differ at every call (so a reused
/// `a` would show as the same `SRP_A` twice).
fn session(
    answers: Vec<Answer>,
) -> (
    Rc<Session<ScriptedTransport>>,
    ScriptedTransport,
    Rc<Cell<f64>>,
) {
    let script = ScriptedTransport::answering(answers);
    let now = Rc::new(Cell::new(NOW_MS));
    let clock = now.clone();
    let calls = Cell::new(0u8);
    let config = Config::validate(RawConfig {
        region: Some("us-east-1".into()),
        user_pool_id: Some("us-east-1_Pool1".into()),
        user_pool_client_id: Some("client1".into()),
        storage: Some("memory".into()),
        ..RawConfig::default()
    })
    .unwrap();
    let session = Session::new(
        config,
        script.clone(),
        Rc::new(MemoryStore::default()),
        Box::new(move || clock.get()),
        Box::new(move |buf: &mut [u8]| {
            calls.set(calls.get() + 1);
            buf.fill(calls.get());
            Ok(())
        }),
    );
    (session, script, now)
}

/// The requests sent so far: operation, and the username or SRP_A they name.
fn sent(script: &ScriptedTransport) -> Vec<(String, Value)> {
    script
        .requests()
        .iter()
        .map(|r| {
            let op = target(r).rsplit('.').next().unwrap_or_default().to_owned();
            (op, serde_json::from_slice(&r.body).unwrap())
        })
        .collect()
}

fn ops(script: &ScriptedTransport) -> Vec<String> {
    sent(script).into_iter().map(|(op, _)| op).collect()
}

fn sign_in(s: &Rc<Session<ScriptedTransport>>, user: &str) -> Result<SignInStep, Error> {
    block_on(s.sign_in(user, Zeroizing::new("Passw0rd!".into())))
}

/// Starts the early `InitiateAuth` for `user` and runs it to its answer, as the page's
/// `spawn_local` does while the user types the password.
fn prepare(s: &Rc<Session<ScriptedTransport>>, user: &str) {
    let early = s
        .prepare_sign_in(Some(user))
        .unwrap()
        .expect("an early InitiateAuth");
    block_on(early);
}

#[test]
fn submitting_after_an_early_start_sends_only_the_answer() {
    let (s, script, _) = session(vec![verifier("alice"), tokens("alice")]);
    prepare(&s, "alice");
    assert_eq!(
        ops(&script),
        ["InitiateAuth"],
        "InitiateAuth goes out before the submit"
    );
    assert_eq!(sent(&script)[0].1["AuthParameters"]["USERNAME"], "alice");
    assert!(
        matches!(sign_in(&s, "alice").unwrap(), SignInStep::Done(ref u) if u.username == "alice")
    );
    assert_eq!(
        ops(&script),
        ["InitiateAuth", "RespondToAuthChallenge"],
        "the submit sent one call"
    );
}

#[test]
fn the_same_username_again_sends_nothing_more() {
    let (s, script, now) = session(vec![verifier("alice"), tokens("alice")]);
    prepare(&s, "alice");
    now.set(NOW_MS + 10_000.0);
    assert!(
        s.prepare_sign_in(Some(" alice ")).unwrap().is_none(),
        "no second early call"
    );
    assert!(
        s.prepare_sign_in(None).unwrap().is_none(),
        "a bare prepare keeps the early start"
    );
    sign_in(&s, "alice").unwrap();
    assert_eq!(ops(&script), ["InitiateAuth", "RespondToAuthChallenge"]);
}

#[test]
fn another_username_at_submit_starts_again_with_a_new_a() {
    let (s, script, _) = session(vec![verifier("alice"), verifier("bob"), tokens("bob")]);
    prepare(&s, "alice");
    assert!(matches!(sign_in(&s, "bob").unwrap(), SignInStep::Done(ref u) if u.username == "bob"));
    let sent = sent(&script);
    let names: Vec<&str> = sent.iter().map(|(op, _)| op.as_str()).collect();
    assert_eq!(
        names,
        ["InitiateAuth", "InitiateAuth", "RespondToAuthChallenge"]
    );
    assert_eq!(sent[1].1["AuthParameters"]["USERNAME"], "bob");
    assert_ne!(
        sent[0].1["AuthParameters"]["SRP_A"], sent[1].1["AuthParameters"]["SRP_A"],
        "the early start's a is never used again"
    );
}

#[test]
fn an_early_start_too_old_to_answer_is_started_again() {
    let (s, script, now) = session(vec![verifier("alice"), verifier("alice"), tokens("alice")]);
    prepare(&s, "alice");
    now.set(NOW_MS + EARLY_START_MAX_AGE_MS - 1.0);
    assert!(
        s.prepare_sign_in(Some("alice")).unwrap().is_none(),
        "still young: kept"
    );
    now.set(NOW_MS + EARLY_START_MAX_AGE_MS);
    sign_in(&s, "alice").unwrap();
    let sent = sent(&script);
    let names: Vec<&str> = sent.iter().map(|(op, _)| op.as_str()).collect();
    assert_eq!(
        names,
        ["InitiateAuth", "InitiateAuth", "RespondToAuthChallenge"]
    );
    assert_ne!(
        sent[0].1["AuthParameters"]["SRP_A"],
        sent[1].1["AuthParameters"]["SRP_A"]
    );
}

#[test]
fn preparing_again_after_the_age_limit_starts_a_new_early_call() {
    let (s, script, now) = session(vec![verifier("alice"), verifier("alice"), tokens("alice")]);
    prepare(&s, "alice");
    now.set(NOW_MS + EARLY_START_MAX_AGE_MS + 1.0);
    prepare(&s, "alice");
    sign_in(&s, "alice").unwrap();
    assert_eq!(
        ops(&script),
        ["InitiateAuth", "InitiateAuth", "RespondToAuthChallenge"]
    );
}

fn cognito_error(name: &str) -> Answer {
    Answer::aws_json(json!({"__type": name, "message": "as Cognito says it"}).to_string())
}

#[test]
fn an_early_start_that_failed_is_made_again_and_that_answer_counts() {
    // (A network fault is retried inside the early call itself, as any call's: what reaches
    // signIn is a failure the early call could not get past.)
    let (s, script, _) = session(vec![
        cognito_error("UserNotFoundException"),
        verifier("alice"),
        tokens("alice"),
    ]);
    prepare(&s, "alice");
    assert!(matches!(sign_in(&s, "alice").unwrap(), SignInStep::Done(_)));
    assert_eq!(
        ops(&script),
        ["InitiateAuth", "InitiateAuth", "RespondToAuthChallenge"]
    );

    // When the second answer fails too, its error is the one signIn gives.
    let (s, script, _) = session(vec![
        cognito_error("UserNotFoundException"),
        cognito_error("UserNotConfirmedException"),
    ]);
    prepare(&s, "alice");
    assert_eq!(
        sign_in(&s, "alice").unwrap_err().code,
        "UserNotConfirmedException"
    );
    assert_eq!(ops(&script), ["InitiateAuth", "InitiateAuth"]);
}

#[test]
fn an_early_start_nobody_drove_goes_out_at_submit_once() {
    let (s, script, _) = session(vec![verifier("alice"), tokens("alice")]);
    let early = s.prepare_sign_in(Some("alice")).unwrap();
    assert!(early.is_some());
    drop(early);
    assert!(
        script.requests().is_empty(),
        "nothing sent until the early call is driven"
    );
    sign_in(&s, "alice").unwrap();
    assert_eq!(ops(&script), ["InitiateAuth", "RespondToAuthChallenge"]);
}

#[test]
fn a_blank_username_prepares_only_a() {
    let (s, script, _) = session(vec![verifier("alice"), tokens("alice")]);
    assert!(s.prepare_sign_in(Some("  ")).unwrap().is_none());
    assert!(script.requests().is_empty());
    sign_in(&s, "alice").unwrap();
    assert_eq!(ops(&script), ["InitiateAuth", "RespondToAuthChallenge"]);
}

#[test]
fn a_submit_before_the_early_answer_starts_again_and_the_late_answer_lands_nowhere() {
    let (s, script, _) = session(vec![
        verifier("alice"),
        tokens("alice"),
        verifier("alice"), // the late early answer
        verifier("alice"),
        tokens("alice"),
    ]);
    let mut late = Box::pin(s.prepare_sign_in(Some("alice")).unwrap().unwrap());
    script.hold(|_| true);
    assert!(
        poll_once(&mut late).is_none(),
        "the early InitiateAuth is on its way"
    );
    script.release();
    sign_in(&s, "alice").unwrap();
    assert_eq!(
        ops(&script),
        ["InitiateAuth", "RespondToAuthChallenge"],
        "the submit did not wait"
    );

    // A new early start is prepared; the old call's answer comes now and must not become its.
    let _never_driven = s.prepare_sign_in(Some("alice")).unwrap().unwrap();
    assert!(poll_once(&mut late).is_some());
    sign_in(&s, "alice").unwrap();
    assert_eq!(
        ops(&script),
        [
            "InitiateAuth",
            "RespondToAuthChallenge",
            "InitiateAuth",
            "InitiateAuth",
            "RespondToAuthChallenge"
        ],
        "the new early start had no answer of its own yet, so the submit asked again"
    );
}
