//! Cognito's tokens: the ID, access and refresh tokens of a signed-in user, and the claims
//! apiless reads from them (expiry, issue time, `sub`, `iss`, user name).
//!
//! The claims are read, not verified: the tokens come straight from Cognito over TLS, and
//! every service that accepts them (Identity Pools, the User Pool API) verifies them itself.
//! Token strings are bearer credentials, so `Debug` never prints them.

use crate::codec::json::Json;
use crate::codec::text::Base64;
use crate::config::Config;
use crate::error::{Error, Result};

/// The claims apiless uses from an ID or access token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claims {
    /// `sub`: the user's immutable id in the pool.
    pub sub: String,
    /// `iss`: `https://cognito-idp.<region>.amazonaws.com/<poolId>`.
    pub iss: String,
    /// `exp`, seconds since the epoch.
    pub exp: i64,
    /// `iat`, seconds since the epoch.
    pub iat: i64,
    /// `cognito:username` (ID token) or `username` (access token).
    pub username: String,
    /// `token_use`: `id` or `access`.
    pub token_use: String,
    /// `email`, when the ID token carries it.
    pub email: Option<String>,
    /// `aud` (ID token) or `client_id` (access token): the app client the token was issued to.
    pub client_id: String,
}

/// Reads the claims of a JWT without verifying its signature (see the module docs).
pub fn claims(token: &str) -> Result<Claims> {
    let bad = |why: &str| Error::protocol(format!("the token from Cognito is not a JWT: {why}"));
    let mut parts = token.split('.');
    let (Some(_), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("it does not have three parts"));
    };
    let bytes = Base64::UrlSafeNoPad
        .decode(payload.trim_end_matches('='))
        .ok_or_else(|| bad("its payload is not base64url"))?;
    let json = Json::parse(&bytes).map_err(|_| bad("its payload is not JSON"))?;
    let text = |k: &str| json.get(k).and_then(Json::as_str).map(str::to_owned);
    let number = |k: &str| json.get(k).and_then(Json::as_i64);
    Ok(Claims {
        sub: text("sub").ok_or_else(|| bad("no sub claim"))?,
        iss: text("iss").ok_or_else(|| bad("no iss claim"))?,
        exp: number("exp").ok_or_else(|| bad("no exp claim"))?,
        iat: number("iat").unwrap_or(0),
        username: text("cognito:username")
            .or_else(|| text("username"))
            .unwrap_or_default(),
        token_use: text("token_use").unwrap_or_default(),
        email: text("email"),
        client_id: text("aud")
            .or_else(|| text("client_id"))
            .unwrap_or_default(),
    })
}

/// The longest an ID or access token can be valid in Cognito (one day).
pub const MAX_TOKEN_LIFE_S: i64 = 24 * 3600;

/// The tokens of a signed-in user.
#[derive(Clone, PartialEq, Eq)]
pub struct Tokens {
    /// The ID token (a JWT).
    pub id_token: String,
    /// The access token (a JWT).
    pub access_token: String,
    /// The refresh token (opaque).
    pub refresh_token: String,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens { ** redacted ** }")
    }
}

impl Tokens {
    /// Claims of the ID token.
    pub fn id_claims(&self) -> Result<Claims> {
        claims(&self.id_token)
    }

    /// Whether these tokens belong to the app's pool and client, checked before they are
    /// adopted from storage: the ID and the access token both issued by the configured user
    /// pool for its app client, each with its own `token_use`, for the same `sub`, issued no
    /// later than a day from `now_s` (a wrong clock is allowed a day) and valid no longer than
    /// Cognito ever grants. Expired tokens pass: the refresh token renews them on first use.
    pub fn belong_to(&self, config: &Config, now_s: i64) -> bool {
        let (Ok(id), Ok(access)) = (self.id_claims(), claims(&self.access_token)) else {
            return false;
        };
        id.sub == access.sub
            && [(&id, "id"), (&access, "access")]
                .iter()
                .all(|(c, token_use)| {
                    config.is_user_pool_issuer(&c.iss)
                        && c.client_id == config.user_pool_client_id
                        && c.token_use == *token_use
                        && c.iat <= now_s.saturating_add(MAX_TOKEN_LIFE_S)
                        && c.exp
                            .checked_sub(c.iat)
                            .is_some_and(|life| (1..=MAX_TOKEN_LIFE_S).contains(&life))
                })
    }

    /// When the first of the ID and access tokens expires, ms since the epoch.
    pub fn expires_at_ms(&self) -> Result<i64> {
        let id = claims(&self.id_token)?;
        let access = claims(&self.access_token)?;
        Ok(id.exp.min(access.exp).saturating_mul(1000))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A JWT with `payload` (unsigned: apiless never checks signatures).
    pub(crate) fn jwt(payload: &Json) -> String {
        let enc = |v: &str| Base64::UrlSafeNoPad.encode(v);
        format!(
            "{}.{}.sig",
            enc(r#"{"alg":"RS256","kid":"k"}"#),
            enc(&payload.to_string())
        )
    }

    #[test]
    fn id_token_claims_are_read() {
        let token = jwt(&crate::json!({
            "sub": "1b2c", "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_A",
            "exp": 1_700_003_600, "iat": 1_700_000_000, "cognito:username": "alice",
            "token_use": "id", "email": "a@example.com"
        }));
        let c = claims(&token).unwrap();
        assert_eq!(c.sub, "1b2c");
        assert_eq!(c.username, "alice");
        assert_eq!(c.exp, 1_700_003_600);
        assert_eq!(c.email.as_deref(), Some("a@example.com"));
    }

    #[test]
    fn malformed_tokens_are_protocol_errors_that_do_not_echo_the_token() {
        for bad in [
            "",
            "a.b",
            "a.b.c.d",
            "a.!!!.c",
            &format!("a.{}.c", Base64::UrlSafeNoPad.encode("[1]")),
        ] {
            let e = claims(bad).unwrap_err();
            assert_eq!(e.kind, crate::ErrorKind::Protocol, "{bad}");
        }
        let secret = jwt(&crate::json!({"iss": "x", "exp": 1}));
        let e = claims(&secret).unwrap_err();
        assert!(!e.message.contains(&secret));
    }

    #[test]
    fn tokens_debug_is_redacted() {
        let t = Tokens {
            id_token: "eyJid".into(),
            access_token: "eyJacc".into(),
            refresh_token: "eyJref".into(),
        };
        assert!(!format!("{t:?}").contains("eyJ"));
    }
}
