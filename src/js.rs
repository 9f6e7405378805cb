//! The JavaScript surface: the only module with `#[wasm_bindgen]` items and `JsValue` in
//! signatures.
//!
//! JS users get plain objects in and out, Promises, and errors as real `Error` objects
//! (`instanceof Error` holds) whose `name` is the AWS exception name where there is one, with
//! `code`, `requestId`, `httpStatus`, `retryable` and, for bad input, `field`. Each exported
//! async method parses its input and clones the session handle before its future starts, so a
//! JS caller freeing the client cannot leave a dangling borrow. TypeScript types are written
//! here, beside the items they describe.

use std::collections::BTreeMap;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use zeroize::Zeroizing;

use crate::clock;
use crate::config::{Config, RawConfig, Service};
use crate::error::Error;
use crate::http::Fetch;
use crate::session::{ChallengeAnswer, NextStep, Session, SignInStep, User};
use crate::storage;
use crate::user_pool::CodeDelivery;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
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
}

/** A configuration after validation, with the endpoint of each service. */
export interface ValidatedConfig {
  region: string;
  userPoolId: string;
  userPoolClientId: string;
  identityPoolId: string | null;
  storage: "local" | "session" | "memory";
  endpoints: { "cognito-idp": string; "cognito-identity": string; dynamodb: string; s3: string };
}

/** The signed-in user. */
export interface User {
  username: string;
  sub: string;
  email?: string;
  /** When the current tokens expire, ms since the epoch (AWS's clock). */
  expiresAt: number;
}

/** Where Cognito sent a code. */
export interface CodeDelivery {
  destination: string;
  /** "EMAIL" or "SMS". */
  medium: string;
  attribute: string;
}

/** Cognito's challenge names that `confirmSignIn` answers. */
export type ChallengeName =
  | "NEW_PASSWORD_REQUIRED" | "SMS_MFA" | "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP"
  | "SELECT_MFA_TYPE" | "MFA_SETUP" | "CUSTOM_CHALLENGE";

/** What the next sign-in step asks for. */
export interface NextStep {
  name: ChallengeName;
  codeDelivery?: CodeDelivery;
  /** MFA types to choose from (SELECT_MFA_TYPE) or to set up (MFA_SETUP). */
  mfaTypes: string[];
  /** Attributes to supply with the new password (NEW_PASSWORD_REQUIRED). */
  requiredAttributes: string[];
  /** Public parameters of a custom challenge. */
  parameters: Record<string, string>;
}

/** The result of `signIn` and `confirmSignIn`. */
export type SignInResult =
  | { signedIn: true; user: User }
  | { signedIn: false; nextStep: NextStep };

export interface SignInInput { username: string; password: string }

export interface ConfirmSignInInput {
  /** The MFA / OTP code. */
  code?: string;
  /** NEW_PASSWORD_REQUIRED: the new password. */
  newPassword?: string;
  /** NEW_PASSWORD_REQUIRED: user attributes to set with it. */
  attributes?: Record<string, string>;
  /** SELECT_MFA_TYPE: the chosen type. */
  mfaType?: string;
  /** CUSTOM_CHALLENGE: the answer. */
  answer?: string;
}

export interface SignUpInput { username: string; password: string; attributes?: Record<string, string> }
export interface SignUpResult { userConfirmed: boolean; userSub: string; codeDelivery?: CodeDelivery }
export interface UsernameInput { username: string }
export interface ConfirmSignUpInput { username: string; code: string }
export interface ConfirmForgotPasswordInput { username: string; code: string; newPassword: string }
export interface ChangePasswordInput { oldPassword: string; newPassword: string }
export interface SignOutInput {
  /** Sign out of every device (GlobalSignOut); otherwise only here (the refresh token is revoked). */
  global?: boolean;
}

/** Valid tokens of the signed-in user, refreshed when they were about to expire. */
export interface AuthSession {
  user: User;
  idToken: string;
  accessToken: string;
  /** ms since the epoch (AWS's clock). */
  expiresAt: number;
}

/** A new TOTP secret: show `totpUri` as a QR code, or `totpSecret` to type in. */
export interface TotpSetup { totpSecret: string; totpUri: string }
export interface CodeInput { code: string }

export type SessionEvent = "signedIn" | "tokensRefreshed" | "signedOut" | "sessionExpired";
"#;

/// The package version.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

fn parse<T: DeserializeOwned>(field: &str, value: JsValue) -> Result<T, Error> {
    serde_wasm_bindgen::from_value(value).map_err(|e| {
        // serde quotes a wrongly typed value ("invalid type: floating point `123456`"), which
        // may be a password: name only what is missing or unknown, never a value.
        let e = e.to_string();
        let message = if e.contains("missing field") || e.contains("unknown field") {
            format!("{field}: {e}")
        } else {
            format!(
                "{field}: expects an object whose fields are strings (see the TypeScript types)"
            )
        };
        Error::invalid_input(field, message)
    })
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, Error> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| Error::protocol(format!("cannot build the result object: {e}")))
}

fn validate(config: JsValue) -> Result<Config, Error> {
    if !config.is_object() {
        return Err(Error::config("config", "the config must be an object"));
    }
    let raw: RawConfig = serde_wasm_bindgen::from_value(config)
        .map_err(|e| Error::config("config", format!("config: {e}")))?;
    Config::validate(raw)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ValidatedConfigJs<'a> {
    region: &'a str,
    user_pool_id: &'a str,
    user_pool_client_id: &'a str,
    identity_pool_id: Option<&'a str>,
    storage: &'a str,
    endpoints: BTreeMap<&'static str, String>,
}

/// Validates a config object and returns it normalised, with the endpoint of each service;
/// throws an `Error` whose `field` names the first bad field.
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
    let endpoints = [
        Service::UserPool,
        Service::IdentityPool,
        Service::DynamoDb,
        Service::S3,
    ]
    .into_iter()
    .map(|s| (s.name(), c.endpoint_for(s)))
    .collect();
    Ok(to_js(&ValidatedConfigJs {
        region: &c.region,
        user_pool_id: &c.user_pool_id,
        user_pool_client_id: &c.user_pool_client_id,
        identity_pool_id: c.identity_pool_id.as_deref(),
        storage,
        endpoints,
    })?)
}

/// Random bytes from `crypto.getRandomValues`.
fn random(buf: &mut [u8]) -> Result<(), Error> {
    getrandom::fill(buf).map_err(|_| {
        Error::config(
            "crypto",
            "crypto.getRandomValues is not available in this context",
        )
    })
}

/// An apiless client: the signed-in session and, with issue #4, AWS calls.
#[wasm_bindgen(js_name = Client)]
pub struct Client {
    session: Rc<Session<Fetch>>,
}

/// Makes a client from a config object (see `ApilessConfig`); a stored session is restored.
/// Throws a `ConfigError` naming the bad field.
#[wasm_bindgen(js_name = createClient)]
pub fn create_client(
    #[wasm_bindgen(unchecked_param_type = "ApilessConfig")] config: JsValue,
) -> Result<Client, JsValue> {
    let config = validate(config)?;
    let store = storage::open(config.storage)?;
    let session = Session::new(
        config,
        Fetch::default(),
        store,
        Box::new(clock::browser_now_ms),
        Box::new(random),
    );
    Ok(Client { session })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserJs {
    username: String,
    sub: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    expires_at: f64,
}

impl From<User> for UserJs {
    fn from(u: User) -> Self {
        UserJs {
            username: u.username,
            sub: u.sub,
            email: u.email,
            expires_at: u.expires_at_ms as f64,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeDeliveryJs {
    destination: String,
    medium: String,
    attribute: String,
}

impl From<CodeDelivery> for CodeDeliveryJs {
    fn from(c: CodeDelivery) -> Self {
        CodeDeliveryJs {
            destination: c.destination,
            medium: c.medium,
            attribute: c.attribute,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NextStepJs {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_delivery: Option<CodeDeliveryJs>,
    mfa_types: Vec<String>,
    required_attributes: Vec<String>,
    parameters: BTreeMap<String, String>,
}

impl From<NextStep> for NextStepJs {
    fn from(s: NextStep) -> Self {
        NextStepJs {
            name: s.name,
            code_delivery: s.code_delivery.map(Into::into),
            mfa_types: s.mfa_types,
            required_attributes: s.required_attributes,
            parameters: s.parameters.into_iter().collect(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TotpSetupJs {
    totp_secret: String,
    totp_uri: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CodeInput {
    code: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignInResultJs {
    signed_in: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    user: Option<UserJs>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_step: Option<NextStepJs>,
}

fn sign_in_result(step: SignInStep) -> Result<JsValue, Error> {
    to_js(&match step {
        SignInStep::Done(user) => SignInResultJs {
            signed_in: true,
            user: Some(user.into()),
            next_step: None,
        },
        SignInStep::Next(next) => SignInResultJs {
            signed_in: false,
            user: None,
            next_step: Some(next.into()),
        },
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignInInput {
    username: String,
    password: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfirmSignInInput {
    code: Option<String>,
    new_password: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
    mfa_type: Option<String>,
    answer: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignUpInput {
    username: String,
    password: String,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UsernameInput {
    username: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfirmSignUpInput {
    username: String,
    code: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ConfirmForgotPasswordInput {
    username: String,
    code: String,
    new_password: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ChangePasswordInput {
    old_password: String,
    new_password: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignOutInput {
    #[serde(default)]
    global: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignUpResultJs {
    user_confirmed: bool,
    user_sub: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_delivery: Option<CodeDeliveryJs>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AuthSessionJs {
    user: UserJs,
    id_token: String,
    access_token: String,
    expires_at: f64,
}

/// Runs `future` as a Promise; a rejected Promise carries a real `Error`.
fn promise<F>(future: F) -> Promise
where
    F: std::future::Future<Output = Result<JsValue, Error>> + 'static,
{
    future_to_promise(async move { future.await.map_err(JsValue::from) })
}

/// A Promise rejected with `e` (input refused before any request).
fn rejected(e: Error) -> Promise {
    Promise::reject(&JsValue::from(e))
}

/// Parses the input object of method `name` and starts `call` with it; a Promise rejected
/// with an `InvalidInputError` when the input is malformed (nothing is sent).
fn with_input<I, F>(name: &str, input: JsValue, call: impl FnOnce(I) -> F) -> Promise
where
    I: DeserializeOwned,
    F: std::future::Future<Output = Result<JsValue, Error>> + 'static,
{
    match parse(name, input) {
        Ok(input) => promise(call(input)),
        Err(e) => rejected(e),
    }
}

/// `undefined`, optionally-absent input objects.
fn optional<T: DeserializeOwned + Default>(field: &str, value: JsValue) -> Result<T, Error> {
    if value.is_undefined() || value.is_null() {
        Ok(T::default())
    } else {
        parse(field, value)
    }
}

#[wasm_bindgen(js_class = Client)]
impl Client {
    /// Computes the SRP public value now (a few ms), so that `signIn` waits only on the
    /// network. Call it when the sign-in form appears; optional.
    #[wasm_bindgen(js_name = prepareSignIn)]
    pub fn prepare_sign_in(&self) -> Result<(), JsValue> {
        Ok(self.session.prepare_sign_in()?)
    }

    /// Signs in with SRP; the password never leaves the page.
    #[wasm_bindgen(js_name = signIn, unchecked_return_type = "Promise<SignInResult>")]
    pub fn sign_in(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SignInInput")] input: JsValue,
    ) -> Promise {
        with_input("signIn", input, |i: SignInInput| {
            let future = self
                .session
                .sign_in(&i.username, Zeroizing::new(i.password));
            async move { sign_in_result(future.await?) }
        })
    }

    /// Answers the step `signIn` returned (new password, MFA code, MFA choice, TOTP code).
    #[wasm_bindgen(js_name = confirmSignIn, unchecked_return_type = "Promise<SignInResult>")]
    pub fn confirm_sign_in(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConfirmSignInInput")] input: JsValue,
    ) -> Promise {
        with_input("confirmSignIn", input, |i: ConfirmSignInInput| {
            let answer = ChallengeAnswer {
                code: i.code,
                new_password: i.new_password,
                attributes: i.attributes.into_iter().collect(),
                mfa_type: i.mfa_type,
                answer: i.answer,
            };
            let future = self.session.confirm_sign_in(answer);
            async move { sign_in_result(future.await?) }
        })
    }

    /// Starts TOTP setup and returns the secret for an authenticator app: during an
    /// `MFA_SETUP` sign-in step (then `confirmSignIn({ code })`), or when signed in (then
    /// `verifyTotpSetup({ code })`).
    #[wasm_bindgen(js_name = setUpTotp, unchecked_return_type = "Promise<TotpSetup>")]
    pub fn set_up_totp(&self) -> Promise {
        let future = self.session.setup_totp();
        promise(async move {
            let setup = future.await?;
            to_js(&TotpSetupJs {
                totp_secret: setup.secret.clone(),
                totp_uri: setup.uri.clone(),
            })
        })
    }

    /// Completes TOTP setup for the signed-in user with the app's first code; TOTP becomes
    /// their preferred MFA, asked for at every sign-in.
    #[wasm_bindgen(js_name = verifyTotpSetup, unchecked_return_type = "Promise<void>")]
    pub fn verify_totp_setup(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CodeInput")] input: JsValue,
    ) -> Promise {
        with_input("verifyTotpSetup", input, |i: CodeInput| {
            let future = self.session.verify_totp_setup(i.code);
            async move { future.await.map(|()| JsValue::UNDEFINED) }
        })
    }

    /// Registers a user; Cognito sends a confirmation code unless the pool auto-confirms.
    #[wasm_bindgen(js_name = signUp, unchecked_return_type = "Promise<SignUpResult>")]
    pub fn sign_up(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SignUpInput")] input: JsValue,
    ) -> Promise {
        with_input("signUp", input, |i: SignUpInput| {
            let future = self.session.sign_up(
                i.username,
                Zeroizing::new(i.password),
                i.attributes.into_iter().collect(),
            );
            async move {
                let r = future.await?;
                to_js(&SignUpResultJs {
                    user_confirmed: r.user_confirmed,
                    user_sub: r.user_sub,
                    code_delivery: r.code_delivery.map(Into::into),
                })
            }
        })
    }

    /// Confirms a sign-up with the emailed or texted code.
    #[wasm_bindgen(js_name = confirmSignUp, unchecked_return_type = "Promise<void>")]
    pub fn confirm_sign_up(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConfirmSignUpInput")] input: JsValue,
    ) -> Promise {
        with_input("confirmSignUp", input, |i: ConfirmSignUpInput| {
            let future = self.session.confirm_sign_up(i.username, i.code);
            async move { future.await.map(|()| JsValue::UNDEFINED) }
        })
    }

    /// Sends the sign-up confirmation code again.
    #[wasm_bindgen(js_name = resendSignUpCode, unchecked_return_type = "Promise<CodeDelivery>")]
    pub fn resend_sign_up_code(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UsernameInput")] input: JsValue,
    ) -> Promise {
        with_input("resendSignUpCode", input, |i: UsernameInput| {
            let future = self.session.resend_sign_up_code(i.username);
            async move { to_js(&CodeDeliveryJs::from(future.await?)) }
        })
    }

    /// Starts a password reset: Cognito sends a code.
    #[wasm_bindgen(js_name = forgotPassword, unchecked_return_type = "Promise<CodeDelivery>")]
    pub fn forgot_password(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UsernameInput")] input: JsValue,
    ) -> Promise {
        with_input("forgotPassword", input, |i: UsernameInput| {
            let future = self.session.forgot_password(i.username);
            async move { to_js(&CodeDeliveryJs::from(future.await?)) }
        })
    }

    /// Sets a new password with the reset code.
    #[wasm_bindgen(js_name = confirmForgotPassword, unchecked_return_type = "Promise<void>")]
    pub fn confirm_forgot_password(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConfirmForgotPasswordInput")] input: JsValue,
    ) -> Promise {
        with_input(
            "confirmForgotPassword",
            input,
            |i: ConfirmForgotPasswordInput| {
                let future = self.session.confirm_forgot_password(
                    i.username,
                    i.code,
                    Zeroizing::new(i.new_password),
                );
                async move { future.await.map(|()| JsValue::UNDEFINED) }
            },
        )
    }

    /// Changes the signed-in user's password.
    #[wasm_bindgen(js_name = changePassword, unchecked_return_type = "Promise<void>")]
    pub fn change_password(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ChangePasswordInput")] input: JsValue,
    ) -> Promise {
        with_input("changePassword", input, |i: ChangePasswordInput| {
            let future = self.session.change_password(
                Zeroizing::new(i.old_password),
                Zeroizing::new(i.new_password),
            );
            async move { future.await.map(|()| JsValue::UNDEFINED) }
        })
    }

    /// Signs out here (revoking the refresh token), or everywhere with `{ global: true }`.
    #[wasm_bindgen(js_name = signOut, unchecked_return_type = "Promise<void>")]
    pub fn sign_out(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SignOutInput | undefined")] input: JsValue,
    ) -> Promise {
        let input: SignOutInput = match optional("signOut", input) {
            Ok(i) => i,
            Err(e) => return rejected(e),
        };
        let future = self.session.sign_out(input.global);
        promise(async move { future.await.map(|()| JsValue::UNDEFINED) })
    }

    /// The signed-in user, or `null`.
    #[wasm_bindgen(js_name = currentUser, unchecked_return_type = "User | null")]
    pub fn current_user(&self) -> Result<JsValue, JsValue> {
        match self.session.current_user() {
            Some(u) => Ok(to_js(&UserJs::from(u))?),
            None => Ok(JsValue::NULL),
        }
    }

    /// Valid tokens of the signed-in user, refreshed first when about to expire; rejects with
    /// `NotAuthorizedException` when no one is signed in or the session ended.
    #[wasm_bindgen(js_name = currentSession, unchecked_return_type = "Promise<AuthSession>")]
    pub fn current_session(&self) -> Promise {
        let session = self.session.clone();
        let future = self.session.tokens();
        promise(async move {
            let tokens = future.await?;
            let user = session.current_user().ok_or_else(|| {
                Error::service("NotAuthorizedException", "no user is signed in", 400, None)
            })?;
            let expires_at = user.expires_at_ms as f64;
            to_js(&AuthSessionJs {
                user: user.into(),
                id_token: tokens.id_token.clone(),
                access_token: tokens.access_token.clone(),
                expires_at,
            })
        })
    }

    /// Calls `listener` with a `SessionEvent` on every session change; returns a function
    /// that removes it.
    #[wasm_bindgen(js_name = onChange, unchecked_return_type = "() => void")]
    pub fn on_change(
        &self,
        #[wasm_bindgen(unchecked_param_type = "(event: SessionEvent) => void")] listener: Function,
    ) -> JsValue {
        let id = self.session.on_change(Rc::new(move |event| {
            // A listener that throws must not break the SDK.
            let _ = listener.call1(&JsValue::NULL, &JsValue::from_str(event.name()));
        }));
        let session = Rc::downgrade(&self.session);
        // Calling the returned function again is harmless, as unsubscribe functions should be.
        Closure::<dyn Fn()>::new(move || {
            if let Some(s) = session.upgrade() {
                s.off(id);
            }
        })
        .into_js_value()
    }
}

fn set(target: &js_sys::Object, key: &str, value: &JsValue) {
    // Defining a property on a fresh Error object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        let js = js_sys::Error::new(&e.message);
        js.set_name(&e.code);
        let obj: &js_sys::Object = js.as_ref();
        set(obj, "code", &e.code.as_str().into());
        set(obj, "kind", &format!("{:?}", e.kind).into());
        set(obj, "retryable", &e.retryable.into());
        set(
            obj,
            "requestId",
            &e.request_id
                .as_deref()
                .map_or(JsValue::UNDEFINED, JsValue::from),
        );
        set(
            obj,
            "httpStatus",
            &e.http_status.map_or(JsValue::UNDEFINED, JsValue::from),
        );
        set(
            obj,
            "field",
            &e.field.as_deref().map_or(JsValue::UNDEFINED, JsValue::from),
        );
        js.into()
    }
}
