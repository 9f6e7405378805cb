//! Composes `user_pool`, `srp`, `tokens`, `storage` and the clock into a user's session: the
//! sign-in step machine, tokens kept in the app's chosen storage and restored on load, and
//! refresh shortly before expiry with one refresh in flight however many callers wait.
//!
//! Time and randomness come in as functions, so tests can skew the clock; no `RefCell` borrow
//! is ever held across an `.await`.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};

use crate::auth::cache::{Expiring, SingleFlight};
use crate::auth::identity_pool::{self, IdentityPool};
use crate::auth::srp::{self, Ephemeral};
use crate::auth::storage::{self, Store};
use crate::auth::tokens::{self, Tokens};
use crate::auth::user_pool::{
    AuthAnswer, Challenge, CodeDelivery, NewTokens, SignUpResult, TotpAuth, UserPool,
};
use crate::aws::credentials::Credentials;
use crate::clock::{self, Clock};
use crate::codec::text;
use crate::config::{Config, Service};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{Request, Response, Transport};

/// Tokens are refreshed when they have less than this left, on the corrected clock.
pub const TOKEN_REFRESH_MARGIN_MS: i64 = 60_000;
/// Credentials are renewed when they have less than this left, on the corrected clock.
pub const CREDENTIALS_REFRESH_MARGIN_MS: i64 = 5 * 60_000;

/// The signed-in user's identity in the identity pool, and its temporary credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsIdentity {
    /// `<region>:<uuid>`: the DynamoDB partition key and S3 prefix of the user's data.
    pub identity_id: String,
    /// Temporary credentials of the pool's authenticated role.
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
    /// `EMAIL_OTP`, `SELECT_MFA_TYPE`, `MFA_SETUP`, `CUSTOM_CHALLENGE`.
    pub name: String,
    /// Where the code went (`SMS_MFA`, `EMAIL_OTP`).
    pub code_delivery: Option<CodeDelivery>,
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
pub struct ChallengeAnswer {
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
}

impl std::fmt::Debug for ChallengeAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChallengeAnswer { ** redacted ** }")
    }
}

/// Supplies `buf.len()` random bytes.
pub type Random = Box<dyn Fn(&mut [u8]) -> Result<()>>;
/// Milliseconds since the epoch by the local clock.
pub type Now = Box<dyn Fn() -> f64>;
/// A session-change listener.
pub type Listener = Rc<dyn Fn(Event)>;

struct Pending {
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
    Challenged(Pending),
    SignedIn(SignedIn),
}

type RefreshFuture = Shared<LocalBoxFuture<'static, Result<Tokens>>>;

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
    prepared: RefCell<Option<Ephemeral>>,
    refreshing: RefCell<Option<RefreshFuture>>,
    aws: Rc<SingleFlight<AwsIdentity>>,
    generation: Cell<u64>,
    listeners: RefCell<Vec<(u32, Listener)>>,
    next_listener: Cell<u32>,
}

/// A transport that teaches the clock the skew from every response's `Date` header.
struct Clocked<'a, T> {
    inner: &'a T,
    clock: &'a Clock,
    now: &'a Now,
}

impl<T: Transport> Transport for Clocked<'_, T> {
    async fn send(&self, request: Request) -> Result<Response> {
        let response = self.inner.send(request).await?;
        if let Some(server) = response.header("date").and_then(clock::parse_http_date) {
            self.clock.learn(server, (self.now)());
        }
        Ok(response)
    }

    fn pause(&self, ms: f64) -> impl Future<Output = ()> {
        self.inner.pause(ms)
    }

    fn jitter(&self) -> f64 {
        self.inner.jitter()
    }
}

/// Errors after which the refresh token is no use: the session is over.
fn ends_session(e: &Error) -> bool {
    e.kind == ErrorKind::Service
        && matches!(
            e.code.as_str(),
            "NotAuthorizedException"
                | "UserNotFoundException"
                | "PasswordResetRequiredException"
                | "UserNotConfirmedException"
        )
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
            refreshing: RefCell::new(None),
            aws: SingleFlight::new(),
            generation: Cell::new(0),
            listeners: RefCell::new(Vec::new()),
            next_listener: Cell::new(0),
        })
    }

    /// The validated configuration.
    pub fn config(&self) -> &Config {
        &self.config
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

    fn pool(&self) -> (Clocked<'_, T>, String) {
        (
            Clocked {
                inner: &self.transport,
                clock: &self.clock,
                now: &self.now,
            },
            self.config.endpoint_for(Service::UserPool),
        )
    }

    /// Runs `call` with this session's user pool client, as a future that owns what it needs.
    fn with_pool<R: 'static>(
        self: &Rc<Self>,
        call: impl AsyncFnOnce(&UserPool<'_, Clocked<'_, T>>) -> Result<R> + 'static,
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

    /// Computes the SRP public value ahead of time, so that signing in waits only on the
    /// network and the password claim. Optional: `sign_in` prepares one itself when needed.
    pub fn prepare_sign_in(&self) -> Result<()> {
        if self.prepared.borrow().is_none() {
            let eph = self.new_ephemeral()?;
            *self.prepared.borrow_mut() = Some(eph);
        }
        Ok(())
    }

    fn new_ephemeral(&self) -> Result<Ephemeral> {
        let mut a = zeroize::Zeroizing::new([0u8; srp::MIN_RANDOM_BYTES]);
        (self.random)(a.as_mut_slice())?;
        Ephemeral::new(a.as_slice())
    }

    /// Signs in with SRP: `InitiateAuth` (USER_SRP_AUTH), then the `PASSWORD_VERIFIER`
    /// answer. Resolves signed in, or with the next step to answer.
    pub fn sign_in(
        self: &Rc<Self>,
        username: &str,
        password: zeroize::Zeroizing<String>,
    ) -> impl Future<Output = Result<SignInStep>> + 'static {
        let this = self.clone();
        let username = username.trim().to_owned();
        async move {
            if username.is_empty() {
                return Err(Error::invalid_input("username", "username is empty"));
            }
            if password.is_empty() {
                return Err(Error::invalid_input("password", "password is empty"));
            }
            // Each `a` is used once: take the prepared one, or make one now.
            let prepared = this.prepared.borrow_mut().take();
            let eph = match prepared {
                Some(e) => e,
                None => this.new_ephemeral()?,
            };
            let (transport, endpoint) = this.pool();
            let pool = UserPool {
                transport: &transport,
                endpoint: &endpoint,
                client_id: &this.config.user_pool_client_id,
            };
            let challenge = pool.initiate_srp_auth(&username, &eph.srp_a_hex()).await?;
            if challenge.name != "PASSWORD_VERIFIER" {
                return this.handle_answer(AuthAnswer::Challenge(challenge), &username);
            }
            let param = |k: &str| {
                challenge
                    .parameters
                    .get(k)
                    .map(String::as_str)
                    .ok_or_else(|| {
                        Error::protocol(format!("the PASSWORD_VERIFIER challenge has no {k}"))
                    })
            };
            let user_id = param("USER_ID_FOR_SRP")?;
            let secret_block = param("SECRET_BLOCK")?;
            let timestamp = clock::cognito_timestamp(this.server_now_ms());
            let signature = eph.password_claim(
                &srp::Challenge {
                    pool_id: &this.config.user_pool_id,
                    user_id_for_srp: user_id,
                    salt_hex: param("SALT")?,
                    srp_b_hex: param("SRP_B")?,
                    secret_block_b64: secret_block,
                },
                &password,
                &timestamp,
            )?;
            drop(password);
            let answer = pool
                .respond(
                    "PASSWORD_VERIFIER",
                    challenge.session.as_deref(),
                    &[
                        ("USERNAME", user_id),
                        ("PASSWORD_CLAIM_SECRET_BLOCK", secret_block),
                        ("PASSWORD_CLAIM_SIGNATURE", &signature),
                        ("TIMESTAMP", &timestamp),
                    ],
                )
                .await?;
            let user_id = user_id.to_owned();
            this.handle_answer(answer, &user_id)
        }
    }

    /// Answers the pending challenge (new password, MFA code, MFA choice, TOTP setup).
    pub fn confirm_sign_in(
        self: &Rc<Self>,
        answer: ChallengeAnswer,
    ) -> impl Future<Output = Result<SignInStep>> + 'static {
        let this = self.clone();
        async move {
            let (username, challenge) =
                match &*this.state.borrow() {
                    State::Challenged(p) if p.expires_at_ms > this.server_now_ms() => {
                        (p.username.clone(), p.challenge.clone())
                    }
                    State::Challenged(_) => return Err(Error::invalid_input(
                        "challenge",
                        "the sign-in challenge expired (Cognito keeps it 3 minutes): sign in again",
                    )),
                    _ => {
                        return Err(Error::invalid_input(
                            "challenge",
                            "there is no sign-in challenge to answer: call signIn first",
                        ))
                    }
                };
            let (transport, endpoint) = this.pool();
            let pool = UserPool {
                transport: &transport,
                endpoint: &endpoint,
                client_id: &this.config.user_pool_client_id,
            };
            let session = challenge.session.clone();
            let user = challenge
                .parameters
                .get("USERNAME")
                .cloned()
                .unwrap_or_else(|| username.clone());
            let code = || {
                answer
                    .code
                    .as_deref()
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .ok_or_else(|| {
                        Error::invalid_input(
                            "code",
                            format!("the {} step needs a code", challenge.name),
                        )
                    })
            };
            let name = challenge.name.as_str();
            let result = match name {
                "SMS_MFA" | "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP" => {
                    let key = format!("{name}_CODE");
                    pool.respond(
                        name,
                        session.as_deref(),
                        &[("USERNAME", &user), (&key, code()?)],
                    )
                    .await?
                }
                "NEW_PASSWORD_REQUIRED" => {
                    let password = answer
                        .new_password
                        .as_deref()
                        .filter(|p| !p.is_empty())
                        .ok_or_else(|| {
                            Error::invalid_input(
                                "newPassword",
                                "the NEW_PASSWORD_REQUIRED step needs newPassword",
                            )
                        })?;
                    let missing: Vec<String> = required_attributes(&challenge)
                        .into_iter()
                        .filter(|a| !answer.attributes.iter().any(|(k, _)| k == a))
                        .collect();
                    if !missing.is_empty() {
                        return Err(Error::invalid_input(
                            "attributes",
                            format!(
                                "the new password step also needs: {}",
                                text::join(&missing, ", ")
                            ),
                        ));
                    }
                    let keys: Vec<String> = answer
                        .attributes
                        .iter()
                        .map(|(k, _)| format!("userAttributes.{k}"))
                        .collect();
                    let mut responses: Vec<(&str, &str)> =
                        vec![("USERNAME", &user), ("NEW_PASSWORD", password)];
                    responses.extend(
                        keys.iter()
                            .map(String::as_str)
                            .zip(answer.attributes.iter().map(|(_, v)| v.as_str())),
                    );
                    pool.respond(name, session.as_deref(), &responses).await?
                }
                "SELECT_MFA_TYPE" => {
                    let choices = json_list(challenge.parameters.get("MFAS_CAN_CHOOSE"));
                    let choice = answer
                        .mfa_type
                        .as_deref()
                        .filter(|c| choices.iter().any(|x| x == c))
                        .ok_or_else(|| {
                            Error::invalid_input(
                                "mfaType",
                                format!("choose one of: {}", text::join(&choices, ", ")),
                            )
                        })?;
                    pool.respond(
                        name,
                        session.as_deref(),
                        &[("USERNAME", &user), ("ANSWER", choice)],
                    )
                    .await?
                }
                "MFA_SETUP" => {
                    let code = code()?;
                    let session = session
                        .ok_or_else(|| Error::protocol("the MFA_SETUP challenge has no session"))?;
                    let verified = pool
                        .verify_software_token(TotpAuth::Session(&session), code)
                        .await?;
                    pool.respond(
                        name,
                        verified.as_deref().or(Some(&session)),
                        &[("USERNAME", &user)],
                    )
                    .await?
                }
                "CUSTOM_CHALLENGE" => {
                    let reply = answer
                        .answer
                        .as_deref()
                        .or(answer.code.as_deref())
                        .filter(|a| !a.is_empty())
                        .ok_or_else(|| {
                            Error::invalid_input("answer", "the custom challenge needs an answer")
                        })?;
                    pool.respond(
                        name,
                        session.as_deref(),
                        &[("USERNAME", &user), ("ANSWER", reply)],
                    )
                    .await?
                }
                other => {
                    return Err(Error::invalid_input(
                        "challenge",
                        format!("apiless cannot answer the {other} challenge"),
                    ))
                }
            };
            this.handle_answer(result, &username)
        }
    }

    fn handle_answer(&self, answer: AuthAnswer, username: &str) -> Result<SignInStep> {
        match answer {
            AuthAnswer::Tokens(new) => {
                let refresh_token = new.refresh_token.clone().ok_or_else(|| {
                    Error::protocol("Cognito signed the user in without a refresh token")
                })?;
                let tokens = Tokens {
                    id_token: new.id_token,
                    access_token: new.access_token,
                    refresh_token,
                };
                let user = self.user_of(&tokens)?;
                self.new_generation();
                self.learn_from_tokens(&tokens);
                let previous = match &*self.state.borrow() {
                    State::SignedIn(s) if s.username != user.username => Some(s.username.clone()),
                    _ => None,
                };
                if let Some(previous) = previous {
                    // Another user signed in here: the previous one's tokens go.
                    storage::clear_tokens(
                        self.store.as_ref(),
                        &self.config.user_pool_client_id,
                        &previous,
                    );
                }
                // Persisting can fail (quota, storage disabled): save_tokens leaves nothing
                // half-written, and the session still works for this page.
                let persisted = storage::save_tokens(
                    self.store.as_ref(),
                    &self.config.user_pool_client_id,
                    &user.username,
                    &tokens,
                )
                .is_ok();
                *self.state.borrow_mut() = State::SignedIn(SignedIn {
                    username: user.username.clone(),
                    tokens,
                    persisted,
                });
                self.emit(Event::SignedIn);
                Ok(SignInStep::Done(user))
            }
            AuthAnswer::Challenge(challenge) => {
                let step = next_step(&challenge);
                // A refresh still in flight for an earlier user must not undo this step.
                self.new_generation();
                *self.state.borrow_mut() = State::Challenged(Pending {
                    username: username.to_owned(),
                    expires_at_ms: self.server_now_ms() + CHALLENGE_SESSION_MS,
                    challenge,
                });
                Ok(SignInStep::Next(step))
            }
        }
    }

    /// Starts a new generation of the session: results of calls begun before it (a refresh in
    /// flight) are discarded, and the next refresh starts afresh.
    fn new_generation(&self) {
        self.generation.set(self.generation.get() + 1);
        *self.refreshing.borrow_mut() = None;
        self.aws.clear();
    }

    /// Starts TOTP setup: during an `MFA_SETUP` sign-in step (then answer with
    /// `confirm_sign_in` and the first code), or for the signed-in user (then
    /// [`Session::verify_totp_setup`]). Returns the secret to add to an authenticator app.
    pub fn setup_totp(self: &Rc<Self>) -> impl Future<Output = Result<TotpSetup>> + 'static {
        let this = self.clone();
        async move {
            let challenge = match &*this.state.borrow() {
                State::Challenged(p) if p.challenge.name == "MFA_SETUP" => {
                    Some((p.challenge.session.clone(), p.username.clone()))
                }
                State::Challenged(p) => {
                    return Err(Error::invalid_input(
                        "challenge",
                        format!("the pending step is {}, not MFA_SETUP", p.challenge.name),
                    ))
                }
                State::SignedIn(_) => None,
                State::SignedOut => return Err(not_signed_in()),
            };
            let (transport, endpoint) = this.pool();
            let pool = UserPool {
                transport: &transport,
                endpoint: &endpoint,
                client_id: &this.config.user_pool_client_id,
            };
            let (secret, username) = match challenge {
                Some((session, username)) => {
                    let session = session
                        .ok_or_else(|| Error::protocol("the MFA_SETUP challenge has no session"))?;
                    let (secret, next_session) = pool
                        .associate_software_token(TotpAuth::Session(&session))
                        .await?;
                    match &mut *this.state.borrow_mut() {
                        State::Challenged(p) => {
                            p.challenge.session = next_session.or(Some(session))
                        }
                        _ => {
                            return Err(Error::invalid_input(
                                "challenge",
                                "the sign-in was abandoned",
                            ))
                        }
                    }
                    (secret, username)
                }
                None => {
                    let tokens = this.tokens().await?;
                    let (secret, _) = pool
                        .associate_software_token(TotpAuth::AccessToken(&tokens.access_token))
                        .await?;
                    (
                        secret,
                        this.current_user().map(|u| u.username).unwrap_or_default(),
                    )
                }
            };
            let uri = totp_uri(&secret, &username, &this.config.user_pool_id);
            Ok(TotpSetup { secret, uri })
        }
    }

    /// Completes TOTP setup for the signed-in user with the authenticator's first code, and
    /// makes TOTP their preferred MFA.
    pub fn verify_totp_setup(
        self: &Rc<Self>,
        code: String,
    ) -> impl Future<Output = Result<()>> + 'static {
        let session = self.clone();
        self.with_pool(async move |pool| {
            let tokens = session.tokens().await?;
            pool.verify_software_token(TotpAuth::AccessToken(&tokens.access_token), &code)
                .await?;
            pool.prefer_totp(&tokens.access_token).await
        })
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

    /// Valid tokens: the current ones, or refreshed ones when they expire within
    /// [`TOKEN_REFRESH_MARGIN_MS`]. One refresh is in flight however many callers wait.
    pub fn tokens(self: &Rc<Self>) -> impl Future<Output = Result<Tokens>> + 'static {
        let this = self.clone();
        async move {
            let tokens = match &*this.state.borrow() {
                State::SignedIn(s) => s.tokens.clone(),
                _ => return Err(not_signed_in()),
            };
            let fresh = tokens
                .expires_at_ms()
                .map(|exp| exp - TOKEN_REFRESH_MARGIN_MS > this.server_now_ms() as i64)
                .unwrap_or(false);
            if fresh {
                return Ok(tokens);
            }
            this.refresh().await
        }
    }

    /// Refreshes the tokens now (joining a refresh already in flight).
    pub fn refresh(self: &Rc<Self>) -> RefreshFuture {
        if let Some(pending) = self.refreshing.borrow().as_ref() {
            return pending.clone();
        }
        let this = self.clone();
        let generation = self.generation.get();
        let future = async move {
            let result = this.refresh_once(generation).await;
            // A new generation has already emptied the slot, perhaps for a newer refresh.
            if this.generation.get() == generation {
                *this.refreshing.borrow_mut() = None;
            }
            result
        }
        .boxed_local()
        .shared();
        *self.refreshing.borrow_mut() = Some(future.clone());
        future
    }

    async fn refresh_once(&self, generation: u64) -> Result<Tokens> {
        let current = match &*self.state.borrow() {
            State::SignedIn(s) if self.generation.get() == generation => {
                Some((s.username.clone(), s.tokens.clone(), s.persisted))
            }
            _ => None,
        };
        let (username, old, persisted) = match current {
            Some(c) => c,
            None => return Err(not_signed_in()),
        };
        let (transport, endpoint) = self.pool();
        let pool = UserPool {
            transport: &transport,
            endpoint: &endpoint,
            client_id: &self.config.user_pool_client_id,
        };
        match pool.refresh(&old.refresh_token).await {
            Ok(NewTokens {
                id_token,
                access_token,
                refresh_token,
            }) => {
                if self.generation.get() != generation {
                    return Err(not_signed_in());
                }
                let tokens = Tokens {
                    id_token,
                    access_token,
                    refresh_token: refresh_token.unwrap_or_else(|| old.refresh_token.clone()),
                };
                self.user_of(&tokens)?;
                // Storage is shared with the app's other tabs: the fresh tokens go there only
                // while it still holds the session this refresh began from. Otherwise another
                // tab signed out, signed someone else in or refreshed first: this tab follows
                // storage (with the event that says so) and this refresh's tokens are dropped.
                // Persisting can fail (quota); the session still works for this page.
                let written = persisted.then(|| {
                    storage::replace_refreshed(
                        self.store.as_ref(),
                        &self.config.user_pool_client_id,
                        &username,
                        &old.refresh_token,
                        &tokens,
                    )
                });
                if let Some(Ok(false)) = written {
                    self.sync_from_store();
                    return match &*self.state.borrow() {
                        State::SignedIn(s) if s.username == username => Ok(s.tokens.clone()),
                        _ => Err(Error::service(
                            "NotAuthorizedException",
                            "the session changed in another tab during the refresh",
                            400,
                            None,
                        )),
                    };
                }
                *self.state.borrow_mut() = State::SignedIn(SignedIn {
                    username,
                    tokens: tokens.clone(),
                    persisted: matches!(written, Some(Ok(true))),
                });
                self.emit(Event::TokensRefreshed);
                Ok(tokens)
            }
            Err(e) if ends_session(&e) && self.generation.get() == generation => {
                self.clear(&username);
                self.emit(Event::SessionExpired);
                Err(e)
            }
            Err(e) => Err(e),
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
                    *self.refreshing.borrow_mut() = None;
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

    /// Signs out. Locally, the refresh token is revoked (best effort: signing out offline
    /// still works). `global` signs the user out of every device first; its error, if any, is
    /// returned after the local session is cleared.
    pub fn sign_out(self: &Rc<Self>, global: bool) -> impl Future<Output = Result<()>> + 'static {
        let this = self.clone();
        let generation = self.generation();
        async move {
            let current = match &*this.state.borrow() {
                State::SignedIn(s) => Some((s.username.clone(), s.tokens.clone())),
                _ => None,
            };
            let Some((username, tokens)) = current else {
                // Signed out already, or mid-challenge: drop any pending challenge.
                this.generation.set(this.generation.get() + 1);
                *this.state.borrow_mut() = State::SignedOut;
                return Ok(());
            };
            let (transport, endpoint) = this.pool();
            let pool = UserPool {
                transport: &transport,
                endpoint: &endpoint,
                client_id: &this.config.user_pool_client_id,
            };
            let global_result = if global {
                match this.tokens().await {
                    Ok(fresh) => pool.global_sign_out(&fresh.access_token).await,
                    Err(e) => Err(e),
                }
            } else {
                let _ = pool.revoke_token(&tokens.refresh_token).await;
                Ok(())
            };
            // Someone else signed in (or the session ended) while this sign-out waited on the
            // network: the revocation above was for the user who asked; the newer session
            // stays.
            if this.generation.get() != generation {
                return global_result;
            }
            if let (Some(pool_id), Ok(claims)) = (&this.config.identity_pool_id, tokens.id_claims())
            {
                // An explicit sign-out leaves no trace of who used this browser.
                this.store
                    .remove(&storage::identity_id_key(pool_id, &claims.sub));
            }
            this.clear(&username);
            this.emit(Event::SignedOut);
            global_result
        }
    }

    /// Changes the signed-in user's password.
    pub fn change_password(
        self: &Rc<Self>,
        old: zeroize::Zeroizing<String>,
        new: zeroize::Zeroizing<String>,
    ) -> impl Future<Output = Result<()>> + 'static {
        let session = self.clone();
        self.with_pool(async move |pool| {
            let tokens = session.tokens().await?;
            pool.change_password(&tokens.access_token, &old, &new).await
        })
    }

    // ---- AWS credentials ---------------------------------------------------------------------

    /// The signed-in user's identity id and valid temporary credentials: cached until
    /// [`CREDENTIALS_REFRESH_MARGIN_MS`] before the `Expiration` AWS gave them, renewed by one
    /// GetCredentialsForIdentity however many callers wait (refreshing the ID token first when
    /// it is about to expire). A transient failure keeps credentials that have not expired yet.
    ///
    /// A call waiting for credentials when the user signs out (or the session ends, or someone
    /// else signs in) fails with `NotAuthorizedException`, as a call begun afterwards would.
    pub fn aws_identity(self: &Rc<Self>) -> impl Future<Output = Result<AwsIdentity>> + 'static {
        let this = self.clone();
        let generation = self.generation();
        async move {
            this.still_current(generation)?;
            let now = this.server_now_ms() as i64;
            if let Some(identity) = this.aws.fresh(now, CREDENTIALS_REFRESH_MARGIN_MS) {
                return Ok(identity);
            }
            let fetcher = this.clone();
            let renewal = this
                .aws
                .refresh(move || fetcher.fetch_aws_identity().boxed_local());
            let renewed = renewal.await;
            // A renewal the sign-out discarded ends with an AbortError: nobody aborted this call.
            this.still_current(generation)?;
            match renewed {
                Ok(identity) => Ok(identity),
                Err(e) if e.retryable => {
                    // Still usable until they actually expire.
                    match this.aws.fresh(this.server_now_ms() as i64, 0) {
                        Some(identity) => Ok(identity),
                        None => Err(e),
                    }
                }
                Err(e) => Err(e),
            }
        }
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

    /// When the cached credentials expire (ms since the epoch, AWS's clock), if there are any.
    pub fn credentials_expire_at_ms(&self) -> Option<i64> {
        self.aws.expires_at_ms()
    }

    async fn fetch_aws_identity(self: Rc<Self>) -> Result<Expiring<AwsIdentity>> {
        let generation = self.generation();
        let pool_id = self.config.identity_pool_id.clone().ok_or_else(|| {
            Error::config(
                "identityPoolId",
                "AWS credentials need identityPoolId in the config",
            )
        })?;
        let tokens = self.tokens().await?;
        let claims = tokens.id_claims()?;
        let key = storage::identity_id_key(&pool_id, &claims.sub);
        let endpoint = self.config.endpoint_for(Service::IdentityPool);
        let transport = Clocked {
            inner: &self.transport,
            clock: &self.clock,
            now: &self.now,
        };
        let pool = IdentityPool {
            transport: &transport,
            endpoint: &endpoint,
            identity_pool_id: &pool_id,
        };

        // The `Logins` key names the configured pool, whatever the token says.
        let issuer = self.config.user_pool_provider();
        let remembered = self
            .store
            .get(&key)
            .filter(|id| identity_pool::is_identity_id(id, &pool_id));
        let identity_id = match remembered.clone() {
            Some(id) => id,
            None => pool.get_id(&issuer, &tokens.id_token).await?,
        };
        let (identity_id, credentials) = match pool
            .credentials(&identity_id, &issuer, &tokens.id_token)
            .await
        {
            Ok(c) => c,
            // A remembered id the pool no longer knows, or refuses for this user (merged,
            // disabled, or planted by another script): forgotten, and one new GetId, once.
            Err(e)
                if matches!(
                    e.code.as_str(),
                    "ResourceNotFoundException" | "NotAuthorizedException"
                ) && remembered.is_some() =>
            {
                self.store.remove(&key);
                let fresh = pool.get_id(&issuer, &tokens.id_token).await?;
                pool.credentials(&fresh, &issuer, &tokens.id_token).await?
            }
            Err(e) => return Err(e),
        };
        // Remembering is an optimisation (a refused write costs one GetId next time), and only
        // for the sign-in this fetch began under: a sign-out meanwhile removed the entry.
        if remembered.as_deref() != Some(identity_id.as_str()) && self.generation() == generation {
            let _ = self.store.set(&key, &identity_id);
        }
        let expires_at_ms = credentials.expires_at_ms;
        Ok(Expiring::new(
            AwsIdentity {
                identity_id,
                credentials,
            },
            expires_at_ms,
        ))
    }

    // ---- account life without a session ---------------------------------------------------

    /// Registers a user.
    pub fn sign_up(
        self: &Rc<Self>,
        username: String,
        password: zeroize::Zeroizing<String>,
        attributes: Vec<(String, String)>,
    ) -> impl Future<Output = Result<SignUpResult>> + 'static {
        self.with_pool(async move |pool| pool.sign_up(&username, &password, &attributes).await)
    }

    /// Confirms a sign-up with the code Cognito sent.
    pub fn confirm_sign_up(
        self: &Rc<Self>,
        username: String,
        code: String,
    ) -> impl Future<Output = Result<()>> + 'static {
        self.with_pool(async move |pool| pool.confirm_sign_up(&username, &code).await)
    }

    /// Sends the sign-up code again.
    pub fn resend_sign_up_code(
        self: &Rc<Self>,
        username: String,
    ) -> impl Future<Output = Result<CodeDelivery>> + 'static {
        self.with_pool(async move |pool| pool.resend_confirmation_code(&username).await)
    }

    /// Starts a password reset.
    pub fn forgot_password(
        self: &Rc<Self>,
        username: String,
    ) -> impl Future<Output = Result<CodeDelivery>> + 'static {
        self.with_pool(async move |pool| pool.forgot_password(&username).await)
    }

    /// Completes a password reset.
    pub fn confirm_forgot_password(
        self: &Rc<Self>,
        username: String,
        code: String,
        password: zeroize::Zeroizing<String>,
    ) -> impl Future<Output = Result<()>> + 'static {
        self.with_pool(async move |pool| {
            pool.confirm_forgot_password(&username, &code, &password)
                .await
        })
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

/// A JSON array of strings in a challenge parameter (`MFAS_CAN_CHOOSE`, `requiredAttributes`).
fn json_list(value: Option<&String>) -> Vec<String> {
    value
        .and_then(|v| crate::codec::json::Json::parse(v.as_bytes()).ok())
        .and_then(|v| {
            let items = v.as_array()?;
            items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn required_attributes(challenge: &Challenge) -> Vec<String> {
    json_list(challenge.parameters.get("requiredAttributes"))
        .into_iter()
        .map(|a| a.strip_prefix("userAttributes.").unwrap_or(&a).to_owned())
        .collect()
}

fn next_step(challenge: &Challenge) -> NextStep {
    let p = |k: &str| challenge.parameters.get(k).cloned();
    let code_delivery = p("CODE_DELIVERY_DESTINATION").map(|destination| CodeDelivery {
        destination,
        medium: p("CODE_DELIVERY_DELIVERY_MEDIUM").unwrap_or_default(),
        attribute: String::new(),
    });
    let mfa_types = match challenge.name.as_str() {
        "SELECT_MFA_TYPE" => json_list(challenge.parameters.get("MFAS_CAN_CHOOSE")),
        "MFA_SETUP" => json_list(challenge.parameters.get("MFAS_CAN_SETUP")),
        _ => Vec::new(),
    };
    let parameters = if challenge.name == "CUSTOM_CHALLENGE" {
        challenge
            .parameters
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    } else {
        Vec::new()
    };
    NextStep {
        name: challenge.name.clone(),
        code_delivery,
        mfa_types,
        required_attributes: required_attributes(challenge),
        parameters,
    }
}

/// `otpauth://totp/<issuer>:<user>?secret=...&issuer=...` for authenticator apps.
fn totp_uri(secret: &str, username: &str, issuer: &str) -> String {
    let enc = |s: &str| crate::codec::text::percent_encode(s, false);
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}",
        enc(issuer),
        enc(username),
        enc(secret),
        enc(issuer)
    )
}
