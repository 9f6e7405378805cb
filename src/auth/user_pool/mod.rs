//! The Cognito User Pool API (JSON 1.1, `AWSCognitoIdentityProviderService.*`): sign-in
//! challenges, sign-up, passwords, refresh and sign-out; the signed-in user's profile
//! (attributes, MFA preferences, deleting the user) in [`profile`].
//!
//! Each method sends one operation through a [`Transport`] and returns plain values; the SRP
//! maths comes from `srp`, the order of the steps from `session`. Requests carry no AWS
//! signature: these operations are authorised by the client id, a token or a session string.

use zeroize::Zeroizing;

use crate::aws::aws_json::{self, Version};
use crate::codec::json;
use crate::codec::json::{Json, Map};
use crate::error::{Error, Result};
use crate::http::Transport;
use crate::json;

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService";

pub mod devices;
pub mod profile;
pub mod webauthn;

/// A challenge Cognito asks the client to answer next.
#[derive(Clone, PartialEq, Eq)]
pub struct Challenge {
    /// `PASSWORD_VERIFIER`, `NEW_PASSWORD_REQUIRED`, `SOFTWARE_TOKEN_MFA`, ...
    pub name: String,
    /// The challenge parameters as Cognito sent them.
    pub parameters: Parameters,
    /// The opaque session string to send back with the answer.
    pub session: Option<String>,
    /// `SELECT_CHALLENGE`'s `AvailableChallenges`: the first factors the user may choose.
    pub available: Vec<String>,
}

impl std::fmt::Debug for Challenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The session string is a bearer credential for the next step: never print it.
        f.debug_struct("Challenge")
            .field("name", &self.name)
            .field("parameters", &self.parameters)
            .field("available", &self.available)
            .field("session", &self.session.as_ref().map(|_| "** redacted **"))
            .finish()
    }
}

/// A challenge's parameters, names and values, in the order Cognito sent them (a handful, so a
/// list, not a map).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parameters(Vec<(String, String)>);

impl Parameters {
    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&String> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The parameters, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

/// Read from a JSON object, whose names are unique.
impl FromIterator<(String, String)> for Parameters {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Parameters {
        let mut list = Vec::new();
        for (k, v) in iter {
            json::set_field(&mut list, k, v);
        }
        Parameters(list)
    }
}

/// Tokens as an authentication answer carries them; a refresh may omit the refresh token.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedTokens {
    /// The ID token.
    pub id_token: String,
    /// The access token.
    pub access_token: String,
    /// A new refresh token, when Cognito issued (or rotated) one.
    pub refresh_token: Option<String>,
    /// `NewDeviceMetadata`: the pool tracks devices and this sign-in named none it knows.
    pub new_device: Option<devices::NewDevice>,
}

impl std::fmt::Debug for IssuedTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IssuedTokens { ** redacted ** }")
    }
}

/// What an authentication step answers: tokens, or another challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthResult {
    /// Signed in.
    Tokens(IssuedTokens),
    /// Another step is needed.
    Challenge(Challenge),
}

/// Where Cognito sent a confirmation or reset code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeDelivery {
    /// The masked address, such as `a***@e***.com`.
    pub destination: String,
    /// `EMAIL` or `SMS`.
    pub medium: String,
    /// The attribute it went to (`email`, `phone_number`).
    pub attribute: String,
}

/// The result of `SignUp`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignUpResult {
    /// Whether the user is already confirmed (auto-confirmed by the pool).
    pub user_confirmed: bool,
    /// The new user's `sub`.
    pub user_sub: String,
    /// Where the confirmation code went, if one was sent.
    pub code_delivery: Option<CodeDelivery>,
    /// The session `ConfirmSignUp` takes so that the user can sign in right after it.
    pub session: Option<String>,
}

/// One user pool app client, reached through a transport.
#[derive(Clone, Copy, Debug)]
pub struct UserPool<'a, T> {
    /// Sends the requests.
    pub transport: &'a T,
    /// The `cognito-idp` endpoint.
    pub endpoint: &'a str,
    /// The app client id (a client without a secret).
    pub client_id: &'a str,
}

fn not_empty(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid_input(field, format!("{field} is empty")));
    }
    Ok(())
}

impl<T: Transport> UserPool<'_, T> {
    async fn call(&self, operation: &str, body: &Json) -> Result<Zeroizing<Json>> {
        let target = format!("{TARGET_PREFIX}.{operation}");
        aws_json::call(self.transport, self.endpoint, Version::V1_1, &target, body).await
    }

    /// Starts `USER_SRP_AUTH` for `username` with the client's public value `srp_a_hex`;
    /// Cognito answers with `PASSWORD_VERIFIER` (`SALT`, `SRP_B`, `SECRET_BLOCK`,
    /// `USER_ID_FOR_SRP`). `device_key` names the device this browser remembers for the user.
    pub async fn initiate_srp_auth(
        &self,
        username: &str,
        srp_a_hex: &str,
        device_key: Option<&str>,
    ) -> Result<Challenge> {
        not_empty("username", username)?;
        if srp_a_hex.is_empty() || !srp_a_hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(Error::invalid_input(
                "srpA",
                "SRP_A must be a non-empty hex string",
            ));
        }
        let mut body = json!({
            "AuthFlow": "USER_SRP_AUTH",
            "ClientId": self.client_id,
            "AuthParameters": { "USERNAME": username, "SRP_A": srp_a_hex },
        });
        if let Some(key) = device_key {
            body["AuthParameters"]["DEVICE_KEY"] = json!(key);
        }
        match parse_auth_result(&*self.call("InitiateAuth", &body).await?)? {
            AuthResult::Challenge(c) => Ok(c),
            AuthResult::Tokens(_) => Err(Error::protocol(
                "Cognito answered USER_SRP_AUTH with tokens and no challenge",
            )),
        }
    }

    /// Starts choice-based sign-in (`USER_AUTH`) for `username` with `parameters`
    /// (`PREFERRED_CHALLENGE`, and `SRP_A` or `PASSWORD` for the password factors), or with the
    /// `session` a confirmed sign-up returned. `device_key` names the device this browser
    /// remembers for the user.
    pub async fn initiate_user_auth(
        &self,
        username: &str,
        parameters: &[(&str, &str)],
        session: Option<&str>,
        device_key: Option<&str>,
    ) -> Result<AuthResult> {
        not_empty("username", username)?;
        let mut params: Map = parameters
            .iter()
            .map(|(k, v)| ((*k).to_owned(), json!(v)))
            .collect();
        params.insert("USERNAME".into(), json!(username));
        if let Some(key) = device_key {
            params.insert("DEVICE_KEY".into(), json!(key));
        }
        let mut body = json!({
            "AuthFlow": "USER_AUTH",
            "ClientId": self.client_id,
            "AuthParameters": params,
        });
        if let Some(session) = session {
            body["Session"] = json!(session);
        }
        parse_auth_result(&*self.call("InitiateAuth", &body).await?)
    }

    /// Answers challenge `name` with `responses`, passing the challenge's session back.
    pub async fn respond(
        &self,
        name: &str,
        session: Option<&str>,
        responses: &[(&str, &str)],
    ) -> Result<AuthResult> {
        let responses: Map = responses
            .iter()
            .map(|(k, v)| ((*k).to_owned(), json!(v)))
            .collect();
        let mut body = json!({
            "ChallengeName": name,
            "ClientId": self.client_id,
            "ChallengeResponses": responses,
        });
        if let Some(session) = session {
            body["Session"] = json!(session);
        }
        parse_auth_result(&*self.call("RespondToAuthChallenge", &body).await?)
    }

    /// New ID and access tokens for a refresh token, with `GetTokensFromRefreshToken`: where the
    /// app client rotates refresh tokens it also issues a new refresh token (the old one stays
    /// valid for the client's `RetryGracePeriodSeconds`, 0-60, then `RefreshTokenReuseException`);
    /// where it does not, the same operation answers ID and access tokens only, as
    /// `REFRESH_TOKEN_AUTH` does. So one operation serves both, and no setting says which.
    pub async fn refresh(
        &self,
        refresh_token: &str,
        device_key: Option<&str>,
    ) -> Result<IssuedTokens> {
        not_empty("refreshToken", refresh_token)?;
        let mut body = json!({ "ClientId": self.client_id, "RefreshToken": refresh_token });
        // A pool that remembers devices wants the confirmed device's key here (the API
        // reference's DeviceKey); without it Cognito issues a new device.
        if let (Json::Object(fields), Some(key)) = (&mut body, device_key) {
            fields.insert("DeviceKey".into(), key.into());
        }
        match parse_auth_result(&*self.call("GetTokensFromRefreshToken", &body).await?)? {
            AuthResult::Tokens(t) => Ok(t),
            AuthResult::Challenge(c) => Err(Error::protocol(format!(
                "Cognito answered a refresh with the challenge {}",
                c.name
            ))),
        }
    }

    /// Registers a user; `attributes` are user attributes such as `email`. Without a password
    /// (`None`), the user signs in with a code only, where the pool allows it.
    pub async fn sign_up(
        &self,
        username: &str,
        password: Option<&str>,
        attributes: &[(String, String)],
    ) -> Result<SignUpResult> {
        not_empty("username", username)?;
        if let Some(password) = password {
            not_empty("password", password)?;
        }
        let attributes: Vec<Json> = attributes
            .iter()
            .map(|(k, v)| json!({"Name": k, "Value": v}))
            .collect();
        let mut body = json!({
            "ClientId": self.client_id,
            "Username": username,
            "UserAttributes": attributes,
        });
        if let Some(password) = password {
            body["Password"] = json!(password);
        }
        let answer = self.call("SignUp", &body).await?;
        Ok(SignUpResult {
            user_confirmed: answer
                .get("UserConfirmed")
                .and_then(Json::as_bool)
                .unwrap_or(false),
            user_sub: text(&answer, "UserSub"),
            code_delivery: answer.get("CodeDeliveryDetails").map(code_delivery),
            session: answer
                .get("Session")
                .and_then(Json::as_str)
                .map(str::to_owned),
        })
    }

    /// Confirms a sign-up with the code Cognito sent, passing the sign-up's `session` if any;
    /// returns the session that signs the user in (`USER_AUTH`), when Cognito gives one.
    pub async fn confirm_sign_up(
        &self,
        username: &str,
        code: &str,
        session: Option<&str>,
    ) -> Result<Option<String>> {
        not_empty("username", username)?;
        not_empty("code", code)?;
        let mut body = json!({"ClientId": self.client_id, "Username": username, "ConfirmationCode": code.trim()});
        if let Some(session) = session {
            body["Session"] = json!(session);
        }
        let answer = self.call("ConfirmSignUp", &body).await?;
        Ok(answer
            .get("Session")
            .and_then(Json::as_str)
            .map(str::to_owned))
    }

    /// Sends the sign-up confirmation code again.
    pub async fn resend_confirmation_code(&self, username: &str) -> Result<CodeDelivery> {
        not_empty("username", username)?;
        let body = json!({"ClientId": self.client_id, "Username": username});
        let answer = self.call("ResendConfirmationCode", &body).await?;
        Ok(answer
            .get("CodeDeliveryDetails")
            .map(code_delivery)
            .unwrap_or_default())
    }

    /// Starts a password reset: Cognito sends a code.
    pub async fn forgot_password(&self, username: &str) -> Result<CodeDelivery> {
        not_empty("username", username)?;
        let body = json!({"ClientId": self.client_id, "Username": username});
        let answer = self.call("ForgotPassword", &body).await?;
        Ok(answer
            .get("CodeDeliveryDetails")
            .map(code_delivery)
            .unwrap_or_default())
    }

    /// Sets a new password with the reset code.
    pub async fn confirm_forgot_password(
        &self,
        username: &str,
        code: &str,
        new_password: &str,
    ) -> Result<()> {
        not_empty("username", username)?;
        not_empty("code", code)?;
        not_empty("newPassword", new_password)?;
        let body = json!({
            "ClientId": self.client_id,
            "Username": username,
            "ConfirmationCode": code.trim(),
            "Password": new_password,
        });
        self.call("ConfirmForgotPassword", &body).await.map(drop)
    }

    /// Changes the signed-in user's password.
    pub async fn change_password(&self, access_token: &str, old: &str, new: &str) -> Result<()> {
        not_empty("oldPassword", old)?;
        not_empty("newPassword", new)?;
        let body =
            json!({"AccessToken": access_token, "PreviousPassword": old, "ProposedPassword": new});
        self.call("ChangePassword", &body).await.map(drop)
    }

    /// Signs the user out everywhere: every refresh token of the user stops working.
    pub async fn global_sign_out(&self, access_token: &str) -> Result<()> {
        self.call("GlobalSignOut", &json!({"AccessToken": access_token}))
            .await
            .map(drop)
    }

    /// Revokes one refresh token (and the tokens issued from it).
    pub async fn revoke_token(&self, refresh_token: &str) -> Result<()> {
        let body = json!({"ClientId": self.client_id, "Token": refresh_token});
        self.call("RevokeToken", &body).await.map(drop)
    }

    /// Starts TOTP setup, during the `MFA_SETUP` challenge or for a signed-in user: the secret
    /// to show the user, and the session to continue with (challenge only).
    pub async fn associate_software_token(
        &self,
        auth: TotpAuth<'_>,
    ) -> Result<(String, Option<String>)> {
        let answer = self.call("AssociateSoftwareToken", &auth.body()).await?;
        let secret = text(&answer, "SecretCode");
        if secret.is_empty() {
            return Err(Error::protocol(
                "AssociateSoftwareToken returned no SecretCode",
            ));
        }
        Ok((
            secret,
            answer
                .get("Session")
                .and_then(Json::as_str)
                .map(str::to_owned),
        ))
    }

    /// Verifies the first TOTP code of a new authenticator; returns the session to continue
    /// with (challenge only).
    pub async fn verify_software_token(
        &self,
        auth: TotpAuth<'_>,
        code: &str,
    ) -> Result<Option<String>> {
        not_empty("code", code)?;
        let mut body = auth.body();
        body["UserCode"] = json!(code.trim());
        body["FriendlyDeviceName"] = json!("apiless");
        let answer = self.call("VerifySoftwareToken", &body).await?;
        if answer.get("Status").and_then(Json::as_str) != Some("SUCCESS") {
            return Err(Error::service(
                "EnableSoftwareTokenMFAException",
                "the authenticator code was not accepted",
                400,
                None,
            ));
        }
        Ok(answer
            .get("Session")
            .and_then(Json::as_str)
            .map(str::to_owned))
    }

    /// Makes TOTP the signed-in user's enabled, preferred MFA.
    pub async fn prefer_totp(&self, access_token: &str) -> Result<()> {
        let body = json!({
            "AccessToken": access_token,
            "SoftwareTokenMfaSettings": { "Enabled": true, "PreferredMfa": true },
        });
        self.call("SetUserMFAPreference", &body).await.map(drop)
    }
}

/// Who sets up TOTP: a user in the `MFA_SETUP` sign-in step (its session), or a signed-in user.
#[derive(Clone, Copy)]
pub enum TotpAuth<'a> {
    /// The challenge session.
    Session(&'a str),
    /// The signed-in user's access token.
    AccessToken(&'a str),
}

impl TotpAuth<'_> {
    fn body(self) -> Json {
        match self {
            TotpAuth::Session(s) => json!({"Session": s}),
            TotpAuth::AccessToken(t) => json!({"AccessToken": t}),
        }
    }
}

fn text(v: &Json, key: &str) -> String {
    v.get(key)
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn code_delivery(v: &Json) -> CodeDelivery {
    CodeDelivery {
        destination: text(v, "Destination"),
        medium: text(v, "DeliveryMedium"),
        attribute: text(v, "AttributeName"),
    }
}

/// Reads an `InitiateAuth` / `RespondToAuthChallenge` answer.
pub fn parse_auth_result(answer: &Json) -> Result<AuthResult> {
    if let Some(result) = answer.get("AuthenticationResult").filter(|r| r.is_object()) {
        let id_token = text(result, "IdToken");
        let access_token = text(result, "AccessToken");
        if id_token.is_empty() || access_token.is_empty() {
            return Err(Error::protocol(
                "Cognito's AuthenticationResult lacks the ID or access token",
            ));
        }
        let refresh_token = result
            .get("RefreshToken")
            .and_then(Json::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        return Ok(AuthResult::Tokens(IssuedTokens {
            id_token,
            access_token,
            refresh_token,
            new_device: devices::read_new_device(result),
        }));
    }
    let name = answer
        .get("ChallengeName")
        .and_then(Json::as_str)
        .ok_or_else(|| {
            Error::protocol("Cognito's answer has neither tokens nor a ChallengeName")
        })?;
    let parameters = answer
        .get("ChallengeParameters")
        .and_then(Json::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    let session = answer
        .get("Session")
        .and_then(Json::as_str)
        .map(str::to_owned);
    let available = answer
        .get("AvailableChallenges")
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Ok(AuthResult::Challenge(Challenge {
        name: name.to_owned(),
        parameters,
        session,
        available,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{block_on, target, Answer, ScriptedTransport};

    /// Answers every request with one canned response and records what was sent.
    fn canned(status: u16, body: &'static str) -> ScriptedTransport {
        ScriptedTransport::always(Answer::status(status, body))
    }

    fn sent_json(c: &ScriptedTransport) -> (String, Json) {
        let r = c.request(0);
        (target(&r).to_owned(), Json::parse(&r.body).unwrap())
    }

    fn pool(c: &ScriptedTransport) -> UserPool<'_, ScriptedTransport> {
        UserPool {
            transport: c,
            endpoint: "http://idp",
            client_id: "client1",
        }
    }

    #[test]
    fn a_password_verifier_answer_is_read_and_its_session_redacted() {
        // Shape from the Cognito API reference, InitiateAuth with USER_SRP_AUTH.
        let answer = json!({
            "ChallengeName": "PASSWORD_VERIFIER",
            "ChallengeParameters": {
                "SALT": "a1b2", "SECRET_BLOCK": "c2VjcmV0", "SRP_B": "ff00",
                "USERNAME": "alice", "USER_ID_FOR_SRP": "alice"
            },
            "Session": "AYABeD-secret-session"
        });
        let AuthResult::Challenge(c) = parse_auth_result(&answer).unwrap() else {
            panic!("a challenge")
        };
        assert_eq!(c.name, "PASSWORD_VERIFIER");
        assert_eq!(c.parameters.get("SRP_B").map(String::as_str), Some("ff00"));
        let debug = format!("{c:?}");
        assert!(!debug.contains("AYABeD"), "{debug}");
    }

    #[test]
    fn tokens_are_read_and_a_refresh_may_omit_the_refresh_token() {
        let answer = json!({"AuthenticationResult": {"IdToken": "i", "AccessToken": "a", "ExpiresIn": 3600, "TokenType": "Bearer"}, "ChallengeParameters": {}});
        let AuthResult::Tokens(t) = parse_auth_result(&answer).unwrap() else {
            panic!("tokens")
        };
        assert_eq!(
            (
                t.id_token.as_str(),
                t.access_token.as_str(),
                t.refresh_token
            ),
            ("i", "a", None)
        );
        assert_eq!(
            parse_auth_result(&json!({})).unwrap_err().kind,
            crate::ErrorKind::Protocol
        );
        assert_eq!(
            parse_auth_result(&json!({"AuthenticationResult": {"IdToken": "i"}}))
                .unwrap_err()
                .kind,
            crate::ErrorKind::Protocol
        );
    }

    #[test]
    fn an_mfa_answer_goes_out_as_the_api_reference_shows() {
        // RespondToAuthChallenge for SOFTWARE_TOKEN_MFA, body as in the Cognito API reference.
        let c = canned(
            200,
            r#"{"AuthenticationResult":{"AccessToken":"a","IdToken":"i","RefreshToken":"r","ExpiresIn":3600,"TokenType":"Bearer"},"ChallengeParameters":{}}"#,
        );
        let answer = block_on(pool(&c).respond(
            "SOFTWARE_TOKEN_MFA",
            Some("sess"),
            &[("USERNAME", "alice"), ("SOFTWARE_TOKEN_MFA_CODE", "123456")],
        ))
        .unwrap();
        assert!(matches!(
            answer,
            AuthResult::Tokens(IssuedTokens {
                refresh_token: Some(_),
                ..
            })
        ));
        let (target, body) = sent_json(&c);
        assert_eq!(
            target,
            "AWSCognitoIdentityProviderService.RespondToAuthChallenge"
        );
        assert_eq!(
            body,
            json!({
                "ChallengeName": "SOFTWARE_TOKEN_MFA", "ClientId": "client1", "Session": "sess",
                "ChallengeResponses": {"USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": "123456"}
            })
        );
    }

    #[test]
    fn totp_setup_reads_the_secret_and_checks_the_status() {
        let c = canned(200, r#"{"SecretCode":"JBSWY3DPEHPK3PXP","Session":"s2"}"#);
        let (secret, session) =
            block_on(pool(&c).associate_software_token(TotpAuth::Session("s1"))).unwrap();
        assert_eq!(
            (secret.as_str(), session.as_deref()),
            ("JBSWY3DPEHPK3PXP", Some("s2"))
        );
        assert_eq!(sent_json(&c).1, json!({"Session": "s1"}));

        let c = canned(200, r#"{"Status":"ERROR"}"#);
        assert_eq!(
            block_on(pool(&c).verify_software_token(TotpAuth::Session("s"), "123456"))
                .unwrap_err()
                .code,
            "EnableSoftwareTokenMFAException"
        );
        let c = canned(200, r#"{"Status":"SUCCESS","Session":"s3"}"#);
        assert_eq!(
            block_on(pool(&c).verify_software_token(TotpAuth::Session("s"), " 123456 "))
                .unwrap()
                .as_deref(),
            Some("s3")
        );
        assert_eq!(
            sent_json(&c).1,
            json!({"Session": "s", "UserCode": "123456", "FriendlyDeviceName": "apiless"})
        );

        let c = canned(200, r#"{"SecretCode":"JBSWY3DPEHPK3PXP"}"#);
        block_on(pool(&c).associate_software_token(TotpAuth::AccessToken("at"))).unwrap();
        assert_eq!(sent_json(&c).1, json!({"AccessToken": "at"}));
    }

    #[test]
    fn sign_up_reads_delivery_details() {
        let c = canned(
            200,
            r#"{"UserConfirmed":false,"UserSub":"5f1c","CodeDeliveryDetails":{"Destination":"a***@e***.com","DeliveryMedium":"EMAIL","AttributeName":"email"}}"#,
        );
        let r = block_on(pool(&c).sign_up(
            "carol",
            Some("Pw-123456!"),
            &[("email".into(), "c@example.com".into())],
        ))
        .unwrap();
        assert!(!r.user_confirmed);
        assert_eq!(r.code_delivery.unwrap().medium, "EMAIL");
        assert_eq!(
            sent_json(&c).1["UserAttributes"],
            json!([{"Name": "email", "Value": "c@example.com"}])
        );
    }

    #[test]
    fn empty_arguments_are_refused_before_any_request() {
        let c = canned(200, "{}");
        assert_eq!(
            block_on(pool(&c).sign_up("", Some("pw"), &[]))
                .unwrap_err()
                .field
                .as_deref(),
            Some("username")
        );
        assert_eq!(
            block_on(pool(&c).confirm_sign_up("bob", " ", None))
                .unwrap_err()
                .field
                .as_deref(),
            Some("code")
        );
        assert_eq!(
            block_on(pool(&c).confirm_forgot_password("bob", "1", ""))
                .unwrap_err()
                .field
                .as_deref(),
            Some("newPassword")
        );
        assert!(c.requests().is_empty());
    }

    #[test]
    fn cognito_errors_keep_their_names() {
        let c = canned(
            400,
            r#"{"__type":"CodeMismatchException","message":"Invalid verification code provided, please try again."}"#,
        );
        let e = block_on(pool(&c).confirm_sign_up("bob", "000000", None)).unwrap_err();
        assert_eq!(e.code, "CodeMismatchException");
        assert_eq!(e.http_status, Some(400));
    }
}
