//! Completing a redirect sign-in: the code the managed login returned is exchanged at
//! `/oauth2/token` (with the PKCE verifier) and the tokens become the session, through the same
//! path as any other sign-in (storage, `signedIn`, the identity pool, other tabs).

use super::*;
use crate::auth::oauth::{self, Pending};

impl<T: Transport + 'static> Session<T> {
    /// Exchanges `code` for tokens and signs the user in with them. The caller checked the
    /// `state` first ([`oauth::check_state`]). Nothing is stored unless the exchange succeeds.
    pub fn complete_redirect(
        self: &Rc<Self>,
        code: &str,
        pending: &Pending,
    ) -> impl Future<Output = Result<User>> + 'static {
        let this = self.clone();
        let request = self
            .config
            .oauth
            .as_ref()
            .map(|o| oauth::token_request(o, &self.config.user_pool_client_id, code, pending));
        async move {
            let request = request.ok_or_else(no_oauth)?;
            let (transport, _) = this.pool();
            let answer = transport.send(request).await?;
            let (id_token, access_token, refresh_token) =
                oauth::read_token_answer(answer.status, &answer.body)?;
            let issued = IssuedTokens {
                id_token,
                access_token,
                refresh_token: Some(refresh_token),
                new_device: None,
            };
            // Tokens for another pool or client (a misconfigured domain) are not adopted.
            let tokens = Tokens {
                id_token: issued.id_token.clone(),
                access_token: issued.access_token.clone(),
                refresh_token: String::new(),
            };
            if !tokens.belong_to(&this.config, this.server_now_ms() as i64 / 1000) {
                return Err(Error::protocol(
                    "the token endpoint issued tokens of another user pool or app client: check oauth.domain",
                ));
            }
            match this.handle_answer(AuthResult::Tokens(issued), "")? {
                SignInStep::Done(user) => Ok(user),
                SignInStep::Next(_) => Err(Error::protocol("a token answer asked for a challenge")),
            }
        }
    }
}

/// The error of a redirect call on a client configured without `oauth`.
pub fn no_oauth() -> Error {
    Error::config(
        "oauth",
        "redirect sign-in needs the oauth section in createClient's config: { domain, redirectSignIn, redirectSignOut?, scopes? }",
    )
}

impl<T: Transport + 'static> Session<T> {
    fn redirect_mark_key(&self) -> String {
        format!(
            "{}.oauthSignIn",
            storage::client_prefix(&self.config.user_pool_client_id)
        )
    }

    /// Remembers (in the app's storage) that `username` signed in through the managed login,
    /// so that signing out also ends the managed login's session.
    pub fn mark_redirect_sign_in(&self, username: &str) {
        // Best effort: without the mark, sign-out ends the session here only.
        let _ = self.store.set(&self.redirect_mark_key(), username);
    }

    /// Whether the signed-in user came through the managed login; the mark is removed (called
    /// as the user signs out).
    pub fn take_redirect_sign_in(&self) -> bool {
        let key = self.redirect_mark_key();
        let marked = self.store.get(&key);
        self.store.remove(&key);
        let current = self.current_user().map(|u| u.username);
        marked.is_some() && marked == current
    }
}
