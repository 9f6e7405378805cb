//! Where tokens and the identity id persist: memory, `sessionStorage` or `localStorage`, under
//! the key layout the established Cognito SDKs use, so an app can switch to apiless without
//! signing its users out.
//!
//! Storage failures are real in browsers (a sandboxed iframe, Safari's private mode, a full
//! quota): opening a store that is not there is a clear `ConfigError`, and a failed write is
//! an error, never a panic.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;

use crate::auth::tokens::Tokens;
use crate::config::StorageKind;
use crate::error::{Error, Result};

/// A string key-value store.
pub trait Store {
    /// The value under `key`.
    fn get(&self, key: &str) -> Option<String>;
    /// Writes `value` under `key`.
    fn set(&self, key: &str, value: &str) -> Result<()>;
    /// Removes `key`.
    fn remove(&self, key: &str);
}

/// A store that lives as long as the page.
#[derive(Debug, Default)]
pub struct MemoryStore(RefCell<Vec<(String, String)>>);

impl Store for MemoryStore {
    fn get(&self, key: &str) -> Option<String> {
        let entries = self.0.borrow();
        entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }
    fn set(&self, key: &str, value: &str) -> Result<()> {
        let mut entries = self.0.borrow_mut();
        crate::codec::json::set_field(&mut entries, key.to_owned(), value.to_owned());
        Ok(())
    }
    fn remove(&self, key: &str) {
        self.0.borrow_mut().retain(|(k, _)| k != key);
    }
}

/// The browser's `sessionStorage` or `localStorage`.
#[derive(Debug)]
pub struct WebStore(web_sys::Storage);

impl Store for WebStore {
    fn get(&self, key: &str) -> Option<String> {
        self.0.get_item(key).ok().flatten()
    }
    fn set(&self, key: &str, value: &str) -> Result<()> {
        self.0.set_item(key, value).map_err(|_| {
            Error::config(
                "storage",
                "the browser refused to write to storage (quota full or storage disabled)",
            )
        })
    }
    fn remove(&self, key: &str) {
        let _ = self.0.remove_item(key);
    }
}

/// Opens the store of `kind`.
pub fn open(kind: StorageKind) -> Result<Rc<dyn Store>> {
    let web = |name: &str,
               get: fn(
        &web_sys::Window,
    )
        -> std::result::Result<Option<web_sys::Storage>, wasm_bindgen::JsValue>| {
        let unavailable = || {
            Error::config("storage", format!("{name} is not available here (a worker, a sandboxed iframe or storage disabled); use storage: \"memory\""))
        };
        let window: web_sys::Window = js_sys::global().dyn_into().map_err(|_| unavailable())?;
        let storage = get(&window).ok().flatten().ok_or_else(unavailable)?;
        Ok(Rc::new(WebStore(storage)) as Rc<dyn Store>)
    };
    match kind {
        StorageKind::Memory => Ok(Rc::new(MemoryStore::default())),
        StorageKind::Session => web("sessionStorage", web_sys::Window::session_storage),
        StorageKind::Local => web("localStorage", web_sys::Window::local_storage),
    }
}

/// Where a user's identity id in an identity pool is remembered, so that a returning user or a
/// reloaded page skips GetId.
pub fn identity_id_key(identity_pool_id: &str, sub: &str) -> String {
    pool_key(identity_pool_id, Some(sub), "identityId")
}

/// Where the guest identity id of this browser is remembered (an app with `guestAccess`):
/// reused by every signed-out visit until a sign-in links it to the user.
pub fn guest_identity_id_key(identity_pool_id: &str) -> String {
    pool_key(identity_pool_id, None, "identityId")
}

/// Where the temporary AWS credentials of a user (`owner`: their `sub`) or of this browser's
/// guest (`None`) are kept between page loads, so that a reloaded page signs its first request
/// with no call to the identity pool. Removed at sign-out and when found expired.
pub fn credentials_key(identity_pool_id: &str, owner: Option<&str>) -> String {
    pool_key(identity_pool_id, owner, "credentials")
}

/// `apiless.<identityPoolId>.<sub, or guest>.<item>`: the one layout of what apiless keeps per
/// identity pool caller (a sub is a UUID, so never `guest`).
fn pool_key(identity_pool_id: &str, owner: Option<&str>, item: &str) -> String {
    format!(
        "apiless.{identity_pool_id}.{}.{item}",
        owner.unwrap_or("guest")
    )
}

/// Writes the signed-in user's tokens under the peers' layout and marks them the last user.
/// All or nothing: if a write fails, what this call wrote is removed again.
pub fn save_tokens(
    store: &dyn Store,
    client_id: &str,
    username: &str,
    tokens: &Tokens,
) -> Result<()> {
    write_tokens(store, client_id, username, tokens)?;
    if let Err(e) = store.set(&last_user_key(client_id), username) {
        clear_tokens(store, client_id, username);
        return Err(e);
    }
    Ok(())
}

/// Replaces refreshed tokens, only while `store` still holds the session they refreshed: the
/// same last user with the refresh token `refreshed`. Another tab may have signed out, signed
/// another user in or refreshed with a rotated token meanwhile; then nothing is written and
/// `Ok(false)` says so (the caller follows what storage holds). Never writes the last-user
/// mark: a refresh does not make anyone the last user. Storage calls are synchronous, so no
/// other script of this page runs between the check and the write.
pub fn replace_refreshed(
    store: &dyn Store,
    client_id: &str,
    username: &str,
    refreshed: &str,
    tokens: &Tokens,
) -> Result<bool> {
    match load_tokens(store, client_id) {
        Some((user, stored)) if user == username && stored.refresh_token == refreshed => {
            write_tokens(store, client_id, username, tokens)?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// The three token items, all or nothing.
fn write_tokens(store: &dyn Store, client_id: &str, username: &str, tokens: &Tokens) -> Result<()> {
    let items = [
        (
            user_key(client_id, username, "idToken"),
            tokens.id_token.as_str(),
        ),
        (
            user_key(client_id, username, "accessToken"),
            tokens.access_token.as_str(),
        ),
        (
            user_key(client_id, username, "refreshToken"),
            tokens.refresh_token.as_str(),
        ),
    ];
    for (i, (key, value)) in items.iter().enumerate() {
        if let Err(e) = store.set(key, value) {
            for (written, _) in &items[..i] {
                store.remove(written);
            }
            return Err(e);
        }
    }
    Ok(())
}

/// The last signed-in user and their tokens, when all three are stored.
pub fn load_tokens(store: &dyn Store, client_id: &str) -> Option<(String, Tokens)> {
    let username = store.get(&last_user_key(client_id))?;
    let tokens = Tokens {
        id_token: store.get(&user_key(client_id, &username, "idToken"))?,
        access_token: store.get(&user_key(client_id, &username, "accessToken"))?,
        refresh_token: store.get(&user_key(client_id, &username, "refreshToken"))?,
    };
    Some((username, tokens))
}

/// Removes the user's tokens and, if they were the last user, that mark.
pub fn clear_tokens(store: &dyn Store, client_id: &str, username: &str) {
    for item in [
        "idToken",
        "accessToken",
        "refreshToken",
        "clockDrift",
        "userData",
    ] {
        store.remove(&user_key(client_id, username, item));
    }
    if store.get(&last_user_key(client_id)).as_deref() == Some(username) {
        store.remove(&last_user_key(client_id));
    }
}

/// The device this browser remembers for a user: its keys and its SRP password (a secret:
/// redacted, wiped on drop).
#[derive(Clone, PartialEq, Eq)]
pub struct RememberedDevice {
    /// `DeviceKey`.
    pub key: String,
    /// `DeviceGroupKey`.
    pub group_key: String,
    /// The device password its verifier was made from.
    pub password: zeroize::Zeroizing<String>,
}

impl std::fmt::Debug for RememberedDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RememberedDevice")
            .field("key", &self.key)
            .field("password", &"** redacted **")
            .finish()
    }
}

/// The peers' items of a remembered device: `deviceKey`, `deviceGroupKey`, `randomPasswordKey`.
const DEVICE_ITEMS: [&str; 3] = ["deviceKey", "deviceGroupKey", "randomPasswordKey"];

/// Writes `username`'s device under the peers' layout, all or nothing.
pub fn save_device(
    store: &dyn Store,
    client_id: &str,
    username: &str,
    device: &RememberedDevice,
) -> Result<()> {
    let values = [
        device.key.as_str(),
        device.group_key.as_str(),
        device.password.as_str(),
    ];
    for (i, (item, value)) in DEVICE_ITEMS.iter().zip(values).enumerate() {
        if let Err(e) = store.set(&user_key(client_id, username, item), value) {
            for written in &DEVICE_ITEMS[..i] {
                store.remove(&user_key(client_id, username, written));
            }
            return Err(e);
        }
    }
    Ok(())
}

/// `username`'s remembered device, when all three items are stored.
pub fn load_device(store: &dyn Store, client_id: &str, username: &str) -> Option<RememberedDevice> {
    let item = |name: &str| store.get(&user_key(client_id, username, name));
    Some(RememberedDevice {
        key: item("deviceKey")?,
        group_key: item("deviceGroupKey")?,
        password: zeroize::Zeroizing::new(item("randomPasswordKey")?),
    })
}

/// Removes `username`'s remembered device.
pub fn clear_device(store: &dyn Store, client_id: &str, username: &str) {
    for item in DEVICE_ITEMS {
        store.remove(&user_key(client_id, username, item));
    }
}

/// `CognitoIdentityServiceProvider.<clientId>.`: the start of every key of this app client
/// (the one place the peers' layout is spelt; a `storage` event from another tab is ours when
/// its key starts so).
pub fn client_prefix(client_id: &str) -> String {
    format!("CognitoIdentityServiceProvider.{client_id}.")
}

/// `CognitoIdentityServiceProvider.<clientId>.<username>.<item>` (`idToken`, `accessToken`,
/// `refreshToken`, `clockDrift`, ...).
pub fn user_key(client_id: &str, username: &str, item: &str) -> String {
    format!("{}{username}.{item}", client_prefix(client_id))
}

/// `CognitoIdentityServiceProvider.<clientId>.LastAuthUser`: who signed in last.
pub fn last_user_key(client_id: &str) -> String {
    client_prefix(client_id) + "LastAuthUser"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_peer_layout() {
        assert_eq!(
            client_prefix("4lq2abc"),
            "CognitoIdentityServiceProvider.4lq2abc."
        );
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
    fn tokens_round_trip_and_clear_without_touching_other_users() {
        let store = MemoryStore::default();
        let t = Tokens {
            id_token: "i".into(),
            access_token: "a".into(),
            refresh_token: "r".into(),
        };
        save_tokens(&store, "c", "alice", &t).unwrap();
        store
            .set(&user_key("c", "bob", "idToken"), "bob's")
            .unwrap();
        let (user, loaded) = load_tokens(&store, "c").unwrap();
        assert_eq!(user, "alice");
        assert_eq!(loaded, t);
        assert_eq!(
            store
                .get("CognitoIdentityServiceProvider.c.alice.refreshToken")
                .as_deref(),
            Some("r")
        );
        clear_tokens(&store, "c", "alice");
        assert!(load_tokens(&store, "c").is_none());
        assert!(store.get(&user_key("c", "alice", "idToken")).is_none());
        assert_eq!(
            store.get(&user_key("c", "bob", "idToken")).as_deref(),
            Some("bob's")
        );
    }

    /// Refuses writes after `allowed` of them, as a full quota does.
    struct Quota {
        inner: MemoryStore,
        allowed: std::cell::Cell<usize>,
    }

    impl Store for Quota {
        fn get(&self, key: &str) -> Option<String> {
            self.inner.get(key)
        }
        fn set(&self, key: &str, value: &str) -> Result<()> {
            if self.allowed.get() == 0 {
                return Err(Error::config("storage", "quota"));
            }
            self.allowed.set(self.allowed.get() - 1);
            self.inner.set(key, value)
        }
        fn remove(&self, key: &str) {
            self.inner.remove(key)
        }
    }

    #[test]
    fn a_failed_save_leaves_nothing_half_written() {
        let t = Tokens {
            id_token: "i".into(),
            access_token: "a".into(),
            refresh_token: "r".into(),
        };
        for allowed in 0..4 {
            let store = Quota {
                inner: MemoryStore::default(),
                allowed: std::cell::Cell::new(4),
            };
            save_tokens(&store, "c", "alice", &t).unwrap();
            assert_eq!(
                load_tokens(&store, "c").map(|(u, _)| u).as_deref(),
                Some("alice")
            );
            store.allowed.set(allowed);
            assert!(
                save_tokens(&store, "c", "bob", &t).is_err(),
                "{allowed} writes allowed"
            );
            assert!(
                store.get(&user_key("c", "bob", "idToken")).is_none(),
                "{allowed}: bob's keys rolled back"
            );
            assert_eq!(
                load_tokens(&store, "c").map(|(u, _)| u).as_deref(),
                Some("alice"),
                "{allowed}: alice intact"
            );
        }
    }

    #[test]
    fn a_partial_record_is_no_session() {
        let store = MemoryStore::default();
        store.set(&last_user_key("c"), "alice").unwrap();
        store.set(&user_key("c", "alice", "idToken"), "i").unwrap();
        assert!(load_tokens(&store, "c").is_none());
    }
    #[test]
    fn a_device_round_trips_under_the_peer_layout_and_clears() {
        let store = MemoryStore::default();
        let d = RememberedDevice {
            key: "us-east-1_k".into(),
            group_key: "-g".into(),
            password: zeroize::Zeroizing::new("secret".into()),
        };
        save_device(&store, "c", "alice", &d).unwrap();
        assert_eq!(
            store
                .get("CognitoIdentityServiceProvider.c.alice.randomPasswordKey")
                .as_deref(),
            Some("secret")
        );
        assert_eq!(
            store
                .get("CognitoIdentityServiceProvider.c.alice.deviceGroupKey")
                .as_deref(),
            Some("-g")
        );
        assert_eq!(load_device(&store, "c", "alice"), Some(d.clone()));
        assert!(load_device(&store, "c", "bob").is_none());
        assert!(!format!("{d:?}").contains("secret"));
        clear_device(&store, "c", "alice");
        assert!(load_device(&store, "c", "alice").is_none());
        assert!(store.get(&user_key("c", "alice", "deviceKey")).is_none());
    }
}
