//! The `Client` class: creating it from a config, and following other tabs' sign-in and
//! sign-out.

use super::*;
use crate::auth::tab_lock::{LockGuard, TabLock};

/// TypeScript types: the configuration (`createClient`, `validateConfig`).
#[wasm_bindgen(typescript_custom_section)]
const CONFIG_TYPES: &'static str = r##"
/** The client's configuration: a plain object, validated once by `createClient`. */
export interface ApilessConfig {
  /** AWS region, e.g. "us-east-1". */
  region: string;
  /** Cognito User Pool id, "<region>_<id>". */
  userPoolId: string;
  /** App client id of the pool (a client without a secret). */
  userPoolClientId: string;
  /** Cognito Identity Pool id, "<region>:<uuid>", for AWS credentials. */
  identityPoolId?: string;
  /** One base URL for every service (a local emulator); the real AWS endpoints when absent. */
  endpoint?: string;
  /** Where the session persists; "local" (localStorage) by default. */
  storage?: "local" | "session" | "memory";
  /**
   * Milliseconds one attempt of a request may take, from sending it to the last byte of the
   * answer, before it is abandoned (and retried where the call retries): 60000 by default, 0
   * for no limit. An `AbortSignal` bounds a whole call, retries included.
   */
  attemptTimeoutMs?: number;
  /**
   * Let signed-out visitors in as guests: an identity id and credentials of the identity pool's
   * unauthenticated role (the pool must allow unauthenticated identities), scoped to that id as
   * a user's are. At sign-in the guest identity is linked to the user, so what the guest wrote
   * stays theirs; after sign-out the visitor is a guest again. Needs `identityPoolId`; false by
   * default (signed-out calls reject with `NotAuthorizedException`).
   */
  guestAccess?: boolean;
  /**
   * Redirect sign-in through Cognito's managed login (`signInWithRedirect`, `handleRedirect`),
   * and its `/logout` at sign-out; absent, those calls reject with a `ConfigError`.
   */
  oauth?: OAuthConfig;
}

/** A configuration after validation, with the endpoint of each service. */
export interface ValidatedConfig {
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  identityPoolId: string | null;
  storage: "local" | "session" | "memory";
  guestAccess: boolean;
  endpoints: { "cognito-idp": string; "cognito-identity": string; dynamodb: string; s3: string };
}
"##;

/// The config object, read as own properties only (as every input is, see [`InputReader`]); its
/// fields are checked by [`RawConfig::from_fields`] and [`Config::validate`].
pub(super) fn validate(config: JsValue) -> Result<Config, Error> {
    let entries = match own_entries(&config) {
        Ok(entries) if config.is_object() && !js_sys::Array::is_array(&config) => entries,
        _ => {
            return Err(Error::config(
                "config",
                format!("the config must be an object, not {}", type_name(&config)),
            ))
        }
    };
    let mut oauth = None;
    let mut fields = Vec::new();
    for entry in entries.iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        let (name, value) = (pair.get(0).as_string().unwrap_or_default(), pair.get(1));
        // An object `oauth` is read here (redirect_api.rs); anything else there is refused by
        // RawConfig::from_fields.
        if name == "oauth" && value.is_object() && !js_sys::Array::is_array(&value) {
            oauth = Some(redirect_api::read_oauth(&value)?);
        } else {
            fields.push((name, field_value(&value)));
        }
    }
    let config = Config::validate(RawConfig::from_fields(fields)?)?;
    match oauth {
        Some(raw) => config.with_oauth(raw),
        None => Ok(config),
    }
}

/// A config field's value; anything but a string, number or boolean is named by its type, never
/// shown.
pub(super) fn field_value(v: &JsValue) -> FieldValue {
    if v.is_undefined() || v.is_null() {
        FieldValue::Absent
    } else if let Some(s) = v.as_string() {
        FieldValue::Text(s)
    } else if let Some(n) = v.as_f64() {
        FieldValue::Number(n)
    } else if let Some(b) = v.as_bool() {
        FieldValue::Bool(b)
    } else {
        FieldValue::Other(type_name(v))
    }
}

/// Validates a config object and returns it normalised, with the endpoint of each service; the
/// same checks `createClient` makes, without making a client. Needs the wasm module: after
/// `load()` or `createClient`.
///
/// @throws `ConfigError` whose `field` names the first bad field (`"region"`, `"userPoolId"`,
/// `"endpoint"`, ..., or an unknown name, with a "did you mean"); a `TypeError` before the wasm
/// module has loaded.
/// @example
/// ```ts
/// import { load, validateConfig } from "apiless";
/// await load();
/// const config = validateConfig({ region: "eu-west-1", userPoolId: "eu-west-1_AbC123", userPoolClientId: "4lq2abc9r6vq8" });
/// console.log(config.endpoints["cognito-idp"]); // Cognito's endpoint in eu-west-1
/// ```
#[wasm_bindgen(js_name = validateConfig, unchecked_return_type = "ValidatedConfig")]
pub fn validate_config(
    #[wasm_bindgen(unchecked_param_type = "ApilessConfig")] config: JsValue,
) -> Result<JsValue, JsValue> {
    let c = validate(config)?;
    let storage = match c.storage {
        crate::config::StorageKind::Local => "local",
        crate::config::StorageKind::Session => "session",
        crate::config::StorageKind::Memory => "memory",
    };
    // By name ("cognito-identity" first), the order they have always come in.
    let endpoints = js_sys::Object::new();
    for s in [
        Service::IdentityPool,
        Service::UserPool,
        Service::DynamoDb,
        Service::S3,
    ] {
        set(&endpoints, s.name(), &c.endpoint_for(s).into());
    }
    let out = js_sys::Object::new();
    set(&out, "region", &c.region.as_str().into());
    set(&out, "userPoolId", &c.user_pool_id.as_str().into());
    set(
        &out,
        "userPoolClientId",
        &c.user_pool_client_id.as_str().into(),
    );
    set(
        &out,
        "identityPoolId",
        &c.identity_pool_id
            .as_deref()
            .map_or(JsValue::NULL, JsValue::from),
    );
    set(&out, "storage", &storage.into());
    set(&out, "guestAccess", &c.guest_access.into());
    set(&out, "endpoints", &endpoints);
    Ok(out.into())
}

/// Random bytes from `crypto.getRandomValues`.
pub(super) fn random(buf: &mut [u8]) -> Result<(), Error> {
    getrandom::fill(buf).map_err(|_| {
        Error::config(
            "crypto",
            "crypto.getRandomValues is not available in this context",
        )
    })
}

/// An apiless client: the session (sign-in, tokens) and the signed AWS calls made for it.
#[wasm_bindgen(js_name = Client)]
pub struct Client {
    pub(super) session: Rc<Session<Fetch>>,
    /// With `storage: "local"`: follows other tabs' sign-in and sign-out.
    pub(super) _tabs: Option<TabSync>,
}

impl Client {
    /// A client over an existing session (Rust callers and tests: the session's clock,
    /// transport and storage are theirs to choose). Not exported to JS.
    pub fn with_session(session: Rc<Session<Fetch>>) -> Client {
        Client {
            session,
            _tabs: None,
        }
    }
}

/// Listens to the window's `storage` event, which the browser fires in every other tab of the
/// origin when one writes localStorage: a write to this client's keys syncs the session
/// (sign-in, refreshed tokens, sign-out). Removed when the client is freed.
pub(super) struct TabSync {
    pub(super) window: web_sys::Window,
    pub(super) listener: Closure<dyn Fn(web_sys::StorageEvent)>,
}

impl TabSync {
    pub(super) fn start(session: &Rc<Session<Fetch>>) -> Option<TabSync> {
        let window = web_sys::window()?;
        let prefix = storage::client_prefix(&session.config().user_pool_client_id);
        let session = Rc::downgrade(session);
        let listener =
            Closure::<dyn Fn(web_sys::StorageEvent)>::new(move |event: web_sys::StorageEvent| {
                // No key: the other tab cleared the whole storage.
                let ours = event.key().is_none_or(|key| key.starts_with(&prefix));
                if let Some(session) = session.upgrade().filter(|_| ours) {
                    session.sync_from_store();
                }
            });
        window
            .add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref())
            .ok()?;
        Some(TabSync { window, listener })
    }
}

impl Drop for TabSync {
    fn drop(&mut self) {
        let _ = self
            .window
            .remove_event_listener_with_callback("storage", self.listener.as_ref().unchecked_ref());
    }
}

/// The browser's Web Locks as the session's [`TabLock`]: one refresh at a time across the app's
/// tabs; where there are none, the lock is granted at once (each tab refreshes on its own).
struct WebLocks;

#[wasm_bindgen(module = "/src/host.js")]
extern "C" {
    /// Resolves with `[release, waited]` once the tab holds the lock `name` (`waited`: another
    /// tab held it first), or with `undefined` where the host has no Web Locks.
    #[wasm_bindgen(js_name = tabLock)]
    fn tab_lock(name: &str) -> Promise;
}

/// Releases the Web Lock when dropped.
struct Release(Option<Function>);

impl Drop for Release {
    fn drop(&mut self) {
        if let Some(release) = self.0.take() {
            let _ = release.call0(&JsValue::UNDEFINED);
        }
    }
}

impl TabLock for WebLocks {
    fn acquire(&self, name: &str) -> LocalBoxFuture<'static, (LockGuard, bool)> {
        let held = wasm_bindgen_futures::JsFuture::from(tab_lock(name));
        Box::pin(async move {
            let held = held.await.unwrap_or_default();
            let release = Reflect::get_u32(&held, 0)
                .ok()
                .and_then(|r| r.dyn_into::<Function>().ok());
            let waited = Reflect::get_u32(&held, 1).is_ok_and(|w| w.is_truthy());
            (Box::new(Release(release)) as LockGuard, waited)
        })
    }
}

/// Makes a client from a config object (see `ApilessConfig`); a stored session is restored.
/// Throws a `ConfigError` naming the bad field.
#[wasm_bindgen(js_name = createClient)]
pub fn create_client(
    #[wasm_bindgen(unchecked_param_type = "ApilessConfig")] config: JsValue,
) -> Result<Client, JsValue> {
    install_panic_hook();
    let config = validate(config)?;
    let store = storage::open(config.storage)?;
    let fetch = Fetch {
        signal: None,
        timeout_ms: f64::from(config.attempt_timeout_ms),
        body: None,
        range: None,
        progress: None,
    };
    let session = Session::new(
        config,
        fetch,
        store,
        Box::new(clock::browser_now_ms),
        Box::new(random),
    );
    session.use_authenticator(Rc::new(super::passkeys_api::BrowserPasskeys));
    let shared = session.config().storage == StorageKind::Local;
    if shared {
        session.use_tab_lock(Rc::new(WebLocks));
    }
    let tabs = shared.then(|| TabSync::start(&session)).flatten();
    Ok(Client {
        session,
        _tabs: tabs,
    })
}
