//! The signed-in user's profile, authorised by their access token: attributes (`GetUser`,
//! `UpdateUserAttributes`, `DeleteUserAttributes`), attribute verification
//! (`GetUserAttributeVerificationCode`, `VerifyUserAttribute`), MFA preferences
//! (`SetUserMFAPreference`, and `GetUser`'s `UserMFASettingList` / `PreferredMfaSetting`) and
//! `DeleteUser`. Request and answer shapes follow the Cognito API reference.

use super::*;

/// An MFA factor, as apps name it; Cognito's names are [`MfaType::cognito_name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MfaType {
    /// A code by text message (`SMS_MFA`).
    Sms,
    /// An authenticator app (`SOFTWARE_TOKEN_MFA`).
    Totp,
    /// A code by email (`EMAIL_OTP`).
    Email,
}

impl MfaType {
    /// Every factor, in the order preferences list them.
    pub const ALL: [MfaType; 3] = [MfaType::Sms, MfaType::Totp, MfaType::Email];

    /// `"SMS"`, `"TOTP"` or `"EMAIL"`.
    pub fn name(self) -> &'static str {
        match self {
            MfaType::Sms => "SMS",
            MfaType::Totp => "TOTP",
            MfaType::Email => "EMAIL",
        }
    }

    /// Cognito's name in `UserMFASettingList` and `PreferredMfaSetting`.
    pub fn cognito_name(self) -> &'static str {
        match self {
            MfaType::Sms => "SMS_MFA",
            MfaType::Totp => "SOFTWARE_TOKEN_MFA",
            MfaType::Email => "EMAIL_OTP",
        }
    }

    /// `"sms"`, `"totp"` or `"email"`: its field in an update.
    pub fn field(self) -> &'static str {
        match self {
            MfaType::Sms => "sms",
            MfaType::Totp => "totp",
            MfaType::Email => "email",
        }
    }

    /// The `SetUserMFAPreference` member that sets it.
    fn settings_key(self) -> &'static str {
        match self {
            MfaType::Sms => "SMSMfaSettings",
            MfaType::Totp => "SoftwareTokenMfaSettings",
            MfaType::Email => "EmailMfaSettings",
        }
    }

    fn from_cognito(name: &str) -> Option<MfaType> {
        MfaType::ALL.into_iter().find(|t| t.cognito_name() == name)
    }
}

/// What one factor becomes (Amplify's four values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MfaChoice {
    /// On; whether it is the preferred factor is left as it is.
    Enabled,
    /// Off (and so not preferred).
    Disabled,
    /// On, and the factor asked for at sign-in.
    Preferred,
    /// On, and not the preferred factor.
    NotPreferred,
}

/// The user's MFA factors as `GetUser` reports them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MfaPreference {
    /// The factors turned on, in [`MfaType::ALL`] order.
    pub enabled: Vec<MfaType>,
    /// The factor asked for at sign-in, if one is preferred.
    pub preferred: Option<MfaType>,
}

/// What `GetUser` answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserProfile {
    /// The attributes, names to values, in Cognito's order (`sub`, `email`, `email_verified`, ...).
    pub attributes: Vec<(String, String)>,
    /// The MFA factors.
    pub mfa: MfaPreference,
}

/// One profile operation: its name and its body, to which [`UserPool::profile`] adds the access
/// token. Built (and its input checked) before anything is sent; one generic sender serves every
/// operation, so each adds only its own body and reader to the package.
#[derive(Debug)]
pub struct ProfileCall {
    /// The operation (`GetUser`, `UpdateUserAttributes`, ...).
    pub operation: &'static str,
    body: Json,
}

impl ProfileCall {
    pub(super) fn new(operation: &'static str, body: Json) -> ProfileCall {
        ProfileCall { operation, body }
    }

    /// `GetUser`: read with [`read_user_profile`].
    pub fn get_user() -> ProfileCall {
        ProfileCall::new("GetUser", json!({}))
    }

    /// `UpdateUserAttributes`: read with [`read_code_deliveries`], where Cognito sent a code for
    /// each new email or phone number the pool verifies.
    pub fn update_user_attributes(attributes: &[(String, String)]) -> Result<ProfileCall> {
        if attributes.is_empty() {
            return Err(Error::invalid_input(
                "attributes",
                "attributes names no attribute",
            ));
        }
        for (name, _) in attributes {
            not_empty("attributes", name)?;
        }
        let list: Vec<Json> = attributes
            .iter()
            .map(|(k, v)| json!({"Name": k, "Value": v}))
            .collect();
        Ok(ProfileCall::new(
            "UpdateUserAttributes",
            json!({"UserAttributes": list}),
        ))
    }

    /// `DeleteUserAttributes`.
    pub fn delete_user_attributes(names: &[String]) -> Result<ProfileCall> {
        if names.is_empty() {
            return Err(Error::invalid_input("names", "names is empty"));
        }
        for name in names {
            not_empty("names", name)?;
        }
        let names: Vec<Json> = names.iter().map(|n| json!(n)).collect();
        Ok(ProfileCall::new(
            "DeleteUserAttributes",
            json!({"UserAttributeNames": names}),
        ))
    }

    /// `GetUserAttributeVerificationCode` for `attribute` (`email` or `phone_number`): read
    /// with [`read_code_delivery`].
    pub fn get_user_attribute_verification_code(attribute: &str) -> Result<ProfileCall> {
        not_empty("attribute", attribute)?;
        Ok(ProfileCall::new(
            "GetUserAttributeVerificationCode",
            json!({"AttributeName": attribute}),
        ))
    }

    /// `VerifyUserAttribute` with the code Cognito sent.
    pub fn verify_user_attribute(attribute: &str, code: &str) -> Result<ProfileCall> {
        not_empty("attribute", attribute)?;
        not_empty("code", code)?;
        Ok(ProfileCall::new(
            "VerifyUserAttribute",
            json!({"AttributeName": attribute, "Code": code.trim()}),
        ))
    }

    /// `SetUserMFAPreference` for the factors named in `choices`; the others stay as they are.
    pub fn set_user_mfa_preference(choices: &[(MfaType, MfaChoice)]) -> Result<ProfileCall> {
        if choices.is_empty() {
            return Err(Error::invalid_input(
                "mfa",
                "name at least one of sms, totp, email",
            ));
        }
        let mut preferred = choices.iter().filter(|(_, c)| *c == MfaChoice::Preferred);
        if let (Some(_), Some((second, _))) = (preferred.next(), preferred.next()) {
            let field = second.field();
            return Err(Error::invalid_input(
                field,
                format!("{field}: only one factor can be PREFERRED"),
            ));
        }
        let mut body = json!({});
        for (factor, choice) in choices {
            body[factor.settings_key()] = match choice {
                MfaChoice::Enabled => json!({"Enabled": true}),
                MfaChoice::Disabled => json!({"Enabled": false, "PreferredMfa": false}),
                MfaChoice::Preferred => json!({"Enabled": true, "PreferredMfa": true}),
                MfaChoice::NotPreferred => json!({"Enabled": true, "PreferredMfa": false}),
            };
        }
        Ok(ProfileCall::new("SetUserMFAPreference", body))
    }

    /// `DeleteUser`.
    pub fn delete_user() -> ProfileCall {
        ProfileCall::new("DeleteUser", json!({}))
    }
}

/// The user's attributes and MFA settings from a `GetUser` answer.
pub fn read_user_profile(answer: &Json) -> Result<UserProfile> {
    let attributes = answer
        .get("UserAttributes")
        .and_then(Json::as_array)
        .ok_or_else(|| Error::protocol("GetUser returned no UserAttributes"))?
        .iter()
        .filter_map(|a| Some((text(a, "Name"), a.get("Value")?.as_str()?.to_owned())))
        .filter(|(name, _)| !name.is_empty())
        .collect();
    let listed: Vec<&str> = answer
        .get("UserMFASettingList")
        .and_then(Json::as_array)
        .map(|list| list.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    Ok(UserProfile {
        attributes,
        mfa: MfaPreference {
            enabled: MfaType::ALL
                .into_iter()
                .filter(|t| listed.contains(&t.cognito_name()))
                .collect(),
            preferred: answer
                .get("PreferredMfaSetting")
                .and_then(Json::as_str)
                .and_then(MfaType::from_cognito),
        },
    })
}

/// Where Cognito sent codes, from an `UpdateUserAttributes` answer (none when it sent none).
pub fn read_code_deliveries(answer: &Json) -> Vec<CodeDelivery> {
    answer
        .get("CodeDeliveryDetailsList")
        .and_then(Json::as_array)
        .map(|list| list.iter().map(code_delivery).collect())
        .unwrap_or_default()
}

/// Where Cognito sent the code, from a `GetUserAttributeVerificationCode` answer.
pub fn read_code_delivery(answer: &Json) -> CodeDelivery {
    answer
        .get("CodeDeliveryDetails")
        .map(code_delivery)
        .unwrap_or_default()
}

impl<T: Transport> UserPool<'_, T> {
    /// Sends `call` with the signed-in user's access token.
    pub async fn profile(&self, access_token: &str, call: ProfileCall) -> Result<Zeroizing<Json>> {
        let mut body = call.body;
        body["AccessToken"] = json!(access_token);
        self.call(call.operation, &body).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{block_on, target, Answer, ScriptedTransport};

    /// Sends `call` with the access token "at" to a transport answering `answer`; returns the
    /// answer read back, the X-Amz-Target and the body sent.
    fn send(call: ProfileCall, answer: &'static str) -> (Json, String, Json) {
        let c = ScriptedTransport::always(Answer::status(200, answer));
        let pool = UserPool {
            transport: &c,
            endpoint: "http://idp",
            client_id: "client1",
        };
        let read = block_on(pool.profile("at", call)).unwrap();
        let r = c.request(0);
        (
            (*read).clone(),
            target(&r).to_owned(),
            Json::parse(&r.body).unwrap(),
        )
    }

    #[test]
    fn get_user_reads_attributes_and_mfa_settings() {
        // The GetUser answer of the Cognito API reference, with email MFA preferred.
        let (answer, target, body) = send(
            ProfileCall::get_user(),
            r#"{"Username":"alice","UserAttributes":[{"Name":"sub","Value":"5f1c"},{"Name":"email","Value":"a@example.com"},{"Name":"email_verified","Value":"true"}],"UserMFASettingList":["SOFTWARE_TOKEN_MFA","EMAIL_OTP","WEB_AUTHN"],"PreferredMfaSetting":"EMAIL_OTP"}"#,
        );
        assert_eq!(
            (target.as_str(), body),
            (
                "AWSCognitoIdentityProviderService.GetUser",
                json!({"AccessToken": "at"})
            )
        );
        let p = read_user_profile(&answer).unwrap();
        assert_eq!(
            p.attributes,
            [
                ("sub".into(), "5f1c".into()),
                ("email".into(), "a@example.com".into()),
                ("email_verified".into(), "true".into())
            ]
        );
        assert_eq!(p.mfa.enabled, [MfaType::Totp, MfaType::Email]);
        assert_eq!(p.mfa.preferred, Some(MfaType::Email));

        let none = json!({"Username": "bob", "UserAttributes": [], "PreferredMfaSetting": ""});
        assert_eq!(
            read_user_profile(&none).unwrap().mfa,
            MfaPreference::default()
        );
        assert_eq!(
            read_user_profile(&json!({"Username": "bob"}))
                .unwrap_err()
                .kind,
            crate::ErrorKind::Protocol
        );
    }

    #[test]
    fn an_attribute_update_goes_out_as_the_reference_shows_and_reads_its_code_deliveries() {
        let call = ProfileCall::update_user_attributes(&[
            ("email".into(), "new@example.com".into()),
            ("name".into(), "Zoë".into()),
        ])
        .unwrap();
        let (answer, target, body) = send(
            call,
            r#"{"CodeDeliveryDetailsList":[{"AttributeName":"email","DeliveryMedium":"EMAIL","Destination":"n***@e***"}]}"#,
        );
        assert_eq!(
            target,
            "AWSCognitoIdentityProviderService.UpdateUserAttributes"
        );
        assert_eq!(
            body,
            json!({"AccessToken": "at", "UserAttributes": [
                {"Name": "email", "Value": "new@example.com"}, {"Name": "name", "Value": "Zoë"}
            ]})
        );
        assert_eq!(
            read_code_deliveries(&answer),
            [CodeDelivery {
                destination: "n***@e***".into(),
                medium: "EMAIL".into(),
                attribute: "email".into()
            }]
        );
        assert!(read_code_deliveries(&json!({})).is_empty());
    }

    #[test]
    fn mfa_choices_become_the_settings_of_set_user_mfa_preference() {
        let call = ProfileCall::set_user_mfa_preference(&[
            (MfaType::Sms, MfaChoice::Disabled),
            (MfaType::Totp, MfaChoice::NotPreferred),
            (MfaType::Email, MfaChoice::Preferred),
        ])
        .unwrap();
        let (_, target, body) = send(call, "{}");
        assert_eq!(
            (target.as_str(), body),
            (
                "AWSCognitoIdentityProviderService.SetUserMFAPreference",
                json!({
                    "AccessToken": "at",
                    "SMSMfaSettings": {"Enabled": false, "PreferredMfa": false},
                    "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": false},
                    "EmailMfaSettings": {"Enabled": true, "PreferredMfa": true},
                })
            )
        );
        let call =
            ProfileCall::set_user_mfa_preference(&[(MfaType::Totp, MfaChoice::Enabled)]).unwrap();
        assert_eq!(
            send(call, "{}").2,
            json!({"AccessToken": "at", "SoftwareTokenMfaSettings": {"Enabled": true}})
        );
    }

    #[test]
    fn the_other_operations_send_the_reference_bodies() {
        let (answer, _, body) = send(
            ProfileCall::get_user_attribute_verification_code("phone_number").unwrap(),
            r#"{"CodeDeliveryDetails":{"AttributeName":"phone_number","DeliveryMedium":"SMS","Destination":"+*******0001"}}"#,
        );
        let d = read_code_delivery(&answer);
        assert_eq!(
            (d.medium.as_str(), d.attribute.as_str()),
            ("SMS", "phone_number")
        );
        assert_eq!(
            body,
            json!({"AccessToken": "at", "AttributeName": "phone_number"})
        );

        for (call, operation, sent) in [
            (
                ProfileCall::verify_user_attribute("email", " 123456 ").unwrap(),
                "VerifyUserAttribute",
                json!({"AccessToken": "at", "AttributeName": "email", "Code": "123456"}),
            ),
            (
                ProfileCall::delete_user_attributes(&["name".into(), "locale".into()]).unwrap(),
                "DeleteUserAttributes",
                json!({"AccessToken": "at", "UserAttributeNames": ["name", "locale"]}),
            ),
            (
                ProfileCall::delete_user(),
                "DeleteUser",
                json!({"AccessToken": "at"}),
            ),
        ] {
            let (_, target, body) = send(call, "{}");
            assert_eq!(
                (target, body),
                (
                    format!("AWSCognitoIdentityProviderService.{operation}"),
                    sent
                )
            );
        }
    }

    #[test]
    fn empty_or_contradictory_input_is_refused_before_anything_is_built() {
        let field = |r: Result<ProfileCall>| r.unwrap_err().field.clone().unwrap_or_default();
        assert_eq!(
            field(ProfileCall::update_user_attributes(&[])),
            "attributes"
        );
        assert_eq!(
            field(ProfileCall::update_user_attributes(&[(
                " ".into(),
                "x".into()
            )])),
            "attributes"
        );
        assert_eq!(field(ProfileCall::delete_user_attributes(&[])), "names");
        assert_eq!(
            field(ProfileCall::get_user_attribute_verification_code("")),
            "attribute"
        );
        assert_eq!(
            field(ProfileCall::verify_user_attribute("email", " ")),
            "code"
        );
        assert_eq!(field(ProfileCall::set_user_mfa_preference(&[])), "mfa");
        assert_eq!(
            field(ProfileCall::set_user_mfa_preference(&[
                (MfaType::Sms, MfaChoice::Preferred),
                (MfaType::Email, MfaChoice::Preferred)
            ])),
            "email"
        );
    }
}
