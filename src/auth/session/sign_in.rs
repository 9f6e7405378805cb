//! Signing in: SRP (`prepare_sign_in`, `sign_in`), the challenges that may follow
//! (`confirm_sign_in`: new password, MFA codes, TOTP setup, ...) and what each answer means next.

use super::*;

impl<T: Transport + 'static> Session<T> {
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
                return this.handle_answer(AuthResult::Challenge(challenge), &username);
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

    fn handle_answer(&self, answer: AuthResult, username: &str) -> Result<SignInStep> {
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
        mfa_types,
        required_attributes: required_attributes(challenge),
        parameters,
    }
}
