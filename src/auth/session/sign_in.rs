//! Signing in: SRP (`prepare_sign_in`, `sign_in`), the challenges that may follow
//! (`confirm_sign_in`: new password, MFA codes, TOTP setup, ...) and what each answer means next.

use super::*;

/// An early start is used only this young (server time): Cognito keeps the `SECRET_BLOCK` of a
/// `USER_SRP_AUTH` challenge for the app client's `AuthSessionValidity`, 3 minutes at the least,
/// and the answer must reach it before then. An expired block fails as a wrong password does
/// (`NotAuthorizedException`), so it is never tried and retried: that would count a wrong
/// password twice towards the account's lockout.
pub const EARLY_START_MAX_AGE_MS: f64 = 150_000.0;

/// What `prepare_sign_in` made before the form was submitted.
pub(super) enum Prepared {
    /// `A` computed; nothing sent.
    Ephemeral(Ephemeral),
    /// `A` computed and `InitiateAuth` started for `username`.
    Started(EarlyStart),
}

pub(super) struct EarlyStart {
    username: String,
    eph: Ephemeral,
    started_at_ms: f64,
    /// Which early start this is: its call writes its answer only into its own.
    token: Rc<()>,
    /// `InitiateAuth`'s answer, once it came.
    answer: Option<Result<Challenge>>,
}

impl<T: Transport + 'static> Session<T> {
    /// Computes the SRP public value ahead of time, so that signing in waits only on the
    /// network and the password claim; with a `username`, also starts `InitiateAuth` for it, so
    /// that submitting the password waits only for `RespondToAuthChallenge`. Optional: `sign_in`
    /// does what was not done ahead.
    ///
    /// Returns the early `InitiateAuth` when one starts: drive it (spawn it) so that it goes out
    /// now and its answer waits here for `sign_in`. It starts again only for another username
    /// or when the one started is older than [`EARLY_START_MAX_AGE_MS`]. A `sign_in` that comes
    /// before the answer does not wait for it: it starts again (the early call was at most one
    /// round trip ahead).
    pub fn prepare_sign_in(
        self: &Rc<Self>,
        username: Option<&str>,
    ) -> Result<Option<impl Future<Output = ()> + 'static>> {
        let username = username.map(str::trim).filter(|u| !u.is_empty());
        // An early start stays for its own name while young, and for a call that names no one
        // (it keeps its place until one for another name starts).
        if let Some(Prepared::Started(s)) = &*self.prepared.borrow() {
            if username.is_none_or(|u| s.username == u && self.is_young(s)) {
                return Ok(None);
            }
        }
        let eph = match self.prepared.borrow_mut().take() {
            Some(Prepared::Ephemeral(e)) => e,
            // An early start's `a` went out with its `A`: never used again.
            Some(Prepared::Started(_)) | None => self.new_ephemeral()?,
        };
        let Some(username) = username else {
            *self.prepared.borrow_mut() = Some(Prepared::Ephemeral(eph));
            return Ok(None);
        };
        // The call holds the session weakly until it runs, so a session dropped with an
        // unstarted early call in it is freed.
        let weak = Rc::downgrade(self);
        let token = Rc::new(());
        let call = (username.to_owned(), eph.srp_a_hex(), token.clone());
        *self.prepared.borrow_mut() = Some(Prepared::Started(EarlyStart {
            username: username.to_owned(),
            eph,
            started_at_ms: self.server_now_ms(),
            token,
            answer: None,
        }));
        Ok(Some(async move {
            let Some(this) = weak.upgrade() else { return };
            let (user, srp_a, token) = call;
            let answer = this.initiate(&user, &srp_a).await;
            if let Some(Prepared::Started(s)) = this.prepared.borrow_mut().as_mut() {
                if Rc::ptr_eq(&s.token, &token) {
                    s.answer = Some(answer);
                }
            };
        }))
    }

    /// `InitiateAuth` (USER_SRP_AUTH) for `username` with `A`, naming the device this browser
    /// remembers for them: the one call both the early start and `sign_in` make.
    async fn initiate(&self, username: &str, srp_a_hex: &str) -> Result<Challenge> {
        let (transport, endpoint) = self.pool();
        let device = self.remembered_device(username);
        UserPool {
            transport: &transport,
            endpoint: &endpoint,
            client_id: &self.config.user_pool_client_id,
        }
        .initiate_srp_auth(username, srp_a_hex, device.as_ref().map(|d| d.key.as_str()))
        .await
    }

    fn is_young(&self, early: &EarlyStart) -> bool {
        self.server_now_ms() - early.started_at_ms < EARLY_START_MAX_AGE_MS
    }

    pub(super) fn new_ephemeral(&self) -> Result<Ephemeral> {
        let mut a = zeroize::Zeroizing::new([0u8; srp::MIN_RANDOM_BYTES]);
        (self.random)(a.as_mut_slice())?;
        Ephemeral::new(a.as_slice())
    }

    /// The early start for `username`, if one is young enough and its `InitiateAuth` answered
    /// with a challenge; else the prepared `A`, if any. Takes what was prepared either way: each
    /// `a` is used once.
    fn take_prepared(&self, username: &str) -> (Option<(Ephemeral, Challenge)>, Option<Ephemeral>) {
        let prepared = self.prepared.borrow_mut().take();
        match prepared {
            Some(Prepared::Started(s)) if s.username == username && self.is_young(&s) => {
                match s.answer {
                    Some(Ok(challenge)) => (Some((s.eph, challenge)), None),
                    // Whatever failed early (the network, a name not yet signed up) is asked
                    // again now, and answers for itself; so is a call still on its way.
                    Some(Err(_)) | None => (None, None),
                }
            }
            Some(Prepared::Ephemeral(e)) => (None, Some(e)),
            Some(Prepared::Started(_)) | None => (None, None),
        }
    }

    /// Signs in with SRP: `InitiateAuth` (USER_SRP_AUTH), or the one `prepare_sign_in` started
    /// for this username, then the `PASSWORD_VERIFIER` answer. Resolves signed in, or with the
    /// next step to answer.
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
            let (transport, endpoint) = this.pool();
            let pool = UserPool {
                transport: &transport,
                endpoint: &endpoint,
                client_id: &this.config.user_pool_client_id,
            };
            let (eph, challenge) = match this.take_prepared(&username) {
                (Some(early), _) => early,
                (None, prepared) => {
                    let eph = match prepared {
                        Some(e) => e,
                        None => this.new_ephemeral()?,
                    };
                    let challenge = this.initiate(&username, &eph.srp_a_hex()).await?;
                    (eph, challenge)
                }
            };
            if challenge.name != "PASSWORD_VERIFIER" {
                return this
                    .settle(&pool, AuthResult::Challenge(challenge), &username)
                    .await;
            }
            let (answer, user_id) = this
                .prove_password(&pool, &challenge, eph, password)
                .await?;
            this.settle(&pool, answer, &user_id).await
        }
    }

    /// Answers a `PASSWORD_VERIFIER` challenge (of `USER_SRP_AUTH`, or of `USER_AUTH`'s
    /// `PASSWORD_SRP`) with the password claim made with `eph`; returns Cognito's answer and the
    /// user id it knows the user by.
    pub(super) async fn prove_password(
        &self,
        pool: &UserPool<'_, SkewLearning<'_, T>>,
        challenge: &Challenge,
        eph: Ephemeral,
        password: zeroize::Zeroizing<String>,
    ) -> Result<(AuthResult, String)> {
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
        let timestamp = clock::cognito_timestamp(self.server_now_ms());
        let signature = eph.password_claim(
            &srp::Challenge {
                pool_id: &self.config.user_pool_id,
                user_id_for_srp: user_id,
                salt_hex: param("SALT")?,
                srp_b_hex: param("SRP_B")?,
                secret_block_b64: secret_block,
            },
            &password,
            &timestamp,
        )?;
        drop(password);
        let mut responses = vec![
            ("USERNAME", user_id),
            ("PASSWORD_CLAIM_SECRET_BLOCK", secret_block),
            ("PASSWORD_CLAIM_SIGNATURE", &signature),
            ("TIMESTAMP", &timestamp),
        ];
        let device = self.remembered_device(user_id);
        if let Some(d) = &device {
            responses.push(("DEVICE_KEY", &d.key));
        }
        let session = challenge.session.as_deref();
        let answer = match pool.respond("PASSWORD_VERIFIER", session, &responses).await {
            // A device Cognito no longer knows (forgotten elsewhere): forgotten here too, and
            // the same proof sent again without it, as the reference clients do.
            Err(e)
                if device.is_some()
                    && e.code == "ResourceNotFoundException"
                    && e.message
                        .as_bytes()
                        .windows(6)
                        .any(|w| w.eq_ignore_ascii_case(b"device")) =>
            {
                self.wipe_device(user_id);
                responses.pop();
                pool.respond("PASSWORD_VERIFIER", session, &responses)
                    .await?
            }
            other => other?,
        };
        Ok((answer, user_id.to_owned()))
    }

    /// Answers the pending challenge (new password, MFA code, MFA choice, TOTP setup).
    pub fn confirm_sign_in(
        self: &Rc<Self>,
        answer: ChallengeResponse,
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
                "SMS_MFA" | "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP" | "SMS_OTP" => {
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
                "SELECT_CHALLENGE" => {
                    let (result, user_id) = this
                        .select_first_factor(&pool, &challenge, &user, &answer)
                        .await?;
                    return this.settle(&pool, result, &user_id).await;
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
            this.settle(&pool, result, &username).await
        }
    }

    pub(super) fn handle_answer(&self, answer: AuthResult, username: &str) -> Result<SignInStep> {
        match answer {
            AuthResult::Tokens(new) => {
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
                    State::SignedIn(s) if s.username != user.username => {
                        Some((s.username.clone(), s.tokens.clone()))
                    }
                    _ => None,
                };
                if let Some((previous, their_tokens)) = previous {
                    // Another user signed in here: the previous one's tokens and kept AWS
                    // credentials go.
                    storage::clear_tokens(
                        self.store.as_ref(),
                        &self.config.user_pool_client_id,
                        &previous,
                    );
                    self.forget_credentials(&their_tokens);
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
            AuthResult::Challenge(challenge) => {
                let step = next_step(&challenge);
                // A refresh still in flight for an earlier user must not undo this step.
                self.new_generation();
                *self.state.borrow_mut() = State::Challenged(AwaitingChallenge {
                    username: username.to_owned(),
                    expires_at_ms: self.server_now_ms() + CHALLENGE_SESSION_MS,
                    challenge,
                });
                Ok(SignInStep::Next(step))
            }
        }
    }
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
        available_challenges: challenge.available.clone(),
        mfa_types,
        required_attributes: required_attributes(challenge),
        parameters,
    }
}
