//! The Cognito Identity Pool API (JSON 1.1, `AWSCognitoIdentityService.*`, unsigned): GetId
//! and GetCredentialsForIdentity, which turn an ID token (or, for a guest, nothing) into
//! temporary AWS credentials.

use zeroize::Zeroizing;

use crate::aws::aws_json::{self, Version};
use crate::aws::credentials::Credentials;
use crate::codec::json::{Json, Map};
use crate::error::{Error, Result};
use crate::http::Transport;

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

/// A signed-in user's proof for the identity pool: the User Pool's ID token, under the key its
/// issuer names in `Logins`.
#[derive(Clone, Copy, Debug)]
pub struct Login<'a> {
    /// The token's issuer (`https://cognito-idp.<region>.amazonaws.com/<poolId>` or the
    /// provider name without scheme).
    pub issuer: &'a str,
    /// The ID token.
    pub id_token: &'a str,
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
    async fn call(
        &self,
        operation: &str,
        (name, value): (&str, &str),
        login: Option<Login<'_>>,
    ) -> Result<Zeroizing<Json>> {
        let target = format!("{TARGET_PREFIX}.{operation}");
        let mut body = Map::new();
        body.insert(name.to_owned(), value.into());
        if let Some(login) = login {
            body.insert("Logins".to_owned(), logins(login));
        }
        aws_json::call(
            self.transport,
            self.endpoint,
            Version::V1_1,
            &target,
            &Json::Object(body),
        )
        .await
    }

    /// A new identity id for a guest (`login` is `None`: no `Logins`, which the pool accepts only
    /// when it allows unauthenticated identities), or the identity id of the user whose ID
    /// token `login` holds (a new one when the login is not linked to any identity yet).
    pub async fn get_id(&self, login: Option<Login<'_>>) -> Result<String> {
        let answer = self
            .call("GetId", ("IdentityPoolId", self.identity_pool_id), login)
            .await?;
        answer
            .get("IdentityId")
            .and_then(Json::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| Error::protocol("GetId returned no IdentityId"))
    }

    /// Temporary credentials for `identity_id`: of the pool's authenticated role, proven by
    /// the ID token of `login`, or of its unauthenticated role for a guest (`None`). Returned
    /// with the identity id they were issued for: the one the answer names, else the one asked
    /// for. That id is the scope of the caller's data, and may differ: a login sent with a guest's
    /// identity id is linked to that identity when no other holds it (the same id comes back),
    /// and merges the guest into the identity that holds it otherwise (that one's id comes back,
    /// and the guest's is disabled).
    pub async fn credentials(
        &self,
        identity_id: &str,
        login: Option<Login<'_>>,
    ) -> Result<(String, Credentials)> {
        let answer = self
            .call(
                "GetCredentialsForIdentity",
                ("IdentityId", identity_id),
                login,
            )
            .await?;
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
fn logins(login: Login<'_>) -> Json {
    let mut logins = Map::new();
    logins.insert(logins_key(login.issuer).to_owned(), login.id_token.into());
    Json::Object(logins)
}

/// An identity and its credentials in the form GetCredentialsForIdentity answers with: how they
/// are kept in the app's storage between page loads ([`read_kept`] reads it back).
pub fn kept_form(identity_id: &str, c: &Credentials) -> Zeroizing<String> {
    let mut credentials = Map::new();
    credentials.insert("AccessKeyId".into(), c.access_key_id.as_str().into());
    credentials.insert("SecretKey".into(), c.secret_access_key.as_str().into());
    if let Some(token) = &c.session_token {
        credentials.insert("SessionToken".into(), token.as_str().into());
    }
    // Seconds with their milliseconds, written with integers (float formatting would add
    // about 10 KB to the package).
    let ms = c.expires_at_ms.max(0);
    let seconds = format!("{}.{:03}", ms / 1000, ms % 1000);
    credentials.insert("Expiration".into(), Json::Number(seconds));
    let mut answer = Map::new();
    answer.insert("IdentityId".into(), identity_id.into());
    answer.insert("Credentials".into(), Json::Object(credentials));
    Zeroizing::new(Json::Object(answer).to_text())
}

/// What [`kept_form`] wrote, if it is whole and names an identity of the pool `pool_id`.
pub fn read_kept(text: &str, pool_id: &str) -> Option<(String, Credentials)> {
    let answer = Json::parse(text.as_bytes()).ok()?;
    let id = answer.get("IdentityId")?.as_str()?;
    if !is_identity_id(id, pool_id) {
        return None;
    }
    Some((id.to_owned(), parse_credentials(&answer).ok()?))
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
    use crate::json;
    use crate::test_util::{block_on, Answer, ScriptedTransport};

    const POOL: &str = "us-east-1:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9";
    const GUEST: &str = "us-east-1:11111111-1111-4111-8111-111111111111";

    /// The body of the script's request `i`.
    fn sent(script: &ScriptedTransport, i: usize) -> Json {
        Json::parse(&script.request(i).body).unwrap()
    }

    #[test]
    fn a_guest_sends_no_logins_and_a_user_sends_the_id_token() {
        let creds = r#"{"Credentials": {"AccessKeyId": "A", "SecretKey": "s", "Expiration": 2e9}}"#;
        let script = ScriptedTransport::answering(
            [&*format!(r#"{{"IdentityId": "{GUEST}"}}"#), creds, creds].map(Answer::aws_json),
        );
        let pool = IdentityPool {
            transport: &script,
            endpoint: "https://cognito-identity.us-east-1.amazonaws.com",
            identity_pool_id: POOL,
        };
        assert_eq!(block_on(pool.get_id(None)).unwrap(), GUEST);
        assert_eq!(sent(&script, 0), json!({ "IdentityPoolId": POOL }));
        let (id, _) = block_on(pool.credentials(GUEST, None)).unwrap();
        assert_eq!(id, GUEST, "no IdentityId in the answer: the one asked for");
        assert_eq!(sent(&script, 1), json!({ "IdentityId": GUEST }));
        let login = Login {
            issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC",
            id_token: "id-token",
        };
        block_on(pool.credentials(GUEST, Some(login))).unwrap();
        assert_eq!(
            sent(&script, 2),
            json!({ "IdentityId": GUEST, "Logins": { "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC": "id-token" } })
        );
    }

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
