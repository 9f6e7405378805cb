//! Setting up TOTP for a signed-in user: the secret, its `otpauth://` URI and the first code.

use super::*;

impl<T: Transport + 'static> Session<T> {
    /// Starts TOTP setup: during an `MFA_SETUP` sign-in step (then answer with
    /// `confirm_sign_in` and the first code), or for the signed-in user (then
    /// [`Session::verify_totp_setup`]). Returns the secret to add to an authenticator app.
    pub fn setup_totp(self: &Rc<Self>) -> impl Future<Output = Result<TotpSetup>> + 'static {
        let this = self.clone();
        async move {
            let challenge = match &*this.state.borrow() {
                State::Challenged(p) if p.challenge.name == "MFA_SETUP" => {
                    Some((p.challenge.session.clone(), p.username.clone()))
                }
                State::Challenged(p) => {
                    return Err(Error::invalid_input(
                        "challenge",
                        format!("the pending step is {}, not MFA_SETUP", p.challenge.name),
                    ))
                }
                State::SignedIn(_) => None,
                State::SignedOut => return Err(not_signed_in()),
            };
            let (transport, endpoint) = this.pool();
            let pool = UserPool {
                transport: &transport,
                endpoint: &endpoint,
                client_id: &this.config.user_pool_client_id,
            };
            let (secret, username) = match challenge {
                Some((session, username)) => {
                    let session = session
                        .ok_or_else(|| Error::protocol("the MFA_SETUP challenge has no session"))?;
                    let (secret, next_session) = pool
                        .associate_software_token(TotpAuth::Session(&session))
                        .await?;
                    match &mut *this.state.borrow_mut() {
                        State::Challenged(p) => {
                            p.challenge.session = next_session.or(Some(session))
                        }
                        _ => {
                            return Err(Error::invalid_input(
                                "challenge",
                                "the sign-in was abandoned",
                            ))
                        }
                    }
                    (secret, username)
                }
                None => {
                    let tokens = this.tokens().await?;
                    let (secret, _) = pool
                        .associate_software_token(TotpAuth::AccessToken(&tokens.access_token))
                        .await?;
                    (
                        secret,
                        this.current_user().map(|u| u.username).unwrap_or_default(),
                    )
                }
            };
            let uri = totp_uri(&secret, &username, &this.config.user_pool_id);
            Ok(TotpSetup { secret, uri })
        }
    }

    /// Completes TOTP setup for the signed-in user with the authenticator's first code, and
    /// makes TOTP their preferred MFA.
    pub fn verify_totp_setup(
        self: &Rc<Self>,
        code: String,
    ) -> impl Future<Output = Result<()>> + 'static {
        let session = self.clone();
        self.with_pool(async move |pool| {
            let tokens = session.tokens().await?;
            pool.verify_software_token(TotpAuth::AccessToken(&tokens.access_token), &code)
                .await?;
            pool.prefer_totp(&tokens.access_token).await
        })
    }
}

/// `otpauth://totp/<issuer>:<user>?secret=...&issuer=...` for authenticator apps.
fn totp_uri(secret: &str, username: &str, issuer: &str) -> String {
    let enc = |s: &str| crate::codec::text::percent_encode(s, false);
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}",
        enc(issuer),
        enc(username),
        enc(secret),
        enc(issuer)
    )
}
