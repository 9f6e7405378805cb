//! Temporary AWS credentials as plain data: what GetCredentialsForIdentity returns and what
//! the signer signs with. `Debug` never prints the secret or the session token, and the secret
//! is wiped when dropped.

use zeroize::Zeroize;

/// Temporary AWS credentials (an assumed-role session of the identity pool's role).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// `ASIA...`
    pub access_key_id: String,
    /// The secret key.
    pub secret_access_key: String,
    /// The session token that must accompany temporary credentials.
    pub session_token: Option<String>,
    /// When they expire, ms since the epoch (AWS's clock).
    pub expires_at_ms: i64,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field("expires_at_ms", &self.expires_at_ms)
            .finish()
    }
}

impl Drop for Credentials {
    fn drop(&mut self) {
        self.secret_access_key.zeroize();
        if let Some(t) = self.session_token.as_mut() {
            t.zeroize();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret_and_the_token() {
        let c = Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG".into(),
            session_token: Some("IQoJb3JpZ2luX2VjE".into()),
            expires_at_ms: 1,
        };
        let d = format!("{c:?}");
        assert!(d.contains("ASIAEXAMPLE"));
        assert!(!d.contains("wJalr") && !d.contains("IQoJb"), "{d}");
    }
}
