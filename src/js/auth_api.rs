//! The auth exports of `Client` (`signIn`, `confirmSignIn`, `signUp`, `signOut`, ...), their
//! input objects and their results. The data exports (`db`, `files`, `identityId`) are in
//! `data_api.rs`.

use super::*;

/// TypeScript types: the sign-in methods and the session.
#[wasm_bindgen(typescript_custom_section)]
const AUTH_TYPES: &'static str = r##"
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
  | "NEW_PASSWORD_REQUIRED" | "SMS_MFA" | "SOFTWARE_TOKEN_MFA" | "EMAIL_OTP" | "SMS_OTP"
  | "SELECT_MFA_TYPE" | "MFA_SETUP" | "CUSTOM_CHALLENGE" | "SELECT_CHALLENGE";

/**
 * The first factors of choice-based sign-in (USER_AUTH): the password, proven with SRP
 * ("PASSWORD_SRP") or sent ("PASSWORD"), a code sent by email or SMS, or a passkey
 * ("WEB_AUTHN": the browser's passkey prompt opens within the same call).
 */
export type FirstFactor = "PASSWORD" | "PASSWORD_SRP" | "EMAIL_OTP" | "SMS_OTP" | "WEB_AUTHN";

/** What the next sign-in step asks for. */
export interface NextStep {
  name: ChallengeName;
  /** Where the code went (SMS_MFA, EMAIL_OTP, SMS_OTP). */
  codeDelivery?: CodeDelivery;
  /**
   * SELECT_CHALLENGE: the first factors the user may choose (answer with `firstFactor`);
   * Cognito lists "WEB_AUTHN" to a user who has a passkey.
   */
  availableChallenges: FirstFactor[];
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

/**
 * The input of `signIn`: a username and password sign in with SRP (USER_SRP_AUTH); a username
 * alone starts choice-based sign-in (USER_AUTH), answered with the SELECT_CHALLENGE step unless
 * a `preferredChallenge` the pool offers the user is given (the password factors need the
 * password).
 */
export type SignInInput =
  | { username: string; password: string; preferredChallenge?: undefined }
  | { username: string; preferredChallenge?: "EMAIL_OTP" | "SMS_OTP" | "WEB_AUTHN"; password?: undefined }
  | { username: string; preferredChallenge: "PASSWORD_SRP" | "PASSWORD"; password: string };
/** The input of `prepareSignIn`: with a username, `InitiateAuth` starts for it at once. */
export interface PrepareSignInInput { username?: string }

/** The input of `confirmSignIn`: the field that answers the step (`nextStep.name`). */
export interface ConfirmSignInInput {
  /** The MFA / OTP code. */
  code?: string;
  /** NEW_PASSWORD_REQUIRED: the new password. */
  newPassword?: string;
  /** NEW_PASSWORD_REQUIRED: user attributes to set with it. */
  attributes?: StringMap;
  /** SELECT_MFA_TYPE: the chosen type. */
  mfaType?: string;
  /** CUSTOM_CHALLENGE: the answer. */
  answer?: string;
  /** SELECT_CHALLENGE: the chosen first factor, one of `nextStep.availableChallenges`. */
  firstFactor?: FirstFactor;
  /** SELECT_CHALLENGE with `firstFactor` PASSWORD_SRP or PASSWORD: the password. */
  password?: string;
}

/**
 * The input of `signUp`; `attributes` are Cognito's (`email`, `phone_number`, ...). Without a
 * password the user signs in with a code, where the pool allows choice-based sign-in.
 */
export interface SignUpInput { username: string; password?: string; attributes?: StringMap }
/**
 * What `signUp` resolves to: whether the user is confirmed already, their `sub`, where the
 * code went.
 */
export interface SignUpResult { userConfirmed: boolean; userSub: string; codeDelivery?: CodeDelivery }
/** The input of `resendSignUpCode` and `forgotPassword`. */
export interface UsernameInput { username: string }
/** The input of `confirmSignUp`. */
export interface ConfirmSignUpInput { username: string; code: string }
/** The input of `confirmForgotPassword`. */
export interface ConfirmForgotPasswordInput { username: string; code: string; newPassword: string }
/** The input of `changePassword`. */
export interface ChangePasswordInput { oldPassword: string; newPassword: string }
/** The input of `signOut`. */
export interface SignOutInput {
  /** Sign out of every device (GlobalSignOut); otherwise only here (the refresh token is revoked). */
  global?: boolean;
}

/** Options of `currentSession`. */
export interface SessionOptions {
  /** Refresh the tokens now, even when they are not about to expire. */
  forceRefresh?: boolean;
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
/** The input of `verifyTotpSetup`: the authenticator app's current code. */
export interface CodeInput { code: string }

/**
 * What `onChange` listeners receive: a sign-in, a token refresh, a sign-out, or a session that
 * ended by itself (its refresh token expired or was revoked).
 */
export type SessionEvent = "signedIn" | "tokensRefreshed" | "signedOut" | "sessionExpired";
"##;

pub(super) fn user_to_js(u: &User) -> JsValue {
    let o = js_sys::Object::new();
    set(&o, "username", &u.username.as_str().into());
    set(&o, "sub", &u.sub.as_str().into());
    if let Some(email) = &u.email {
        set(&o, "email", &email.as_str().into());
    }
    set(&o, "expiresAt", &(u.expires_at_ms as f64).into());
    o.into()
}

pub(super) fn code_delivery_to_js(c: &CodeDelivery) -> JsValue {
    let o = js_sys::Object::new();
    set(&o, "destination", &c.destination.as_str().into());
    set(&o, "medium", &c.medium.as_str().into());
    set(&o, "attribute", &c.attribute.as_str().into());
    o.into()
}

pub(super) fn next_step_to_js(s: &NextStep) -> JsValue {
    let o = js_sys::Object::new();
    set(&o, "name", &s.name.as_str().into());
    if let Some(c) = &s.code_delivery {
        set(&o, "codeDelivery", &code_delivery_to_js(c));
    }
    set(&o, "mfaTypes", &strings_to_js(&s.mfa_types));
    set(
        &o,
        "availableChallenges",
        &strings_to_js(&s.available_challenges),
    );
    set(
        &o,
        "requiredAttributes",
        &strings_to_js(&s.required_attributes),
    );
    // Unique names already: they come from a JSON object.
    set(
        &o,
        "parameters",
        &object_of(s.parameters.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
    );
    o.into()
}

pub(super) struct CodeInput {
    pub(super) code: String,
}

impl FromInput for CodeInput {
    const FIELDS: &'static [&'static str] = &["code"];

    fn read(f: &mut InputReader) -> Self {
        CodeInput {
            code: f.required("code"),
        }
    }
}

pub(super) fn sign_in_result(step: SignInStep) -> Result<JsValue, Error> {
    let o = js_sys::Object::new();
    match step {
        SignInStep::Done(user) => {
            set(&o, "signedIn", &true.into());
            set(&o, "user", &user_to_js(&user));
        }
        SignInStep::Next(next) => {
            set(&o, "signedIn", &false.into());
            set(&o, "nextStep", &next_step_to_js(&next));
        }
    }
    Ok(o.into())
}

pub(super) struct SignInInput {
    pub(super) username: String,
    pub(super) password: Option<String>,
    pub(super) preferred_challenge: Option<String>,
}

impl FromInput for SignInInput {
    const FIELDS: &'static [&'static str] = &["username", "password", "preferredChallenge"];

    fn read(f: &mut InputReader) -> Self {
        SignInInput {
            username: f.required("username"),
            password: f.string("password"),
            preferred_challenge: f.string("preferredChallenge"),
        }
    }
}

#[derive(Default)]
pub(super) struct PrepareSignInInput {
    pub(super) username: Option<String>,
}

impl FromInput for PrepareSignInInput {
    const FIELDS: &'static [&'static str] = &["username"];

    fn read(f: &mut InputReader) -> Self {
        PrepareSignInInput {
            username: f.string("username"),
        }
    }
}

#[derive(Default)]
pub(super) struct ConfirmSignInInput {
    pub(super) code: Option<String>,
    pub(super) new_password: Option<String>,
    pub(super) attributes: Vec<(String, String)>,
    pub(super) mfa_type: Option<String>,
    pub(super) answer: Option<String>,
    pub(super) first_factor: Option<String>,
    pub(super) password: Option<String>,
}

impl FromInput for ConfirmSignInInput {
    const FIELDS: &'static [&'static str] = &[
        "code",
        "newPassword",
        "attributes",
        "mfaType",
        "answer",
        "firstFactor",
        "password",
    ];

    fn read(f: &mut InputReader) -> Self {
        ConfirmSignInInput {
            code: f.string("code"),
            new_password: f.string("newPassword"),
            attributes: f.pairs("attributes"),
            mfa_type: f.string("mfaType"),
            answer: f.string("answer"),
            first_factor: f.string("firstFactor"),
            password: f.string("password"),
        }
    }
}

pub(super) struct SignUpInput {
    pub(super) username: String,
    pub(super) password: Option<String>,
    pub(super) attributes: Vec<(String, String)>,
}

impl FromInput for SignUpInput {
    const FIELDS: &'static [&'static str] = &["username", "password", "attributes"];

    fn read(f: &mut InputReader) -> Self {
        SignUpInput {
            username: f.required("username"),
            password: f.string("password"),
            attributes: f.pairs("attributes"),
        }
    }
}

pub(super) struct UsernameInput {
    pub(super) username: String,
}

impl FromInput for UsernameInput {
    const FIELDS: &'static [&'static str] = &["username"];

    fn read(f: &mut InputReader) -> Self {
        UsernameInput {
            username: f.required("username"),
        }
    }
}

pub(super) struct ConfirmSignUpInput {
    pub(super) username: String,
    pub(super) code: String,
}

impl FromInput for ConfirmSignUpInput {
    const FIELDS: &'static [&'static str] = &["username", "code"];

    fn read(f: &mut InputReader) -> Self {
        ConfirmSignUpInput {
            username: f.required("username"),
            code: f.required("code"),
        }
    }
}

pub(super) struct ConfirmForgotPasswordInput {
    pub(super) username: String,
    pub(super) code: String,
    pub(super) new_password: String,
}

impl FromInput for ConfirmForgotPasswordInput {
    const FIELDS: &'static [&'static str] = &["username", "code", "newPassword"];

    fn read(f: &mut InputReader) -> Self {
        ConfirmForgotPasswordInput {
            username: f.required("username"),
            code: f.required("code"),
            new_password: f.required("newPassword"),
        }
    }
}

pub(super) struct ChangePasswordInput {
    pub(super) old_password: String,
    pub(super) new_password: String,
}

impl FromInput for ChangePasswordInput {
    const FIELDS: &'static [&'static str] = &["oldPassword", "newPassword"];

    fn read(f: &mut InputReader) -> Self {
        ChangePasswordInput {
            old_password: f.required("oldPassword"),
            new_password: f.required("newPassword"),
        }
    }
}

#[derive(Default)]
pub(super) struct SessionOptions {
    pub(super) force_refresh: bool,
}

impl FromInput for SessionOptions {
    const FIELDS: &'static [&'static str] = &["forceRefresh"];

    fn read(f: &mut InputReader) -> Self {
        SessionOptions {
            force_refresh: f.bool("forceRefresh").unwrap_or(false),
        }
    }
}

#[derive(Default)]
pub(super) struct SignOutInput {
    pub(super) global: bool,
}

impl FromInput for SignOutInput {
    const FIELDS: &'static [&'static str] = &["global"];

    fn read(f: &mut InputReader) -> Self {
        SignOutInput {
            global: f.bool("global").unwrap_or(false),
        }
    }
}

#[wasm_bindgen(js_class = Client)]
impl Client {
    /// Computes the SRP public value now (a few ms), so that `signIn` waits only on the network.
    /// Call it when the sign-in form appears; optional. Given the `username` (when its field
    /// loses focus, say), it also starts Cognito's `InitiateAuth` for it, so that submitting
    /// the password waits for one round trip instead of two. `signIn` with another username, or
    /// more than 2.5 minutes later, starts again on its own; an early call that failed is made
    /// again by `signIn`, whose error then says what went wrong. Calling it again for the same
    /// username sends nothing.
    ///
    /// @throws `InvalidInputError` for an input that is not `{ username?: string }`; an
    /// `InternalError` only if the browser gives no random bytes. Never for the network: that
    /// waits for `signIn`.
    /// @example
    /// ```ts
    /// aws.auth.prepareSignIn(); // when the form shows; signIn then starts at once
    /// const field = document.querySelector<HTMLInputElement>("#username")!;
    /// field.addEventListener("blur", () => aws.auth.prepareSignIn({ username: field.value }));
    /// ```
    #[wasm_bindgen(js_name = prepareSignIn)]
    pub fn prepare_sign_in(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "PrepareSignInInput")] input: JsValue,
    ) -> Result<(), JsValue> {
        let input: PrepareSignInInput = optional("prepareSignIn", &input)?;
        if let Some(early) = self.session.prepare_sign_in(input.username.as_deref())? {
            spawn_local(early);
        }
        Ok(())
    }

    /// Signs in with SRP; the password never leaves the page. Given a username alone (or a
    /// `preferredChallenge`), starts choice-based sign-in (Cognito's `USER_AUTH`, where the app
    /// client allows it): the next step is `SELECT_CHALLENGE` with the first factors the pool
    /// offers the user (`nextStep.availableChallenges`), or the preferred one's: a code sent by
    /// email or SMS (`EMAIL_OTP`, `SMS_OTP`), a passkey (`WEB_AUTHN`: the browser's passkey
    /// prompt opens in the same call, and its assertion goes to Cognito), or the password, proven
    /// with SRP (`PASSWORD_SRP`) or sent to Cognito (`PASSWORD`).
    ///
    /// Resolves to `{ signedIn: true, user }`, or to `{ signedIn: false, nextStep }` when Cognito
    /// asks for more (a factor to choose, a code, a new password, an MFA code, an MFA choice or
    /// setup): answer with `confirmSignIn`.
    ///
    /// @throws `InvalidInputError` (with `field`) for an empty or missing username, an empty
    /// password, an unknown `preferredChallenge`, or a password factor without the password,
    /// before a request is sent.
    /// @throws `NotAuthorizedException` for a wrong password (or an unknown user, when the pool
    /// hides which), `UserNotFoundException`, `UserNotConfirmedException` (confirm with
    /// `confirmSignUp`), `PasswordResetRequiredException`, `TooManyRequestsException`: Cognito's
    /// own names.
    /// @throws `PasskeyNotSupportedError`, `PasskeyCancelledError` (the user cancelled the passkey
    /// prompt, or it timed out) for `WEB_AUTHN`: nothing is stored, sign in again.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// let r = await aws.auth.signIn({ username: "alice", password: "Alice-Passw0rd!" });
    /// while (!r.signedIn) r = await aws.auth.confirmSignIn({ code: await ask(r.nextStep.name) });
    /// console.log(r.user.username);
    /// // With a code instead of a password:
    /// let c = await aws.auth.signIn({ username: "alice", preferredChallenge: "EMAIL_OTP" });
    /// if (!c.signedIn) c = await aws.auth.confirmSignIn({ code: await ask("the emailed code") });
    /// // With a passkey (registered with associateWebAuthnCredential):
    /// const p = await aws.auth.signIn({ username: "alice", preferredChallenge: "WEB_AUTHN" });
    /// ```
    #[wasm_bindgen(js_name = signIn, unchecked_return_type = "Promise<SignInResult>")]
    pub fn sign_in(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SignInInput")] input: JsValue,
    ) -> Promise {
        with_input("signIn", input, |i: SignInInput| {
            let future: LocalBoxFuture<'static, Result<SignInStep, Error>> =
                match (i.password, i.preferred_challenge) {
                    (Some(password), None) => {
                        Box::pin(self.session.sign_in(&i.username, Zeroizing::new(password)))
                    }
                    (password, preferred) => Box::pin(self.session.sign_in_with_choice(
                        &i.username,
                        preferred,
                        password.map(Zeroizing::new),
                    )),
                };
            async move { sign_in_result(future.await?) }
        })
    }

    /// Answers the step `signIn` returned (a first factor, a code, a new password, an MFA code,
    /// an MFA choice, a TOTP code).
    ///
    /// Resolves like `signIn`: signed in, or the next step.
    ///
    /// @throws `InvalidInputError` with `field: "challenge"` when no sign-in is waiting for an
    /// answer or its challenge expired (Cognito keeps it 3 minutes: sign in again); with another
    /// `field` when the answer does not fit the step (`code` for a code step, `newPassword` for
    /// NEW_PASSWORD_REQUIRED, `firstFactor` (one of `availableChallenges`) and, for the password
    /// factors, `password` for SELECT_CHALLENGE, ...).
    /// @throws `CodeMismatchException` for a wrong code, `ExpiredCodeException`,
    /// `NotAuthorizedException` when Cognito ended the sign-in session, `InvalidPasswordException`
    /// for a new password the pool's policy refuses.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// const r = await aws.auth.signIn({ username, password });
    /// if (!r.signedIn && r.nextStep.name === "NEW_PASSWORD_REQUIRED") {
    ///   await aws.auth.confirmSignIn({ newPassword: "N3w-Passw0rd!" });
    /// } else if (!r.signedIn) {
    ///   await aws.auth.confirmSignIn({ code: await ask("the code from your app") });
    /// }
    /// ```
    #[wasm_bindgen(js_name = confirmSignIn, unchecked_return_type = "Promise<SignInResult>")]
    pub fn confirm_sign_in(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConfirmSignInInput")] input: JsValue,
    ) -> Promise {
        with_input("confirmSignIn", input, |i: ConfirmSignInInput| {
            let answer = ChallengeResponse {
                code: i.code,
                new_password: i.new_password,
                attributes: i.attributes,
                mfa_type: i.mfa_type,
                answer: i.answer,
                first_factor: i.first_factor,
                password: i.password.map(Zeroizing::new),
            };
            let future = self.session.confirm_sign_in(answer);
            async move { sign_in_result(future.await?) }
        })
    }

    /// Starts TOTP setup and returns the secret for an authenticator app: during an `MFA_SETUP`
    /// sign-in step (then `confirmSignIn({ code })`), or when signed in (then
    /// `verifyTotpSetup({ code })`).
    ///
    /// @throws `NotAuthorizedException` when no one is signed in and no sign-in step is waiting;
    /// `InvalidInputError` (`field: "challenge"`) when the waiting step is not MFA_SETUP.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// const { totpUri } = await aws.auth.setUpTotp(); // show it as a QR code
    /// await aws.auth.verifyTotpSetup({ code: await ask(totpUri) });
    /// ```
    #[wasm_bindgen(js_name = setUpTotp, unchecked_return_type = "Promise<TotpSetup>")]
    pub fn set_up_totp(&self) -> Promise {
        let future = self.session.setup_totp();
        promise(async move {
            let setup = future.await?;
            let out = js_sys::Object::new();
            set(&out, "totpSecret", &setup.secret.as_str().into());
            set(&out, "totpUri", &setup.uri.as_str().into());
            Ok(out.into())
        })
    }

    /// Completes TOTP setup for the signed-in user with the app's first code; TOTP becomes their
    /// preferred MFA, asked for at every sign-in.
    ///
    /// @throws `InvalidInputError` for a missing code.
    /// @throws `EnableSoftwareTokenMFAException` or `CodeMismatchException` for a wrong code,
    /// `NotAuthorizedException` when no one is signed in.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// const { totpSecret } = await aws.auth.setUpTotp();
    /// await aws.auth.verifyTotpSetup({ code: await ask(`type ${totpSecret} into your app`) });
    /// ```
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

    /// Registers a user; Cognito sends a confirmation code unless the pool auto-confirms. Without
    /// a password, the user signs in with a code (where the pool allows choice-based sign-in);
    /// after `confirmSignUp`, `autoSignIn` signs them in.
    ///
    /// @throws `InvalidInputError` (with `field`) for a missing username, an empty password, or
    /// an attribute that is not a string.
    /// @throws `UsernameExistsException`, `InvalidPasswordException` (the pool's password policy),
    /// `InvalidParameterException` (a missing or malformed required attribute, or no password
    /// where the pool requires one).
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// const { userConfirmed } = await aws.auth.signUp({
    ///   username: "carol", password: "Carol-Passw0rd!", attributes: { email: "carol@example.com" },
    /// });
    /// if (!userConfirmed) await aws.auth.confirmSignUp({ username: "carol", code: await ask("code") });
    /// ```
    #[wasm_bindgen(js_name = signUp, unchecked_return_type = "Promise<SignUpResult>")]
    pub fn sign_up(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SignUpInput")] input: JsValue,
    ) -> Promise {
        with_input("signUp", input, |i: SignUpInput| {
            let future: LocalBoxFuture<'static, Result<_, Error>> = match i.password {
                Some(password) => Box::pin(self.session.sign_up(
                    i.username,
                    Zeroizing::new(password),
                    i.attributes,
                )),
                None => Box::pin(
                    self.session
                        .sign_up_without_password(i.username, i.attributes),
                ),
            };
            async move {
                let r = future.await?;
                let out = js_sys::Object::new();
                set(&out, "userConfirmed", &r.user_confirmed.into());
                set(&out, "userSub", &r.user_sub.into());
                if let Some(c) = &r.code_delivery {
                    set(&out, "codeDelivery", &code_delivery_to_js(c));
                }
                Ok(out.into())
            }
        })
    }

    /// Confirms a sign-up with the emailed or texted code.
    ///
    /// @throws `InvalidInputError` for a missing username or code.
    /// @throws `CodeMismatchException`, `ExpiredCodeException` (ask for a new one with
    /// `resendSignUpCode`), `NotAuthorizedException` when the user is already confirmed.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// await aws.auth.confirmSignUp({ username: "carol", code: "123456" });
    /// ```
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

    /// Signs in the user this page signed up, right after `confirmSignUp`: the confirmation code
    /// was the first factor (Cognito's `USER_AUTH` with the session `ConfirmSignUp` returned,
    /// where the app client allows choice-based sign-in). Usable once, within the session's
    /// life (the app client's `AuthSessionValidity`, 3 minutes by default). Resolves like
    /// `signIn`.
    ///
    /// @throws `InvalidInputError` (`field: "autoSignIn"`) when no sign-up was confirmed on this
    /// page since the last `autoSignIn`.
    /// @throws `NotAuthorizedException` when Cognito no longer accepts the session (expired).
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// await aws.auth.signUp({ username: "carol", attributes: { email: "carol@example.com" } });
    /// await aws.auth.confirmSignUp({ username: "carol", code: await ask("the emailed code") });
    /// const { signedIn } = await aws.auth.autoSignIn();
    /// ```
    #[wasm_bindgen(js_name = autoSignIn, unchecked_return_type = "Promise<SignInResult>")]
    pub fn auto_sign_in(&self) -> Promise {
        let future = self.session.auto_sign_in();
        promise(async move { sign_in_result(future.await?) })
    }

    /// Sends the sign-up confirmation code again.
    ///
    /// @throws `InvalidInputError` for a missing username.
    /// @throws `UserNotFoundException`, `InvalidParameterException` when the user is already
    /// confirmed, `LimitExceededException` when asked too often.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// const { destination, medium } = await aws.auth.resendSignUpCode({ username: "carol" });
    /// console.log(`a new code went to ${destination} (${medium})`);
    /// ```
    #[wasm_bindgen(js_name = resendSignUpCode, unchecked_return_type = "Promise<CodeDelivery>")]
    pub fn resend_sign_up_code(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UsernameInput")] input: JsValue,
    ) -> Promise {
        with_input("resendSignUpCode", input, |i: UsernameInput| {
            let future = self.session.resend_sign_up_code(i.username);
            async move { Ok(code_delivery_to_js(&future.await?)) }
        })
    }

    /// Starts a password reset: Cognito sends a code.
    ///
    /// @throws `InvalidInputError` for a missing username.
    /// @throws `UserNotFoundException` (unless the pool hides it), `LimitExceededException`,
    /// `InvalidParameterException` when the user has no verified email or phone.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// const { destination } = await aws.auth.forgotPassword({ username: "alice" });
    /// await aws.auth.confirmForgotPassword({ username: "alice", code: await ask(destination), newPassword: "N3w-Passw0rd!" });
    /// ```
    #[wasm_bindgen(js_name = forgotPassword, unchecked_return_type = "Promise<CodeDelivery>")]
    pub fn forgot_password(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UsernameInput")] input: JsValue,
    ) -> Promise {
        with_input("forgotPassword", input, |i: UsernameInput| {
            let future = self.session.forgot_password(i.username);
            async move { Ok(code_delivery_to_js(&future.await?)) }
        })
    }

    /// Sets a new password with the reset code.
    ///
    /// @throws `InvalidInputError` for a missing username, code or new password.
    /// @throws `CodeMismatchException`, `ExpiredCodeException`, `InvalidPasswordException` (the
    /// pool's password policy).
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// await aws.auth.confirmForgotPassword({ username: "alice", code: "654321", newPassword: "N3w-Passw0rd!" });
    /// ```
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
    ///
    /// @throws `InvalidInputError` for a missing old or new password.
    /// @throws `NotAuthorizedException` for a wrong old password or when no one is signed in,
    /// `InvalidPasswordException` (the pool's password policy), `LimitExceededException`.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// await aws.auth.changePassword({ oldPassword: "Alice-Passw0rd!", newPassword: "N3w-Passw0rd!" });
    /// ```
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
    ///
    /// The session is forgotten here (memory and storage) even when a request fails; a plain
    /// sign-out ignores a failed revocation.
    ///
    /// @throws `InvalidInputError` for an unknown option.
    /// @throws with `{ global: true }` only: GlobalSignOut's errors (`NotAuthorizedException` when
    /// the tokens were already revoked, `NetworkError`, ...); the session has ended here all the
    /// same.
    /// @example
    /// ```ts
    /// await aws.auth.signOut();                 // this browser
    /// await aws.auth.signOut({ global: true }); // every device of the user
    /// ```
    #[wasm_bindgen(js_name = signOut, unchecked_return_type = "Promise<void>")]
    pub fn sign_out(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "SignOutInput")] input: JsValue,
    ) -> Promise {
        let input: SignOutInput = match optional("signOut", &input) {
            Ok(i) => i,
            Err(e) => return rejected(e),
        };
        // A user who came through the managed login leaves it too (redirect_api.rs).
        let was_redirect = self.session.take_redirect_sign_in();
        let logout = self.managed_logout_url(was_redirect);
        let future = self.session.sign_out(input.global);
        promise(async move {
            let result = future.await.map(|()| JsValue::UNDEFINED);
            if let Some(url) = logout {
                navigate(&url);
            }
            result
        })
    }

    /// The signed-in user, or `null`; reads memory only, no request.
    ///
    /// @throws never.
    /// @example
    /// ```ts
    /// const user = aws.auth.currentUser();
    /// console.log(user ? `signed in as ${user.username}` : "signed out");
    /// ```
    #[wasm_bindgen(js_name = currentUser, unchecked_return_type = "User | null")]
    pub fn current_user(&self) -> Result<JsValue, JsValue> {
        match self.session.current_user() {
            Some(u) => Ok(user_to_js(&u)),
            None => Ok(JsValue::NULL),
        }
    }

    /// Valid tokens of the signed-in user, refreshed first when about to expire (or now, with
    /// `{ forceRefresh: true }`).
    ///
    /// @throws `NotAuthorizedException` when no one is signed in or the session ended (the refresh
    /// token expired or was revoked: sign in again).
    /// @throws `InvalidInputError` for an unknown option.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// const { idToken, accessToken, user, expiresAt } = await aws.auth.currentSession();
    /// await fetch("/my-api", { headers: { Authorization: `Bearer ${accessToken}` } });
    /// console.log(user.username, idToken.length, new Date(expiresAt));
    /// ```
    #[wasm_bindgen(js_name = currentSession, unchecked_return_type = "Promise<AuthSession>")]
    pub fn current_session(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "SessionOptions")] options: JsValue,
    ) -> Promise {
        let options: SessionOptions = match optional("currentSession", &options) {
            Ok(o) => o,
            Err(e) => return rejected(e),
        };
        let session = self.session.clone();
        let future: LocalBoxFuture<'static, Result<crate::auth::tokens::Tokens, Error>> =
            if options.force_refresh {
                Box::pin(self.session.refresh())
            } else {
                Box::pin(self.session.tokens())
            };
        promise(async move {
            let tokens = future.await?;
            let user = session.current_user().ok_or_else(|| {
                Error::service("NotAuthorizedException", "no user is signed in", 400, None)
            })?;
            let out = js_sys::Object::new();
            set(&out, "user", &user_to_js(&user));
            set(&out, "idToken", &tokens.id_token.as_str().into());
            set(&out, "accessToken", &tokens.access_token.as_str().into());
            set(&out, "expiresAt", &(user.expires_at_ms as f64).into());
            Ok(out.into())
        })
    }

    /// Calls `listener` with a `SessionEvent` on every session change (in other tabs too, with
    /// `storage: "local"`); returns a function that removes it.
    ///
    /// @throws never; an error thrown by `listener` is ignored.
    /// @example
    /// ```ts
    /// const off = aws.auth.onChange((event) => {
    ///   if (event === "sessionExpired") console.log("signed out: sign in again");
    /// });
    /// off(); // stop listening
    /// ```
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
