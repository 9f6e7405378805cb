//! The Cognito User Pool API (JSON 1.1, `AWSCognitoIdentityProviderService.*`): sign-in
//! challenges, sign-up, passwords, refresh and sign-out.
//!
//! Each function sends one operation through a [`Transport`] and returns plain values; the SRP
//! maths comes from `srp`, the order of the steps from `session`.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::aws_json::{self, Version};
use crate::error::{Error, Result};
use crate::http::Transport;

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService";

/// A challenge Cognito asks the client to answer next.
#[derive(Clone, PartialEq, Eq)]
pub struct Challenge {
    /// `PASSWORD_VERIFIER`, `NEW_PASSWORD_REQUIRED`, `SOFTWARE_TOKEN_MFA`, ...
    pub name: String,
    /// The challenge parameters as Cognito sent them.
    pub parameters: BTreeMap<String, String>,
    /// The opaque session string to send back with the answer.
    pub session: Option<String>,
}

impl std::fmt::Debug for Challenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The session string is a bearer credential for the next step: never print it.
        f.debug_struct("Challenge")
            .field("name", &self.name)
            .field("parameters", &self.parameters)
            .field("session", &self.session.as_ref().map(|_| "** redacted **"))
            .finish()
    }
}

/// Starts `USER_SRP_AUTH` for `username` with the client's public value `srp_a_hex`.
///
/// Cognito answers with the `PASSWORD_VERIFIER` challenge (`SALT`, `SRP_B`, `SECRET_BLOCK`,
/// `USER_ID_FOR_SRP`).
pub async fn initiate_srp_auth<T: Transport>(
    transport: &T,
    endpoint: &str,
    client_id: &str,
    username: &str,
    srp_a_hex: &str,
) -> Result<Challenge> {
    if username.trim().is_empty() {
        return Err(Error::invalid_input("username", "username is empty"));
    }
    if srp_a_hex.is_empty() || !srp_a_hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(Error::invalid_input(
            "srpA",
            "SRP_A must be a non-empty hex string",
        ));
    }
    let body = json!({
        "AuthFlow": "USER_SRP_AUTH",
        "ClientId": client_id,
        "AuthParameters": { "USERNAME": username, "SRP_A": srp_a_hex },
    });
    let answer = call(transport, endpoint, "InitiateAuth", &body).await?;
    challenge_of(&answer)
}

async fn call<T: Transport>(
    transport: &T,
    endpoint: &str,
    operation: &str,
    body: &Value,
) -> Result<Value> {
    aws_json::call(
        transport,
        endpoint,
        Version::V1_1,
        &format!("{TARGET_PREFIX}.{operation}"),
        body,
    )
    .await
}

/// Reads the challenge of an `InitiateAuth` / `RespondToAuthChallenge` answer.
pub fn challenge_of(answer: &Value) -> Result<Challenge> {
    let name = answer
        .get("ChallengeName")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::protocol("Cognito's answer has no ChallengeName"))?;
    let parameters = answer
        .get("ChallengeParameters")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    let session = answer
        .get("Session")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(Challenge {
        name: name.to_owned(),
        parameters,
        session,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let c = challenge_of(&answer).unwrap();
        assert_eq!(c.name, "PASSWORD_VERIFIER");
        assert_eq!(c.parameters["SRP_B"], "ff00");
        assert_eq!(c.session.as_deref(), Some("AYABeD-secret-session"));
        let debug = format!("{c:?}");
        assert!(!debug.contains("AYABeD"), "{debug}");
        assert!(debug.contains("** redacted **"));
    }

    #[test]
    fn an_answer_without_a_challenge_is_a_protocol_error() {
        assert_eq!(
            challenge_of(&json!({})).unwrap_err().kind,
            crate::ErrorKind::Protocol
        );
    }
}
