//! The Cognito Identity Pool API (JSON 1.1, `AWSCognitoIdentityService.*`, unsigned): GetId
//! and GetCredentialsForIdentity, which turn an ID token into temporary AWS credentials.

use zeroize::Zeroizing;

use crate::aws::aws_json::{self, Version};
use crate::aws::credentials::Credentials;
use crate::codec::json::{Json, Map};
use crate::error::{Error, Result};
use crate::http::Transport;
use crate::json;

const TARGET_PREFIX: &str = "AWSCognitoIdentityService";

/// The `Logins` key for a User Pool's ID token: the token's `iss` claim without `https://`
/// (`cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC`).
pub fn logins_key(issuer: &str) -> &str {
    issuer
        .strip_prefix("https://")
        .or_else(|| issuer.strip_prefix("http://"))
        .unwrap_or(issuer)
        .trim_end_matches('/')
}

/// One identity pool, reached through a transport.
#[derive(Clone, Copy, Debug)]
pub struct IdentityPool<'a, T> {
    /// Sends the requests.
    pub transport: &'a T,
    /// The `cognito-identity` endpoint.
    pub endpoint: &'a str,
    /// `<region>:<uuid>`.
    pub identity_pool_id: &'a str,
}

impl<T: Transport> IdentityPool<'_, T> {
    async fn call(&self, operation: &str, body: &Json) -> Result<Zeroizing<Json>> {
        let target = format!("{TARGET_PREFIX}.{operation}");
        aws_json::call(self.transport, self.endpoint, Version::V1_1, &target, body).await
    }

    /// The identity id of the user whose ID token (issued by `issuer`) is given.
    pub async fn get_id(&self, issuer: &str, id_token: &str) -> Result<String> {
        let body = json!({
            "IdentityPoolId": self.identity_pool_id,
            "Logins": logins(issuer, id_token),
        });
        let answer = self.call("GetId", &body).await?;
        answer
            .get("IdentityId")
            .and_then(Json::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| Error::protocol("GetId returned no IdentityId"))
    }

    /// Temporary credentials for `identity_id`, proven by the ID token, with the identity id
    /// they were issued for: the one the answer names (Cognito may answer for the identity a
    /// login was merged into), else the one asked for. That id is the scope of the user's data.
    pub async fn credentials(
        &self,
        identity_id: &str,
        issuer: &str,
        id_token: &str,
    ) -> Result<(String, Credentials)> {
        let body = json!({
            "IdentityId": identity_id,
            "Logins": logins(issuer, id_token),
        });
        let answer = self.call("GetCredentialsForIdentity", &body).await?;
        let answered = match answer.get("IdentityId").and_then(Json::as_str) {
            None => identity_id.to_owned(),
            Some(id) if is_identity_id(id, self.identity_pool_id) => id.to_owned(),
            Some(_) => {
                return Err(Error::protocol(
                    "GetCredentialsForIdentity answered for an identity id of another form",
                ))
            }
        };
        Ok((answered, parse_credentials(&answer)?))
    }
}

/// The region of a `<region>:<uuid>` id.
fn region_of(id: &str) -> &str {
    id.split_once(':').map_or("", |(region, _)| region)
}

/// Whether `id` has the form of an identity id in the identity pool `pool_id`:
/// `<region>:<uuid>`, the pool's region, lower-case hex in 8-4-4-4-12 groups. A remembered or
/// answered id of any other form is not used.
pub fn is_identity_id(id: &str, pool_id: &str) -> bool {
    let Some((r, uuid)) = id.split_once(':') else {
        return false;
    };
    r == region_of(pool_id) && crate::config::is_uuid(uuid)
}

/// `Logins`: the User Pool's ID token under its issuer's key.
fn logins(issuer: &str, id_token: &str) -> Json {
    let mut logins = Map::new();
    logins.insert(logins_key(issuer).to_owned(), id_token.into());
    Json::Object(logins)
}

/// Reads a GetCredentialsForIdentity answer; `Expiration` is epoch seconds (a JSON number).
pub fn parse_credentials(answer: &Json) -> Result<Credentials> {
    let c = answer
        .get("Credentials")
        .ok_or_else(|| Error::protocol("GetCredentialsForIdentity returned no Credentials"))?;
    let text = |k: &str| {
        c.get(k)
            .and_then(Json::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let expiration = c
        .get("Expiration")
        .and_then(Json::as_f64)
        .filter(|e| e.is_finite() && *e > 0.0)
        .ok_or_else(|| Error::protocol("GetCredentialsForIdentity returned no Expiration"))?;
    Ok(Credentials {
        access_key_id: text("AccessKeyId")
            .ok_or_else(|| Error::protocol("the credentials have no AccessKeyId"))?,
        secret_access_key: text("SecretKey")
            .ok_or_else(|| Error::protocol("the credentials have no SecretKey"))?,
        session_token: text("SessionToken"),
        expires_at_ms: (expiration * 1000.0) as i64,
        signing_key: Default::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_logins_key_is_the_issuer_without_scheme() {
        assert_eq!(
            logins_key("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC"),
            "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC"
        );
        assert_eq!(
            logins_key("http://127.0.0.1:4566/us-east-1_AbC/"),
            "127.0.0.1:4566/us-east-1_AbC"
        );
    }

    #[test]
    fn credentials_are_read_with_their_expiration() {
        // Shape from the Cognito Identity API reference.
        let answer = Json::parse(
            br#"{
            "Credentials": {
                "AccessKeyId": "ASIAEXAMPLE", "SecretKey": "secret", "SessionToken": "token",
                "Expiration": 1.767229200E9
            },
            "IdentityId": "us-east-1:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9"
        }"#,
        )
        .unwrap();
        let c = parse_credentials(&answer).unwrap();
        assert_eq!(c.access_key_id, "ASIAEXAMPLE");
        assert_eq!(c.expires_at_ms, 1_767_229_200_000);
        assert_eq!(c.session_token.as_deref(), Some("token"));
        assert!(
            parse_credentials(&json!({"Credentials": {"AccessKeyId": "A", "SecretKey": "s"}}))
                .is_err()
        );
        assert!(parse_credentials(&json!({})).is_err());
    }
}
