//! Whose data a request may touch: the scope guard both services apply before anything is
//! signed (DynamoDB's partition key, S3's key prefix), and how an identity id looks.

/// Whether the scope guard applies. The bypass exists for the demo, to show that IAM refuses
/// what the guard would have refused; no app should use it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ScopeCheck {
    /// Refuse a request outside the signed-in identity id: a partition key that is not the id,
    /// an object key outside `<identityId>/` (the default).
    #[default]
    Enforce,
    /// Build the request whatever it touches, so that AWS (IAM) decides. Never use this for
    /// real data access.
    UnscopedForDemoOnly,
}

/// `<region>:<uuid>`, as identity ids are (any region, any case of hex): used to tell another
/// identity's prefix from a folder of the caller's own.
pub fn looks_like_identity_id(s: &str) -> bool {
    match s.split_once(':') {
        Some((region, uuid)) => {
            region.split('-').count() >= 3
                && uuid.len() == 36
                && uuid.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        }
        None => false,
    }
}
