//! Device tracking, as the Cognito API reference defines it: `NewDeviceMetadata` in a sign-in's
//! result, `ConfirmDevice` (the device's SRP verifier), `UpdateDeviceStatus` (remembered or
//! not), `ForgetDevice` and `ListDevices` (paged), each authorised by the signed-in user's access
//! token and sent as a [`ProfileCall`]. The device's own SRP sign-in (`DEVICE_SRP_AUTH`, then
//! `DEVICE_PASSWORD_VERIFIER`) goes through [`UserPool::respond`]; its maths is `srp::device`.

use super::profile::ProfileCall;
use super::*;

/// `ListDevices` returns at most this many devices a call (the reference's `Limit` maximum).
pub const MAX_PAGE: u32 = 60;

/// The device keys a sign-in's result names when the pool tracks devices.
#[derive(Clone, PartialEq, Eq)]
pub struct NewDevice {
    /// `DeviceKey`: `<region>_<uuid>`.
    pub key: String,
    /// `DeviceGroupKey`: takes the pool name's place in the device's SRP.
    pub group_key: String,
}

impl std::fmt::Debug for NewDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewDevice").field("key", &self.key).finish()
    }
}

/// `NewDeviceMetadata` of an `AuthenticationResult`, if it has both keys.
pub fn read_new_device(result: &Json) -> Option<NewDevice> {
    let metadata = result.get("NewDeviceMetadata")?;
    let key = text(metadata, "DeviceKey");
    let group_key = text(metadata, "DeviceGroupKey");
    (!key.is_empty() && !group_key.is_empty()).then_some(NewDevice { key, group_key })
}

/// One device of the user, as `ListDevices` describes it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Device {
    /// `DeviceKey`.
    pub key: String,
    /// `DeviceAttributes` (`device_name`, `device_status`, `dev:device_remembered_status`,
    /// `last_ip_used`, ...), in Cognito's order.
    pub attributes: Vec<(String, String)>,
    /// `DeviceCreateDate`, seconds since the epoch.
    pub created: Option<f64>,
    /// `DeviceLastModifiedDate`.
    pub last_modified: Option<f64>,
    /// `DeviceLastAuthenticatedDate`.
    pub last_authenticated: Option<f64>,
}

impl ProfileCall {
    /// `ConfirmDevice` for the device `key`, with its SRP verifier and salt (base64) and a name
    /// to list it by: read with [`read_user_confirmation_necessary`].
    pub fn confirm_device(
        key: &str,
        verifier_b64: &str,
        salt_b64: &str,
        name: &str,
    ) -> ProfileCall {
        ProfileCall::new(
            "ConfirmDevice",
            json!({
                "DeviceKey": key,
                "DeviceSecretVerifierConfig": {
                    "PasswordVerifier": verifier_b64,
                    "Salt": salt_b64,
                },
                "DeviceName": name,
            }),
        )
    }

    /// `UpdateDeviceStatus`: the device remembered (its sign-ins skip MFA) or not.
    pub fn update_device_status(key: &str, remembered: bool) -> ProfileCall {
        let status = if remembered {
            "remembered"
        } else {
            "not_remembered"
        };
        ProfileCall::new(
            "UpdateDeviceStatus",
            json!({"DeviceKey": key, "DeviceRememberedStatus": status}),
        )
    }

    /// `ForgetDevice`.
    pub fn forget_device(key: &str) -> Result<ProfileCall> {
        not_empty("device", key)?;
        Ok(ProfileCall::new("ForgetDevice", json!({"DeviceKey": key})))
    }

    /// `ListDevices`, `limit` a page (1 to [`MAX_PAGE`]), from `page` (the previous answer's
    /// `PaginationToken`): read with [`read_devices`].
    pub fn list_devices(limit: u32, page: Option<&str>) -> Result<ProfileCall> {
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(Error::invalid_input(
                "pageSize",
                format!("pageSize must be 1 to {MAX_PAGE}"),
            ));
        }
        let mut body = json!({"Limit": limit});
        if let Some(page) = page {
            body["PaginationToken"] = json!(page);
        }
        Ok(ProfileCall::new("ListDevices", body))
    }
}

/// `UserConfirmationNecessary` of a `ConfirmDevice` answer: the pool remembers a device only
/// when the user says so (`UpdateDeviceStatus`).
pub fn read_user_confirmation_necessary(answer: &Json) -> bool {
    answer
        .get("UserConfirmationNecessary")
        .and_then(Json::as_bool)
        .unwrap_or(false)
}

/// The devices of a `ListDevices` answer, and the token of the next page if there is one.
pub fn read_devices(answer: &Json) -> Result<(Vec<Device>, Option<String>)> {
    let list = answer
        .get("Devices")
        .and_then(Json::as_array)
        .ok_or_else(|| Error::protocol("ListDevices returned no Devices"))?;
    let date = |d: &Json, k: &str| d.get(k).and_then(Json::as_f64);
    let devices = list
        .iter()
        .map(|d| Device {
            key: text(d, "DeviceKey"),
            attributes: d
                .get("DeviceAttributes")
                .and_then(Json::as_array)
                .map(|attrs| {
                    attrs
                        .iter()
                        .filter_map(|a| {
                            Some((text(a, "Name"), a.get("Value")?.as_str()?.to_owned()))
                        })
                        .collect()
                })
                .unwrap_or_default(),
            created: date(d, "DeviceCreateDate"),
            last_modified: date(d, "DeviceLastModifiedDate"),
            last_authenticated: date(d, "DeviceLastAuthenticatedDate"),
        })
        .collect();
    let next = answer
        .get("PaginationToken")
        .and_then(Json::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    Ok((devices, next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{block_on, target, Answer, ScriptedTransport};

    fn sent(call: ProfileCall) -> (String, Json) {
        let c = ScriptedTransport::always(Answer::status(200, "{}"));
        let pool = UserPool {
            transport: &c,
            endpoint: "http://idp",
            client_id: "client1",
        };
        block_on(pool.profile("at", call)).unwrap();
        let r = c.request(0);
        (target(&r).to_owned(), Json::parse(&r.body).unwrap())
    }

    #[test]
    fn device_calls_go_out_as_the_reference_shows() {
        assert_eq!(
            sent(ProfileCall::confirm_device(
                "us-east-1_d",
                "dmVy",
                "c2FsdA==",
                "Chrome"
            )),
            (
                "AWSCognitoIdentityProviderService.ConfirmDevice".into(),
                json!({"DeviceKey": "us-east-1_d", "DeviceSecretVerifierConfig": {"PasswordVerifier": "dmVy", "Salt": "c2FsdA=="}, "DeviceName": "Chrome", "AccessToken": "at"})
            )
        );
        assert_eq!(
            sent(ProfileCall::update_device_status("k", false)).1,
            json!({"DeviceKey": "k", "DeviceRememberedStatus": "not_remembered", "AccessToken": "at"})
        );
        assert_eq!(
            sent(ProfileCall::forget_device("k").unwrap()).1,
            json!({"DeviceKey": "k", "AccessToken": "at"})
        );
        assert_eq!(
            sent(ProfileCall::list_devices(2, Some("p2")).unwrap()).1,
            json!({"Limit": 2, "PaginationToken": "p2", "AccessToken": "at"})
        );
        for bad in [0, MAX_PAGE + 1] {
            assert_eq!(
                ProfileCall::list_devices(bad, None)
                    .unwrap_err()
                    .field
                    .as_deref(),
                Some("pageSize")
            );
        }
        assert!(ProfileCall::forget_device(" ").is_err());
    }

    #[test]
    fn answers_are_read() {
        let answer = json!({"Devices": [{"DeviceKey": "k1", "DeviceAttributes": [{"Name": "device_name", "Value": "Chrome"}, {"Name": "dev:device_remembered_status", "Value": "remembered"}], "DeviceCreateDate": 1700000000, "DeviceLastAuthenticatedDate": 1700000100}], "PaginationToken": "next"});
        let (devices, next) = read_devices(&answer).unwrap();
        assert_eq!(next.as_deref(), Some("next"));
        assert_eq!(devices[0].key, "k1");
        assert_eq!(devices[0].attributes[1].1, "remembered");
        assert_eq!(devices[0].created, Some(1.7e9));
        assert_eq!(devices[0].last_modified, None);
        assert_eq!(devices[0].last_authenticated, Some(1_700_000_100.0));
        assert_eq!(
            read_devices(&json!({"Devices": [], "PaginationToken": ""}))
                .unwrap()
                .1,
            None
        );
        assert!(read_devices(&json!({})).is_err());
        assert!(read_user_confirmation_necessary(
            &json!({"UserConfirmationNecessary": true})
        ));
        assert!(!read_user_confirmation_necessary(&json!({})));
        let result = json!({"IdToken": "i", "AccessToken": "a", "NewDeviceMetadata": {"DeviceKey": "k", "DeviceGroupKey": "-g"}});
        let new = read_new_device(&result).unwrap();
        assert_eq!((new.key.as_str(), new.group_key.as_str()), ("k", "-g"));
        assert!(!format!("{new:?}").contains("-g"));
        assert!(read_new_device(&json!({"NewDeviceMetadata": {"DeviceKey": "k"}})).is_none());
    }
}
