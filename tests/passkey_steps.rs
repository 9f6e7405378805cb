//! Passkeys through the session, at the protocol level (the same paths in Chromium with a
//! virtual authenticator against the local backend are in tools/passkeys.mjs): a scripted
//! transport answers with bodies shaped as in the Cognito API reference (InitiateAuth USER_AUTH
//! with the WEB_AUTHN challenge and its CREDENTIAL_REQUEST_OPTIONS, StartWebAuthnRegistration's
//! CredentialCreationOptions, ListWebAuthnCredentials' pages), a scripted authenticator stands in
//! for the browser's prompt, and each test checks the exact requests sent and what is kept.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::rc::Rc;

use apiless::auth::session::{Authenticator, ChallengeResponse, Session, SignInStep};
use apiless::auth::storage::MemoryStore;
use apiless::config::{Config, RawConfig};
use apiless::error::{Error, ErrorKind, Result};
use apiless::test_util::{block_on, target, Answer, ScriptedTransport};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use futures_util::future::LocalBoxFuture;
use serde_json::{json, Value};

const NOW_MS: f64 = 1_767_225_600_000.0; // 2026-01-01T00:00:00Z
const REQUEST_OPTIONS: &str = r#"{"challenge":"Y2hhbGxlbmdl","timeout":180000,"rpId":"example.com","allowCredentials":[{"type":"public-key","id":"Y3JlZA"}],"userVerification":"preferred"}"#;
const ASSERTION: &str = r#"{"id":"Y3JlZA","rawId":"Y3JlZA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"YQ","signature":"c2ln"},"clientExtensionResults":{}}"#;

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

fn web_authn_challenge() -> Value {
    json!({"ChallengeName": "WEB_AUTHN", "Session": "sess-passkey",
           "ChallengeParameters": {"CREDENTIAL_REQUEST_OPTIONS": REQUEST_OPTIONS}})
}

/// What the scripted prompt gives: a credential's JSON text, or the error of a cancelled prompt.
#[derive(Clone, Default)]
struct Prompt {
    seen: Rc<RefCell<Vec<(&'static str, String)>>>,
    cancel: bool,
}

impl Prompt {
    fn answer(
        &self,
        kind: &'static str,
        options: &str,
        credential: &str,
    ) -> LocalBoxFuture<'static, Result<String>> {
        self.seen.borrow_mut().push((kind, options.to_owned()));
        let answer = if self.cancel {
            Err(Error::passkey(
                "PasskeyCancelledError",
                "the user cancelled",
            ))
        } else {
            Ok(credential.to_owned())
        };
        Box::pin(async move { answer })
    }
}

impl Authenticator for Prompt {
    fn get(&self, options: &str) -> LocalBoxFuture<'static, Result<String>> {
        self.answer("get", options, ASSERTION)
    }
    fn create(&self, options: &str) -> LocalBoxFuture<'static, Result<String>> {
        self.answer(
            "create",
            options,
            r#"{"id":"bmV3","response":{"attestationObject":"bw"}}"#,
        )
    }
}

struct Fixture {
    session: Rc<Session<ScriptedTransport>>,
    script: ScriptedTransport,
    store: Rc<MemoryStore>,
    prompt: Prompt,
}

fn fixture(answers: Vec<Value>, prompt: Option<Prompt>) -> Fixture {
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
    let used = prompt.clone().unwrap_or_default();
    if let Some(p) = prompt {
        session.use_authenticator(Rc::new(p));
    }
    Fixture {
        session,
        script,
        store,
        prompt: used,
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

    fn passkey_sign_in(&self) -> Result<SignInStep> {
        block_on(
            self.session
                .sign_in_with_choice("alice", Some("WEB_AUTHN".into()), None),
        )
    }

    fn stored(&self) -> bool {
        apiless::auth::storage::load_tokens(&*self.store, "client1").is_some()
    }
}

#[test]
fn a_preferred_passkey_signs_in_with_the_authenticators_assertion() {
    let f = fixture(
        vec![web_authn_challenge(), tokens()],
        Some(Prompt::default()),
    );
    assert!(
        matches!(f.passkey_sign_in().unwrap(), SignInStep::Done(ref u) if u.username == "alice")
    );
    let (op, body) = f.sent(0);
    assert_eq!(op, "InitiateAuth");
    assert_eq!(
        body,
        json!({"AuthFlow": "USER_AUTH", "ClientId": "client1", "AuthParameters": {"USERNAME": "alice", "PREFERRED_CHALLENGE": "WEB_AUTHN"}})
    );
    // Cognito's options reach the prompt as they came; the assertion goes back as CREDENTIAL text.
    assert_eq!(
        *f.prompt.seen.borrow(),
        vec![("get", REQUEST_OPTIONS.to_owned())]
    );
    let (op, body) = f.sent(1);
    assert_eq!(op, "RespondToAuthChallenge");
    assert_eq!(body["ChallengeName"], "WEB_AUTHN");
    assert_eq!(body["Session"], "sess-passkey");
    assert_eq!(
        body["ChallengeResponses"],
        json!({"USERNAME": "alice", "CREDENTIAL": ASSERTION})
    );
    assert!(f.stored());
}

#[test]
fn a_passkey_chosen_at_select_challenge_prompts_then_signs_in() {
    let select = json!({"ChallengeName": "SELECT_CHALLENGE", "Session": "sess-select", "ChallengeParameters": {},
                        "AvailableChallenges": ["PASSWORD", "PASSWORD_SRP", "WEB_AUTHN"]});
    let f = fixture(
        vec![select, web_authn_challenge(), tokens()],
        Some(Prompt::default()),
    );
    let step = block_on(f.session.sign_in_with_choice("alice", None, None)).unwrap();
    assert!(
        matches!(step, SignInStep::Next(ref n) if n.available_challenges.contains(&"WEB_AUTHN".to_owned()))
    );
    let chosen = ChallengeResponse {
        first_factor: Some("WEB_AUTHN".into()),
        ..Default::default()
    };
    assert!(matches!(
        block_on(f.session.confirm_sign_in(chosen)).unwrap(),
        SignInStep::Done(_)
    ));
    assert_eq!(
        f.sent(1).1["ChallengeResponses"],
        json!({"USERNAME": "alice", "ANSWER": "WEB_AUTHN"})
    );
    assert_eq!(f.sent(2).1["ChallengeName"], "WEB_AUTHN");
    assert!(f.stored());
}

#[test]
fn a_cancelled_prompt_or_no_webauthn_sends_no_answer_and_stores_nothing() {
    let cancelling = Prompt {
        cancel: true,
        ..Prompt::default()
    };
    let f = fixture(vec![web_authn_challenge()], Some(cancelling));
    let e = f.passkey_sign_in().unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_str()),
        (ErrorKind::Passkey, "PasskeyCancelledError")
    );
    assert_eq!(
        f.sent_count(),
        1,
        "no RespondToAuthChallenge after a cancelled prompt"
    );
    assert!(!f.stored());
    assert!(f.session.current_user().is_none());
    // A session never given an authenticator (a host without WebAuthn).
    let f = fixture(vec![web_authn_challenge()], None);
    let e = f.passkey_sign_in().unwrap_err();
    assert_eq!(
        (e.kind, e.code.as_str()),
        (ErrorKind::Passkey, "PasskeyNotSupportedError")
    );
    assert_eq!(f.sent_count(), 1);
    assert!(!f.stored());
}

#[test]
fn bad_options_a_password_with_a_passkey_or_a_second_passkey_step_are_refused() {
    let bad = json!({"ChallengeName": "WEB_AUTHN", "Session": "s", "ChallengeParameters": {"CREDENTIAL_REQUEST_OPTIONS": "not json"}});
    let f = fixture(vec![bad], Some(Prompt::default()));
    assert_eq!(f.passkey_sign_in().unwrap_err().kind, ErrorKind::Protocol);
    assert!(
        f.prompt.seen.borrow().is_empty(),
        "no prompt for options that are not Cognito's"
    );
    let f = fixture(vec![], Some(Prompt::default()));
    let e = block_on(f.session.sign_in_with_choice(
        "alice",
        Some("WEB_AUTHN".into()),
        Some(zeroize::Zeroizing::new("pw".into())),
    ))
    .unwrap_err();
    assert_eq!(e.field.as_deref(), Some("password"));
    assert_eq!(f.sent_count(), 0);
    let f = fixture(
        vec![web_authn_challenge(), web_authn_challenge()],
        Some(Prompt::default()),
    );
    assert_eq!(f.passkey_sign_in().unwrap_err().kind, ErrorKind::Protocol);
    assert!(!f.stored());
}

fn signed_in(mut answers: Vec<Value>, prompt: Prompt) -> Fixture {
    answers.insert(0, tokens());
    answers.insert(0, web_authn_challenge());
    let f = fixture(answers, Some(prompt));
    f.passkey_sign_in().unwrap();
    f
}

#[test]
fn associating_a_passkey_starts_creates_and_completes_with_the_access_token() {
    let options = json!({"challenge": "Y2g", "rp": {"id": "example.com", "name": "pool"}, "user": {"id": "dQ", "name": "alice", "displayName": "alice"}, "pubKeyCredParams": [{"type": "public-key", "alg": -7}]});
    let f = signed_in(
        vec![json!({"CredentialCreationOptions": options}), json!({})],
        Prompt::default(),
    );
    block_on(f.session.associate_passkey()).unwrap();
    let (op, body) = f.sent(2);
    assert_eq!(op, "StartWebAuthnRegistration");
    assert!(body["AccessToken"].as_str().unwrap().starts_with("e30."));
    assert_eq!(f.prompt.seen.borrow()[1], ("create", options.to_string()));
    let (op, body) = f.sent(3);
    assert_eq!(op, "CompleteWebAuthnRegistration");
    assert_eq!(
        body["Credential"],
        json!({"id": "bmV3", "response": {"attestationObject": "bw"}})
    );

    // Cancelled: nothing is completed.
    let f = signed_in(
        vec![json!({"CredentialCreationOptions": options})],
        Prompt::default(),
    );
    f.session.use_authenticator(Rc::new(Prompt {
        cancel: true,
        ..Prompt::default()
    }));
    let e = block_on(f.session.associate_passkey()).unwrap_err();
    assert_eq!(e.code, "PasskeyCancelledError");
    assert_eq!(f.sent_count(), 3, "no CompleteWebAuthnRegistration");
}

#[test]
fn every_page_of_passkeys_is_listed_and_one_is_deleted() {
    let page = |ids: &[&str], next: Option<&str>| {
        let list: Vec<Value> = ids.iter().map(|id| json!({"CredentialId": id, "FriendlyCredentialName": "k", "RelyingPartyId": "example.com", "AuthenticatorTransports": ["internal"], "CreatedAt": 1.7e9})).collect();
        match next {
            Some(n) => json!({"Credentials": list, "NextToken": n}),
            None => json!({"Credentials": list}),
        }
    };
    let f = signed_in(
        vec![page(&["a", "b"], Some("n2")), page(&["c"], None), json!({})],
        Prompt::default(),
    );
    let ids: Vec<String> = block_on(f.session.passkeys(2))
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(f.sent(2).1["MaxResults"], 2);
    assert_eq!(f.sent(3).1["NextToken"], "n2");
    block_on(f.session.delete_passkey("b")).unwrap();
    let (op, body) = f.sent(4);
    assert_eq!(op, "DeleteWebAuthnCredential");
    assert_eq!(body["CredentialId"], "b");
    // The same NextToken twice would loop for ever: refused.
    let f = signed_in(
        vec![page(&["a"], Some("n")), page(&["b"], Some("n"))],
        Prompt::default(),
    );
    assert_eq!(
        block_on(f.session.passkeys(1)).unwrap_err().kind,
        ErrorKind::Protocol
    );
}
