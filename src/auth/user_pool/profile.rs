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

impl<T: Transport> UserPool<'_, T> {
    /// The user's attributes and MFA settings.
    pub async fn get_user(&self, access_token: &str) -> Result<UserProfile> {
        let answer = self
            .call("GetUser", &json!({"AccessToken": access_token}))
            .await?;
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

    /// Sets attributes; for each new email or phone number the pool verifies, where Cognito
    /// sent the code that confirms it.
    pub async fn update_user_attributes(
        &self,
        access_token: &str,
        attributes: &[(String, String)],
    ) -> Result<Vec<CodeDelivery>> {
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
        let body = json!({"AccessToken": access_token, "UserAttributes": list});
        let answer = self.call("UpdateUserAttributes", &body).await?;
        Ok(answer
            .get("CodeDeliveryDetailsList")
            .and_then(Json::as_array)
            .map(|list| list.iter().map(code_delivery).collect())
            .unwrap_or_default())
    }

    /// Deletes attributes.
    pub async fn delete_user_attributes(&self, access_token: &str, names: &[String]) -> Result<()> {
        if names.is_empty() {
            return Err(Error::invalid_input("names", "names is empty"));
        }
        for name in names {
            not_empty("names", name)?;
        }
        let names: Vec<Json> = names.iter().map(|n| json!(n)).collect();
        let body = json!({"AccessToken": access_token, "UserAttributeNames": names});
        self.call("DeleteUserAttributes", &body).await.map(drop)
    }

    /// Sends a code that verifies `attribute` (`email` or `phone_number`).
    pub async fn get_user_attribute_verification_code(
        &self,
        access_token: &str,
        attribute: &str,
    ) -> Result<CodeDelivery> {
        not_empty("attribute", attribute)?;
        let body = json!({"AccessToken": access_token, "AttributeName": attribute});
        let answer = self.call("GetUserAttributeVerificationCode", &body).await?;
        Ok(answer
            .get("CodeDeliveryDetails")
            .map(code_delivery)
            .unwrap_or_default())
    }

    /// Verifies `attribute` with the code Cognito sent.
    pub async fn verify_user_attribute(
        &self,
        access_token: &str,
        attribute: &str,
        code: &str,
    ) -> Result<()> {
        not_empty("attribute", attribute)?;
        not_empty("code", code)?;
        let body =
            json!({"AccessToken": access_token, "AttributeName": attribute, "Code": code.trim()});
        self.call("VerifyUserAttribute", &body).await.map(drop)
    }

    /// Sets the factors named in `choices`; the others stay as they are.
    pub async fn set_user_mfa_preference(
        &self,
        access_token: &str,
        choices: &[(MfaType, MfaChoice)],
    ) -> Result<()> {
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
        let mut body = json!({"AccessToken": access_token});
        for (factor, choice) in choices {
            body[factor.settings_key()] = match choice {
                MfaChoice::Enabled => json!({"Enabled": true}),
                MfaChoice::Disabled => json!({"Enabled": false, "PreferredMfa": false}),
                MfaChoice::Preferred => json!({"Enabled": true, "PreferredMfa": true}),
                MfaChoice::NotPreferred => json!({"Enabled": true, "PreferredMfa": false}),
            };
        }
        self.call("SetUserMFAPreference", &body).await.map(drop)
    }

    /// Deletes the user.
    pub async fn delete_user(&self, access_token: &str) -> Result<()> {
        self.call("DeleteUser", &json!({"AccessToken": access_token}))
            .await
            .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{block_on, target, Answer, ScriptedTransport};

    fn pool(c: &ScriptedTransport) -> UserPool<'_, ScriptedTransport> {
        UserPool {
            transport: c,
            endpoint: "http://idp",
            client_id: "client1",
        }
    }

    fn sent(c: &ScriptedTransport) -> (String, Json) {
        let r = c.request(0);
        (target(&r).to_owned(), Json::parse(&r.body).unwrap())
    }

    #[test]
    fn get_user_reads_attributes_and_mfa_settings() {
        // The GetUser answer of the Cognito API reference, with email MFA preferred.
        let c = ScriptedTransport::always(Answer::status(
            200,
            r#"{"Username":"alice","UserAttributes":[{"Name":"sub","Value":"5f1c"},{"Name":"email","Value":"a@example.com"},{"Name":"email_verified","Value":"true"}],"UserMFASettingList":["SOFTWARE_TOKEN_MFA","EMAIL_OTP","WEB_AUTHN"],"PreferredMfaSetting":"EMAIL_OTP"}"#,
        ));
        let p = block_on(pool(&c).get_user("at")).unwrap();
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
        assert_eq!(
            sent(&c),
            (
                "AWSCognitoIdentityProviderService.GetUser".into(),
                json!({"AccessToken": "at"})
            )
        );

        let c = ScriptedTransport::always(Answer::status(
            200,
            r#"{"Username":"bob","UserAttributes":[],"PreferredMfaSetting":""}"#,
        ));
        assert_eq!(
            block_on(pool(&c).get_user("at")).unwrap().mfa,
            MfaPreference::default()
        );
        let c = ScriptedTransport::always(Answer::status(200, r#"{"Username":"bob"}"#));
        assert_eq!(
            block_on(pool(&c).get_user("at")).unwrap_err().kind,
            crate::ErrorKind::Protocol
        );
    }

    #[test]
    fn an_attribute_update_goes_out_as_the_reference_shows_and_reads_its_code_deliveries() {
        let c = ScriptedTransport::always(Answer::status(
            200,
            r#"{"CodeDeliveryDetailsList":[{"AttributeName":"email","DeliveryMedium":"EMAIL","Destination":"n***@e***"}]}"#,
        ));
        let sent_codes = block_on(pool(&c).update_user_attributes(
            "at",
            &[
                ("email".into(), "new@example.com".into()),
                ("name".into(), "Zoë".into()),
            ],
        ))
        .unwrap();
        assert_eq!(
            sent_codes,
            [CodeDelivery {
                destination: "n***@e***".into(),
                medium: "EMAIL".into(),
                attribute: "email".into()
            }]
        );
        assert_eq!(
            sent(&c).1,
            json!({"AccessToken": "at", "UserAttributes": [
                {"Name": "email", "Value": "new@example.com"}, {"Name": "name", "Value": "Zoë"}
            ]})
        );
    }

    #[test]
    fn mfa_choices_become_the_settings_of_set_user_mfa_preference() {
        let c = ScriptedTransport::always(Answer::status(200, "{}"));
        block_on(pool(&c).set_user_mfa_preference(
            "at",
            &[
                (MfaType::Sms, MfaChoice::Disabled),
                (MfaType::Totp, MfaChoice::NotPreferred),
                (MfaType::Email, MfaChoice::Preferred),
            ],
        ))
        .unwrap();
        assert_eq!(
            sent(&c),
            (
                "AWSCognitoIdentityProviderService.SetUserMFAPreference".into(),
                json!({
                    "AccessToken": "at",
                    "SMSMfaSettings": {"Enabled": false, "PreferredMfa": false},
                    "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": false},
                    "EmailMfaSettings": {"Enabled": true, "PreferredMfa": true},
                })
            )
        );
        let c = ScriptedTransport::always(Answer::status(200, "{}"));
        block_on(pool(&c).set_user_mfa_preference("at", &[(MfaType::Totp, MfaChoice::Enabled)]))
            .unwrap();
        assert_eq!(
            sent(&c).1,
            json!({"AccessToken": "at", "SoftwareTokenMfaSettings": {"Enabled": true}})
        );
    }

    #[test]
    fn the_other_operations_send_the_reference_bodies() {
        let c = ScriptedTransport::always(Answer::status(
            200,
            r#"{"CodeDeliveryDetails":{"AttributeName":"phone_number","DeliveryMedium":"SMS","Destination":"+*******0001"}}"#,
        ));
        let d =
            block_on(pool(&c).get_user_attribute_verification_code("at", "phone_number")).unwrap();
        assert_eq!(
            (d.medium.as_str(), d.attribute.as_str()),
            ("SMS", "phone_number")
        );
        assert_eq!(
            sent(&c).1,
            json!({"AccessToken": "at", "AttributeName": "phone_number"})
        );

        for (call, operation, body) in [
            (
                0,
                "VerifyUserAttribute",
                json!({"AccessToken": "at", "AttributeName": "email", "Code": "123456"}),
            ),
            (
                1,
                "DeleteUserAttributes",
                json!({"AccessToken": "at", "UserAttributeNames": ["name", "locale"]}),
            ),
            (2, "DeleteUser", json!({"AccessToken": "at"})),
        ] {
            let c = ScriptedTransport::always(Answer::status(200, "{}"));
            let p = pool(&c);
            match call {
                0 => block_on(p.verify_user_attribute("at", "email", " 123456 ")),
                1 => block_on(p.delete_user_attributes("at", &["name".into(), "locale".into()])),
                _ => block_on(p.delete_user("at")),
            }
            .unwrap();
            assert_eq!(
                sent(&c),
                (
                    format!("AWSCognitoIdentityProviderService.{operation}"),
                    body
                )
            );
        }
    }

    #[test]
    fn empty_or_contradictory_input_is_refused_before_any_request() {
        let c = ScriptedTransport::always(Answer::status(200, "{}"));
        let p = pool(&c);
        let field = |e: Error| e.field.clone().unwrap_or_default();
        assert_eq!(
            field(block_on(p.update_user_attributes("at", &[])).unwrap_err()),
            "attributes"
        );
        assert_eq!(
            field(
                block_on(p.update_user_attributes("at", &[(" ".into(), "x".into())])).unwrap_err()
            ),
            "attributes"
        );
        assert_eq!(
            field(block_on(p.delete_user_attributes("at", &[])).unwrap_err()),
            "names"
        );
        assert_eq!(
            field(block_on(p.get_user_attribute_verification_code("at", "")).unwrap_err()),
            "attribute"
        );
        assert_eq!(
            field(block_on(p.verify_user_attribute("at", "email", " ")).unwrap_err()),
            "code"
        );
        assert_eq!(
            field(block_on(p.set_user_mfa_preference("at", &[])).unwrap_err()),
            "mfa"
        );
        assert_eq!(
            field(
                block_on(p.set_user_mfa_preference(
                    "at",
                    &[
                        (MfaType::Sms, MfaChoice::Preferred),
                        (MfaType::Email, MfaChoice::Preferred)
                    ]
                ))
                .unwrap_err()
            ),
            "email"
        );
        assert!(c.requests().is_empty());
    }
}
