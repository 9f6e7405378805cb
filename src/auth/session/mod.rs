//! Composes `user_pool`, `srp`, `tokens`, `storage` and the clock into a user's session: the
//! sign-in step machine, tokens kept in the app's chosen storage and restored on load, and
//! refresh shortly before expiry with one refresh in flight however many callers wait.
//!
//! Time and randomness come in as functions, so tests can skew the clock; no `RefCell` borrow
//! is ever held across an `.await`.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use futures_util::future::FutureExt;

use crate::auth::identity_pool::{self, IdentityPool, Login};
use crate::auth::single_flight::{Expiring, InFlight, OneAtATime, SingleFlight};
use crate::auth::srp::{self, Ephemeral};
use crate::auth::storage::{self, Store};
use crate::auth::tab_lock::{self, NoTabLock, TabLock};
use crate::auth::tokens::{self, Tokens};
use crate::auth::user_pool::{
    AuthResult, Challenge, CodeDelivery, IssuedTokens, SignUpResult, TotpAuth, UserPool,
};
use crate::aws::credentials::Credentials;
use crate::clock::{self, Clock};
use crate::codec::text;
use crate::config::{Config, Service};
use crate::error::{Error, ErrorKind, Result};
use crate::http::skew::SkewLearning;
use crate::http::Transport;

mod account;
mod aws_identity;
mod devices;
mod passkeys;
mod profile;
mod redirect;
mod refresh;
mod sign_in;
mod totp;
mod user_auth;

pub use passkeys::{not_supported as passkey_not_supported, Authenticator, NoAuthenticator};
pub use redirect::no_oauth;
pub use sign_in::EARLY_START_MAX_AGE_MS;

/// Tokens are refreshed when they have less than this left, on the corrected clock.
pub const TOKEN_REFRESH_MARGIN_MS: i64 = 60_000;
/// Credentials are renewed when they have less than this left, on the corrected clock.
pub const CREDENTIALS_REFRESH_MARGIN_MS: i64 = 5 * 60_000;

/// The signed-in user's (or a guest's) identity in the identity pool, and its temporary
/// credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsIdentity {
    /// `<region>:<uuid>`: the DynamoDB partition key and S3 prefix of the caller's data.
    pub identity_id: String,
    /// Temporary credentials of the pool's authenticated role (unauthenticated for a guest).
    pub credentials: Credentials,
}

/// How long Cognito keeps a sign-in challenge session open (its default, 3 minutes).
pub const CHALLENGE_SESSION_MS: f64 = 180_000.0;

/// What changed in a session, for `onChange` listeners.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// A user signed in.
    SignedIn,
    /// The tokens were refreshed.
    TokensRefreshed,
    /// The user signed out.
    SignedOut,
    /// Cognito refused the refresh token: the session is over.
    SessionExpired,
}

impl Event {
    /// The name JS listeners see.
    pub fn name(self) -> &'static str {
        match self {
            Event::SignedIn => "signedIn",
            Event::TokensRefreshed => "tokensRefreshed",
            Event::SignedOut => "signedOut",
            Event::SessionExpired => "sessionExpired",
        }
    }
}

/// The signed-in user, from the ID token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Cognito's user name.
    pub username: String,
    /// The user's `sub`.
    pub sub: String,
    /// The `email` claim, if any.
    pub email: Option<String>,
    /// When the current ID/access tokens expire (ms since the epoch, server time).
    pub expires_at_ms: i64,
}

/// What a sign-in step asks for next.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NextStep {
    /// Cognito's challenge name: `NEW_PASSWORD_REQUIRED`, `SMS_MFA`, `SOFTWARE_TOKEN_MFA`,
    /// `EMAIL_OTP`, `SMS_OTP`, `SELECT_MFA_TYPE`, `MFA_SETUP`, `CUSTOM_CHALLENGE`,
    /// `SELECT_CHALLENGE`.
    pub name: String,
    /// Where the code went (`SMS_MFA`, `EMAIL_OTP`, `SMS_OTP`).
    pub code_delivery: Option<CodeDelivery>,
    /// The first factors the user may choose (`SELECT_CHALLENGE`): `PASSWORD`, `PASSWORD_SRP`,
    /// `EMAIL_OTP`, `SMS_OTP`, `WEB_AUTHN`.
    pub available_challenges: Vec<String>,
    /// The MFA types the user may choose (`SELECT_MFA_TYPE`) or set up (`MFA_SETUP`).
    pub mfa_types: Vec<String>,
    /// Attributes the user must supply with a new password (`NEW_PASSWORD_REQUIRED`).
    pub required_attributes: Vec<String>,
    /// Public parameters of a custom challenge.
    pub parameters: Vec<(String, String)>,
}

/// A new TOTP secret for an authenticator app.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSetup {
    /// The base32 secret.
    pub secret: String,
    /// `otpauth://totp/...`, for a QR code.
    pub uri: String,
}

impl std::fmt::Debug for TotpSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSetup { ** redacted ** }")
    }
}

/// The result of a sign-in step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInStep {
    /// Signed in.
    Done(User),
    /// Another step is needed; answer it with [`Session::confirm_sign_in`].
    Next(NextStep),
}

/// An answer to the pending challenge.
#[derive(Clone, Default)]
pub struct ChallengeResponse {
    /// The MFA / OTP code.
    pub code: Option<String>,
    /// The new password (`NEW_PASSWORD_REQUIRED`).
    pub new_password: Option<String>,
    /// User attributes to set with it.
    pub attributes: Vec<(String, String)>,
    /// The chosen MFA type (`SELECT_MFA_TYPE`).
    pub mfa_type: Option<String>,
    /// The answer to a custom challenge.
    pub answer: Option<String>,
    /// The chosen first factor (`SELECT_CHALLENGE`).
    pub first_factor: Option<String>,
    /// The password, for the `PASSWORD` and `PASSWORD_SRP` first factors.
    pub password: Option<zeroize::Zeroizing<String>>,
}

impl std::fmt::Debug for ChallengeResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChallengeResponse { ** redacted ** }")
    }
}

/// Supplies `buf.len()` random bytes.
pub type Random = Box<dyn Fn(&mut [u8]) -> Result<()>>;
/// Milliseconds since the epoch by the local clock.
pub type Now = Box<dyn Fn() -> f64>;
/// A session-change listener.
pub type Listener = Rc<dyn Fn(Event)>;

struct AwaitingChallenge {
    username: String,
    challenge: Challenge,
    expires_at_ms: f64,
}

struct SignedIn {
    username: String,
    tokens: Tokens,
    /// Whether the app's storage holds this session (false when the write failed, e.g. a full
    /// quota): only then does a refresh compare with storage and write to it.
    persisted: bool,
}

enum State {
    SignedOut,
    Challenged(AwaitingChallenge),
    SignedIn(SignedIn),
}

/// A user pool session. Shared as `Rc<Session<T>>`: async methods take `self: &Rc<Self>` and
/// clone it, so a JS caller dropping its handle cannot leave a future dangling.
pub struct Session<T> {
    config: Config,
    transport: T,
    store: Rc<dyn Store>,
    clock: Clock,
    now: Now,
    random: Random,
    state: RefCell<State>,
    prepared: RefCell<Option<sign_in::Prepared>>,
    /// The sign-up this page made, whose session signs the user in once it is confirmed.
    signing_up: RefCell<Option<user_auth::SignUpSession>>,
    refreshing: Rc<OneAtATime<Tokens>>,
    tab_lock: RefCell<Rc<dyn TabLock>>,
    /// The passkey prompt ([`NoAuthenticator`] until `use_authenticator`).
    authenticator: RefCell<Rc<dyn Authenticator>>,
    aws: Rc<SingleFlight<AwsIdentity>>,
    generation: Cell<u64>,
    listeners: RefCell<Vec<(u32, Listener)>>,
    next_listener: Cell<u32>,
}

impl<T: Transport + 'static> Session<T> {
    /// A session for `config`, restoring a signed-in user from `store` if one is there.
    pub fn new(
        config: Config,
        transport: T,
        store: Rc<dyn Store>,
        now: Now,
        random: Random,
    ) -> Rc<Self> {
        let state = match stored_session(&config, store.as_ref(), now() as i64 / 1000) {
            Some((username, tokens)) => State::SignedIn(SignedIn {
                username,
                tokens,
                persisted: true,
            }),
            None => State::SignedOut,
        };
        Rc::new(Session {
            config,
            transport,
            store,
            clock: Clock::new(),
            now,
            random,
            state: RefCell::new(state),
            prepared: RefCell::new(None),
            signing_up: RefCell::new(None),
            refreshing: OneAtATime::new(),
            tab_lock: RefCell::new(Rc::new(NoTabLock)),
            authenticator: RefCell::new(Rc::new(NoAuthenticator)),
            aws: SingleFlight::new(),
            generation: Cell::new(0),
            listeners: RefCell::new(Vec::new()),
            next_listener: Cell::new(0),
        })
    }

    /// Serialises this session's token refresh with the other tabs' through `lock` (by default
    /// [`NoTabLock`]): a refresh then starts only once the lock is held, after adopting tokens
    /// another tab stored meanwhile.
    pub fn use_tab_lock(&self, lock: Rc<dyn TabLock>) {
        *self.tab_lock.borrow_mut() = lock;
    }

    /// The validated configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The app's storage (the config's `storage`), where the session keeps its tokens: the
    /// data layer keeps what must outlive the page there too (an unfinished upload).
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The clock, with the skew learned from Cognito's responses.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Local time now, by the clock this session was given (ms since the epoch).
    pub fn local_now_ms(&self) -> f64 {
        (self.now)()
    }

    /// Server time now, by the corrected clock (ms since the epoch).
    pub fn server_now_ms(&self) -> f64 {
        self.clock.corrected((self.now)())
    }

    fn pool(&self) -> (SkewLearning<'_, T>, String) {
        (
            SkewLearning {
                inner: &self.transport,
                clock: &self.clock,
                now: &*self.now,
            },
            self.config.endpoint_for(Service::UserPool),
        )
    }

    /// Runs `call` with this session's user pool client, as a future that owns what it needs.
    fn with_pool<R: 'static>(
        self: &Rc<Self>,
        call: impl AsyncFnOnce(&UserPool<'_, SkewLearning<'_, T>>) -> Result<R> + 'static,
    ) -> impl Future<Output = Result<R>> + 'static {
        let this = self.clone();
        async move {
            let (transport, endpoint) = this.pool();
            let client_id = &this.config.user_pool_client_id;
            call(&UserPool {
                transport: &transport,
                endpoint: &endpoint,
                client_id,
            })
            .await
        }
    }

    // ---- listeners -------------------------------------------------------------------------

    /// Calls `listener` on every session change; returns an id for [`Session::off`].
    pub fn on_change(&self, listener: Listener) -> u32 {
        let id = self.next_listener.get();
        self.next_listener.set(id.wrapping_add(1));
        self.listeners.borrow_mut().push((id, listener));
        id
    }

    /// Removes a listener.
    pub fn off(&self, id: u32) {
        self.listeners.borrow_mut().retain(|(i, _)| *i != id);
    }

    fn emit(&self, event: Event) {
        let listeners: Vec<Listener> = self
            .listeners
            .borrow()
            .iter()
            .map(|(_, l)| l.clone())
            .collect();
        for listener in listeners {
            listener(event);
        }
    }

    // ---- sign-in ---------------------------------------------------------------------------

    /// Starts a new generation of the session: results of calls begun before it (a refresh in
    /// flight) are discarded, and the next refresh starts afresh.
    fn new_generation(&self) {
        self.generation.set(self.generation.get() + 1);
        self.refreshing.forget();
        self.aws.clear();
    }

    fn user_of(&self, tokens: &Tokens) -> Result<User> {
        let id = tokens.id_claims()?;
        let username = if id.username.is_empty() {
            tokens::claims(&tokens.access_token)?.username
        } else {
            id.username.clone()
        };
        Ok(User {
            username,
            sub: id.sub,
            email: id.email,
            expires_at_ms: tokens.expires_at_ms()?,
        })
    }

    /// Tokens carry their issue time: a fallback for learning the skew where `Date` is not
    /// readable (CORS does not expose it everywhere).
    fn learn_from_tokens(&self, tokens: &Tokens) {
        if let Ok(c) = tokens.id_claims() {
            if c.iat > 0 && self.clock.skew_ms() == 0 {
                self.clock
                    .learn(c.iat as f64 * 1000.0 + 500.0, (self.now)());
            }
        }
    }

    // ---- the signed-in session -------------------------------------------------------------

    /// The signed-in user, if any (tokens may be due a refresh).
    pub fn current_user(&self) -> Option<User> {
        match &*self.state.borrow() {
            State::SignedIn(s) => self.user_of(&s.tokens).ok(),
            _ => None,
        }
    }

    fn clear(&self, username: &str) {
        self.new_generation();
        storage::clear_tokens(
            self.store.as_ref(),
            &self.config.user_pool_client_id,
            username,
        );
        *self.state.borrow_mut() = State::SignedOut;
    }

    /// Adopts what another tab of the same app wrote to the shared storage (call it on the
    /// window's `storage` event): signed out there, signed out here, with the credentials
    /// dropped and no request sent (that tab revoked the token); signed in there, perhaps as
    /// another user, signed in here; tokens refreshed there, the fresh ones here. Emits the
    /// matching event and returns it; `None` when nothing changed (or the other tab is between
    /// two of its writes: storage holds no complete session for a new user yet).
    pub fn sync_from_store(&self) -> Option<Event> {
        let stored = stored_session(
            &self.config,
            self.store.as_ref(),
            self.server_now_ms() as i64 / 1000,
        );
        let current = match &*self.state.borrow() {
            State::SignedIn(s) => Some((s.username.clone(), s.tokens.clone())),
            _ => None,
        };
        let event = match (current, stored) {
            (None, None) => return None,
            (Some(_), None) => {
                self.new_generation();
                *self.state.borrow_mut() = State::SignedOut;
                Event::SignedOut
            }
            (Some((username, tokens)), Some((stored_user, stored_tokens))) => {
                if username == stored_user {
                    if tokens == stored_tokens {
                        return None;
                    }
                    // Same user, same identity: the credentials stay; a refresh in flight
                    // here is dropped for the tokens the other tab already has.
                    self.refreshing.forget();
                    self.learn_from_tokens(&stored_tokens);
                    *self.state.borrow_mut() = State::SignedIn(SignedIn {
                        username,
                        tokens: stored_tokens,
                        persisted: true,
                    });
                    Event::TokensRefreshed
                } else {
                    self.adopt(stored_user, stored_tokens)
                }
            }
            (None, Some((stored_user, stored_tokens))) => self.adopt(stored_user, stored_tokens),
        };
        self.emit(event);
        Some(event)
    }

    /// Another tab's sign-in becomes this tab's session.
    fn adopt(&self, username: String, tokens: Tokens) -> Event {
        self.new_generation();
        self.learn_from_tokens(&tokens);
        *self.state.borrow_mut() = State::SignedIn(SignedIn {
            username,
            tokens,
            persisted: true,
        });
        Event::SignedIn
    }

    /// Names the sign-in now in force: it changes when the user signs out, the session expires
    /// or someone signs in. A call takes it when it starts and checks it with
    /// [`Session::still_current`] before each request, so that nothing goes out with the
    /// credentials of a user who has signed out since.
    pub fn generation(&self) -> u64 {
        self.generation.get()
    }

    /// `Ok` while the sign-in named by `generation` lasts; otherwise the
    /// `NotAuthorizedException` that a call begun under it ends with.
    pub fn still_current(&self, generation: u64) -> Result<()> {
        if self.generation.get() == generation {
            Ok(())
        } else {
            Err(Error::service(
                "NotAuthorizedException",
                "the user signed out (or another signed in) during the call",
                400,
                None,
            ))
        }
    }
}

/// The session storage holds for this app, if its tokens are this pool's and client's (see
/// [`Tokens::belong_to`]); anything else in storage is not adopted.
fn stored_session(config: &Config, store: &dyn Store, now_s: i64) -> Option<(String, Tokens)> {
    storage::load_tokens(store, &config.user_pool_client_id)
        .filter(|(_, tokens)| tokens.belong_to(config, now_s))
}

fn not_signed_in() -> Error {
    Error::service("NotAuthorizedException", "no user is signed in", 400, None)
}
