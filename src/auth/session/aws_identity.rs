//! The signed-in user's (or, with `guestAccess`, the signed-out guest's) identity id and AWS
//! credentials from the Identity Pool, cached until shortly before they expire, one fetch in
//! flight for every caller; a guest's identity is linked to the user at sign-in.

use super::*;

impl<T: Transport + 'static> Session<T> {
    /// The signed-in user's identity id and valid temporary credentials (with `guestAccess`, a
    /// signed-out visitor's: the identity pool's unauthenticated role, for the guest identity
    /// this browser remembers or a new one from GetId), cached until
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
            // Only a page with none yet (just loaded, or just signed in) looks for kept ones: a
            // renewal is for credentials this page judged due.
            let first = this.aws.expires_at_ms().is_none();
            let fetcher = this.clone();
            let renewal = this
                .aws
                .refresh(move || fetcher.fetch_aws_identity(first).boxed_local());
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

    /// When the cached credentials expire (ms since the epoch, AWS's clock), if there are any.
    pub fn credentials_expire_at_ms(&self) -> Option<i64> {
        self.aws.expires_at_ms()
    }

    async fn fetch_aws_identity(self: Rc<Self>, first: bool) -> Result<Expiring<AwsIdentity>> {
        let generation = self.generation();
        let pool_id = self.config.identity_pool_id.clone().ok_or_else(|| {
            Error::config(
                "identityPoolId",
                "AWS credentials need identityPoolId in the config",
            )
        })?;
        // A signed-out visitor of an app with guest access is a guest; anyone else needs tokens
        // (and without them fails as before, with NotAuthorizedException).
        let signed_in = matches!(&*self.state.borrow(), State::SignedIn(_));
        let tokens = if signed_in || !self.config.guest_access {
            Some(self.tokens().await?)
        } else {
            None
        };
        let guest_key = storage::guest_identity_id_key(&pool_id);
        let sub = match &tokens {
            Some(tokens) => Some(tokens.id_claims()?.sub),
            None => None,
        };
        let key = match &sub {
            Some(sub) => storage::identity_id_key(&pool_id, sub),
            None => guest_key.clone(),
        };
        // Credentials kept by an earlier page load, while they last: no call at all.
        let kept_key = storage::credentials_key(&pool_id, sub.as_deref());
        if let Some(kept) = first
            .then(|| self.kept_credentials(&kept_key, &pool_id))
            .flatten()
        {
            return Ok(kept);
        }
        let endpoint = self.config.endpoint_for(Service::IdentityPool);
        let transport = SkewLearning {
            inner: &self.transport,
            clock: &self.clock,
            now: &*self.now,
        };
        let pool = IdentityPool {
            transport: &transport,
            endpoint: &endpoint,
            identity_pool_id: &pool_id,
        };

        // The `Logins` key names the configured pool, whatever the token says.
        let issuer = self.config.user_pool_provider();
        let login = tokens.as_ref().map(|t| Login {
            issuer: &issuer,
            id_token: &t.id_token,
        });
        let stored = |key: &str| {
            self.store
                .get(key)
                .filter(|id| identity_pool::is_identity_id(id, &pool_id))
        };
        let remembered = stored(&key);
        // A user with no identity remembered here starts from this browser's guest identity:
        // sent with the login, it becomes theirs (Cognito links the login to it, or merges it
        // into the identity that already holds the login), so what the guest wrote stays theirs.
        let guest = match (&remembered, login) {
            (None, Some(_)) if self.config.guest_access => stored(&guest_key),
            _ => None,
        };
        let start = remembered.clone().or_else(|| guest.clone());
        let identity_id = match &start {
            Some(id) => id.clone(),
            None => pool.get_id(login).await?,
        };
        let answer = pool.credentials(&identity_id, login).await;
        // A remembered id the pool no longer knows, or refuses for this caller (linked to a
        // user, merged, disabled, or planted by another script).
        let refused = matches!(&answer, Err(e) if matches!(
            e.code.as_str(),
            "ResourceNotFoundException" | "NotAuthorizedException" | "ResourceConflictException"
        ));
        if guest.is_some() && (answer.is_ok() || refused) && stored(&guest_key) == guest {
            // Linked, merged into the user's identity or refused: no guest's identity any more.
            self.store.remove(&guest_key);
            self.store.remove(&storage::credentials_key(&pool_id, None));
        }
        let (identity_id, credentials) = match answer {
            Ok(c) => c,
            // Forgotten, and one new GetId, once.
            Err(_) if refused && start.is_some() => {
                if remembered.is_some() {
                    self.store.remove(&key);
                }
                let fresh = pool.get_id(login).await?;
                pool.credentials(&fresh, login).await?
            }
            Err(e) => return Err(e),
        };
        // Remembering is an optimisation (a refused write costs one GetId next time), and only
        // for the sign-in this fetch began under: a sign-out meanwhile removed the entry.
        if self.generation() == generation {
            if remembered.as_deref() != Some(identity_id.as_str()) {
                let _ = self.store.set(&key, &identity_id);
            }
            // Kept in the app's storage (gone with the page in memory mode), as the tokens
            // are: a reload then reaches its first result with the data call alone.
            let kept = identity_pool::kept_form(&identity_id, &credentials);
            let _ = self.store.set(&kept_key, &kept);
        }
        Ok(expiring(identity_id, credentials))
    }

    /// The credentials kept under `key`, if they are whole and still fresh by the
    /// [`CREDENTIALS_REFRESH_MARGIN_MS`] rule; kept ones past it (or unreadable) are removed.
    fn kept_credentials(&self, key: &str, pool_id: &str) -> Option<Expiring<AwsIdentity>> {
        let text = zeroize::Zeroizing::new(self.store.get(key)?);
        let kept = identity_pool::read_kept(&text, pool_id).filter(|(_, c)| {
            c.expires_at_ms > self.server_now_ms() as i64 + CREDENTIALS_REFRESH_MARGIN_MS
        });
        let Some((identity_id, credentials)) = kept else {
            self.store.remove(key);
            return None;
        };
        Some(expiring(identity_id, credentials))
    }

    // ---- account life without a session ---------------------------------------------------
}

/// The identity and its credentials, cached until the credentials expire.
fn expiring(identity_id: String, credentials: Credentials) -> Expiring<AwsIdentity> {
    let expires_at_ms = credentials.expires_at_ms;
    Expiring::new(
        AwsIdentity {
            identity_id,
            credentials,
        },
        expires_at_ms,
    )
}
