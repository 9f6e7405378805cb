//! The profile exports of `Client`: the signed-in user's attributes and their verification, MFA
//! preferences and deleting the user (Amplify v6's names), their inputs and results.

use super::auth_api::code_delivery_to_js;
use super::*;
use crate::auth::user_pool::profile::{self, MfaChoice, MfaPreference, MfaType, ProfileCall};
use crate::codec::json::Json;

/// TypeScript types: the profile methods.
#[wasm_bindgen(typescript_custom_section)]
const PROFILE_TYPES: &'static str = r##"
/**
 * The signed-in user's attributes, by Cognito's names (`sub`, `email`, `email_verified`,
 * `phone_number`, `name`, `custom:...`), every value a string (`email_verified` is "true" or
 * "false").
 */
export type UserAttributes = Record<string, string>;
/** The input of `updateUserAttributes`: the attributes to set, by Cognito's names. */
export interface UpdateUserAttributesInput { attributes: StringMap }
/**
 * What became of one attribute of an `updateUserAttributes`: set (`DONE`), or waiting for the
 * code Cognito sent to the new email or phone number (`CONFIRM_ATTRIBUTE_WITH_CODE`: answer
 * with `confirmUserAttribute`). Until then the new value is unverified, or, on a pool that keeps
 * the original value until an update is confirmed, not in force yet.
 */
export type AttributeUpdate =
  | { isUpdated: true; nextStep: { name: "DONE" } }
  | { isUpdated: false; nextStep: { name: "CONFIRM_ATTRIBUTE_WITH_CODE"; codeDelivery: CodeDelivery } };
/** What `updateUserAttributes` resolves to: each attribute it was given, by name. */
export type UpdateUserAttributesResult = Record<string, AttributeUpdate>;
/** The input of `deleteUserAttributes`: attribute names. */
export interface DeleteUserAttributesInput { names: string[] }
/** The input of `sendUserAttributeVerificationCode`: "email" or "phone_number". */
export interface UserAttributeInput { attribute: string }
/** The input of `confirmUserAttribute`: the attribute and the code Cognito sent for it. */
export interface ConfirmUserAttributeInput { attribute: string; code: string }
/** An MFA factor: a texted code, an authenticator app, an emailed code. */
export type MfaType = "SMS" | "TOTP" | "EMAIL";
/** The user's MFA factors: those turned on, and the one asked for at sign-in. */
export interface MfaPreference { enabled: MfaType[]; preferred?: MfaType }
/**
 * What a factor becomes: on (`ENABLED`, its preference left as it is), off, on and preferred,
 * on and not preferred.
 */
export type MfaChoice = "ENABLED" | "DISABLED" | "PREFERRED" | "NOT_PREFERRED";
/** The input of `updateMFAPreference`: the factors to change (at least one). */
export interface UpdateMfaPreferenceInput { sms?: MfaChoice; totp?: MfaChoice; email?: MfaChoice }
"##;

pub(super) struct UpdateUserAttributesInput {
    attributes: Vec<(String, String)>,
}

impl FromInput for UpdateUserAttributesInput {
    const FIELDS: &'static [&'static str] = &["attributes"];

    fn read(f: &mut InputReader) -> Self {
        if f.get("attributes").is_none() && f.error.is_none() {
            f.wrong("attributes", "given");
        }
        UpdateUserAttributesInput {
            attributes: f.pairs("attributes"),
        }
    }
}

pub(super) struct DeleteUserAttributesInput {
    names: Vec<String>,
}

impl FromInput for DeleteUserAttributesInput {
    const FIELDS: &'static [&'static str] = &["names"];

    fn read(f: &mut InputReader) -> Self {
        let names = match f.get("names") {
            None => {
                f.wrong("names", "given");
                Vec::new()
            }
            Some(v) => {
                let strings = js_sys::Array::is_array(&v)
                    .then(|| {
                        js_sys::Array::from(&v)
                            .iter()
                            .map(|s| s.as_string())
                            .collect()
                    })
                    .flatten();
                strings.unwrap_or_else(|| {
                    f.mistyped("names", "an array of strings", &v);
                    Vec::new()
                })
            }
        };
        DeleteUserAttributesInput { names }
    }
}

pub(super) struct UserAttributeInput {
    attribute: String,
}

impl FromInput for UserAttributeInput {
    const FIELDS: &'static [&'static str] = &["attribute"];

    fn read(f: &mut InputReader) -> Self {
        UserAttributeInput {
            attribute: f.required("attribute"),
        }
    }
}

pub(super) struct ConfirmUserAttributeInput {
    attribute: String,
    code: String,
}

impl FromInput for ConfirmUserAttributeInput {
    const FIELDS: &'static [&'static str] = &["attribute", "code"];

    fn read(f: &mut InputReader) -> Self {
        ConfirmUserAttributeInput {
            attribute: f.required("attribute"),
            code: f.required("code"),
        }
    }
}

pub(super) struct UpdateMfaPreferenceInput {
    choices: Vec<(MfaType, MfaChoice)>,
}

const MFA_CHOICES: &[&str] = &["ENABLED", "DISABLED", "PREFERRED", "NOT_PREFERRED"];

impl FromInput for UpdateMfaPreferenceInput {
    const FIELDS: &'static [&'static str] = &["sms", "totp", "email"];

    fn read(f: &mut InputReader) -> Self {
        let mut choices = Vec::new();
        for factor in MfaType::ALL {
            let choice = match f.one_of(factor.field(), MFA_CHOICES) {
                Some("ENABLED") => MfaChoice::Enabled,
                Some("DISABLED") => MfaChoice::Disabled,
                Some("PREFERRED") => MfaChoice::Preferred,
                Some(_) => MfaChoice::NotPreferred,
                None => continue,
            };
            choices.push((factor, choice));
        }
        UpdateMfaPreferenceInput { choices }
    }
}

/// Reads Cognito's answer to a profile operation into what the method resolves to.
type Reader = Box<dyn FnOnce(&Json) -> Result<JsValue, Error>>;

/// The promise of one profile operation: `call` (an `InvalidInputError` already, for bad input:
/// then nothing is sent) with the user's access token, its answer read by `read`. One copy of
/// this machinery serves every profile method.
fn profile_promise(
    session: &Rc<Session<Fetch>>,
    call: Result<ProfileCall, Error>,
    read: Reader,
) -> Promise {
    let answer = session.profile_call(call);
    promise_of(Box::pin(async move { read(&*answer.await?) }))
}

/// Reads the input object of method `name`, then [`profile_promise`] with the call `build`
/// makes of it; a promise rejected with the `InvalidInputError` of bad input.
fn profile_input<I: FromInput>(
    session: &Rc<Session<Fetch>>,
    name: &str,
    input: &JsValue,
    build: impl FnOnce(&I) -> Result<ProfileCall, Error>,
    read: impl FnOnce(I) -> Reader,
) -> Promise {
    match parse::<I>(name, input) {
        Ok(i) => profile_promise(session, build(&i), read(i)),
        Err(e) => rejected(e),
    }
}

fn nothing() -> Reader {
    Box::new(|_| Ok(JsValue::UNDEFINED))
}

fn mfa_preference_to_js(p: &MfaPreference) -> JsValue {
    let o = js_sys::Object::new();
    let enabled: js_sys::Array = p
        .enabled
        .iter()
        .map(|t| JsValue::from_str(t.name()))
        .collect();
    set(&o, "enabled", &enabled);
    if let Some(t) = p.preferred {
        set(&o, "preferred", &t.name().into());
    }
    o.into()
}

/// Each attribute of an update, by name: done, or waiting for the code in `deliveries`.
fn attribute_updates_to_js(names: &[(String, String)], deliveries: &[CodeDelivery]) -> JsValue {
    let entries = js_sys::Array::new();
    for (name, _) in names {
        let step = js_sys::Object::new();
        let update = js_sys::Object::new();
        match deliveries.iter().find(|d| d.attribute == *name) {
            Some(d) => {
                set(&step, "name", &"CONFIRM_ATTRIBUTE_WITH_CODE".into());
                set(&step, "codeDelivery", &code_delivery_to_js(d));
                set(&update, "isUpdated", &false.into());
            }
            None => {
                set(&step, "name", &"DONE".into());
                set(&update, "isUpdated", &true.into());
            }
        }
        set(&update, "nextStep", &step);
        entries.push(&js_sys::Array::of2(&name.into(), &update));
    }
    // Names come from the app: own properties, as Object.fromEntries makes them (see object_of).
    js_sys::Object::from_entries(&entries).map_or(JsValue::UNDEFINED, JsValue::from)
}

#[wasm_bindgen(js_class = Client)]
impl Client {
    /// The signed-in user's attributes, as Cognito has them now (`GetUser`).
    ///
    /// @throws `NotAuthorizedException` when no one is signed in or the session ended;
    /// `UserNotFoundException` when the user was deleted.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// const attributes = await aws.auth.fetchUserAttributes();
    /// console.log(attributes.email, attributes.email_verified === "true" ? "verified" : "not verified");
    /// ```
    #[wasm_bindgen(js_name = fetchUserAttributes, unchecked_return_type = "Promise<UserAttributes>")]
    pub fn fetch_user_attributes(&self) -> Promise {
        profile_promise(
            &self.session,
            Ok(ProfileCall::get_user()),
            Box::new(|answer| {
                let user = profile::read_user_profile(answer)?;
                Ok(object_of(
                    user.attributes
                        .iter()
                        .map(|(k, v)| (k.as_str(), v.as_str())),
                ))
            }),
        )
    }

    /// Sets attributes of the signed-in user. A new email or phone number that the pool verifies
    /// gets a code: its entry in the result says `CONFIRM_ATTRIBUTE_WITH_CODE` and where the code
    /// went; confirm it with `confirmUserAttribute`. The ID token's claims (`currentUser().email`)
    /// change at the next refresh (`currentSession({ forceRefresh: true })`).
    ///
    /// @throws `InvalidInputError` for no attributes or a value that is not a string, before a
    /// request is sent.
    /// @throws `InvalidParameterException` for a name outside the pool's schema or an immutable
    /// one (`sub`): then nothing is changed; `AliasExistsException` for an email or phone number
    /// another user has; `NotAuthorizedException` when no one is signed in.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// const result = await aws.auth.updateUserAttributes({ attributes: { name: "Zoë", email: "zoe@example.com" } });
    /// const email = result.email;
    /// if (!email.isUpdated) {
    ///   const code = await ask(`the code sent to ${email.nextStep.codeDelivery.destination}`);
    ///   await aws.auth.confirmUserAttribute({ attribute: "email", code });
    /// }
    /// ```
    #[wasm_bindgen(
        js_name = updateUserAttributes,
        unchecked_return_type = "Promise<UpdateUserAttributesResult>"
    )]
    pub fn update_user_attributes(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UpdateUserAttributesInput")] input: JsValue,
    ) -> Promise {
        profile_input(
            &self.session,
            "updateUserAttributes",
            &input,
            |i: &UpdateUserAttributesInput| ProfileCall::update_user_attributes(&i.attributes),
            |i| {
                Box::new(move |answer| {
                    let deliveries = profile::read_code_deliveries(answer);
                    Ok(attribute_updates_to_js(&i.attributes, &deliveries))
                })
            },
        )
    }

    /// Deletes attributes of the signed-in user.
    ///
    /// @throws `InvalidInputError` for no names, or names that are not an array of strings,
    /// before a request is sent.
    /// @throws `InvalidParameterException` for a name outside the schema, or a required or
    /// immutable one (`sub`): then nothing is deleted; `NotAuthorizedException` when no one is
    /// signed in.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// await aws.auth.deleteUserAttributes({ names: ["nickname", "custom:theme"] });
    /// ```
    #[wasm_bindgen(js_name = deleteUserAttributes, unchecked_return_type = "Promise<void>")]
    pub fn delete_user_attributes(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DeleteUserAttributesInput")] input: JsValue,
    ) -> Promise {
        profile_input(
            &self.session,
            "deleteUserAttributes",
            &input,
            |i: &DeleteUserAttributesInput| ProfileCall::delete_user_attributes(&i.names),
            |_| nothing(),
        )
    }

    /// Sends a code that verifies the signed-in user's `email` or `phone_number` (a new value
    /// waiting for confirmation, if there is one); confirm it with `confirmUserAttribute`.
    ///
    /// @throws `InvalidInputError` for a missing attribute name.
    /// @throws `InvalidParameterException` for an attribute that is not verified by code or that
    /// the user has no value for; `LimitExceededException` when asked too often;
    /// `NotAuthorizedException` when no one is signed in.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// const { destination } = await aws.auth.sendUserAttributeVerificationCode({ attribute: "email" });
    /// await aws.auth.confirmUserAttribute({ attribute: "email", code: await ask(`the code sent to ${destination}`) });
    /// ```
    #[wasm_bindgen(
        js_name = sendUserAttributeVerificationCode,
        unchecked_return_type = "Promise<CodeDelivery>"
    )]
    pub fn send_user_attribute_verification_code(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UserAttributeInput")] input: JsValue,
    ) -> Promise {
        profile_input(
            &self.session,
            "sendUserAttributeVerificationCode",
            &input,
            |i: &UserAttributeInput| {
                ProfileCall::get_user_attribute_verification_code(&i.attribute)
            },
            |_| Box::new(|answer| Ok(code_delivery_to_js(&profile::read_code_delivery(answer)))),
        )
    }

    /// Verifies the signed-in user's `email` or `phone_number` with the code Cognito sent; a new
    /// value waiting for confirmation takes effect.
    ///
    /// @throws `InvalidInputError` for a missing attribute name or code.
    /// @throws `CodeMismatchException` for a wrong code, `ExpiredCodeException` (ask for a new one
    /// with `sendUserAttributeVerificationCode`), `AliasExistsException`,
    /// `NotAuthorizedException` when no one is signed in.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// await aws.auth.confirmUserAttribute({ attribute: "email", code: "123456" });
    /// ```
    #[wasm_bindgen(js_name = confirmUserAttribute, unchecked_return_type = "Promise<void>")]
    pub fn confirm_user_attribute(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ConfirmUserAttributeInput")] input: JsValue,
    ) -> Promise {
        profile_input(
            &self.session,
            "confirmUserAttribute",
            &input,
            |i: &ConfirmUserAttributeInput| {
                ProfileCall::verify_user_attribute(&i.attribute, &i.code)
            },
            |_| nothing(),
        )
    }

    /// The signed-in user's MFA factors: those turned on and the preferred one (`GetUser`).
    ///
    /// @throws `NotAuthorizedException` when no one is signed in or the session ended.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// const { enabled, preferred } = await aws.auth.fetchMFAPreference();
    /// console.log(enabled.includes("TOTP") ? `TOTP on (preferred: ${preferred ?? "none"})` : "no TOTP");
    /// ```
    #[wasm_bindgen(js_name = fetchMFAPreference, unchecked_return_type = "Promise<MfaPreference>")]
    pub fn fetch_mfa_preference(&self) -> Promise {
        profile_promise(
            &self.session,
            Ok(ProfileCall::get_user()),
            Box::new(|answer| {
                Ok(mfa_preference_to_js(
                    &profile::read_user_profile(answer)?.mfa,
                ))
            }),
        )
    }

    /// Turns the signed-in user's MFA factors on or off and picks the preferred one; factors left
    /// out stay as they are. TOTP needs `setUpTotp` / `verifyTotpSetup` first, SMS a
    /// `phone_number`, email an `email`.
    ///
    /// @throws `InvalidInputError` for no factor, a value that is not a `MfaChoice`, or two
    /// `PREFERRED`, before a request is sent.
    /// @throws `InvalidParameterException` for a factor the user cannot receive or the pool does
    /// not offer: then nothing is changed; `NotAuthorizedException` when no one is signed in.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// await aws.auth.updateMFAPreference({ totp: "PREFERRED", sms: "DISABLED" });
    /// ```
    #[wasm_bindgen(js_name = updateMFAPreference, unchecked_return_type = "Promise<void>")]
    pub fn update_mfa_preference(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UpdateMfaPreferenceInput")] input: JsValue,
    ) -> Promise {
        profile_input(
            &self.session,
            "updateMFAPreference",
            &input,
            |i: &UpdateMfaPreferenceInput| ProfileCall::set_user_mfa_preference(&i.choices),
            |_| nothing(),
        )
    }

    /// Deletes the signed-in user from the user pool, then signs out here: nothing of theirs
    /// stays in memory or in the app's storage, and `onChange` listeners hear `signedOut`. Their
    /// DynamoDB items and S3 objects stay: delete them first if they should go too.
    ///
    /// @throws `NotAuthorizedException` when no one is signed in or the session ended; when
    /// Cognito refuses, the user stays signed in.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// if (confirm("Delete your account?")) await aws.auth.deleteUser();
    /// console.log(aws.auth.currentUser()); // null
    /// ```
    #[wasm_bindgen(js_name = deleteUser, unchecked_return_type = "Promise<void>")]
    pub fn delete_user(&self) -> Promise {
        let future = self.session.delete_user();
        promise_of(Box::pin(async move {
            future.await.map(|()| JsValue::UNDEFINED)
        }))
    }
}
