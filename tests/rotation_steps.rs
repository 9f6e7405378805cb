//! Refresh-token rotation across tabs, at the protocol level: tabs are sessions over one shared
//! store, the "pool" is a scripted GetTokensFromRefreshToken that rotates the refresh token
//! and, with no grace period, answers `RefreshTokenReuseException` to a token it rotated out.
//! With a [`TabLock`] shared by the tabs, N tabs refreshing at once send one request and all
//! end with its tokens; without one, a tab that meets the reuse error adopts storage.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use apiless::auth::session::{Event, Session};
use apiless::auth::storage::{self, MemoryStore, Store};
use apiless::auth::tab_lock::{LockGuard, NoTabLock, TabLock};
use apiless::auth::tokens::Tokens;
use apiless::config::{Config, RawConfig};
use apiless::http::{Request, Response};
use apiless::test_util::{poll_once, target, Answer, Gate, ScriptedTransport};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use futures_util::future::{FutureExt, LocalBoxFuture};
use serde_json::{json, Value};

const NOW_MS: f64 = 1_767_225_600_000.0; // 2026-01-01T00:00:00Z
const CLIENT: &str = "client1";
const ISS: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool1";
const REFRESH_KEY: &str = "CognitoIdentityServiceProvider.client1.alice.refreshToken";

fn jwt(claims: Value) -> String {
    format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(claims.to_string()))
}

/// alice's ID and access tokens, issued `issued_s` after NOW, valid an hour.
fn tokens(issued_s: i64, refresh_token: &str) -> Tokens {
    let iat = NOW_MS as i64 / 1000 + issued_s;
    let exp = iat + 3600;
    Tokens {
        id_token: jwt(
            json!({"sub": "sub-alice", "iss": ISS, "aud": CLIENT, "exp": exp, "iat": iat, "cognito:username": "alice", "token_use": "id"}),
        ),
        access_token: jwt(
            json!({"sub": "sub-alice", "iss": ISS, "client_id": CLIENT, "exp": exp, "iat": iat, "username": "alice", "token_use": "access"}),
        ),
        refresh_token: refresh_token.to_owned(),
    }
}

/// A pool whose app client rotates refresh tokens with no grace period: each
/// GetTokensFromRefreshToken with the current token answers new tokens and a new refresh token;
/// any other token answers `RefreshTokenReuseException`. Counts what it is asked.
#[derive(Clone, Default)]
struct RotatingPool {
    current: Rc<RefCell<String>>,
    issued: Rc<Cell<i64>>,
    refreshes: Rc<Cell<u32>>,
    refused: Rc<Cell<u32>>,
}

impl RotatingPool {
    fn answer(&self, request: &Request) -> apiless::error::Result<Response> {
        assert!(target(request).ends_with(".GetTokensFromRefreshToken"));
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["ClientId"], CLIENT);
        let sent = body["RefreshToken"].as_str().unwrap().to_owned();
        let reply = |status, body: Value| {
            Ok(Response {
                status,
                headers: vec![],
                body: body.to_string().into_bytes(),
            })
        };
        if sent != *self.current.borrow() {
            self.refused.set(self.refused.get() + 1);
            return reply(
                400,
                json!({"__type": "RefreshTokenReuseException", "message": "Refresh token has been rotated out."}),
            );
        }
        self.refreshes.set(self.refreshes.get() + 1);
        self.issued.set(self.issued.get() + 1);
        let fresh = tokens(self.issued.get(), &format!("rt-{}", self.issued.get()));
        *self.current.borrow_mut() = fresh.refresh_token.clone();
        reply(
            200,
            json!({"AuthenticationResult": {
                "IdToken": fresh.id_token, "AccessToken": fresh.access_token,
                "RefreshToken": fresh.refresh_token, "ExpiresIn": 3600, "TokenType": "Bearer"}}),
        )
    }
}

/// A lock the tabs of one test share: one holder at a time; the others wait at its gate.
#[derive(Clone, Default)]
struct SharedLock {
    gate: Gate,
    names: Rc<RefCell<Vec<String>>>,
}

struct Held(Gate);

impl Drop for Held {
    fn drop(&mut self) {
        self.0.open();
    }
}

impl TabLock for SharedLock {
    fn acquire(&self, name: &str) -> LocalBoxFuture<'static, (LockGuard, bool)> {
        self.names.borrow_mut().push(name.to_owned());
        let gate = self.gate.clone();
        let waited = gate.is_closed();
        async move {
            loop {
                gate.wait().await;
                if !gate.is_closed() {
                    gate.close();
                    return (Box::new(Held(gate)) as LockGuard, waited);
                }
            }
        }
        .boxed_local()
    }
}

/// A tab: a session restored from `store`, asking `pool`, with `lock`; its events are logged.
struct Tab {
    session: Rc<Session<ScriptedTransport>>,
    script: ScriptedTransport,
    events: Rc<RefCell<Vec<&'static str>>>,
}

fn tab(store: &Rc<MemoryStore>, pool: &RotatingPool, lock: Rc<dyn TabLock>) -> Tab {
    let pool = pool.clone();
    let script = ScriptedTransport::always(Answer::from_fn(move |r| pool.answer(r)));
    let config = Config::validate(RawConfig {
        region: Some("us-east-1".into()),
        user_pool_id: Some("us-east-1_Pool1".into()),
        user_pool_client_id: Some(CLIENT.into()),
        storage: Some("local".into()),
        ..RawConfig::default()
    })
    .unwrap();
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
    session.use_tab_lock(lock);
    assert_eq!(session.current_user().unwrap().username, "alice");
    let events = Rc::new(RefCell::new(Vec::new()));
    let log = events.clone();
    session.on_change(Rc::new(move |e: Event| log.borrow_mut().push(e.name())));
    Tab {
        session,
        script,
        events,
    }
}

/// Storage holding alice signed in with refresh token "rt-0", and the pool that issued it.
fn signed_in() -> (Rc<MemoryStore>, RotatingPool) {
    let store = Rc::new(MemoryStore::default());
    storage::save_tokens(store.as_ref(), CLIENT, "alice", &tokens(0, "rt-0")).unwrap();
    let pool = RotatingPool::default();
    *pool.current.borrow_mut() = "rt-0".into();
    (store, pool)
}

#[test]
fn five_tabs_refreshing_at_once_send_one_request_and_all_keep_its_tokens() {
    let (store, pool) = signed_in();
    let lock = SharedLock::default();
    let tabs: Vec<Tab> = (0..5)
        .map(|_| tab(&store, &pool, Rc::new(lock.clone())))
        .collect();
    // Tab 0's request is held in flight while the other four ask too.
    tabs[0].script.hold(|_| true);
    let mut refreshes: Vec<_> = tabs.iter().map(|t| t.session.refresh()).collect();
    assert!(refreshes.iter_mut().all(|r| poll_once(r).is_none()));
    assert_eq!(
        tabs.iter()
            .map(|t| t.script.requests().len())
            .sum::<usize>(),
        0,
        "tab 0 is in flight; the others wait for the lock, sending nothing"
    );
    tabs[0].script.release();
    // Each poll lets one more tab take the lock; the storage event is not even needed.
    let mut outcomes = vec![None; 5];
    for _ in 0..5 {
        for (i, r) in refreshes.iter_mut().enumerate() {
            if outcomes[i].is_none() {
                outcomes[i] = poll_once(r);
            }
        }
    }
    for (i, outcome) in outcomes.into_iter().enumerate() {
        let t = outcome.expect("settled").expect("no error");
        assert_eq!(t.refresh_token, "rt-1", "tab {i} has the rotated token");
    }
    assert_eq!((pool.refreshes.get(), pool.refused.get()), (1, 0));
    assert_eq!(store.get(REFRESH_KEY).as_deref(), Some("rt-1"));
    assert!(tabs[1..].iter().all(|t| t.script.requests().is_empty()));
    assert!(tabs
        .iter()
        .all(|t| *t.events.borrow() == ["tokensRefreshed"]));
    assert!(lock
        .names
        .borrow()
        .iter()
        .all(|n| n == "apiless.refresh.client1"));
    assert!(!lock.gate.is_closed(), "released");

    // Later, one more refresh: from the rotated token, by whichever tab asks.
    let t = poll_once(&mut tabs[3].session.refresh()).unwrap().unwrap();
    assert_eq!(t.refresh_token, "rt-2");
    assert_eq!(pool.refused.get(), 0);
}

#[test]
fn a_tab_that_gets_the_lock_after_another_refreshed_still_refreshes_if_those_tokens_are_due() {
    // Tab B waits for the lock while tab A "refreshes" to tokens that are already due (issued
    // an hour and a half ago): B must refresh again, from A's rotated token.
    let (store, pool) = signed_in();
    let lock = SharedLock::default();
    let (a, b) = (
        tab(&store, &pool, Rc::new(lock.clone())),
        tab(&store, &pool, Rc::new(lock.clone())),
    );
    // A clock that knows the server's time (a Date header taught it), so adopted tokens are not
    // taken as freshly issued (the fallback that learns the skew from a token's `iat`).
    assert!(b.session.clock().learn(NOW_MS + 5_000.0, NOW_MS));
    lock.gate.close(); // tab A holds the lock
    let mut refresh_b = b.session.refresh();
    assert!(poll_once(&mut refresh_b).is_none());
    storage::save_tokens(store.as_ref(), CLIENT, "alice", &tokens(-5400, "rt-0")).unwrap();
    // (the pool's current token is still rt-0: A "refreshed" without rotation)
    lock.gate.open();
    let t = poll_once(&mut refresh_b).unwrap().unwrap();
    assert_eq!(t.refresh_token, "rt-1");
    assert_eq!(b.script.requests().len(), 1);
    assert!(a.script.requests().is_empty());
}

#[test]
fn without_a_lock_a_tab_meeting_reuse_adopts_the_tokens_another_tab_stored() {
    let (store, pool) = signed_in();
    let (a, b) = (
        tab(&store, &pool, Rc::new(NoTabLock)),
        tab(&store, &pool, Rc::new(NoTabLock)),
    );
    // B's request is on its way with rt-0 when A refreshes and stores rt-1.
    b.script.hold(|_| true);
    let mut refresh_b = b.session.refresh();
    assert!(poll_once(&mut refresh_b).is_none());
    let ta = poll_once(&mut a.session.refresh()).unwrap().unwrap();
    b.script.release();
    let tb = poll_once(&mut refresh_b).unwrap().unwrap();
    assert_eq!(pool.refused.get(), 1, "B's request met the reuse error");
    assert_eq!(tb, ta, "B adopted A's tokens");
    assert_eq!(b.session.current_user().unwrap().username, "alice");
    assert_eq!(*b.events.borrow(), ["tokensRefreshed"]);
    assert_eq!(store.get(REFRESH_KEY).as_deref(), Some("rt-1"));
}

#[test]
fn a_reused_token_with_nothing_newer_in_storage_ends_this_tabs_session_only() {
    // The pool rotated rt-0 out (another tab's answer is still on its way, say): this tab
    // ends its session with Cognito's error, but leaves storage to the tab that rotated.
    let (store, pool) = signed_in();
    *pool.current.borrow_mut() = "rt-elsewhere".into();
    let b = tab(&store, &pool, Rc::new(NoTabLock));
    let e = poll_once(&mut b.session.refresh()).unwrap().unwrap_err();
    assert_eq!(e.code, "RefreshTokenReuseException");
    assert!(b.session.current_user().is_none());
    assert_eq!(*b.events.borrow(), ["sessionExpired"]);
    assert_eq!(store.get(REFRESH_KEY).as_deref(), Some("rt-0"), "kept");
    // When the other tab's tokens land, the storage event signs this tab in again.
    storage::save_tokens(store.as_ref(), CLIENT, "alice", &tokens(1, "rt-elsewhere")).unwrap();
    assert_eq!(b.session.sync_from_store(), Some(Event::SignedIn));
}

/// A view of a store shared by tabs in which another tab's writes show up only after a few
/// reads, as browsers copy `localStorage` between tabs' processes asynchronously.
struct Lagging {
    store: Rc<MemoryStore>,
    pending: RefCell<Vec<(String, String)>>,
    reads_left: Cell<u32>,
}

impl Lagging {
    /// Another tab's write of `tokens`, readable here after `reads` reads.
    fn written_elsewhere(&self, tokens: &Tokens, reads: u32) {
        let later = MemoryStore::default();
        storage::save_tokens(&later, CLIENT, "alice", tokens).unwrap();
        for key in ["idToken", "accessToken", "refreshToken"] {
            let key = format!("CognitoIdentityServiceProvider.client1.alice.{key}");
            let value = later.get(&key).unwrap();
            self.pending.borrow_mut().push((key, value));
        }
        self.reads_left.set(reads);
    }
}

impl Store for Lagging {
    fn get(&self, key: &str) -> Option<String> {
        match self.reads_left.get() {
            0 => {}
            1 => {
                self.reads_left.set(0);
                for (k, v) in self.pending.borrow_mut().drain(..) {
                    self.store.set(&k, &v).unwrap();
                }
            }
            n => self.reads_left.set(n - 1),
        }
        self.store.get(key)
    }
    fn set(&self, key: &str, value: &str) -> apiless::error::Result<()> {
        self.store.set(key, value)
    }
    fn remove(&self, key: &str) {
        self.store.remove(key)
    }
}

#[test]
fn a_tab_that_waited_for_the_lock_gives_the_other_tabs_write_a_moment_to_arrive() {
    // Tab A refreshed (rt-0 -> rt-1) and released the lock, but its write reaches tab B's
    // storage only some reads later. B re-reads for a moment before refreshing, and adopts.
    let (store, pool) = signed_in();
    let lagging = Rc::new(Lagging {
        store: store.clone(),
        pending: RefCell::new(Vec::new()),
        reads_left: Cell::new(0),
    });
    let lock = SharedLock::default();
    let pool_b = pool.clone();
    let script = ScriptedTransport::always(Answer::from_fn(move |r| pool_b.answer(r)));
    let config = Config::validate(RawConfig {
        region: Some("us-east-1".into()),
        user_pool_id: Some("us-east-1_Pool1".into()),
        user_pool_client_id: Some(CLIENT.into()),
        storage: Some("local".into()),
        ..RawConfig::default()
    })
    .unwrap();
    let b = Session::new(
        config,
        script.clone(),
        lagging.clone(),
        Box::new(|| NOW_MS),
        Box::new(|buf: &mut [u8]| {
            buf.fill(7);
            Ok(())
        }),
    );
    b.use_tab_lock(Rc::new(lock.clone()));
    lock.gate.close(); // tab A holds the lock
    let mut refresh_b = b.refresh();
    assert!(poll_once(&mut refresh_b).is_none());
    *pool.current.borrow_mut() = "rt-1".into();
    lagging.written_elsewhere(&tokens(1, "rt-1"), 12);
    lock.gate.open();
    let t = poll_once(&mut refresh_b).unwrap().unwrap();
    assert_eq!(t.refresh_token, "rt-1", "adopted A's tokens");
    assert!(script.requests().is_empty(), "B sent nothing");
    assert_eq!(pool.refused.get(), 0);
}
