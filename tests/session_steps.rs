//! The sign-in step machine at the protocol level (SMS_MFA, EMAIL_OTP, SELECT_MFA_TYPE, MFA_SETUP
//! at sign-in; the same paths against the local backend are in `tests/mfa.rs`): a scripted transport
//! answers with response bodies shaped as in the Cognito API reference (InitiateAuth,
//! RespondToAuthChallenge, AssociateSoftwareToken, VerifySoftwareToken), and each test checks
//! the exact requests the session sends.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use apiless::auth::session::{ChallengeResponse, Event, Session, SignInStep};
use apiless::auth::storage::{self, MemoryStore, Store};
use apiless::config::{Config, RawConfig};
use apiless::error::Result;
use apiless::http::Request;
use apiless::test_util::{block_on, poll_once, target, Answer, ScriptedTransport};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use zeroize::Zeroizing;

/// A scripted answer: the body shaped as in the Cognito API reference, status 400 for an error.
fn answer(body: Value) -> Answer {
    Answer::aws_json(body.to_string())
}

/// The operation a request calls (`InitiateAuth`, ...).
fn operation(request: &Request) -> String {
    target(request)
        .rsplit('.')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A refresh: held "in flight" by `script.hold(is_refresh)` until `script.release()`.
fn is_refresh(request: &Request) -> bool {
    operation(request) == "GetTokensFromRefreshToken"
}

/// The requests the script got, as operation and JSON body.
trait Sent {
    fn sent(&self, i: usize) -> (String, Value);
}

impl Sent for ScriptedTransport {
    fn sent(&self, i: usize) -> (String, Value) {
        let request = self.request(i);
        (
            operation(&request),
            serde_json::from_slice(&request.body).unwrap(),
        )
    }
}

const NOW_MS: f64 = 1_767_225_600_000.0; // 2026-01-01T00:00:00Z

fn jwt(claims: Value) -> String {
    format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(claims.to_string()))
}

fn tokens_answer() -> Value {
    tokens_answer_for("alice")
}

fn tokens_answer_for(user: &str) -> Value {
    let exp = NOW_MS as i64 / 1000 + 3600;
    let iss = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1";
    json!({
        "AuthenticationResult": {
            "IdToken": jwt(json!({"sub": format!("sub-{user}"), "iss": iss, "aud": "client1", "exp": exp, "iat": exp - 3600, "cognito:username": user, "token_use": "id"})),
            "AccessToken": jwt(json!({"sub": format!("sub-{user}"), "iss": iss, "client_id": "client1", "exp": exp, "iat": exp - 3600, "username": user, "token_use": "access"})),
            // alice's is "opaque-refresh"; anyone else's names them.
            "RefreshToken": if user == "alice" { "opaque-refresh".to_owned() } else { format!("opaque-refresh-{user}") },
            "ExpiresIn": 3600,
            "TokenType": "Bearer"
        },
        "ChallengeParameters": {}
    })
}

/// A session whose sign-in passes the PASSWORD_VERIFIER step and then meets `next`.
fn session_meeting(
    next: Value,
    more: Vec<Value>,
) -> (Rc<Session<ScriptedTransport>>, ScriptedTransport) {
    session_meeting_with_store(next, more, Rc::new(MemoryStore::default()))
}

fn session_meeting_with_store(
    next: Value,
    more: Vec<Value>,
    store: Rc<MemoryStore>,
) -> (Rc<Session<ScriptedTransport>>, ScriptedTransport) {
    session_meeting_in(next, more, store, None)
}

const IDENTITY_POOL: &str = "us-east-1:00000000-0000-4000-8000-000000000000";
const ALICE_ID: &str = "us-east-1:11111111-1111-4111-8111-111111111111";
const BOB_ID: &str = "us-east-1:22222222-2222-4222-8222-222222222222";

fn session_meeting_in(
    next: Value,
    more: Vec<Value>,
    store: Rc<MemoryStore>,
    identity_pool_id: Option<&str>,
) -> (Rc<Session<ScriptedTransport>>, ScriptedTransport) {
    let verifier = json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {
            "SALT": "a1b2c3d4", "SRP_B": "ff".repeat(300), "SECRET_BLOCK": "c2VjcmV0LWJsb2Nr",
            "USERNAME": "alice", "USER_ID_FOR_SRP": "alice"
        }
    });
    let mut answers = vec![verifier, next];
    answers.extend(more);
    let script = ScriptedTransport::answering(answers.into_iter().map(answer));
    let config = Config::validate(RawConfig {
        region: Some("us-east-1".into()),
        user_pool_id: Some("us-east-1_Pool1".into()),
        user_pool_client_id: Some("client1".into()),
        identity_pool_id: identity_pool_id.map(str::to_owned),
        storage: Some("memory".into()),
        ..RawConfig::default()
    })
    .unwrap();
    let session = Session::new(
        config,
        script.clone(),
        store,
        Box::new(|| NOW_MS),
        Box::new(|buf: &mut [u8]| {
            buf.fill(7);
            Ok(())
        }),
    );
    (session, script)
}

fn sign_in(s: &Rc<Session<ScriptedTransport>>) -> SignInStep {
    block_on(s.sign_in("alice", Zeroizing::new("Passw0rd!".into()))).unwrap()
}

fn next_name(step: &SignInStep) -> &str {
    match step {
        SignInStep::Next(n) => &n.name,
        SignInStep::Done(_) => "signed in",
    }
}

#[test]
fn the_password_verifier_answer_carries_the_claim_and_timestamp() {
    let (s, script) = session_meeting(tokens_answer(), vec![]);
    assert!(matches!(sign_in(&s), SignInStep::Done(ref u) if u.username == "alice"));
    let (op, body) = script.sent(0);
    assert_eq!(op, "InitiateAuth");
    assert_eq!(body["AuthFlow"], "USER_SRP_AUTH");
    assert_eq!(body["AuthParameters"]["USERNAME"], "alice");
    let (op, body) = script.sent(1);
    assert_eq!(op, "RespondToAuthChallenge");
    assert_eq!(body["ChallengeName"], "PASSWORD_VERIFIER");
    let r = &body["ChallengeResponses"];
    assert_eq!(r["USERNAME"], "alice");
    assert_eq!(r["PASSWORD_CLAIM_SECRET_BLOCK"], "c2VjcmV0LWJsb2Nr");
    assert_eq!(r["TIMESTAMP"], "Thu Jan 1 00:00:00 UTC 2026");
    assert_eq!(
        r["PASSWORD_CLAIM_SIGNATURE"].as_str().unwrap().len(),
        44,
        "base64 of 32 bytes"
    );
}

#[test]
fn sms_mfa_sends_the_code_with_the_session() {
    let sms = json!({
        "ChallengeName": "SMS_MFA", "Session": "sess-sms",
        "ChallengeParameters": {"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS", "CODE_DELIVERY_DESTINATION": "+*******1234", "USER_ID_FOR_SRP": "alice"}
    });
    let (s, script) = session_meeting(sms, vec![tokens_answer()]);
    let step = sign_in(&s);
    let SignInStep::Next(next) = &step else {
        panic!("a step")
    };
    assert_eq!(next.name, "SMS_MFA");
    assert_eq!(
        next.code_delivery.as_ref().unwrap().destination,
        "+*******1234"
    );
    assert!(matches!(
        block_on(s.confirm_sign_in(ChallengeResponse {
            code: Some(" 123456 ".into()),
            ..Default::default()
        }))
        .unwrap(),
        SignInStep::Done(_)
    ));
    assert_eq!(
        script.sent(2).1,
        json!({"ChallengeName": "SMS_MFA", "ClientId": "client1", "Session": "sess-sms",
               "ChallengeResponses": {"USERNAME": "alice", "SMS_MFA_CODE": "123456"}})
    );
}

#[test]
fn email_otp_sends_its_code() {
    let otp = json!({
        "ChallengeName": "EMAIL_OTP", "Session": "sess-mail",
        "ChallengeParameters": {"CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL", "CODE_DELIVERY_DESTINATION": "a***@e***"}
    });
    let (s, script) = session_meeting(otp, vec![tokens_answer()]);
    assert_eq!(next_name(&sign_in(&s)), "EMAIL_OTP");
    block_on(s.confirm_sign_in(ChallengeResponse {
        code: Some("86420".into()),
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(
        script.sent(2).1["ChallengeResponses"],
        json!({"USERNAME": "alice", "EMAIL_OTP_CODE": "86420"})
    );
}

#[test]
fn select_mfa_type_checks_the_choice_then_continues() {
    let select = json!({
        "ChallengeName": "SELECT_MFA_TYPE", "Session": "sess-1",
        "ChallengeParameters": {"MFAS_CAN_CHOOSE": "[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]"}
    });
    let totp = json!({"ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": "sess-2", "ChallengeParameters": {}});
    let (s, script) = session_meeting(select, vec![totp, tokens_answer()]);
    let SignInStep::Next(next) = sign_in(&s) else {
        panic!("a step")
    };
    assert_eq!(next.mfa_types, ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]);
    let e = block_on(s.confirm_sign_in(ChallengeResponse {
        mfa_type: Some("EMAIL_OTP".into()),
        ..Default::default()
    }))
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("mfaType"));
    assert_eq!(script.requests().len(), 2, "refused before any request");

    let step = block_on(s.confirm_sign_in(ChallengeResponse {
        mfa_type: Some("SOFTWARE_TOKEN_MFA".into()),
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(next_name(&step), "SOFTWARE_TOKEN_MFA");
    assert_eq!(
        script.sent(2).1["ChallengeResponses"],
        json!({"USERNAME": "alice", "ANSWER": "SOFTWARE_TOKEN_MFA"})
    );
    assert_eq!(script.sent(2).1["Session"], "sess-1");
    block_on(s.confirm_sign_in(ChallengeResponse {
        code: Some("654321".into()),
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(
        script.sent(3).1["Session"],
        "sess-2",
        "each step answers with the latest session"
    );
    assert_eq!(
        script.sent(3).1["ChallengeResponses"]["SOFTWARE_TOKEN_MFA_CODE"],
        "654321"
    );
}

#[test]
fn mfa_setup_associates_verifies_then_answers_with_the_verified_session() {
    let setup = json!({
        "ChallengeName": "MFA_SETUP", "Session": "sess-setup",
        "ChallengeParameters": {"MFAS_CAN_SETUP": "[\"SOFTWARE_TOKEN_MFA\"]"}
    });
    let associate = json!({"SecretCode": "JBSWY3DPEHPK3PXP", "Session": "sess-assoc"});
    let verify = json!({"Status": "SUCCESS", "Session": "sess-verified"});
    let (s, script) = session_meeting(setup, vec![associate, verify, tokens_answer()]);
    let SignInStep::Next(next) = sign_in(&s) else {
        panic!("a step")
    };
    assert_eq!(
        (next.name.as_str(), next.mfa_types.as_slice()),
        ("MFA_SETUP", ["SOFTWARE_TOKEN_MFA".to_owned()].as_slice())
    );

    let totp = block_on(s.setup_totp()).unwrap();
    assert_eq!(totp.secret, "JBSWY3DPEHPK3PXP");
    assert_eq!(
        totp.uri,
        "otpauth://totp/us-east-1_Pool1:alice?secret=JBSWY3DPEHPK3PXP&issuer=us-east-1_Pool1"
    );
    assert_eq!(
        script.sent(2),
        (
            "AssociateSoftwareToken".into(),
            json!({"Session": "sess-setup"})
        )
    );

    assert!(matches!(
        block_on(s.confirm_sign_in(ChallengeResponse {
            code: Some("123456".into()),
            ..Default::default()
        }))
        .unwrap(),
        SignInStep::Done(_)
    ));
    assert_eq!(
        script.sent(3),
        (
            "VerifySoftwareToken".into(),
            json!({"Session": "sess-assoc", "UserCode": "123456", "FriendlyDeviceName": "apiless"})
        )
    );
    assert_eq!(
        script.sent(4),
        (
            "RespondToAuthChallenge".into(),
            json!({"ChallengeName": "MFA_SETUP", "ClientId": "client1", "Session": "sess-verified",
            "ChallengeResponses": {"USERNAME": "alice"}})
        )
    );
}

#[test]
fn new_password_required_asks_for_the_required_attributes_first() {
    let np = json!({
        "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": "sess-np",
        "ChallengeParameters": {"requiredAttributes": "[\"userAttributes.name\"]", "userAttributes": "{\"email\":\"a@example.com\"}"}
    });
    let (s, script) = session_meeting(np, vec![tokens_answer()]);
    let SignInStep::Next(next) = sign_in(&s) else {
        panic!("a step")
    };
    assert_eq!(next.required_attributes, ["name"]);
    let e = block_on(s.confirm_sign_in(ChallengeResponse {
        new_password: Some("N3w-Passw0rd!".into()),
        ..Default::default()
    }))
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("attributes"));
    assert!(e.message.contains("name"));
    block_on(s.confirm_sign_in(ChallengeResponse {
        new_password: Some("N3w-Passw0rd!".into()),
        attributes: vec![("name".into(), "Alice".into())],
        ..Default::default()
    }))
    .unwrap();
    assert_eq!(
        script.sent(2).1["ChallengeResponses"],
        json!({"USERNAME": "alice", "NEW_PASSWORD": "N3w-Passw0rd!", "userAttributes.name": "Alice"})
    );
}

#[test]
fn a_challenge_the_server_never_sent_is_refused() {
    let (s, script) = session_meeting(tokens_answer(), vec![]);
    let e = block_on(s.confirm_sign_in(ChallengeResponse {
        code: Some("1".into()),
        ..Default::default()
    }))
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("challenge"));
    assert!(script.requests().is_empty());
    let e = block_on(s.setup_totp()).unwrap_err();
    assert_eq!(
        e.code, "NotAuthorizedException",
        "setting up TOTP needs a sign-in or an MFA_SETUP step"
    );
}

#[test]
fn a_rotated_refresh_token_replaces_the_old_one() {
    let mut rotated = tokens_answer();
    rotated["AuthenticationResult"]["RefreshToken"] = json!("rotated-refresh");
    let mut plain = tokens_answer();
    plain["AuthenticationResult"]
        .as_object_mut()
        .unwrap()
        .remove("RefreshToken");
    let (s, script) = session_meeting(tokens_answer(), vec![rotated, plain]);
    sign_in(&s);

    let t = block_on(s.refresh()).unwrap();
    assert_eq!(t.refresh_token, "rotated-refresh");
    assert_eq!(script.sent(2).1["RefreshToken"], "opaque-refresh");
    // Without a new one, the rotated token is kept and used next time.
    let t = block_on(s.refresh()).unwrap();
    assert_eq!(t.refresh_token, "rotated-refresh");
    assert_eq!(script.sent(3).1["RefreshToken"], "rotated-refresh");
}

#[test]
fn a_refresh_names_the_remembered_device() {
    let store = Rc::new(MemoryStore::default());
    let (s, script) = session_meeting_with_store(
        tokens_answer(),
        vec![tokens_answer(), tokens_answer()],
        store.clone(),
    );
    sign_in(&s);
    block_on(s.refresh()).unwrap();
    assert!(
        script.sent(2).1.get("DeviceKey").is_none(),
        "no device, no DeviceKey"
    );
    // A pool that remembers devices wants the confirmed device's key with every refresh.
    let device = storage::RememberedDevice {
        key: "us-east-1_0a1b2c3d-device".into(),
        group_key: "-group".into(),
        password: Zeroizing::new("device-password".into()),
    };
    storage::save_device(store.as_ref(), "client1", "alice", &device).unwrap();
    block_on(s.refresh()).unwrap();
    assert_eq!(script.sent(3).1["DeviceKey"], "us-east-1_0a1b2c3d-device");
}

#[test]
fn signing_out_when_signed_out_or_mid_challenge_is_fine_and_the_session_stays_usable() {
    let sms = json!({"ChallengeName": "SMS_MFA", "Session": "s", "ChallengeParameters": {}});
    let (s, _) = session_meeting(sms, vec![]);
    block_on(s.sign_out(false)).unwrap();
    block_on(s.sign_out(true)).unwrap();
    assert_eq!(next_name(&sign_in(&s)), "SMS_MFA");
    block_on(s.sign_out(false)).unwrap();
    let e = block_on(s.confirm_sign_in(ChallengeResponse {
        code: Some("1".into()),
        ..Default::default()
    }))
    .unwrap_err();
    assert_eq!(
        e.field.as_deref(),
        Some("challenge"),
        "sign-out dropped the pending challenge"
    );
    assert!(s.current_user().is_none());
}

#[test]
fn a_refresh_in_flight_cannot_undo_a_newer_sign_in() {
    // alice signs in; her refresh is held in flight; bob starts signing in (an SMS step).
    let verifier_bob = json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {"SALT": "a1", "SRP_B": "ff".repeat(300), "SECRET_BLOCK": "AAAA", "USER_ID_FOR_SRP": "bob"}
    });
    let sms = json!({"ChallengeName": "SMS_MFA", "Session": "sess-bob", "ChallengeParameters": {}});
    let (s, script) = session_meeting(
        tokens_answer(),
        vec![
            verifier_bob,
            sms,
            tokens_answer(),
            tokens_answer_for("bob"),
            tokens_answer_for("bob"),
        ],
    );
    sign_in(&s);
    script.hold(is_refresh);
    let mut alice_refresh = s.refresh();
    assert!(poll_once(&mut alice_refresh).is_none(), "held in flight");
    let step = block_on(s.sign_in("bob", Zeroizing::new("Passw0rd!".into()))).unwrap();
    assert_eq!(next_name(&step), "SMS_MFA");

    // alice's refresh returns while bob is mid-step: it must not put alice back.
    script.release();
    let result = poll_once(&mut alice_refresh).expect("done");
    assert_eq!(result.unwrap_err().code, "NotAuthorizedException");
    assert!(s.current_user().is_none(), "alice is not signed in again");
    let user = match block_on(s.confirm_sign_in(ChallengeResponse {
        code: Some("123456".into()),
        ..Default::default()
    }))
    .unwrap()
    {
        SignInStep::Done(u) => u,
        SignInStep::Next(n) => panic!("{}", n.name),
    };
    assert_eq!(user.username, "bob", "bob's step survived");
    let bob = block_on(s.refresh()).unwrap();
    assert_eq!(
        apiless::auth::tokens::claims(&bob.id_token)
            .unwrap()
            .username,
        "bob"
    );
}

#[test]
fn a_new_user_signing_in_removes_the_previous_users_tokens() {
    let store = Rc::new(MemoryStore::default());
    let verifier_bob = json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {"SALT": "a1", "SRP_B": "ff".repeat(300), "SECRET_BLOCK": "AAAA", "USER_ID_FOR_SRP": "bob"}
    });
    let (s, _) = session_meeting_with_store(
        tokens_answer(),
        vec![verifier_bob, tokens_answer_for("bob")],
        store.clone(),
    );
    sign_in(&s);
    assert!(store
        .get("CognitoIdentityServiceProvider.client1.alice.refreshToken")
        .is_some());
    block_on(s.sign_in("bob", Zeroizing::new("Passw0rd!".into()))).unwrap();
    assert!(store
        .get("CognitoIdentityServiceProvider.client1.alice.refreshToken")
        .is_none());
    assert!(store
        .get("CognitoIdentityServiceProvider.client1.alice.idToken")
        .is_none());
    assert_eq!(
        store
            .get("CognitoIdentityServiceProvider.client1.LastAuthUser")
            .as_deref(),
        Some("bob")
    );
}

/// Two tabs of one app share localStorage; the window's `storage` event calls
/// `sync_from_store` in the tab that did not write. Tab B follows A's sign-in, A's refresh
/// (rotated token), a sign-in as another user and A's sign-out, without sending a request.
#[test]
fn a_second_tab_follows_sign_in_refresh_user_change_and_sign_out_without_requests() {
    let store = Rc::new(MemoryStore::default());
    let mut rotated = tokens_answer();
    rotated["AuthenticationResult"]["RefreshToken"] = json!("rotated-refresh");
    let verifier_bob = json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {"SALT": "a1", "SRP_B": "ff".repeat(300), "SECRET_BLOCK": "AAAA", "USER_ID_FOR_SRP": "bob"}
    });
    let revoke_answer = json!({});
    let (tab_a, _) = session_meeting_with_store(
        tokens_answer(),
        vec![
            rotated,
            verifier_bob,
            tokens_answer_for("bob"),
            revoke_answer,
        ],
        store.clone(),
    );
    let (tab_b, script_b) = session_meeting_with_store(json!({}), vec![], store.clone());
    let seen = Rc::new(RefCell::new(Vec::new()));
    let log = seen.clone();
    tab_b.on_change(Rc::new(move |e: Event| log.borrow_mut().push(e.name())));

    assert_eq!(tab_b.sync_from_store(), None, "nobody signed in yet");
    sign_in(&tab_a);
    assert_eq!(tab_b.sync_from_store(), Some(Event::SignedIn));
    assert_eq!(tab_b.current_user().unwrap().username, "alice");
    assert_eq!(tab_b.sync_from_store(), None, "nothing new");

    block_on(tab_a.refresh()).unwrap();
    assert_eq!(tab_b.sync_from_store(), Some(Event::TokensRefreshed));
    assert_eq!(
        block_on(tab_b.tokens()).unwrap().refresh_token,
        "rotated-refresh"
    );

    block_on(tab_a.sign_in("bob", Zeroizing::new("Passw0rd!".into()))).unwrap();
    assert_eq!(tab_b.sync_from_store(), Some(Event::SignedIn));
    assert_eq!(tab_b.current_user().unwrap().username, "bob");

    block_on(tab_a.sign_out(false)).unwrap();
    assert_eq!(tab_b.sync_from_store(), Some(Event::SignedOut));
    assert!(tab_b.current_user().is_none());
    assert!(block_on(tab_b.tokens()).is_err(), "signed out in B too");

    assert_eq!(
        *seen.borrow(),
        ["signedIn", "tokensRefreshed", "signedIn", "signedOut"]
    );
    assert!(script_b.requests().is_empty(), "tab B sent nothing");
}

#[test]
fn the_sign_in_a_call_began_under_outlives_a_refresh_but_not_a_sign_out() {
    // Sign-in, one refresh, then RevokeToken (local sign-out) answered with an empty object.
    let (s, _) = session_meeting(tokens_answer(), vec![tokens_answer(), json!({})]);
    sign_in(&s);
    let began = s.generation();
    block_on(s.refresh()).unwrap();
    assert_eq!(
        s.still_current(began),
        Ok(()),
        "a refresh is the same sign-in"
    );
    block_on(s.sign_out(false)).unwrap();
    let e = s.still_current(began).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.retryable),
        ("NotAuthorizedException", false)
    );
}

// ---- the security review's session findings (2026-12) -------------------------------------

fn verifier_for(user: &str) -> Value {
    json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {"SALT": "a1", "SRP_B": "ff".repeat(300), "SECRET_BLOCK": "AAAA", "USER_ID_FOR_SRP": user}
    })
}

const LAST_USER: &str = "CognitoIdentityServiceProvider.client1.LastAuthUser";

/// Tab B over `store`, restored as alice, whose next refresh is answered for alice and held
/// in flight; with the log of B's events. The caller lets it go with
/// `script.release()`.
#[allow(clippy::type_complexity)]
fn tab_b_refreshing(
    store: &Rc<MemoryStore>,
) -> (
    Rc<Session<ScriptedTransport>>,
    ScriptedTransport,
    Rc<RefCell<Vec<&'static str>>>,
    impl Future<Output = Result<apiless::auth::tokens::Tokens>> + Unpin,
) {
    let (tab_b, script_b) = session_meeting_with_store(json!({}), vec![], store.clone());
    assert_eq!(tab_b.current_user().unwrap().username, "alice", "restored");
    script_b.answers().clear();
    script_b.push(answer(tokens_answer_for("alice")));
    let seen = Rc::new(RefCell::new(Vec::new()));
    let log = seen.clone();
    tab_b.on_change(Rc::new(move |e: Event| log.borrow_mut().push(e.name())));
    script_b.hold(is_refresh);
    let mut refresh = tab_b.refresh();
    assert!(poll_once(&mut refresh).is_none(), "held in flight");
    (tab_b, script_b, seen, refresh)
}

/// Finding 1: tab B's refresh, in flight while tab A signs out, must not write alice's session
/// back into the shared storage; both tabs end signed out.
#[test]
fn a_refresh_in_another_tab_cannot_undo_a_sign_out() {
    let store = Rc::new(MemoryStore::default());
    let (tab_a, _) = session_meeting_with_store(tokens_answer(), vec![json!({})], store.clone());
    sign_in(&tab_a);
    let (tab_b, script_b, seen, mut refresh) = tab_b_refreshing(&store);
    block_on(tab_a.sign_out(false)).unwrap();
    script_b.release();
    let e = poll_once(&mut refresh).expect("done").unwrap_err();
    assert_eq!(e.code, "NotAuthorizedException");

    assert!(store.get(LAST_USER).is_none(), "nothing written back");
    assert!(store
        .get("CognitoIdentityServiceProvider.client1.alice.refreshToken")
        .is_none());
    assert!(tab_b.current_user().is_none(), "B followed the sign-out");
    assert_eq!(*seen.borrow(), ["signedOut"]);
    assert_eq!(tab_a.sync_from_store(), None, "A stays signed out");
    assert!(tab_a.current_user().is_none());
}

/// Finding 1, user change: bob signs in in tab A while tab B's refresh for alice is in flight.
/// Storage keeps bob; tab A stays bob; tab B becomes bob with a signedIn event.
#[test]
fn a_refresh_in_another_tab_cannot_turn_a_new_user_back_into_the_previous_one() {
    let store = Rc::new(MemoryStore::default());
    let (tab_a, _) = session_meeting_with_store(
        tokens_answer(),
        vec![verifier_for("bob"), tokens_answer_for("bob")],
        store.clone(),
    );
    sign_in(&tab_a);
    let (tab_b, script_b, seen, mut refresh) = tab_b_refreshing(&store);
    block_on(tab_a.sign_in("bob", Zeroizing::new("Passw0rd!".into()))).unwrap();
    script_b.release();
    let e = poll_once(&mut refresh).expect("done").unwrap_err();
    assert_eq!(e.code, "NotAuthorizedException");

    assert_eq!(store.get(LAST_USER).as_deref(), Some("bob"));
    assert!(store
        .get("CognitoIdentityServiceProvider.client1.alice.refreshToken")
        .is_none());
    assert_eq!(tab_b.current_user().unwrap().username, "bob");
    assert_eq!(
        *seen.borrow(),
        ["signedIn"],
        "B became bob only with signedIn"
    );
    assert_eq!(tab_a.sync_from_store(), None);
    assert_eq!(tab_a.current_user().unwrap().username, "bob");
}

/// A refresh whose storage still holds its session writes the new tokens, and never the
/// last-user mark; one that finds the same user refreshed by another tab takes those tokens.
#[test]
fn a_refresh_writes_only_over_its_own_session() {
    let store = Rc::new(MemoryStore::default());
    let mut rotated = tokens_answer();
    rotated["AuthenticationResult"]["RefreshToken"] = json!("rotated-by-a");
    let (tab_a, _) = session_meeting_with_store(tokens_answer(), vec![rotated], store.clone());
    sign_in(&tab_a);
    let (tab_b, script_b) = session_meeting_with_store(json!({}), vec![], store.clone());
    script_b.answers().clear();
    let mut b_rotated = tokens_answer();
    b_rotated["AuthenticationResult"]["RefreshToken"] = json!("rotated-by-b");
    script_b.push(answer(b_rotated));

    script_b.hold(is_refresh);
    let mut refresh = tab_b.refresh();
    assert!(poll_once(&mut refresh).is_none());
    assert_eq!(
        block_on(tab_a.refresh()).unwrap().refresh_token,
        "rotated-by-a"
    );
    script_b.release();
    let t = poll_once(&mut refresh).expect("done").unwrap();
    assert_eq!(t.refresh_token, "rotated-by-a", "B follows A's refresh");
    assert_eq!(
        store
            .get("CognitoIdentityServiceProvider.client1.alice.refreshToken")
            .as_deref(),
        Some("rotated-by-a")
    );
}

/// Finding 10: a slow sign-out of alice does not sign out bob, who signed in meanwhile.
#[test]
fn a_slow_sign_out_leaves_a_newer_sign_in_alone() {
    let store = Rc::new(MemoryStore::default());
    let (s, script) = session_meeting_with_store(
        tokens_answer(),
        vec![json!({}), verifier_for("bob"), tokens_answer_for("bob")],
        store.clone(),
    );
    sign_in(&s);
    script.hold(|r| operation(r) == "RevokeToken");
    let mut sign_out = Box::pin(s.sign_out(false));
    assert!(poll_once(&mut sign_out).is_none(), "revocation in flight");
    // bob's requests go first: the held RevokeToken answer is the first scripted one, so
    // reorder: bob's verifier and tokens are taken before it.
    let revoke = script.answers().pop_front().unwrap();
    script.answers().push_back(revoke);
    block_on(s.sign_in("bob", Zeroizing::new("Passw0rd!".into()))).unwrap();
    script.release();
    poll_once(&mut sign_out).expect("done").unwrap();
    assert_eq!(s.current_user().unwrap().username, "bob");
    assert_eq!(store.get(LAST_USER).as_deref(), Some("bob"));
    let (op, body) = script.sent(4);
    assert_eq!(op, "RevokeToken");
    assert_eq!(body["Token"], "opaque-refresh", "alice's token was revoked");
}

/// Finding 6: stored tokens from another pool or client, with the wrong token_use or a
/// lifetime Cognito never grants, are not adopted.
#[test]
fn stored_tokens_of_another_pool_client_or_shape_are_not_adopted() {
    let exp = NOW_MS as i64 / 1000 + 3600;
    let iss = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1";
    let good_id = json!({"sub": "sub-m", "iss": iss, "aud": "client1", "exp": exp, "iat": exp - 3600, "cognito:username": "mallory", "token_use": "id"});
    let good_access = json!({"sub": "sub-m", "iss": iss, "client_id": "client1", "exp": exp, "iat": exp - 3600, "username": "mallory", "token_use": "access"});
    let with = |v: &Value, k: &str, x: Value| {
        let mut v = v.clone();
        v[k] = x;
        v
    };
    let cases = [
        ("control", good_id.clone(), good_access.clone(), true),
        (
            "id iss",
            with(&good_id, "iss", json!("https://evil.example/pool")),
            good_access.clone(),
            false,
        ),
        (
            "access iss",
            good_id.clone(),
            with(
                &good_access,
                "iss",
                json!("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"),
            ),
            false,
        ),
        (
            "aud",
            with(&good_id, "aud", json!("other-client")),
            good_access.clone(),
            false,
        ),
        (
            "client_id",
            good_id.clone(),
            with(&good_access, "client_id", json!("other-client")),
            false,
        ),
        (
            "id token_use",
            with(&good_id, "token_use", json!("access")),
            good_access.clone(),
            false,
        ),
        (
            "access token_use",
            good_id.clone(),
            with(&good_access, "token_use", json!("id")),
            false,
        ),
        (
            "exp in 9999",
            with(&good_id, "exp", json!(253_402_300_799_i64)),
            good_access.clone(),
            false,
        ),
        (
            "iat and exp in 9999",
            with(
                &with(&good_id, "exp", json!(253_402_300_799_i64)),
                "iat",
                json!(253_402_297_199_i64),
            ),
            good_access.clone(),
            false,
        ),
        (
            "a lifetime that overflows",
            with(&with(&good_id, "exp", json!(i64::MAX)), "iat", json!(-1)),
            good_access.clone(),
            false,
        ),
        (
            "two users",
            good_id.clone(),
            with(&good_access, "sub", json!("sub-x")),
            false,
        ),
        (
            "expired is fine",
            with(
                &with(&good_id, "exp", json!(exp - 7200)),
                "iat",
                json!(exp - 10800),
            ),
            good_access.clone(),
            true,
        ),
    ];
    for (name, id, access, adopted) in cases {
        let store = Rc::new(MemoryStore::default());
        let (tab, _) = session_meeting_with_store(json!({}), vec![], store.clone());
        let key = |item: &str| format!("CognitoIdentityServiceProvider.client1.mallory.{item}");
        store.set(&key("idToken"), &jwt(id)).unwrap();
        store.set(&key("accessToken"), &jwt(access)).unwrap();
        store.set(&key("refreshToken"), "r").unwrap();
        store.set(LAST_USER, "mallory").unwrap();
        // Another tab's write, followed ...
        assert_eq!(tab.sync_from_store().is_some(), adopted, "{name}: followed");
        // ... and a page loaded afterwards.
        let (loaded, _) = session_meeting_with_store(json!({}), vec![], store.clone());
        assert_eq!(loaded.current_user().is_some(), adopted, "{name}: on load");
    }
}

fn credentials_answer(identity_id: Option<&str>) -> Value {
    let mut answer = json!({
        "Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretKey": "secret", "SessionToken": "token",
                        "Expiration": NOW_MS / 1000.0 + 3600.0}
    });
    if let Some(id) = identity_id {
        answer["IdentityId"] = json!(id);
    }
    answer
}

fn identity_key() -> String {
    format!("apiless.{IDENTITY_POOL}.sub-alice.identityId")
}

/// Finding 5: a remembered identity id that Cognito refuses for this login is forgotten and
/// replaced by one GetId; the `Logins` key comes from the configured pool (finding 6).
#[test]
fn a_remembered_identity_id_cognito_refuses_is_replaced_once() {
    let store = Rc::new(MemoryStore::default());
    store.set(&identity_key(), BOB_ID).unwrap();
    let refused = json!({"__type": "NotAuthorizedException", "message": "Logins don't match."});
    let (s, script) = session_meeting_in(
        tokens_answer(),
        vec![
            refused,
            json!({"IdentityId": ALICE_ID}),
            credentials_answer(Some(ALICE_ID)),
        ],
        store.clone(),
        Some(IDENTITY_POOL),
    );
    sign_in(&s);
    let identity = block_on(s.aws_identity()).unwrap();
    assert_eq!(identity.identity_id, ALICE_ID);
    let ops: Vec<String> = script.requests().iter().skip(2).map(operation).collect();
    assert_eq!(
        ops,
        [
            "GetCredentialsForIdentity",
            "GetId",
            "GetCredentialsForIdentity"
        ]
    );
    assert_eq!(store.get(&identity_key()).as_deref(), Some(ALICE_ID));
    let (_, get_id) = script.sent(3);
    assert!(
        get_id["Logins"]["cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1"].is_string(),
        "{get_id}"
    );
}

/// A remembered value that is not an identity id of this pool is not sent at all.
#[test]
fn a_remembered_value_of_another_form_is_not_used() {
    for planted in [
        "eu-west-1:11111111-1111-4111-8111-111111111111",
        "us-east-1:x",
        "../../x",
    ] {
        let store = Rc::new(MemoryStore::default());
        store.set(&identity_key(), planted).unwrap();
        let (s, script) = session_meeting_in(
            tokens_answer(),
            vec![json!({"IdentityId": ALICE_ID}), credentials_answer(None)],
            store.clone(),
            Some(IDENTITY_POOL),
        );
        sign_in(&s);
        assert_eq!(
            block_on(s.aws_identity()).unwrap().identity_id,
            ALICE_ID,
            "{planted}"
        );
        assert_eq!(script.sent(2).0, "GetId", "{planted}");
    }
}

/// Finding 11: the identity id the credentials were issued for is the scope.
#[test]
fn the_identity_id_of_the_credentials_answer_is_the_scope() {
    let store = Rc::new(MemoryStore::default());
    let (s, _) = session_meeting_in(
        tokens_answer(),
        vec![
            json!({"IdentityId": ALICE_ID}),
            credentials_answer(Some(BOB_ID)),
        ],
        store.clone(),
        Some(IDENTITY_POOL),
    );
    sign_in(&s);
    assert_eq!(block_on(s.aws_identity()).unwrap().identity_id, BOB_ID);
    assert_eq!(store.get(&identity_key()).as_deref(), Some(BOB_ID));
}

/// Finding 15: an explicit sign-out removes the remembered identity id.
#[test]
fn signing_out_forgets_the_identity_id() {
    let store = Rc::new(MemoryStore::default());
    let (s, _) = session_meeting_in(
        tokens_answer(),
        vec![
            json!({"IdentityId": ALICE_ID}),
            credentials_answer(None),
            json!({}),
        ],
        store.clone(),
        Some(IDENTITY_POOL),
    );
    sign_in(&s);
    block_on(s.aws_identity()).unwrap();
    assert_eq!(store.get(&identity_key()).as_deref(), Some(ALICE_ID));
    block_on(s.sign_out(false)).unwrap();
    assert!(store.get(&identity_key()).is_none());
}
