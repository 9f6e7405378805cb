//! Choice-based sign-in (`USER_AUTH`): a username first, then the first factor the pool offers
//! and the user picks (`SELECT_CHALLENGE`) or prefers: a code by email or SMS (`EMAIL_OTP`,
//! `SMS_OTP`), a passkey (`WEB_AUTHN`, see `passkeys.rs`), or the password, proven with SRP
//! (`PASSWORD_SRP`) or sent (`PASSWORD`). Also the
//! sign-in right after a confirmed sign-up, with the session `ConfirmSignUp` returned.
//!
//! The steps that follow (MFA, a new password, a remembered device) go through the same step
//! machine as an SRP sign-in's (`settle`, `confirm_sign_in`).

use super::*;

/// The first factors apiless answers.
pub const FIRST_FACTORS: [&str; 5] = [
    "PASSWORD",
    "PASSWORD_SRP",
    "EMAIL_OTP",
    "SMS_OTP",
    "WEB_AUTHN",
];

/// A sign-up made on this page: its session goes to `ConfirmSignUp`, and the session that
/// answers (`confirmed`) to `InitiateAuth`, once.
pub(super) struct SignUpSession {
    username: String,
    session: String,
    confirmed: bool,
}

fn is_password_factor(factor: &str) -> bool {
    factor == "PASSWORD" || factor == "PASSWORD_SRP"
}

fn first_factor<'a>(field: &str, factor: Option<&'a str>) -> Result<Option<&'a str>> {
    match factor {
        None => Ok(None),
        Some(f) if FIRST_FACTORS.contains(&f) => Ok(Some(f)),
        Some(_) => Err(Error::invalid_input(
            field,
            format!(
                "the first factor must be one of: {}",
                text::join(&FIRST_FACTORS, ", ")
            ),
        )),
    }
}

impl<T: Transport + 'static> Session<T> {
    /// Signs in with choice-based authentication (`InitiateAuth` `USER_AUTH`): with no
    /// `preferred` factor (or one Cognito does not offer this user) the next step is
    /// `SELECT_CHALLENGE`, listing the factors to choose from; `EMAIL_OTP` and `SMS_OTP` send a
    /// code (the next step asks for it); `PASSWORD_SRP` and `PASSWORD` need the `password`
    /// (SRP proves it without sending it).
    pub fn sign_in_with_choice(
        self: &Rc<Self>,
        username: &str,
        preferred: Option<String>,
        password: Option<zeroize::Zeroizing<String>>,
    ) -> impl Future<Output = Result<SignInStep>> + 'static {
        let this = self.clone();
        let username = username.trim().to_owned();
        async move {
            if username.is_empty() {
                return Err(Error::invalid_input("username", "username is empty"));
            }
            let preferred = first_factor("preferredChallenge", preferred.as_deref())?;
            let password = password.filter(|p| !p.is_empty());
            match (preferred, &password) {
                (Some(f), None) if is_password_factor(f) => {
                    return Err(Error::invalid_input(
                        "password",
                        format!("the {f} first factor needs the password"),
                    ))
                }
                (None, Some(_)) | (Some("EMAIL_OTP" | "SMS_OTP" | "WEB_AUTHN"), Some(_)) => {
                    return Err(Error::invalid_input(
                        "password",
                        "a password goes with preferredChallenge PASSWORD_SRP or PASSWORD",
                    ))
                }
                _ => {}
            }
            let (transport, endpoint) = this.pool();
            let pool = UserPool {
                transport: &transport,
                endpoint: &endpoint,
                client_id: &this.config.user_pool_client_id,
            };
            let device = this.remembered_device(&username);
            let device_key = device.as_ref().map(|d| d.key.as_str());
            // One InitiateAuth for every factor: SRP adds its A, PASSWORD the password.
            let eph = match preferred {
                Some("PASSWORD_SRP") => Some(this.new_ephemeral()?),
                _ => None,
            };
            let srp_a = eph.as_ref().map(Ephemeral::srp_a_hex);
            let mut params: Vec<(&str, &str)> = Vec::new();
            if let Some(f) = preferred {
                params.push(("PREFERRED_CHALLENGE", f));
            }
            if let Some(a) = &srp_a {
                params.push(("SRP_A", a));
            } else if let (Some("PASSWORD"), Some(p)) = (preferred, &password) {
                params.push(("PASSWORD", p.as_str()));
            }
            let started = pool
                .initiate_user_auth(&username, &params, None, device_key)
                .await?;
            let (answer, user) = this
                .after_factor(&pool, started, eph, password, &username)
                .await?;
            this.settle(&pool, answer, &user).await
        }
    }

    /// Answers `SELECT_CHALLENGE` with the first factor `answer` names (and the password, for
    /// the password factors); returns Cognito's answer and the user id to settle it for.
    pub(super) async fn select_first_factor(
        &self,
        pool: &UserPool<'_, SkewLearning<'_, T>>,
        challenge: &Challenge,
        user: &str,
        answer: &ChallengeResponse,
    ) -> Result<(AuthResult, String)> {
        let choices = &challenge.available;
        let factor = answer
            .first_factor
            .as_deref()
            .filter(|f| choices.iter().any(|c| c == f))
            .ok_or_else(|| {
                Error::invalid_input(
                    "firstFactor",
                    format!("choose one of: {}", text::join(choices, ", ")),
                )
            })?;
        first_factor("firstFactor", Some(factor))?;
        let session = challenge.session.as_deref();
        let password = answer.password.clone().filter(|p| !p.is_empty());
        if is_password_factor(factor) && password.is_none() {
            return Err(Error::invalid_input(
                "password",
                format!("the {factor} first factor needs the password"),
            ));
        }
        let eph = match factor {
            "PASSWORD_SRP" => Some(self.new_ephemeral()?),
            _ => None,
        };
        let srp_a = eph.as_ref().map(Ephemeral::srp_a_hex);
        let mut responses = vec![("USERNAME", user), ("ANSWER", factor)];
        if let Some(a) = &srp_a {
            responses.push(("SRP_A", a));
        } else if let (true, Some(p)) = (factor == "PASSWORD", &password) {
            responses.push(("PASSWORD", p.as_str()));
        }
        let result = pool
            .respond("SELECT_CHALLENGE", session, &responses)
            .await?;
        self.after_factor(pool, result, eph, password, user).await
    }

    /// Cognito's answer to a first factor: for `PASSWORD_SRP` (`eph` made), the
    /// `PASSWORD_VERIFIER` it asks for is answered with the password claim; a `WEB_AUTHN`
    /// challenge with the passkey's assertion; anything else is returned as it came, for `user`.
    async fn after_factor(
        &self,
        pool: &UserPool<'_, SkewLearning<'_, T>>,
        answer: AuthResult,
        eph: Option<Ephemeral>,
        password: Option<zeroize::Zeroizing<String>>,
        user: &str,
    ) -> Result<(AuthResult, String)> {
        match (answer, eph, password) {
            (AuthResult::Challenge(c), Some(eph), Some(password))
                if c.name == "PASSWORD_VERIFIER" =>
            {
                self.prove_password(pool, &c, eph, password).await
            }
            (AuthResult::Challenge(c), ..) if c.name == "WEB_AUTHN" => {
                let user = c.parameters.get("USERNAME").map_or(user, String::as_str);
                Ok((self.passkey_sign_in(pool, &c, user).await?, user.to_owned()))
            }
            (other, ..) => Ok((other, user.to_owned())),
        }
    }

    /// Keeps the session a sign-up returned, for `ConfirmSignUp` and the sign-in after it.
    pub(super) fn keep_sign_up_session(&self, username: &str, session: Option<String>) {
        *self.signing_up.borrow_mut() = session.map(|session| SignUpSession {
            username: username.trim().to_owned(),
            session,
            confirmed: false,
        });
    }

    /// The sign-up session to send with `ConfirmSignUp` for `username`, if this page signed
    /// them up.
    pub(super) fn sign_up_session_for(&self, username: &str) -> Option<String> {
        match &*self.signing_up.borrow() {
            Some(s) if !s.confirmed && s.username == username.trim() => Some(s.session.clone()),
            _ => None,
        }
    }

    /// Keeps the session `ConfirmSignUp` returned for `username` (or forgets the sign-up when
    /// it returned none).
    pub(super) fn keep_confirmed_session(&self, username: &str, session: Option<String>) {
        let mut kept = self.signing_up.borrow_mut();
        if kept.as_ref().is_some_and(|s| s.username == username.trim()) {
            *kept = session.map(|session| SignUpSession {
                username: username.trim().to_owned(),
                session,
                confirmed: true,
            });
        }
    }

    /// Signs in the user this page signed up and confirmed, with the session `ConfirmSignUp`
    /// returned (`InitiateAuth` `USER_AUTH`): the confirmation code was the first factor. The
    /// session is used once, whatever the answer.
    pub fn auto_sign_in(self: &Rc<Self>) -> impl Future<Output = Result<SignInStep>> + 'static {
        let this = self.clone();
        async move {
            let taken = this.signing_up.borrow_mut().take();
            let kept = match taken {
                Some(s) if s.confirmed => s,
                other => {
                    *this.signing_up.borrow_mut() = other;
                    return Err(Error::invalid_input(
                        "autoSignIn",
                        "no confirmed sign-up to sign in from: call signUp, then confirmSignUp",
                    ));
                }
            };
            let (transport, endpoint) = this.pool();
            let pool = UserPool {
                transport: &transport,
                endpoint: &endpoint,
                client_id: &this.config.user_pool_client_id,
            };
            let answer = pool
                .initiate_user_auth(&kept.username, &[], Some(&kept.session), None)
                .await?;
            this.settle(&pool, answer, &kept.username).await
        }
    }
}
