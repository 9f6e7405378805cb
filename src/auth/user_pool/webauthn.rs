//! Passkeys (WebAuthn), as the Cognito API reference defines them: `StartWebAuthnRegistration`
//! (the `CredentialCreationOptions` for `navigator.credentials.create`),
//! `CompleteWebAuthnRegistration` (the `RegistrationResponseJSON` it gave),
//! `ListWebAuthnCredentials` (paged with `NextToken`) and `DeleteWebAuthnCredential`, each
//! authorised by the signed-in user's access token and sent as a [`ProfileCall`]. Signing in with
//! a passkey is the `WEB_AUTHN` first factor of `USER_AUTH`: its `CREDENTIAL_REQUEST_OPTIONS` and
//! `CREDENTIAL` go through [`UserPool::respond`].
//!
//! The options and credentials are the W3C's JSON forms (binary fields base64url): they pass
//! through as text, checked only to be JSON objects; the browser does the rest.

use super::profile::ProfileCall;
use super::*;

/// `ListWebAuthnCredentials` returns at most this many passkeys a call (`MaxResults` maximum).
pub const MAX_PAGE: u32 = 20;

/// One passkey of the user, as `ListWebAuthnCredentials` describes it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Passkey {
    /// `CredentialId` (base64url): what `DeleteWebAuthnCredential` takes.
    pub id: String,
    /// `FriendlyCredentialName`.
    pub name: String,
    /// `RelyingPartyId`: the domain the passkey is bound to.
    pub relying_party_id: String,
    /// `AuthenticatorAttachment`: `platform` or `cross-platform`, when known.
    pub attachment: Option<String>,
    /// `AuthenticatorTransports` (`internal`, `usb`, `nfc`, `ble`, `hybrid`).
    pub transports: Vec<String>,
    /// `CreatedAt`, seconds since the epoch.
    pub created: Option<f64>,
}

/// A JSON object given as text, or `InvalidInput` naming `field`.
fn object(field: &str, text: &str) -> Result<Json> {
    match Json::parse(text.as_bytes()) {
        Ok(v) if v.is_object() => Ok(v),
        _ => Err(Error::invalid_input(
            field,
            format!("{field} must be a JSON object"),
        )),
    }
}

impl ProfileCall {
    /// `StartWebAuthnRegistration`: read with [`read_creation_options`].
    pub fn start_web_authn_registration() -> ProfileCall {
        ProfileCall::new("StartWebAuthnRegistration", json!({}))
    }

    /// `CompleteWebAuthnRegistration` with the credential `navigator.credentials.create` gave,
    /// as `RegistrationResponseJSON` text.
    pub fn complete_web_authn_registration(credential: &str) -> Result<ProfileCall> {
        let credential = object("credential", credential)?;
        Ok(ProfileCall::new(
            "CompleteWebAuthnRegistration",
            json!({ "Credential": credential }),
        ))
    }

    /// `ListWebAuthnCredentials`, `limit` a page (1 to [`MAX_PAGE`]), from `page` (the previous
    /// answer's `NextToken`): read with [`read_passkeys`].
    pub fn list_web_authn_credentials(limit: u32, page: Option<&str>) -> Result<ProfileCall> {
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(Error::invalid_input(
                "pageSize",
                format!("pageSize must be 1 to {MAX_PAGE}"),
            ));
        }
        let mut body = json!({ "MaxResults": limit });
        if let Some(page) = page {
            body["NextToken"] = json!(page);
        }
        Ok(ProfileCall::new("ListWebAuthnCredentials", body))
    }

    /// `DeleteWebAuthnCredential` of the passkey `id` (its `CredentialId`).
    pub fn delete_web_authn_credential(id: &str) -> Result<ProfileCall> {
        not_empty("credentialId", id)?;
        Ok(ProfileCall::new(
            "DeleteWebAuthnCredential",
            json!({ "CredentialId": id }),
        ))
    }
}

/// `CredentialCreationOptions` of a `StartWebAuthnRegistration` answer, as JSON text.
pub fn read_creation_options(answer: &Json) -> Result<String> {
    answer
        .get("CredentialCreationOptions")
        .filter(|o| o.is_object())
        .map(Json::to_text)
        .ok_or_else(|| {
            Error::protocol("StartWebAuthnRegistration returned no CredentialCreationOptions")
        })
}

/// `CREDENTIAL_REQUEST_OPTIONS` of a `WEB_AUTHN` challenge: the JSON text Cognito sent, checked
/// to be an object.
pub fn read_request_options(challenge: &Challenge) -> Result<&str> {
    challenge
        .parameters
        .get("CREDENTIAL_REQUEST_OPTIONS")
        .map(String::as_str)
        .filter(|o| Json::parse(o.as_bytes()).is_ok_and(|v| v.is_object()))
        .ok_or_else(|| {
            Error::protocol("the WEB_AUTHN challenge has no CREDENTIAL_REQUEST_OPTIONS object")
        })
}

/// The passkeys of a `ListWebAuthnCredentials` answer, and the token of the next page if any.
pub fn read_passkeys(answer: &Json) -> Result<(Vec<Passkey>, Option<String>)> {
    let list = answer
        .get("Credentials")
        .and_then(Json::as_array)
        .ok_or_else(|| Error::protocol("ListWebAuthnCredentials returned no Credentials"))?;
    let mut passkeys = Vec::with_capacity(list.len());
    for c in list {
        let mut transports = Vec::new();
        for t in c
            .get("AuthenticatorTransports")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(t) = t.as_str() {
                transports.push(t.to_owned());
            }
        }
        passkeys.push(Passkey {
            id: text(c, "CredentialId"),
            name: text(c, "FriendlyCredentialName"),
            relying_party_id: text(c, "RelyingPartyId"),
            attachment: c
                .get("AuthenticatorAttachment")
                .and_then(Json::as_str)
                .map(str::to_owned),
            transports,
            created: c.get("CreatedAt").and_then(Json::as_f64),
        });
    }
    let next = answer
        .get("NextToken")
        .and_then(Json::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    Ok((passkeys, next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{block_on, target, Answer, ScriptedTransport};

    fn sent(call: ProfileCall) -> (String, Json) {
        let c = ScriptedTransport::always(Answer::status(200, "{}"));
        let pool = UserPool {
            transport: &c,
            endpoint: "http://idp",
            client_id: "client1",
        };
        block_on(pool.profile("at", call)).unwrap();
        let r = c.request(0);
        (target(&r).to_owned(), Json::parse(&r.body).unwrap())
    }

    #[test]
    fn passkey_calls_go_out_as_the_reference_shows() {
        assert_eq!(
            sent(ProfileCall::start_web_authn_registration()),
            (
                "AWSCognitoIdentityProviderService.StartWebAuthnRegistration".into(),
                json!({"AccessToken": "at"})
            )
        );
        // The credential is a JSON document in the body, not a string.
        assert_eq!(
            sent(
                ProfileCall::complete_web_authn_registration(
                    r#"{"id":"aWQ","type":"public-key","response":{"clientDataJSON":"e30"}}"#
                )
                .unwrap()
            ),
            (
                "AWSCognitoIdentityProviderService.CompleteWebAuthnRegistration".into(),
                json!({"Credential": {"id": "aWQ", "type": "public-key", "response": {"clientDataJSON": "e30"}}, "AccessToken": "at"})
            )
        );
        assert_eq!(
            sent(ProfileCall::list_web_authn_credentials(2, Some("n2")).unwrap()).1,
            json!({"MaxResults": 2, "NextToken": "n2", "AccessToken": "at"})
        );
        assert_eq!(
            sent(ProfileCall::delete_web_authn_credential("aWQ").unwrap()).1,
            json!({"CredentialId": "aWQ", "AccessToken": "at"})
        );
        for bad in [0, MAX_PAGE + 1] {
            let e = ProfileCall::list_web_authn_credentials(bad, None).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("pageSize"));
        }
        assert!(ProfileCall::delete_web_authn_credential(" ").is_err());
        for bad in ["", "[1]", "\"x\"", "{"] {
            let e = ProfileCall::complete_web_authn_registration(bad).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("credential"), "{bad}");
        }
    }

    #[test]
    fn answers_are_read() {
        let answer = json!({"Credentials": [{"CredentialId": "aWQ", "FriendlyCredentialName": "Passkey 1", "RelyingPartyId": "example.com", "AuthenticatorAttachment": "platform", "AuthenticatorTransports": ["internal", "hybrid"], "CreatedAt": Json::Number("1700000000.5".into())}], "NextToken": "n"});
        let (passkeys, next) = read_passkeys(&answer).unwrap();
        assert_eq!(next.as_deref(), Some("n"));
        assert_eq!(
            passkeys,
            vec![Passkey {
                id: "aWQ".into(),
                name: "Passkey 1".into(),
                relying_party_id: "example.com".into(),
                attachment: Some("platform".into()),
                transports: vec!["internal".into(), "hybrid".into()],
                created: Some(1_700_000_000.5),
            }]
        );
        assert_eq!(
            read_passkeys(&json!({"Credentials": []})).unwrap(),
            (vec![], None)
        );
        assert!(read_passkeys(&json!({})).is_err());
        let options =
            json!({"CredentialCreationOptions": {"challenge": "Y2g", "rp": {"id": "example.com"}}});
        assert_eq!(
            read_creation_options(&options).unwrap(),
            r#"{"challenge":"Y2g","rp":{"id":"example.com"}}"#
        );
        assert!(read_creation_options(&json!({})).is_err());
        let challenge = |options: &str| Challenge {
            name: "WEB_AUTHN".into(),
            parameters: [("CREDENTIAL_REQUEST_OPTIONS".to_owned(), options.to_owned())]
                .into_iter()
                .collect(),
            session: Some("s".into()),
            available: vec![],
        };
        let good = r#"{"challenge":"Y2g","rpId":"example.com"}"#;
        assert_eq!(read_request_options(&challenge(good)).unwrap(), good);
        assert!(read_request_options(&challenge("not json")).is_err());
    }
}
