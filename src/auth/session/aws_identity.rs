//! The signed-in user's identity id and AWS credentials from the Identity Pool, cached until
//! shortly before they expire, one fetch in flight for every caller.

use super::*;

impl<T: Transport + 'static> Session<T> {
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
}
