//! Choice-based sign-in (`USER_AUTH`) through the step machine, at the protocol level (the same
//! paths against the local backend are in `tests/user_auth.rs`): a scripted transport answers
//! with bodies shaped as in the Cognito API reference (InitiateAuth with AvailableChallenges,
//! RespondToAuthChallenge for SELECT_CHALLENGE, EMAIL_OTP, SMS_OTP and PASSWORD_VERIFIER, SignUp
//! and ConfirmSignUp with their Session), and each test checks the exact requests the session
//! sends, and what it keeps.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::rc::Rc;

use apiless::auth::session::{ChallengeResponse, Session, SignInStep};
use apiless::auth::storage::MemoryStore;
use apiless::config::{Config, RawConfig};
use apiless::test_util::{block_on, target, Answer, ScriptedTransport};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use zeroize::Zeroizing;

const NOW_MS: f64 = 1_767_225_600_000.0; // 2026-01-01T00:00:00Z

fn jwt(claims: Value) -> String {
    format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(claims.to_string()))
}

fn tokens() -> Value {
    let exp = NOW_MS as i64 / 1000 + 3600;
    let iss = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1";
    json!({"AuthenticationResult": {
        "IdToken": jwt(json!({"sub": "sub-alice", "iss": iss, "aud": "client1", "exp": exp, "iat": exp - 3600, "cognito:username": "alice", "token_use": "id"})),
        "AccessToken": jwt(json!({"sub": "sub-alice", "iss": iss, "client_id": "client1", "exp": exp, "iat": exp - 3600, "username": "alice", "token_use": "access"})),
        "RefreshToken": "opaque-refresh", "ExpiresIn": 3600, "TokenType": "Bearer"
    }, "ChallengeParameters": {}})
}

fn select_challenge() -> Value {
    json!({"ChallengeName": "SELECT_CHALLENGE", "Session": "sess-select", "ChallengeParameters": {},
           "AvailableChallenges": ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]})
}

fn code_step(name: &str, medium: &str, session: &str) -> Value {
    json!({"ChallengeName": name, "Session": session, "ChallengeParameters": {
        "CODE_DELIVERY_DELIVERY_MEDIUM": medium, "CODE_DELIVERY_DESTINATION": "a***@e***"}})
}

fn verifier() -> Value {
    json!({"ChallengeName": "PASSWORD_VERIFIER", "Session": "sess-verifier", "ChallengeParameters": {
        "SALT": "a1b2c3d4", "SRP_B": "ff".repeat(300), "SECRET_BLOCK": "c2VjcmV0LWJsb2Nr",
        "USERNAME": "alice", "USER_ID_FOR_SRP": "alice"}})
}

struct Fixture {
    session: Rc<Session<ScriptedTransport>>,
    script: ScriptedTransport,
    store: Rc<MemoryStore>,
}

fn fixture(answers: Vec<Value>) -> Fixture {
    let script =
        ScriptedTransport::answering(answers.into_iter().map(|a| Answer::aws_json(a.to_string())));
    let config = Config::validate(RawConfig {
        region: Some("us-east-1".into()),
        user_pool_id: Some("us-east-1_Pool1".into()),
        user_pool_client_id: Some("client1".into()),
        storage: Some("memory".into()),
        ..RawConfig::default()
    })
    .unwrap();
    let store = Rc::new(MemoryStore::default());
    let session = Session::new(
        config,
        script.clone(),
        store.clone(),
        Box::new(|| NOW_MS),
        Box::new(|buf: &mut [u8]| {
            buf.fill(7);
            Ok(())
        }),
    );
    Fixture {
        session,
        script,
        store,
    }
}

impl Fixture {
    fn sent(&self, i: usize) -> (String, Value) {
        let request = self.script.request(i);
        let op = target(&request).rsplit('.').next().unwrap().to_owned();
        (op, serde_json::from_slice(&request.body).unwrap())
    }

    fn sent_count(&self) -> usize {
        self.script.requests().len()
    }

    fn start(
        &self,
        preferred: Option<&str>,
        password: Option<&str>,
    ) -> apiless::error::Result<SignInStep> {
        block_on(self.session.sign_in_with_choice(
            "alice",
            preferred.map(str::to_owned),
            password.map(|p| Zeroizing::new(p.to_owned())),
        ))
    }

    fn answer(&self, response: ChallengeResponse) -> apiless::error::Result<SignInStep> {
        block_on(self.session.confirm_sign_in(response))
    }

    fn stored(&self) -> bool {
        apiless::auth::storage::load_tokens(&*self.store, "client1").is_some()
    }
}

fn next(step: SignInStep) -> apiless::auth::session::NextStep {
    match step {
        SignInStep::Next(n) => n,
        SignInStep::Done(u) => panic!("expected a step, {} signed in", u.username),
    }
}

fn code(c: &str) -> ChallengeResponse {
    ChallengeResponse {
        code: Some(c.into()),
        ..Default::default()
    }
}

fn factor(f: &str, password: Option<&str>) -> ChallengeResponse {
    ChallengeResponse {
        first_factor: Some(f.into()),
        password: password.map(|p| Zeroizing::new(p.into())),
        ..Default::default()
    }
}

#[test]
fn a_username_alone_offers_the_first_factors_then_an_email_code_signs_in() {
    let f = fixture(vec![
        select_challenge(),
        code_step("EMAIL_OTP", "EMAIL", "sess-email"),
        tokens(),
    ]);
    let step = next(f.start(None, None).unwrap());
    assert_eq!(step.name, "SELECT_CHALLENGE");
    assert_eq!(
        step.available_challenges,
        ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]
    );
    let (op, body) = f.sent(0);
    assert_eq!(op, "InitiateAuth");
    assert_eq!(
        body,
        json!({"AuthFlow": "USER_AUTH", "ClientId": "client1", "AuthParameters": {"USERNAME": "alice"}})
    );

    // A factor Cognito did not offer, or no factor: refused before any request.
    for wrong in [factor("SMS_OTP", None), code("123456")] {
        let e = f.answer(wrong).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("firstFactor"), "{e}");
    }
    assert_eq!(f.sent_count(), 1);

    let step = next(f.answer(factor("EMAIL_OTP", None)).unwrap());
    assert_eq!(step.name, "EMAIL_OTP");
    assert_eq!(step.code_delivery.unwrap().medium, "EMAIL");
    let (op, body) = f.sent(1);
    assert_eq!(op, "RespondToAuthChallenge");
    assert_eq!(body["ChallengeName"], "SELECT_CHALLENGE");
    assert_eq!(body["Session"], "sess-select");
    assert_eq!(
        body["ChallengeResponses"],
        json!({"USERNAME": "alice", "ANSWER": "EMAIL_OTP"})
    );

    assert!(
        matches!(f.answer(code(" 246810 ")).unwrap(), SignInStep::Done(ref u) if u.username == "alice")
    );
    let (_, body) = f.sent(2);
    assert_eq!(body["ChallengeName"], "EMAIL_OTP");
    assert_eq!(body["Session"], "sess-email");
    assert_eq!(
        body["ChallengeResponses"],
        json!({"USERNAME": "alice", "EMAIL_OTP_CODE": "246810"})
    );
    assert!(f.stored(), "the signed-in session is stored");
}

#[test]
fn a_wrong_sms_code_keeps_the_step_and_stores_nothing() {
    let f = fixture(vec![
        code_step("SMS_OTP", "SMS", "sess-sms"),
        json!({"__type": "CodeMismatchException", "message": "Invalid code or auth state for the user."}),
        tokens(),
    ]);
    let step = next(f.start(Some("SMS_OTP"), None).unwrap());
    assert_eq!(step.name, "SMS_OTP");
    assert_eq!(
        f.sent(0).1["AuthParameters"],
        json!({"USERNAME": "alice", "PREFERRED_CHALLENGE": "SMS_OTP"})
    );
    let e = f.answer(code("000000")).unwrap_err();
    assert_eq!(e.code, "CodeMismatchException");
    assert!(!f.stored(), "nothing stored after a wrong code");
    assert!(f.session.current_user().is_none());
    assert!(matches!(
        f.answer(code("135790")).unwrap(),
        SignInStep::Done(_)
    ));
    assert_eq!(
        f.sent(2).1["ChallengeResponses"],
        json!({"USERNAME": "alice", "SMS_OTP_CODE": "135790"})
    );
}

#[test]
fn preferred_password_srp_proves_the_password_and_mfa_still_follows() {
    let totp = json!({"ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": "sess-mfa",
                      "ChallengeParameters": {"FRIENDLY_DEVICE_NAME": "phone"}});
    let f = fixture(vec![verifier(), totp, tokens()]);
    let step = next(f.start(Some("PASSWORD_SRP"), Some("Passw0rd!")).unwrap());
    assert_eq!(step.name, "SOFTWARE_TOKEN_MFA");
    let (op, body) = f.sent(0);
    assert_eq!(op, "InitiateAuth");
    assert_eq!(body["AuthFlow"], "USER_AUTH");
    let params = &body["AuthParameters"];
    assert_eq!(params["PREFERRED_CHALLENGE"], "PASSWORD_SRP");
    assert!(params["SRP_A"].as_str().unwrap().len() > 100);
    assert!(
        params.get("PASSWORD").is_none(),
        "SRP never sends the password"
    );
    let (op, body) = f.sent(1);
    assert_eq!(op, "RespondToAuthChallenge");
    assert_eq!(body["ChallengeName"], "PASSWORD_VERIFIER");
    assert_eq!(body["Session"], "sess-verifier");
    assert_eq!(
        body["ChallengeResponses"]["TIMESTAMP"],
        "Thu Jan 1 00:00:00 UTC 2026"
    );
    assert!(!body.to_string().contains("Passw0rd!"));
    assert!(matches!(
        f.answer(code("123456")).unwrap(),
        SignInStep::Done(_)
    ));
    assert_eq!(f.sent(2).1["ChallengeName"], "SOFTWARE_TOKEN_MFA");
}

#[test]
fn choosing_password_srp_sends_a_and_then_the_claim() {
    let f = fixture(vec![select_challenge(), verifier(), tokens()]);
    next(f.start(None, None).unwrap());
    let e = f.answer(factor("PASSWORD_SRP", None)).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("password"));
    assert_eq!(f.sent_count(), 1, "refused before any request");
    assert!(matches!(
        f.answer(factor("PASSWORD_SRP", Some("Passw0rd!"))).unwrap(),
        SignInStep::Done(_)
    ));
    let (_, body) = f.sent(1);
    assert_eq!(body["ChallengeName"], "SELECT_CHALLENGE");
    let r = &body["ChallengeResponses"];
    assert_eq!(r["ANSWER"], "PASSWORD_SRP");
    assert!(r["SRP_A"].as_str().unwrap().len() > 100);
    assert!(!body.to_string().contains("Passw0rd!"));
    assert_eq!(f.sent(2).1["ChallengeName"], "PASSWORD_VERIFIER");
}

#[test]
fn bad_choices_are_refused_before_any_request() {
    let f = fixture(vec![]);
    for (preferred, password, field) in [
        (Some("FACE_ID"), None, "preferredChallenge"),
        (Some("PASSWORD_SRP"), None, "password"),
        (Some("PASSWORD"), Some(""), "password"),
        (Some("EMAIL_OTP"), Some("x"), "password"),
    ] {
        let e = f.start(preferred, password).unwrap_err();
        assert_eq!(e.field.as_deref(), Some(field), "{preferred:?}: {e}");
    }
    let e = block_on(f.session.sign_in_with_choice(" ", None, None)).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("username"));
    assert_eq!(f.sent_count(), 0);
}

#[test]
fn passwordless_sign_up_confirms_with_its_session_and_signs_in_once() {
    let f = fixture(vec![
        json!({"UserConfirmed": false, "UserSub": "sub-alice", "Session": "sess-signup",
               "CodeDeliveryDetails": {"Destination": "a***@e***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}}),
        json!({"Session": "sess-confirmed"}),
        tokens(),
    ]);
    let e = block_on(f.session.auto_sign_in()).unwrap_err();
    assert_eq!(
        e.field.as_deref(),
        Some("autoSignIn"),
        "nothing to sign in from yet"
    );
    let r = block_on(f.session.sign_up_without_password(
        "alice".into(),
        vec![("email".into(), "a@example.com".into())],
    ))
    .unwrap();
    assert!(!r.user_confirmed);
    let (op, body) = f.sent(0);
    assert_eq!(op, "SignUp");
    assert!(body.get("Password").is_none(), "{body}");
    let e = block_on(f.session.auto_sign_in()).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("autoSignIn"), "not confirmed yet");

    block_on(f.session.confirm_sign_up("alice".into(), "123456".into())).unwrap();
    let (op, body) = f.sent(1);
    assert_eq!(op, "ConfirmSignUp");
    assert_eq!(body["Session"], "sess-signup");

    assert!(
        matches!(block_on(f.session.auto_sign_in()).unwrap(), SignInStep::Done(ref u) if u.username == "alice")
    );
    let (op, body) = f.sent(2);
    assert_eq!(op, "InitiateAuth");
    assert_eq!(
        body,
        json!({"AuthFlow": "USER_AUTH", "ClientId": "client1", "Session": "sess-confirmed",
               "AuthParameters": {"USERNAME": "alice"}})
    );
    // Used once.
    let e = block_on(f.session.auto_sign_in()).unwrap_err();
    assert_eq!(e.field.as_deref(), Some("autoSignIn"));
    assert_eq!(f.sent_count(), 3);
}

#[test]
fn confirming_someone_else_sends_no_session() {
    let f = fixture(vec![
        json!({"UserConfirmed": false, "UserSub": "sub-alice", "Session": "sess-signup"}),
        json!({}),
    ]);
    block_on(f.session.sign_up_without_password("alice".into(), vec![])).unwrap();
    block_on(f.session.confirm_sign_up("bob".into(), "123456".into())).unwrap();
    assert!(f.sent(1).1.get("Session").is_none());
}
