//! Passkeys in the session: signing in with one (`USER_AUTH`'s `WEB_AUTHN` first factor, whose
//! `CREDENTIAL_REQUEST_OPTIONS` go to the authenticator and whose assertion goes back as
//! `CREDENTIAL`), and the signed-in user's passkeys: `associate_passkey` (start, create, complete),
//! `passkeys` (every page) and `delete_passkey`.
//!
//! The prompt itself (`navigator.credentials.get` / `create`) is an [`Authenticator`] the session
//! is given, so the flow runs natively in tests with a scripted one; until one is given, every
//! passkey step fails with `PasskeyNotSupportedError` and nothing is sent.

use futures_util::future::LocalBoxFuture;

use super::*;
use crate::auth::user_pool::profile::ProfileCall;
use crate::auth::user_pool::webauthn::{self, Passkey};

type Boxed<R> = LocalBoxFuture<'static, Result<R>>;

/// The browser's passkey prompt, over the W3C's JSON forms (binary fields base64url).
pub trait Authenticator {
    /// `navigator.credentials.get` with `PublicKeyCredentialRequestOptions` given as JSON text:
    /// the assertion (`AuthenticationResponseJSON`) as JSON text, or a `Passkey` error.
    fn get(&self, options: &str) -> LocalBoxFuture<'static, Result<String>>;
    /// `navigator.credentials.create` with `PublicKeyCredentialCreationOptions` given as JSON
    /// text: the new credential (`RegistrationResponseJSON`) as JSON text, or a `Passkey` error.
    fn create(&self, options: &str) -> LocalBoxFuture<'static, Result<String>>;
}

/// A host without passkeys: every prompt fails with `PasskeyNotSupportedError`.
pub struct NoAuthenticator;

impl Authenticator for NoAuthenticator {
    fn get(&self, _: &str) -> LocalBoxFuture<'static, Result<String>> {
        Box::pin(async { Err(not_supported()) })
    }
    fn create(&self, _: &str) -> LocalBoxFuture<'static, Result<String>> {
        Box::pin(async { Err(not_supported()) })
    }
}

/// The error of a host that has no WebAuthn.
pub fn not_supported() -> Error {
    Error::passkey(
        "PasskeyNotSupportedError",
        "this browser has no passkey support (WebAuthn: navigator.credentials and PublicKeyCredential), \
         or the page is not a secure context (https, or http://localhost)",
    )
}

impl<T: Transport + 'static> Session<T> {
    /// Uses `authenticator` for every passkey prompt from now on (the browser's, in the package).
    pub fn use_authenticator(&self, authenticator: Rc<dyn Authenticator>) {
        *self.authenticator.borrow_mut() = authenticator;
    }

    fn authenticator(&self) -> Rc<dyn Authenticator> {
        self.authenticator.borrow().clone()
    }

    /// Answers a `WEB_AUTHN` challenge: its request options to the authenticator, the assertion
    /// back as `CREDENTIAL`. A cancelled prompt sends nothing (the challenge is left to expire).
    /// A second `WEB_AUTHN` in a row is refused, as Amplify refuses it: it would prompt again
    /// without end.
    pub(super) async fn passkey_sign_in(
        &self,
        pool: &UserPool<'_, SkewLearning<'_, T>>,
        challenge: &Challenge,
        user: &str,
    ) -> Result<AuthResult> {
        let options = webauthn::read_request_options(challenge)?;
        let credential = self.authenticator().get(options).await?;
        let answer = pool
            .respond(
                "WEB_AUTHN",
                challenge.session.as_deref(),
                &[("USERNAME", user), ("CREDENTIAL", &credential)],
            )
            .await?;
        match answer {
            AuthResult::Challenge(c) if c.name == "WEB_AUTHN" => Err(Error::protocol(
                "Cognito asked for a second passkey in a row; apiless answers one per sign-in",
            )),
            other => Ok(other),
        }
    }

    /// Registers a new passkey for the signed-in user: `StartWebAuthnRegistration`, the
    /// authenticator's `create` with its options, then `CompleteWebAuthnRegistration` with the
    /// new credential. A cancelled prompt leaves nothing registered (the started registration
    /// expires at Cognito).
    pub fn associate_passkey(self: &Rc<Self>) -> Boxed<()> {
        let this = self.clone();
        Box::pin(async move {
            let started = this
                .profile_call(Ok(ProfileCall::start_web_authn_registration()))
                .await?;
            let options = webauthn::read_creation_options(&started)?;
            let credential = this.authenticator().create(&options).await?;
            this.profile_call(ProfileCall::complete_web_authn_registration(&credential))
                .await?;
            Ok(())
        })
    }

    /// Every passkey of the signed-in user (`ListWebAuthnCredentials`, every page of
    /// `page_size`).
    pub fn passkeys(self: &Rc<Self>, page_size: u32) -> Boxed<Vec<Passkey>> {
        let this = self.clone();
        Box::pin(async move {
            let mut passkeys = Vec::new();
            let mut page: Option<String> = None;
            loop {
                let call = ProfileCall::list_web_authn_credentials(page_size, page.as_deref());
                let answer = this.profile_call(call).await?;
                let (more, next) = webauthn::read_passkeys(&answer)?;
                passkeys.extend(more);
                match next {
                    Some(next) if Some(&next) != page.as_ref() => page = Some(next),
                    Some(_) => {
                        return Err(Error::protocol(
                            "ListWebAuthnCredentials returned the same NextToken twice",
                        ))
                    }
                    None => return Ok(passkeys),
                }
            }
        })
    }

    /// Deletes the signed-in user's passkey `id` at Cognito (`DeleteWebAuthnCredential`). The
    /// authenticator keeps its key: the browser or OS offers to remove it there.
    pub fn delete_passkey(self: &Rc<Self>, id: &str) -> Boxed<()> {
        let answer = self.profile_call(ProfileCall::delete_web_authn_credential(id));
        Box::pin(async move { answer.await.map(drop) })
    }
}
