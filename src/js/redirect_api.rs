//! Redirect sign-in (`signInWithRedirect`, `handleRedirect`) through Cognito's managed login,
//! the `oauth` section of the config, and ending the managed login's session at sign-out.
//!
//! The PKCE verifier and the `state` wait in `sessionStorage` (it survives the trip to the
//! managed login and back in the same tab, and no other tab sees it) and are wiped as soon as
//! the return is read, whether it signs in or fails.

use super::*;
use crate::auth::oauth::{self, Pending, Provider, Return};
use crate::auth::session::no_oauth;
use crate::config::{OAuthConfig, RawOAuth, OAUTH_FIELDS};

/// TypeScript types: redirect sign-in.
#[wasm_bindgen(typescript_custom_section)]
const REDIRECT_TYPES: &'static str = r##"
/**
 * Redirect sign-in through Cognito's managed login (the `oauth` field of `ApilessConfig`): the
 * authorization code flow with PKCE. The app client must allow the code flow, these scopes, and
 * list both URLs among its CallbackURLs and LogoutURLs.
 */
export interface OAuthConfig {
  /** The user pool domain: "https://<prefix>.auth.<region>.amazoncognito.com", a custom domain, or its host alone. */
  domain: string;
  /** Where the managed login sends the browser back: one of the app client's CallbackURLs, exactly. */
  redirectSignIn: string;
  /** Where sign-out lands after the managed login's /logout: one of the LogoutURLs; redirectSignIn when absent. */
  redirectSignOut?: string;
  /** The scopes to ask for; ["openid", "email", "profile", "aws.cognito.signin.user.admin"] when absent. */
  scopes?: string[];
  /** Only "code" (the implicit flow is not offered). */
  responseType?: "code";
}

/** An identity provider of the pool to go straight to: a social one, or an OIDC/SAML one by name. */
export type RedirectProvider = "Google" | "Facebook" | "Apple" | "Amazon" | { custom: string };

/** The input of `signInWithRedirect`. */
export interface SignInWithRedirectInput {
  /** Skip the managed login's page and go to this provider; the managed login's page when absent. */
  provider?: RedirectProvider;
  /** A value of the app's own, handed back by `handleRedirect` (say, the page to return to). */
  customState?: string;
}

/** What `handleRedirect` resolves to when the page was a return from the managed login. */
export interface RedirectResult {
  /** The user now signed in. */
  user: User;
  /** The `customState` given to `signInWithRedirect`, if any. */
  customState?: string;
}
"##;

/// The key of the pending redirect in `sessionStorage`.
fn pending_key(client_id: &str) -> String {
    format!("{}.oauthPending", storage::client_prefix(client_id))
}

/// Reads the `oauth` section of the config object; every fault a `ConfigError` whose `field`
/// is `oauth.<name>`.
pub(super) fn read_oauth(value: &JsValue) -> Result<RawOAuth, Error> {
    let as_config =
        |e: Error| Error::config(e.field.as_deref().unwrap_or("oauth"), e.message.clone());
    let mut f = InputReader::new("oauth", value, &OAUTH_FIELDS);
    let mut raw = RawOAuth {
        domain: f.string("domain"),
        redirect_sign_in: f.string("redirectSignIn"),
        redirect_sign_out: f.string("redirectSignOut"),
        scopes: None,
        response_type: f.string("responseType"),
    };
    if let Some(scopes) = f.get("scopes") {
        let list = js_sys::Array::is_array(&scopes)
            .then(|| {
                js_sys::Array::from(&scopes)
                    .iter()
                    .map(|s| s.as_string())
                    .collect::<Option<Vec<String>>>()
            })
            .flatten();
        match list {
            Some(list) => raw.scopes = Some(list),
            None => f.wrong("scopes", "an array of strings"),
        }
    }
    f.finish().map_err(as_config)?;
    Ok(raw)
}

#[derive(Default)]
struct RedirectInput {
    provider: Option<Provider>,
    custom_state: Option<String>,
}

impl FromInput for RedirectInput {
    const FIELDS: &'static [&'static str] = &["provider", "customState"];

    fn read(f: &mut InputReader) -> Self {
        let provider = match f.get("provider") {
            None => None,
            Some(v) => match v.as_string() {
                Some(name) => f.check(Provider::named(&name)),
                None if v.is_object() => f.object("provider", &["custom"]).and_then(|mut inner| {
                    let name = inner.required("custom");
                    f.merge(inner);
                    (!name.is_empty()).then_some(Provider::Custom(name))
                }),
                None => {
                    f.wrong(
                        "provider",
                        "\"Google\", \"Facebook\", \"Apple\", \"Amazon\" or { custom: \"name\" }",
                    );
                    None
                }
            },
        };
        RedirectInput {
            provider,
            custom_state: f.string("customState"),
        }
    }
}

fn window() -> Result<web_sys::Window, Error> {
    web_sys::window().ok_or_else(|| {
        Error::config(
            "oauth",
            "redirect sign-in needs a browser window (not a worker)",
        )
    })
}

impl Client {
    fn oauth(&self) -> Result<OAuthConfig, Error> {
        self.session.config().oauth.clone().ok_or_else(no_oauth)
    }

    /// Where sign-out goes next: when the user had signed in with a redirect, the managed
    /// login's `/logout`, which ends its session there and comes back to `redirectSignOut`.
    pub(super) fn managed_logout_url(&self, was_redirect: bool) -> Option<String> {
        let oauth = self
            .session
            .config()
            .oauth
            .as_ref()
            .filter(|_| was_redirect)?;
        Some(oauth::logout_url(
            oauth,
            &self.session.config().user_pool_client_id,
        ))
    }
}

/// Sends the browser to `url` (best effort: a page without a window stays).
pub(super) fn navigate(url: &str) {
    if let Ok(w) = window() {
        let _ = w.location().assign(url);
    }
}

#[wasm_bindgen(js_class = Client)]
impl Client {
    /// Sends the browser to Cognito's managed login (or straight to an identity provider of the
    /// pool) to sign in there: the authorization code flow with PKCE (S256) and a random
    /// `state`, kept in `sessionStorage` until the browser comes back to `redirectSignIn`,
    /// where `handleRedirect` completes the sign-in. The page is left: the promise resolves as
    /// the navigation starts.
    ///
    /// @throws `ConfigError` (`field: "oauth"`) when the config has no `oauth` section, or
    /// `sessionStorage` is not available (a sandboxed iframe); `InvalidInputError` (`field:
    /// "provider"`) for a provider that is not one of the four or `{ custom }`.
    /// @example
    /// ```ts
    /// // createClient({ ...config, oauth: { domain: "myapp.auth.eu-west-1.amazoncognito.com",
    /// //   redirectSignIn: "https://app.example/" } })
    /// await aws.auth.signInWithRedirect({ provider: "Google", customState: "/notes" }); // the page leaves
    /// await aws.auth.signInWithRedirect(); // or the managed login's own page
    /// ```
    #[wasm_bindgen(js_name = signInWithRedirect, unchecked_return_type = "Promise<void>")]
    pub fn sign_in_with_redirect(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "SignInWithRedirectInput")] input: JsValue,
    ) -> Promise {
        match self.start_redirect(&input) {
            Ok(()) => Promise::resolve(&JsValue::UNDEFINED),
            Err(e) => rejected(e),
        }
    }

    fn start_redirect(&self, input: &JsValue) -> Result<(), Error> {
        let input: RedirectInput = optional("signInWithRedirect", input)?;
        let oauth = self.oauth()?;
        let client_id = &self.session.config().user_pool_client_id;
        let mut v = Zeroizing::new([0u8; oauth::VERIFIER_BYTES]);
        let mut s = [0u8; oauth::STATE_BYTES];
        client::random(v.as_mut_slice())?;
        client::random(&mut s)?;
        let pending = Pending {
            state: oauth::verifier(&s),
            verifier: oauth::verifier(v.as_slice()),
            custom_state: input.custom_state,
            redirect_uri: oauth.redirect_sign_in.clone(),
            started_at_ms: js_sys::Date::now() as u64,
        };
        let url = oauth::authorize_url(
            &oauth,
            client_id,
            input.provider.as_ref(),
            &pending.state,
            &oauth::challenge(&pending.verifier),
        );
        let store = storage::open(StorageKind::Session)?;
        store.set(&pending_key(client_id), &pending.to_json())?;
        navigate(&url);
        Ok(())
    }

    /// Completes a redirect sign-in on the page the managed login came back to
    /// (`redirectSignIn`): checks the returned `state` against the one this tab sent, exchanges
    /// the code at `/oauth2/token` with the PKCE verifier, and stores the tokens as every sign-in
    /// does (`onChange` hears `signedIn`; credentials, refresh and other tabs work as usual).
    /// `code` and `state` leave the address bar (`history.replaceState`) and the kept verifier is
    /// wiped, whatever the outcome. Call it once when the page loads; it resolves to `null` on a
    /// page that is not such a return (or while another call handles it).
    ///
    /// @throws `OAuthStateMismatch` when the return's `state` is missing or is not the one this
    /// tab sent (a forged or replayed return, or one started in another tab): nothing is stored.
    /// @throws the managed login's own error name for an `?error=` return (`access_denied`
    /// when the user cancelled, `invalid_request`, `unauthorized_client`, ...), and the token
    /// endpoint's (`invalid_grant` for an expired or reused code or a wrong verifier).
    /// @throws `ConfigError` (`field: "oauth"`) without an `oauth` section; `NetworkError`,
    /// `ProtocolError` as with every call.
    /// @example
    /// ```ts
    /// const back = await aws.auth.handleRedirect(); // on every load of redirectSignIn's page
    /// if (back) console.log(`${back.user.username} is back for ${back.customState ?? "/"}`);
    /// ```
    #[wasm_bindgen(js_name = handleRedirect, unchecked_return_type = "Promise<RedirectResult | null>")]
    pub fn handle_redirect(&self) -> Promise {
        let started = self.read_redirect();
        let session = self.session.clone();
        promise(async move {
            let Some((code, pending)) = started? else {
                return Ok(JsValue::NULL);
            };
            let user = session.complete_redirect(&code, &pending).await?;
            session.mark_redirect_sign_in(&user.username);
            let out = js_sys::Object::new();
            set(&out, "user", &auth_api::user_to_js(&user));
            if let Some(custom) = &pending.custom_state {
                set(&out, "customState", &custom.as_str().into());
            }
            Ok(out.into())
        })
    }

    /// The synchronous part of `handleRedirect`: the return read, the URL cleaned, the pending
    /// record taken and the state checked; the code and the record to exchange it with.
    fn read_redirect(&self) -> Result<Option<(String, Pending)>, Error> {
        self.oauth()?;
        let window = window()?;
        let href = window.location().href().unwrap_or_default();
        let Some(back) = oauth::read_return(&href) else {
            return Ok(None);
        };
        // Gone from the address bar (and from a reload or a second call) at once.
        let clean = oauth::without_return_params(&href);
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&clean));
        }
        let key = pending_key(&self.session.config().user_pool_client_id);
        let store = storage::open(StorageKind::Session)?;
        let pending = store.get(&key).and_then(|t| Pending::from_json(&t));
        store.remove(&key);
        match back {
            Return::Failed {
                error, description, ..
            } => Err(oauth::return_error(&error, &description)),
            Return::Code { code, state } => {
                oauth::check_state(
                    pending.as_ref(),
                    state.as_deref(),
                    js_sys::Date::now() as u64,
                )?;
                Ok(pending.map(|p| (code, p)))
            }
        }
    }
}
