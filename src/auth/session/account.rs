//! The account: signing up and confirming, forgotten and changed passwords, signing out.

use super::*;

impl<T: Transport + 'static> Session<T> {
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
            this.forget_here(&username, &tokens);
            global_result
        }
    }

    /// Ends the session here after a sign-out or a deleted user: no trace of who used this
    /// browser stays in memory or storage (tokens, the last-user mark, the identity id, the kept
    /// AWS credentials), and
    /// listeners hear `SignedOut`.
    pub(super) fn forget_here(&self, username: &str, tokens: &Tokens) {
        if let (Some(pool_id), Ok(claims)) = (&self.config.identity_pool_id, tokens.id_claims()) {
            self.store
                .remove(&storage::identity_id_key(pool_id, &claims.sub));
        }
        self.forget_credentials(tokens);
        self.clear(username);
        self.emit(Event::SignedOut);
    }

    /// Removes the AWS credentials kept for the user of `tokens`.
    pub(super) fn forget_credentials(&self, tokens: &Tokens) {
        if let (Some(pool_id), Ok(claims)) = (&self.config.identity_pool_id, tokens.id_claims()) {
            self.store
                .remove(&storage::credentials_key(pool_id, Some(&claims.sub)));
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

    /// Registers a user.
    pub fn sign_up(
        self: &Rc<Self>,
        username: String,
        password: zeroize::Zeroizing<String>,
        attributes: Vec<(String, String)>,
    ) -> impl Future<Output = Result<SignUpResult>> + 'static {
        self.sign_up_with(username, Some(password), attributes)
    }

    /// Registers a user without a password, who signs in with a code (`EMAIL_OTP`, `SMS_OTP`),
    /// where the pool and app client allow choice-based sign-in.
    pub fn sign_up_without_password(
        self: &Rc<Self>,
        username: String,
        attributes: Vec<(String, String)>,
    ) -> impl Future<Output = Result<SignUpResult>> + 'static {
        self.sign_up_with(username, None, attributes)
    }

    fn sign_up_with(
        self: &Rc<Self>,
        username: String,
        password: Option<zeroize::Zeroizing<String>>,
        attributes: Vec<(String, String)>,
    ) -> impl Future<Output = Result<SignUpResult>> + 'static {
        let this = self.clone();
        self.with_pool(async move |pool| {
            let password = password.as_ref().map(|p| p.as_str());
            let result = pool.sign_up(&username, password, &attributes).await?;
            this.keep_sign_up_session(&username, result.session.clone());
            Ok(result)
        })
    }

    /// Confirms a sign-up with the code Cognito sent; for a sign-up made on this page, keeps
    /// the session Cognito returns, with which `auto_sign_in` signs the user in.
    pub fn confirm_sign_up(
        self: &Rc<Self>,
        username: String,
        code: String,
    ) -> impl Future<Output = Result<()>> + 'static {
        let this = self.clone();
        self.with_pool(async move |pool| {
            let session = this.sign_up_session_for(&username);
            let confirmed = pool
                .confirm_sign_up(&username, &code, session.as_deref())
                .await?;
            if session.is_some() {
                this.keep_confirmed_session(&username, confirmed);
            }
            Ok(())
        })
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
