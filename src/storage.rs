//! Where tokens and the identity id persist: memory, `sessionStorage` or `localStorage`, under
//! the key layout the established Cognito SDKs use, so an app can switch to apiless without
//! signing its users out.
//!
//! The browser-backed stores arrive with issue #3; the key layout is fixed here.

use crate::error::{Error, Result};

/// The storage an app chooses for its session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageKind {
    /// Gone on reload: nothing persists.
    Memory,
    /// `sessionStorage`: survives reloads, not the tab.
    Session,
    /// `localStorage`: survives the browser, shared by the origin's tabs.
    Local,
}

impl StorageKind {
    /// Parses the config value (`"memory"`, `"session"`, `"local"`).
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "memory" => Ok(StorageKind::Memory),
            "session" => Ok(StorageKind::Session),
            "local" => Ok(StorageKind::Local),
            other => Err(Error::config(
                "storage",
                format!("storage {other:?} is not one of \"memory\", \"session\", \"local\""),
            )),
        }
    }
}

/// `CognitoIdentityServiceProvider.<clientId>.<username>.<item>` (`idToken`, `accessToken`,
/// `refreshToken`, `clockDrift`, ...).
pub fn user_key(client_id: &str, username: &str, item: &str) -> String {
    format!("CognitoIdentityServiceProvider.{client_id}.{username}.{item}")
}

/// `CognitoIdentityServiceProvider.<clientId>.LastAuthUser`: who signed in last.
pub fn last_user_key(client_id: &str) -> String {
    format!("CognitoIdentityServiceProvider.{client_id}.LastAuthUser")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_peer_layout() {
        assert_eq!(
            user_key("4lq2abc", "alice", "idToken"),
            "CognitoIdentityServiceProvider.4lq2abc.alice.idToken"
        );
        assert_eq!(
            last_user_key("4lq2abc"),
            "CognitoIdentityServiceProvider.4lq2abc.LastAuthUser"
        );
    }

    #[test]
    fn storage_kinds_parse_or_name_the_field() {
        assert_eq!(StorageKind::parse("local").unwrap(), StorageKind::Local);
        let e = StorageKind::parse("cookie").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("storage"));
    }
}
