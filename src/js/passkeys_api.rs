//! The passkey exports of `Client`: `associateWebAuthnCredential`, `listWebAuthnCredentials`,
//! `deleteWebAuthnCredential` (Amplify v6's names), and the browser's prompt as the session's
//! [`Authenticator`]. Signing in with a passkey is `signIn({ username, preferredChallenge:
//! "WEB_AUTHN" })`, or `firstFactor: "WEB_AUTHN"` at `SELECT_CHALLENGE`.

use super::*;
use crate::auth::session::Authenticator;
use crate::auth::user_pool::webauthn::{Passkey, MAX_PAGE};

/// TypeScript types: the passkey methods.
#[wasm_bindgen(typescript_custom_section)]
const PASSKEY_TYPES: &'static str = r##"
/**
 * A passkey of the signed-in user, as Cognito lists it (`ListWebAuthnCredentials`):
 * `credentialId` is what `deleteWebAuthnCredential` takes; `relyingPartyId` the domain it is
 * bound to; `authenticatorAttachment` "platform" (this device) or "cross-platform" (a security
 * key, a phone), when known.
 */
export interface WebAuthnCredential {
  credentialId: string;
  friendlyCredentialName: string;
  relyingPartyId: string;
  authenticatorAttachment?: "platform" | "cross-platform";
  authenticatorTransports: string[];
  createdAt?: Date;
}
/** The options of `listWebAuthnCredentials`: passkeys asked for per call (1 to 20, 20 by default). */
export interface ListWebAuthnCredentialsOptions { pageSize?: number }
/** The input of `deleteWebAuthnCredential`. */
export interface DeleteWebAuthnCredentialInput { credentialId: string }
"##;

#[wasm_bindgen(module = "/src/host.js")]
extern "C" {
    #[wasm_bindgen(js_name = passkeyGet)]
    fn passkey_get(options: &str) -> Promise;
    #[wasm_bindgen(js_name = passkeyCreate)]
    fn passkey_create(options: &str) -> Promise;
}

/// The browser's `navigator.credentials` as the session's [`Authenticator`].
pub(super) struct BrowserPasskeys;

impl Authenticator for BrowserPasskeys {
    fn get(&self, options: &str) -> LocalBoxFuture<'static, Result<String, Error>> {
        Box::pin(prompt(passkey_get(options)))
    }
    fn create(&self, options: &str) -> LocalBoxFuture<'static, Result<String, Error>> {
        Box::pin(prompt(passkey_create(options)))
    }
}

async fn prompt(pending: Promise) -> Result<String, Error> {
    let credential = wasm_bindgen_futures::JsFuture::from(pending)
        .await
        .map_err(|e| prompt_error(&e))?;
    credential
        .as_string()
        .ok_or_else(|| Error::passkey("PasskeyError", "the authenticator gave no credential"))
}

/// The error for what the prompt threw, by its `name` (a `DOMException`'s).
fn prompt_error(thrown: &JsValue) -> Error {
    let read = |key: &str| {
        Reflect::get(thrown, &key.into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    let (name, message) = (read("name"), read("message"));
    match name.as_str() {
        "PasskeyNotSupportedError" => crate::auth::session::passkey_not_supported(),
        "NotAllowedError" | "AbortError" => Error::passkey(
            "PasskeyCancelledError",
            format!("the passkey prompt was cancelled, timed out or refused ({message})"),
        ),
        "InvalidStateError" => Error::passkey(
            "PasskeyAlreadyRegisteredError",
            "this authenticator already holds a passkey of the user",
        ),
        _ => Error::passkey(
            "PasskeyError",
            format!("the passkey prompt failed: {name}: {message}"),
        ),
    }
}

#[derive(Default)]
pub(super) struct ListPasskeysOptions {
    page_size: Option<u32>,
}

impl FromInput for ListPasskeysOptions {
    const FIELDS: &'static [&'static str] = &["pageSize"];

    fn read(f: &mut InputReader) -> Self {
        ListPasskeysOptions {
            page_size: f.whole("pageSize", MAX_PAGE),
        }
    }
}

pub(super) struct DeletePasskeyInput {
    credential_id: String,
}

impl FromInput for DeletePasskeyInput {
    const FIELDS: &'static [&'static str] = &["credentialId"];

    fn read(f: &mut InputReader) -> Self {
        DeletePasskeyInput {
            credential_id: f.required("credentialId"),
        }
    }
}

fn passkey_to_js(p: &Passkey) -> JsValue {
    let o = js_sys::Object::new();
    set(&o, "credentialId", &p.id.as_str().into());
    set(&o, "friendlyCredentialName", &p.name.as_str().into());
    set(&o, "relyingPartyId", &p.relying_party_id.as_str().into());
    if let Some(a) = &p.attachment {
        set(&o, "authenticatorAttachment", &a.as_str().into());
    }
    let transports: js_sys::Array = p.transports.iter().map(JsValue::from).collect();
    set(&o, "authenticatorTransports", &transports);
    if let Some(s) = p.created {
        set(
            &o,
            "createdAt",
            &js_sys::Date::new(&(s * 1000.0).into()).into(),
        );
    }
    o.into()
}

#[wasm_bindgen(js_class = Client)]
impl Client {
    /// Registers a new passkey for the signed-in user: Cognito's options
    /// (`StartWebAuthnRegistration`) go to the browser's passkey prompt
    /// (`navigator.credentials.create`), and the new credential to
    /// `CompleteWebAuthnRegistration`, which verifies it. The user pool must allow `WEB_AUTHN`
    /// and name its relying party (the page's domain or a parent of it).
    ///
    /// @throws `PasskeyNotSupportedError` when the browser has no WebAuthn (or the page is not a
    /// secure context); `PasskeyCancelledError` when the user cancels the prompt or it times
    /// out; `PasskeyAlreadyRegisteredError` when this authenticator already holds one of the
    /// user's passkeys. Nothing is registered then.
    /// @throws `NotAuthorizedException` when no one is signed in; `WebAuthnNotEnabledException`,
    /// `WebAuthnConfigurationMissingException`, `WebAuthnOriginNotAllowedException`,
    /// `WebAuthnRelyingPartyMismatchException`, `WebAuthnChallengeNotFoundException` and
    /// `LimitExceededException` as Cognito names them.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// await aws.auth.signIn({ username, password });
    /// try {
    ///   await aws.auth.associateWebAuthnCredential();
    /// } catch (e) {
    ///   // The user said no (or the prompt timed out): ask again later.
    ///   if ((e as import("apiless").ApilessError).name !== "PasskeyCancelledError") throw e;
    /// }
    /// ```
    #[wasm_bindgen(js_name = associateWebAuthnCredential, unchecked_return_type = "Promise<void>")]
    pub fn associate_web_authn_credential(&self) -> Promise {
        let future = self.session.associate_passkey();
        promise_of(Box::pin(async move {
            future.await.map(|()| JsValue::UNDEFINED)
        }))
    }

    /// Every passkey of the signed-in user (`ListWebAuthnCredentials`, every page).
    ///
    /// @throws `InvalidInputError` for an unknown option or a `pageSize` that is not a whole
    /// number from 1 to 20, before a request is sent.
    /// @throws `NotAuthorizedException` when no one is signed in; `WebAuthnNotEnabledException`
    /// when the pool does not allow passkeys.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// for (const p of await aws.auth.listWebAuthnCredentials()) {
    ///   console.log(p.friendlyCredentialName, p.authenticatorAttachment, p.createdAt);
    /// }
    /// ```
    #[wasm_bindgen(
        js_name = listWebAuthnCredentials,
        unchecked_return_type = "Promise<WebAuthnCredential[]>"
    )]
    pub fn list_web_authn_credentials(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ListWebAuthnCredentialsOptions")]
        options: JsValue,
    ) -> Promise {
        let options: ListPasskeysOptions = match optional("options", &options) {
            Ok(o) => o,
            Err(e) => return rejected(e),
        };
        let future = self.session.passkeys(options.page_size.unwrap_or(MAX_PAGE));
        promise_of(Box::pin(async move {
            let list = js_sys::Array::new();
            for p in &future.await? {
                list.push(&passkey_to_js(p));
            }
            Ok(list.into())
        }))
    }

    /// Deletes a passkey of the signed-in user at Cognito (`DeleteWebAuthnCredential`): it can no
    /// longer sign in. The authenticator keeps its key until the user removes it there.
    ///
    /// @throws `InvalidInputError` (`field: "credentialId"`) for a missing or empty id.
    /// @throws `NotAuthorizedException` when no one is signed in; `ResourceNotFoundException` for
    /// a passkey the user does not have.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// const [old] = await aws.auth.listWebAuthnCredentials();
    /// if (old) await aws.auth.deleteWebAuthnCredential({ credentialId: old.credentialId });
    /// ```
    #[wasm_bindgen(js_name = deleteWebAuthnCredential, unchecked_return_type = "Promise<void>")]
    pub fn delete_web_authn_credential(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DeleteWebAuthnCredentialInput")] input: JsValue,
    ) -> Promise {
        with_input(
            "deleteWebAuthnCredential",
            input,
            |i: DeletePasskeyInput| {
                let future = self.session.delete_passkey(&i.credential_id);
                async move { future.await.map(|()| JsValue::UNDEFINED) }
            },
        )
    }
}
