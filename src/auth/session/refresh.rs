//! Valid tokens on demand: the stored ones while they last, one refresh in flight for every
//! caller (and, with a [`TabLock`], for every tab), persisted only over the session it
//! refreshed; a rotated refresh token replaces the old one.

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
            if this.due_at(&tokens) > this.server_now_ms() as i64 {
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
        let (_, before, persisted) = self.signed_in_as(generation)?;
        // Across tabs one refresh at a time (where the tabs share storage). The tab that gets
        // the lock after another re-reads storage: the tokens that tab wrote are adopted and,
        // fresh, no request is sent. A rotated refresh token is so never spent twice.
        let _held = if persisted {
            let lock = self.tab_lock.borrow().clone();
            let (held, waited) = lock
                .acquire(&tab_lock::refresh_lock_name(
                    &self.config.user_pool_client_id,
                ))
                .await;
            self.sync_from_store();
            if waited {
                self.await_stored_tokens(&before).await;
            }
            Some(held)
        } else {
            None
        };
        let (username, old, persisted) = self.signed_in_as(generation)?;
        if old != before && self.due_at(&old) > self.server_now_ms() as i64 {
            return Ok(old);
        }
        let (transport, endpoint) = self.pool();
        let pool = UserPool {
            transport: &transport,
            endpoint: &endpoint,
            client_id: &self.config.user_pool_client_id,
        };
        let device = self.remembered_device(&username);
        match pool
            .refresh(&old.refresh_token, device.as_ref().map(|d| d.key.as_str()))
            .await
        {
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
                    // Rotated: the new refresh token replaces the old, which Cognito refuses
                    // after its grace period.
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
                    return self.follow_store(&username);
                }
                *self.state.borrow_mut() = State::SignedIn(SignedIn {
                    username,
                    tokens: tokens.clone(),
                    persisted: matches!(written, Some(Ok(true))),
                });
                self.emit(Event::TokensRefreshed);
                Ok(tokens)
            }
            // The refresh token was rotated by another tab (a host without Web Locks, or a
            // tab of an older version): its tokens are in storage, or will be when its answer
            // arrives (then the storage event brings them). Storage is left alone here: it may
            // hold that tab's session; only this tab ends its own.
            Err(e) if e.code == "RefreshTokenReuseException" => {
                if persisted {
                    self.await_stored_tokens(&old).await;
                    if let Ok(tokens) = self.follow_store(&username) {
                        if tokens != old {
                            return Ok(tokens);
                        }
                    }
                }
                if self.generation.get() == generation {
                    self.new_generation();
                    *self.state.borrow_mut() = State::SignedOut;
                    self.emit(Event::SessionExpired);
                }
                Err(e)
            }
            Err(e) if ends_session(&e) && self.generation.get() == generation => {
                self.clear(&username);
                self.emit(Event::SessionExpired);
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    /// The user, tokens and persistence of the sign-in named by `generation`, if it lasts.
    fn signed_in_as(&self, generation: u64) -> Result<(String, Tokens, bool)> {
        match &*self.state.borrow() {
            State::SignedIn(s) if self.generation.get() == generation => {
                Ok((s.username.clone(), s.tokens.clone(), s.persisted))
            }
            _ => Err(not_signed_in()),
        }
    }

    /// Gives another tab's write a moment to reach this tab's storage: browsers copy
    /// `localStorage` between tabs' processes asynchronously, so the tokens a tab stored just
    /// before it released the lock (or before this tab's token was refused as reused) may not
    /// be readable here yet. Re-reads storage every [`SETTLE_POLL_MS`], at most
    /// [`SETTLE_POLLS`] times, until the tokens differ from `before`.
    async fn await_stored_tokens(&self, before: &Tokens) {
        for _ in 0..SETTLE_POLLS {
            let changed = match &*self.state.borrow() {
                State::SignedIn(s) => s.tokens != *before,
                _ => true,
            };
            if changed {
                return;
            }
            self.transport.pause(SETTLE_POLL_MS).await;
            self.sync_from_store();
        }
    }

    /// When `tokens` are due a refresh (ms, server time): [`TOKEN_REFRESH_MARGIN_MS`] before
    /// they expire.
    fn due_at(&self, tokens: &Tokens) -> i64 {
        tokens
            .expires_at_ms()
            .map(|exp| exp - TOKEN_REFRESH_MARGIN_MS)
            .unwrap_or(i64::MIN)
    }

    /// Adopts what storage holds, and answers its tokens if they are still `username`'s.
    fn follow_store(&self, username: &str) -> Result<Tokens> {
        self.sync_from_store();
        match &*self.state.borrow() {
            State::SignedIn(s) if s.username == username => Ok(s.tokens.clone()),
            _ => Err(Error::service(
                "NotAuthorizedException",
                "the session changed in another tab during the refresh",
                400,
                None,
            )),
        }
    }
}

/// How often, and how many times, a tab re-reads storage for another tab's fresh tokens.
const SETTLE_POLL_MS: f64 = 50.0;
const SETTLE_POLLS: u32 = 10;

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
