//! Temporary AWS credentials as plain data: what GetCredentialsForIdentity returns and what
//! the signer signs with. `Debug` never prints the secret or the session token, and the secret
//! is wiped when dropped.

use std::cell::RefCell;
use std::rc::Rc;

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
    /// The last SigV4 signing key derived from the secret.
    pub signing_key: SigningKeyCache,
}

/// The SigV4 signing key of one credential scope (`date/region/service/aws4_request`): derived
/// with four HMACs from the secret, it is the same for every request of that day, region and
/// service, so it is kept next to the secret and lives exactly as long: clones of the
/// credentials share it, and the last one dropped wipes it.
#[derive(Clone, Default)]
pub struct SigningKeyCache(Rc<KeyCell>);

#[derive(Default)]
struct KeyCell(RefCell<Option<(String, [u8; 32])>>);

impl SigningKeyCache {
    /// The key for `scope`, derived by `derive` only when the scope changed.
    pub fn get_or_derive(&self, scope: &str, derive: impl FnOnce() -> [u8; 32]) -> [u8; 32] {
        if let Some((cached, key)) = self.0 .0.borrow().as_ref() {
            if cached == scope {
                return *key;
            }
        }
        let key = derive();
        if let Some((_, old)) = self
            .0
             .0
            .borrow_mut()
            .replace((scope.to_owned(), key))
            .as_mut()
        {
            old.zeroize();
        }
        key
    }
}

/// A cache is no part of what the credentials are.
impl PartialEq for SigningKeyCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for SigningKeyCache {}

impl Drop for KeyCell {
    fn drop(&mut self) {
        if let Some((_, key)) = self.0.get_mut().as_mut() {
            key.zeroize();
        }
    }
}

impl Credentials {
    /// `text` with every occurrence of the secret key, the session token and the access key id
    /// replaced by `** redacted **`: what an error built from a service's answer goes through,
    /// whatever the service chose to quote.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        let secrets = [
            Some(self.secret_access_key.as_str()),
            self.session_token.as_deref(),
            Some(self.access_key_id.as_str()),
        ];
        for secret in secrets.into_iter().flatten().filter(|s| !s.is_empty()) {
            if !crate::codec::text::contains(&out, secret) {
                continue;
            }
            let mut redacted = String::with_capacity(out.len());
            let mut rest = out.as_str();
            while let Some((before, after)) = crate::codec::text::split_once(rest, secret) {
                redacted.push_str(before);
                redacted.push_str("** redacted **");
                rest = after;
            }
            redacted.push_str(rest);
            out = redacted;
        }
        out
    }
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
            .finish_non_exhaustive()
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

    /// Credentials with a known secret key and session token.
    fn example() -> Credentials {
        Credentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "wJalrXUtnFEMI/K7MDENG".into(),
            session_token: Some("IQoJb3JpZ2luX2VjE".into()),
            expires_at_ms: 1,
            signing_key: SigningKeyCache::default(),
        }
    }

    #[test]
    fn debug_hides_the_secret_and_the_token() {
        let c = example();
        let d = format!("{c:?}");
        assert!(d.contains("ASIAEXAMPLE"));
        assert!(!d.contains("wJalr") && !d.contains("IQoJb"), "{d}");
    }

    #[test]
    fn redact_removes_every_copy_of_each_secret() {
        let c = example();
        assert_eq!(
            c.redact("x-amz-security-token:IQoJb3JpZ2luX2VjE\nCredential=ASIAEXAMPLE/2026 IQoJb3JpZ2luX2VjEIQoJb3JpZ2luX2VjE wJalrXUtnFEMI/K7MDENG"),
            "x-amz-security-token:** redacted **\nCredential=** redacted **/2026 ** redacted **** redacted ** ** redacted **"
        );
        assert_eq!(c.redact("nothing secret"), "nothing secret");
        let mut no_token = example();
        no_token.session_token = None;
        assert_eq!(no_token.redact("IQoJb3JpZ2luX2VjE"), "IQoJb3JpZ2luX2VjE");
    }

    #[test]
    fn the_signing_key_is_derived_once_per_scope() {
        let cache = SigningKeyCache::default();
        let derived = std::cell::Cell::new(0);
        let derive = |byte: u8| {
            derived.set(derived.get() + 1);
            [byte; 32]
        };
        let day1 = "20260101/eu-west-1/dynamodb/aws4_request";
        let day2 = "20260102/eu-west-1/dynamodb/aws4_request";
        assert_eq!(cache.get_or_derive(day1, || derive(1)), [1; 32]);
        assert_eq!(cache.get_or_derive(day1, || derive(9)), [1; 32]);
        assert_eq!(derived.get(), 1);
        assert_eq!(cache.get_or_derive(day2, || derive(2)), [2; 32]);
        assert_eq!(cache.get_or_derive(day1, || derive(3)), [3; 32]);
        assert_eq!(derived.get(), 3);
        // A clone (the session hands each call a copy of the credentials) shares the key.
        let copy = cache.clone();
        assert_eq!(copy.get_or_derive(day1, || derive(4)), [3; 32]);
        assert_eq!(derived.get(), 3);
    }
}
