//! The Cognito Identity Pool API (JSON 1.1, `AWSCognitoIdentityService.*`, unsigned): GetId
//! and GetCredentialsForIdentity, which turn an ID token into temporary AWS credentials.
//!
//! The calls themselves arrive with issue #4; this module already owns the one rule they rest
//! on, the `Logins` key.

/// The `Logins` key for a User Pool's ID token: the token's `iss` claim without `https://`
/// (`cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC`).
pub fn logins_key(issuer: &str) -> &str {
    issuer
        .strip_prefix("https://")
        .or_else(|| issuer.strip_prefix("http://"))
        .unwrap_or(issuer)
        .trim_end_matches('/')
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
}
