//! Valid tokens on demand: the stored ones while they last, one refresh in flight for every
//! caller, persisted only over the session it refreshed.

use super::*;

impl<T: Transport + 'static> Session<T> {
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
    pub fn refresh(self: &Rc<Self>) -> InFlight<Tokens> {
        let this = self.clone();
        let generation = self.generation.get();
        self.refreshing
            .run(move || this.refresh_once(generation).boxed_local())
    }

    async fn refresh_once(self: Rc<Self>, generation: u64) -> Result<Tokens> {
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
            Ok(IssuedTokens {
                id_token,
                access_token,
                refresh_token,
                ..
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
