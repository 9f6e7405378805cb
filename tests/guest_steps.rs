//! Guests (`guestAccess`) at the protocol level: a scripted identity pool answers with bodies
//! shaped as in the Cognito Identity API reference (GetId, GetCredentialsForIdentity), and each
//! test checks the exact requests the session sends: a guest's GetId and
//! GetCredentialsForIdentity without `Logins`, the guest identity sent with the login at sign-in
//! (linked, or merged into the user's identity), and a guest again after sign-out; and the
//! identity and credentials kept in the app's storage between page loads (a reload sends
//! nothing; kept ones past their refresh margin, unreadable, or of a signed-out user go).
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::Cell;
use std::rc::Rc;

use apiless::auth::session::Session;
use apiless::auth::storage::{self, MemoryStore, Store};
use apiless::config::{Config, RawConfig};
use apiless::error::Error;
use apiless::test_util::{block_on, target, Answer, ScriptedTransport};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use zeroize::Zeroizing;

const NOW_MS: f64 = 1_767_225_600_000.0; // 2026-01-01T00:00:00Z
const POOL: &str = "us-east-1:00000000-0000-4000-8000-000000000000";
const GUEST: &str = "us-east-1:33333333-3333-4333-8333-333333333333";
const GUEST_2: &str = "us-east-1:44444444-4444-4444-8444-444444444444";
const ALICE_ID: &str = "us-east-1:11111111-1111-4111-8111-111111111111";
const PROVIDER: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1";

fn jwt(claims: Value) -> String {
    format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(claims.to_string()))
}

/// InitiateAuth's PASSWORD_VERIFIER challenge, then RespondToAuthChallenge's tokens.
fn sign_in_answers() -> [Value; 2] {
    let exp = NOW_MS as i64 / 1000 + 3600;
    let iss = format!("https://{PROVIDER}");
    let claims = |token_use: &str| {
        json!({"sub": "sub-alice", "iss": iss, "aud": "client1", "client_id": "client1", "exp": exp,
               "iat": exp - 3600, "cognito:username": "alice", "username": "alice", "token_use": token_use})
    };
    [
        json!({"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": {
            "SALT": "a1b2c3d4", "SRP_B": "ff".repeat(300), "SECRET_BLOCK": "c2VjcmV0LWJsb2Nr",
            "USERNAME": "alice", "USER_ID_FOR_SRP": "alice"}}),
        json!({"AuthenticationResult": {"IdToken": jwt(claims("id")), "AccessToken": jwt(claims("access")),
               "RefreshToken": "opaque-refresh", "ExpiresIn": 3600, "TokenType": "Bearer"},
               "ChallengeParameters": {}}),
    ]
}

fn get_id(id: &str) -> Value {
    json!({ "IdentityId": id })
}

/// GetCredentialsForIdentity's answer for `id`.
fn credentials(id: &str) -> Value {
    json!({"IdentityId": id, "Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretKey": "secret",
           "SessionToken": "token", "Expiration": NOW_MS / 1000.0 + 3600.0}})
}

fn refused(code: &str, message: &str) -> Value {
    json!({ "__type": code, "message": message })
}

/// A signed-out session over `store`, with or without guest access, answered by `answers`.
fn session(
    guest_access: bool,
    store: Rc<MemoryStore>,
    answers: Vec<Value>,
) -> (Rc<Session<ScriptedTransport>>, ScriptedTransport) {
    session_at(guest_access, store, answers, Rc::new(Cell::new(NOW_MS)))
}

/// [`session`] on a clock the test moves.
fn session_at(
    guest_access: bool,
    store: Rc<MemoryStore>,
    answers: Vec<Value>,
    now: Rc<Cell<f64>>,
) -> (Rc<Session<ScriptedTransport>>, ScriptedTransport) {
    let script =
        ScriptedTransport::answering(answers.into_iter().map(|a| Answer::aws_json(a.to_string())));
    let config = Config::validate(RawConfig {
        region: Some("us-east-1".into()),
        user_pool_id: Some("us-east-1_Pool1".into()),
        user_pool_client_id: Some("client1".into()),
        identity_pool_id: Some(POOL.into()),
        storage: Some("memory".into()),
        guest_access: Some(guest_access),
        ..RawConfig::default()
    })
    .unwrap();
    let session = Session::new(
        config,
        script.clone(),
        store,
        Box::new(move || now.get()),
        Box::new(|buf: &mut [u8]| {
            buf.fill(7);
            Ok(())
        }),
    );
    (session, script)
}

/// The operations and bodies of the requests from `from` on.
fn sent(script: &ScriptedTransport, from: usize) -> Vec<(String, Value)> {
    script
        .requests()
        .iter()
        .skip(from)
        .map(|r| {
            let op = target(r).rsplit('.').next().unwrap_or_default().to_owned();
            (op, serde_json::from_slice(&r.body).unwrap())
        })
        .collect()
}

fn guest_key() -> String {
    storage::guest_identity_id_key(POOL)
}

fn alice_key() -> String {
    storage::identity_id_key(POOL, "sub-alice")
}

fn sign_in(s: &Rc<Session<ScriptedTransport>>) {
    block_on(s.sign_in("alice", Zeroizing::new("Passw0rd!".into()))).unwrap();
}

fn identity(s: &Rc<Session<ScriptedTransport>>) -> Result<String, Error> {
    block_on(s.aws_identity()).map(|i| i.identity_id)
}

#[test]
fn a_guest_gets_an_identity_and_unauthenticated_credentials_without_logins() {
    let store = Rc::new(MemoryStore::default());
    let (s, script) = session(true, store.clone(), vec![get_id(GUEST), credentials(GUEST)]);
    assert_eq!(identity(&s).unwrap(), GUEST);
    assert_eq!(
        sent(&script, 0),
        [
            ("GetId".into(), json!({ "IdentityPoolId": POOL })),
            (
                "GetCredentialsForIdentity".into(),
                json!({ "IdentityId": GUEST })
            ),
        ]
    );
    assert_eq!(store.get(&guest_key()).as_deref(), Some(GUEST));
    // Cached like a user's: the next caller sends nothing.
    assert_eq!(identity(&s).unwrap(), GUEST);
    assert_eq!(script.requests().len(), 2);

    // A reloaded page reuses the kept guest identity and credentials: nothing sent.
    let (reloaded, script) = session(true, store.clone(), vec![]);
    assert_eq!(identity(&reloaded).unwrap(), GUEST);
    assert!(script.requests().is_empty());

    // Without the kept credentials, the remembered guest identity still saves the GetId.
    store.remove(&storage::credentials_key(POOL, None));
    let (reloaded, script) = session(true, store.clone(), vec![credentials(GUEST)]);
    assert_eq!(identity(&reloaded).unwrap(), GUEST);
    assert_eq!(
        sent(&script, 0),
        [(
            "GetCredentialsForIdentity".into(),
            json!({ "IdentityId": GUEST })
        )]
    );
}

#[test]
fn guest_credentials_are_renewed_before_they_expire_for_the_same_guest() {
    let now = Rc::new(Cell::new(NOW_MS));
    let renewed = json!({"IdentityId": GUEST, "Credentials": {"AccessKeyId": "ASIARENEWED",
        "SecretKey": "secret2", "SessionToken": "token2", "Expiration": NOW_MS / 1000.0 + 7200.0}});
    let (s, script) = session_at(
        true,
        Rc::new(MemoryStore::default()),
        vec![get_id(GUEST), credentials(GUEST), renewed],
        now.clone(),
    );
    block_on(s.aws_identity()).unwrap();
    // 56 minutes on: within the 5-minute margin of the hour the credentials last.
    now.set(NOW_MS + 56.0 * 60_000.0);
    let identity = block_on(s.aws_identity()).unwrap();
    assert_eq!(identity.credentials.access_key_id, "ASIARENEWED");
    assert_eq!(identity.identity_id, GUEST);
    assert_eq!(
        sent(&script, 2),
        [(
            "GetCredentialsForIdentity".into(),
            json!({ "IdentityId": GUEST })
        )],
        "one renewal, for the same guest, without GetId"
    );
}

#[test]
fn without_guest_access_a_signed_out_call_is_refused_before_any_request() {
    let (s, script) = session(false, Rc::new(MemoryStore::default()), vec![]);
    let e = identity(&s).unwrap_err();
    assert_eq!(e.code, "NotAuthorizedException", "{e}");
    assert!(script.requests().is_empty());
}

#[test]
fn signing_in_links_the_guest_identity_to_the_user() {
    let store = Rc::new(MemoryStore::default());
    let [verifier, tokens] = sign_in_answers();
    let (s, script) = session(
        true,
        store.clone(),
        vec![
            get_id(GUEST),
            credentials(GUEST),
            verifier,
            tokens,
            credentials(GUEST),
        ],
    );
    assert_eq!(identity(&s).unwrap(), GUEST);
    sign_in(&s);
    assert_eq!(
        identity(&s).unwrap(),
        GUEST,
        "the guest's identity is theirs"
    );
    assert_eq!(
        sent(&script, 4),
        [(
            "GetCredentialsForIdentity".into(),
            json!({ "IdentityId": GUEST, "Logins": { PROVIDER: id_token() } })
        )],
        "no GetId: the guest identity is sent with the login"
    );
    assert!(
        store.get(&guest_key()).is_none(),
        "no guest identity any more"
    );
    assert!(
        store.get(&storage::credentials_key(POOL, None)).is_none(),
        "nor the guest's kept credentials"
    );
    assert_eq!(store.get(&alice_key()).as_deref(), Some(GUEST));
}

/// The ID token the session receives at sign-in (RespondToAuthChallenge's answer).
fn id_token() -> String {
    let [_, tokens] = sign_in_answers();
    tokens["AuthenticationResult"]["IdToken"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn a_login_linked_elsewhere_merges_the_guest_into_the_users_identity() {
    let store = Rc::new(MemoryStore::default());
    store.set(&guest_key(), GUEST).unwrap();
    let [verifier, tokens] = sign_in_answers();
    let (s, script) = session(
        true,
        store.clone(),
        vec![verifier, tokens, credentials(ALICE_ID)],
    );
    sign_in(&s);
    assert_eq!(
        identity(&s).unwrap(),
        ALICE_ID,
        "the identity Cognito answered for"
    );
    let [(op, body)] = &sent(&script, 2)[..] else {
        panic!("one request")
    };
    assert_eq!(
        (op.as_str(), &body["IdentityId"]),
        ("GetCredentialsForIdentity", &json!(GUEST))
    );
    assert!(body["Logins"][PROVIDER].is_string(), "{body}");
    assert!(store.get(&guest_key()).is_none());
    assert_eq!(store.get(&alice_key()).as_deref(), Some(ALICE_ID));
}

#[test]
fn a_guest_identity_the_user_cannot_have_is_dropped_for_the_users_own() {
    // Linked to another user in the meantime: Cognito refuses the login for it.
    let store = Rc::new(MemoryStore::default());
    store.set(&guest_key(), GUEST).unwrap();
    let [verifier, tokens] = sign_in_answers();
    let (s, script) = session(
        true,
        store.clone(),
        vec![
            verifier,
            tokens,
            refused(
                "NotAuthorizedException",
                "Logins don't match. Please include at least one valid login for this identity or identity pool.",
            ),
            get_id(ALICE_ID),
            credentials(ALICE_ID),
        ],
    );
    sign_in(&s);
    assert_eq!(identity(&s).unwrap(), ALICE_ID);
    let ops: Vec<String> = sent(&script, 2).into_iter().map(|(op, _)| op).collect();
    assert_eq!(
        ops,
        [
            "GetCredentialsForIdentity",
            "GetId",
            "GetCredentialsForIdentity"
        ]
    );
    assert!(sent(&script, 3)[0].1["Logins"][PROVIDER].is_string());
    assert!(store.get(&guest_key()).is_none());
    assert_eq!(store.get(&alice_key()).as_deref(), Some(ALICE_ID));
}

#[test]
fn a_network_fault_while_linking_keeps_the_guest_identity_for_the_next_try() {
    let store = Rc::new(MemoryStore::default());
    store.set(&guest_key(), GUEST).unwrap();
    let [verifier, tokens] = sign_in_answers();
    let (s, script) = session(true, store.clone(), vec![verifier, tokens]);
    sign_in(&s);
    script.repeat(Some(Answer::Fail(Error::network("down (test)"))));
    assert_eq!(identity(&s).unwrap_err().code, "NetworkError");
    assert_eq!(store.get(&guest_key()).as_deref(), Some(GUEST));
    script.repeat(Some(Answer::aws_json(credentials(GUEST).to_string())));
    assert_eq!(identity(&s).unwrap(), GUEST);
    assert!(store.get(&guest_key()).is_none());
}

#[test]
fn a_guest_identity_cognito_refuses_is_replaced_once() {
    // Disabled by a merge made in another browser, or linked to a user since.
    let store = Rc::new(MemoryStore::default());
    store.set(&guest_key(), GUEST).unwrap();
    let (s, script) = session(
        true,
        store.clone(),
        vec![
            refused(
                "NotAuthorizedException",
                &format!("Access to Identity '{GUEST}' is forbidden."),
            ),
            get_id(GUEST_2),
            credentials(GUEST_2),
        ],
    );
    assert_eq!(identity(&s).unwrap(), GUEST_2);
    assert_eq!(
        sent(&script, 0),
        [
            (
                "GetCredentialsForIdentity".into(),
                json!({ "IdentityId": GUEST })
            ),
            ("GetId".into(), json!({ "IdentityPoolId": POOL })),
            (
                "GetCredentialsForIdentity".into(),
                json!({ "IdentityId": GUEST_2 })
            ),
        ]
    );
    assert_eq!(store.get(&guest_key()).as_deref(), Some(GUEST_2));
}

#[test]
fn after_sign_out_a_linked_guest_is_replaced_by_a_new_one() {
    let store = Rc::new(MemoryStore::default());
    let [verifier, tokens] = sign_in_answers();
    let (s, script) = session(
        true,
        store.clone(),
        vec![
            get_id(GUEST),
            credentials(GUEST),
            verifier,
            tokens,
            credentials(GUEST),
            json!({}), // RevokeToken
            get_id(GUEST_2),
            credentials(GUEST_2),
        ],
    );
    identity(&s).unwrap();
    sign_in(&s);
    identity(&s).unwrap();
    block_on(s.sign_out(false)).unwrap();
    assert_eq!(identity(&s).unwrap(), GUEST_2, "a new guest");
    assert_eq!(
        sent(&script, 6),
        [
            ("GetId".into(), json!({ "IdentityPoolId": POOL })),
            (
                "GetCredentialsForIdentity".into(),
                json!({ "IdentityId": GUEST_2 })
            ),
        ]
    );
    assert_eq!(store.get(&guest_key()).as_deref(), Some(GUEST_2));
    assert!(store.get(&alice_key()).is_none());
}

#[test]
fn a_user_with_a_remembered_identity_leaves_the_guest_identity_for_after_sign_out() {
    let store = Rc::new(MemoryStore::default());
    store.set(&guest_key(), GUEST).unwrap();
    store.set(&alice_key(), ALICE_ID).unwrap();
    let [verifier, tokens] = sign_in_answers();
    let (s, script) = session(
        true,
        store.clone(),
        vec![
            verifier,
            tokens,
            credentials(ALICE_ID),
            json!({}), // RevokeToken
            credentials(GUEST),
        ],
    );
    sign_in(&s);
    assert_eq!(identity(&s).unwrap(), ALICE_ID);
    assert_eq!(sent(&script, 2)[0].1["IdentityId"], json!(ALICE_ID));
    assert_eq!(
        store.get(&guest_key()).as_deref(),
        Some(GUEST),
        "still a guest's"
    );
    block_on(s.sign_out(false)).unwrap();
    assert_eq!(identity(&s).unwrap(), GUEST, "the stored guest identity");
    assert_eq!(
        sent(&script, 4),
        [(
            "GetCredentialsForIdentity".into(),
            json!({ "IdentityId": GUEST })
        )]
    );
}

// ---- credentials kept between page loads ---------------------------------------------------

fn alice_credentials_key() -> String {
    storage::credentials_key(POOL, Some("sub-alice"))
}

/// Alice signed in, with her identity and credentials fetched (GetId, GetCredentialsForIdentity).
fn alice_with_credentials(
    store: Rc<MemoryStore>,
    more: Vec<Value>,
) -> (Rc<Session<ScriptedTransport>>, ScriptedTransport) {
    let [verifier, tokens] = sign_in_answers();
    let mut answers = vec![verifier, tokens, get_id(ALICE_ID), credentials(ALICE_ID)];
    answers.extend(more);
    let (s, script) = session(false, store, answers);
    sign_in(&s);
    assert_eq!(identity(&s).unwrap(), ALICE_ID);
    (s, script)
}

#[test]
fn a_reloaded_page_signs_with_the_kept_credentials_and_sends_nothing() {
    let store = Rc::new(MemoryStore::default());
    let (s, _) = alice_with_credentials(store.clone(), vec![]);
    let fetched = block_on(s.aws_identity()).unwrap();
    assert!(
        store.get(&alice_credentials_key()).is_some(),
        "kept in the app's storage"
    );

    let (reloaded, script) = session(false, store.clone(), vec![]);
    let kept = block_on(reloaded.aws_identity()).unwrap();
    assert!(script.requests().is_empty(), "no call to the identity pool");
    assert_eq!(kept.identity_id, ALICE_ID);
    assert_eq!(
        kept.credentials, fetched.credentials,
        "the same credentials, to the millisecond"
    );
}

#[test]
fn kept_credentials_past_the_refresh_margin_are_removed_and_renewed() {
    let store = Rc::new(MemoryStore::default());
    alice_with_credentials(store.clone(), vec![]);
    let now = Rc::new(Cell::new(NOW_MS + 3_600_000.0 - 5.0 * 60_000.0));
    let renewed = json!({"IdentityId": ALICE_ID, "Credentials": {"AccessKeyId": "ASIARENEWED", "SecretKey": "s2",
                         "SessionToken": "t2", "Expiration": NOW_MS / 1000.0 + 7200.0}});
    let (reloaded, script) = session_at(false, store.clone(), vec![renewed], now);
    let identity = block_on(reloaded.aws_identity()).unwrap();
    assert_eq!(identity.credentials.access_key_id, "ASIARENEWED");
    assert_eq!(
        sent(&script, 0),
        [(
            "GetCredentialsForIdentity".into(),
            json!({ "IdentityId": ALICE_ID, "Logins": { PROVIDER: id_token() } })
        )],
        "the remembered identity id still saves the GetId"
    );
    assert!(
        store
            .get(&alice_credentials_key())
            .unwrap()
            .contains("ASIARENEWED"),
        "the kept ones replaced"
    );
}

#[test]
fn unreadable_kept_credentials_are_removed_and_fetched_again() {
    let store = Rc::new(MemoryStore::default());
    alice_with_credentials(store.clone(), vec![]);
    for planted in [
        "{not json".to_owned(),
        // Another pool's identity, or credentials with a part missing, are not used either.
        json!({"IdentityId": "eu-west-1:11111111-1111-4111-8111-111111111111", "Credentials": credentials(ALICE_ID)["Credentials"]}).to_string(),
        json!({"IdentityId": ALICE_ID, "Credentials": {"AccessKeyId": "A", "Expiration": NOW_MS / 1000.0 + 3600.0}}).to_string(),
    ] {
        store.set(&alice_credentials_key(), &planted).unwrap();
        let (reloaded, script) = session(false, store.clone(), vec![credentials(ALICE_ID)]);
        assert_eq!(block_on(reloaded.aws_identity()).unwrap().identity_id, ALICE_ID);
        assert_eq!(script.requests().len(), 1, "fetched again for {planted}");
        assert_ne!(store.get(&alice_credentials_key()).as_deref(), Some(planted.as_str()));
    }
}

#[test]
fn signing_out_removes_the_kept_credentials() {
    let store = Rc::new(MemoryStore::default());
    let (s, _) = alice_with_credentials(store.clone(), vec![json!({})]); // RevokeToken
    assert!(store.get(&alice_credentials_key()).is_some());
    block_on(s.sign_out(false)).unwrap();
    assert!(store.get(&alice_credentials_key()).is_none());
}

#[test]
fn a_renewal_asks_the_identity_pool_whatever_storage_holds() {
    // Kept credentials serve a page that has none yet; a page renewing its own asks the pool
    // (its clock judged them due, and it has no better clock for the kept ones).
    let store = Rc::new(MemoryStore::default());
    let now = Rc::new(Cell::new(NOW_MS));
    let [verifier, tokens] = sign_in_answers();
    let renewed = json!({"IdentityId": ALICE_ID, "Credentials": {"AccessKeyId": "ASIARENEWED", "SecretKey": "s2",
                         "SessionToken": "t2", "Expiration": NOW_MS / 1000.0 + 7200.0}});
    let (s, script) = session_at(
        false,
        store.clone(),
        vec![
            verifier,
            tokens,
            get_id(ALICE_ID),
            credentials(ALICE_ID),
            renewed,
        ],
        now.clone(),
    );
    sign_in(&s);
    block_on(s.aws_identity()).unwrap();
    let other_tab = json!({"IdentityId": ALICE_ID, "Credentials": {"AccessKeyId": "ASIAOTHERTAB", "SecretKey": "s3",
                           "Expiration": NOW_MS / 1000.0 + 7200.0}});
    store
        .set(&alice_credentials_key(), &other_tab.to_string())
        .unwrap();
    now.set(NOW_MS + 56.0 * 60_000.0);
    let identity = block_on(s.aws_identity()).unwrap();
    assert_eq!(identity.credentials.access_key_id, "ASIARENEWED");
    assert_eq!(script.requests().len(), 5);
}
