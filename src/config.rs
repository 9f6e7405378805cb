//! User-facing configuration, validated once with errors that name the bad field.
//!
//! The JS user passes a plain object (`{ region, userPoolId, userPoolClientId, identityPoolId,
//! endpoint? }`); `js.rs` reads its fields into [`RawConfig`] with [`RawConfig::from_fields`],
//! which names a field that is unknown or not a string, and [`Config::validate`] checks every
//! value before any request is made. `endpoint` points every service at one base URL,
//! as a local emulator serves them all on one port; without it the real AWS endpoints of the
//! region are used.

use crate::error::{Error, Result};

/// The fields of the config object, in the order [`Config::validate`] checks them.
pub const FIELDS: [&str; 6] = [
    "region",
    "userPoolId",
    "userPoolClientId",
    "identityPoolId",
    "endpoint",
    "storage",
];

/// The value of one field of the config object, as the app passed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldValue {
    /// `undefined` or `null`: as if the field were left out.
    Absent,
    /// A string.
    Text(String),
    /// Anything else, named by its type (`"a number"`); never its value.
    Other(&'static str),
}

/// The configuration as the user wrote it: every field optional, so that a missing one is a
/// clear [`Error`] naming it rather than a deserialisation failure.
#[derive(Clone, Debug, Default)]
pub struct RawConfig {
    /// AWS region, e.g. `us-east-1`.
    pub region: Option<String>,
    /// Cognito User Pool id, `<region>_<id>`.
    pub user_pool_id: Option<String>,
    /// App client id of the user pool (a client with no secret).
    pub user_pool_client_id: Option<String>,
    /// Cognito Identity Pool id, `<region>:<uuid>`.
    pub identity_pool_id: Option<String>,
    /// One base URL for every service (a local emulator); real AWS endpoints when absent.
    pub endpoint: Option<String>,
    /// Where the session persists: `"local"` (default), `"session"` or `"memory"`.
    pub storage: Option<String>,
}

/// A validated configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// AWS region.
    pub region: String,
    /// Cognito User Pool id.
    pub user_pool_id: String,
    /// App client id.
    pub user_pool_client_id: String,
    /// Cognito Identity Pool id, when the app wants AWS credentials.
    pub identity_pool_id: Option<String>,
    /// Custom endpoint without a trailing slash.
    pub endpoint: Option<String>,
    /// Where the session persists.
    pub storage: StorageKind,
}

/// The storage an app chooses for its session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StorageKind {
    /// Gone on reload: nothing persists.
    Memory,
    /// `sessionStorage`: survives reloads, not the tab.
    Session,
    /// `localStorage`: survives the browser, shared by the origin's tabs.
    Local,
}

impl StorageKind {
    /// Parses the config value (`"memory"`, `"session"`, `"local"`).
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "memory" => Ok(StorageKind::Memory),
            "session" => Ok(StorageKind::Session),
            "local" => Ok(StorageKind::Local),
            other => Err(Error::config(
                "storage",
                format!(
                    "storage {} is not one of \"memory\", \"session\", \"local\"",
                    crate::json::quoted(other)
                ),
            )),
        }
    }
}

/// The AWS services apiless talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// Cognito User Pools (`cognito-idp`).
    UserPool,
    /// Cognito Identity Pools (`cognito-identity`).
    IdentityPool,
    /// DynamoDB.
    DynamoDb,
    /// S3.
    S3,
}

impl Service {
    /// The endpoint prefix and SigV4 signing name.
    pub fn name(self) -> &'static str {
        match self {
            Service::UserPool => "cognito-idp",
            Service::IdentityPool => "cognito-identity",
            Service::DynamoDb => "dynamodb",
            Service::S3 => "s3",
        }
    }
}

impl RawConfig {
    /// Reads the fields of the config object (camelCase names, as in [`FIELDS`]); an unknown
    /// field or one that is not a string is an [`Error`] whose `field` is its name.
    pub fn from_fields(fields: impl IntoIterator<Item = (String, FieldValue)>) -> Result<Self> {
        let mut raw = RawConfig::default();
        for (name, value) in fields {
            let slot = match name.as_str() {
                "region" => &mut raw.region,
                "userPoolId" => &mut raw.user_pool_id,
                "userPoolClientId" => &mut raw.user_pool_client_id,
                "identityPoolId" => &mut raw.identity_pool_id,
                "endpoint" => &mut raw.endpoint,
                "storage" => &mut raw.storage,
                _ => {
                    return Err(Error::config(
                        &name,
                        format!(
                            "{} is not a config field; the fields are {}",
                            crate::json::quoted(&name),
                            crate::text::join(&FIELDS, ", ")
                        ),
                    ))
                }
            };
            *slot = match value {
                FieldValue::Absent => None,
                FieldValue::Text(text) => Some(text),
                FieldValue::Other(kind) => {
                    return Err(Error::config(
                        &name,
                        format!("{name} must be a string, not {kind}"),
                    ))
                }
            };
        }
        Ok(raw)
    }
}

impl Config {
    /// Checks every field and returns the validated configuration, or an error naming the
    /// first bad field.
    pub fn validate(raw: RawConfig) -> Result<Config> {
        let region = required("region", raw.region)?;
        if !is_region(&region) {
            return Err(Error::config(
                "region",
                format!(
                    "region {} is not an AWS region name such as \"us-east-1\"",
                    crate::json::quoted(&region)
                ),
            ));
        }

        let user_pool_id = required("userPoolId", raw.user_pool_id)?;
        match user_pool_id.split_once('_') {
            Some((pool_region, id))
                if is_region(pool_region)
                    && !id.is_empty()
                    && id.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                if pool_region != region {
                    return Err(Error::config(
                        "userPoolId",
                        format!(
                            "userPoolId {} is in region {}, but region is {}",
                            crate::json::quoted(&user_pool_id),
                            crate::json::quoted(pool_region),
                            crate::json::quoted(&region)
                        ),
                    ));
                }
            }
            _ => {
                return Err(Error::config(
                    "userPoolId",
                    format!(
                        "userPoolId {} does not look like \"{region}_AbCdEf123\"",
                        crate::json::quoted(&user_pool_id)
                    ),
                ))
            }
        }

        let user_pool_client_id = required("userPoolClientId", raw.user_pool_client_id)?;
        if user_pool_client_id.len() > 128
            || !user_pool_client_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '+')
        {
            return Err(Error::config(
                "userPoolClientId",
                format!("userPoolClientId {} is not an app client id (letters, digits, '_' and '+', at most 128)", crate::json::quoted(&user_pool_client_id)),
            ));
        }

        let identity_pool_id = match raw.identity_pool_id.filter(|s| !s.trim().is_empty()) {
            None => None,
            Some(id) => {
                let id = id.trim().to_owned();
                match id.split_once(':') {
                    Some((pool_region, uuid)) if is_region(pool_region) && is_uuid(uuid) => {
                        if pool_region != region {
                            return Err(Error::config(
                                "identityPoolId",
                                format!("identityPoolId {} is in region {}, but region is {}", crate::json::quoted(&id), crate::json::quoted(pool_region), crate::json::quoted(&region)),
                            ));
                        }
                    }
                    _ => {
                        return Err(Error::config(
                            "identityPoolId",
                            format!("identityPoolId {} does not look like \"{region}:01234567-89ab-cdef-0123-456789abcdef\"", crate::json::quoted(&id)),
                        ))
                    }
                }
                Some(id)
            }
        };

        let endpoint = match raw.endpoint.filter(|s| !s.trim().is_empty()) {
            None => None,
            Some(e) => Some(validate_endpoint(e.trim())?),
        };

        let storage = match raw.storage.as_deref().map(str::trim) {
            None | Some("") => StorageKind::Local,
            Some(s) => StorageKind::parse(s)?,
        };

        Ok(Config {
            region,
            user_pool_id,
            user_pool_client_id,
            identity_pool_id,
            endpoint,
            storage,
        })
    }

    /// The base URL (no trailing slash) of `service`.
    pub fn endpoint_for(&self, service: Service) -> String {
        match &self.endpoint {
            Some(e) => e.clone(),
            None => {
                let suffix = if self.region.starts_with("cn-") {
                    "amazonaws.com.cn"
                } else {
                    "amazonaws.com"
                };
                format!("https://{}.{}.{}", service.name(), self.region, suffix)
            }
        }
    }
}

fn required(field: &str, value: Option<String>) -> Result<String> {
    match value.map(|v| v.trim().to_owned()) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Error::config(field, format!("{field} is required"))),
    }
}

/// `us-east-1`, `us-gov-west-1`, `cn-north-1`, `eu-central-2`: two letters, one or more
/// lower-case words, a number.
fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| {
            g.len() == n
                && g.chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        })
}

fn validate_endpoint(e: &str) -> Result<String> {
    let rest = e
        .strip_prefix("https://")
        .or_else(|| e.strip_prefix("http://"))
        .ok_or_else(|| {
            Error::config(
                "endpoint",
                format!(
                    "endpoint {} must start with http:// or https://",
                    crate::json::quoted(e)
                ),
            )
        })?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || e.contains(['?', '#', ' ']) {
        return Err(Error::config(
            "endpoint",
            format!(
                "endpoint {} must be a base URL such as http://127.0.0.1:4566",
                crate::json::quoted(e)
            ),
        ));
    }
    Ok(e.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw() -> RawConfig {
        RawConfig {
            region: Some("us-east-1".into()),
            user_pool_id: Some("us-east-1_AbC123".into()),
            user_pool_client_id: Some("4lq2abc9r6vq8".into()),
            identity_pool_id: Some("us-east-1:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9".into()),
            endpoint: None,
            storage: None,
        }
    }

    fn field_of(r: RawConfig) -> String {
        Config::validate(r).unwrap_err().field.clone().unwrap()
    }

    #[test]
    fn a_good_config_validates_and_picks_real_endpoints() {
        let c = Config::validate(raw()).unwrap();
        assert_eq!(
            c.endpoint_for(Service::UserPool),
            "https://cognito-idp.us-east-1.amazonaws.com"
        );
        assert_eq!(
            c.endpoint_for(Service::S3),
            "https://s3.us-east-1.amazonaws.com"
        );
    }

    #[test]
    fn a_custom_endpoint_serves_every_service() {
        let c = Config::validate(RawConfig {
            endpoint: Some("http://127.0.0.1:4566/".into()),
            ..raw()
        })
        .unwrap();
        assert_eq!(c.endpoint_for(Service::DynamoDb), "http://127.0.0.1:4566");
        assert_eq!(
            c.endpoint_for(Service::IdentityPool),
            "http://127.0.0.1:4566"
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        assert_eq!(
            field_of(RawConfig {
                region: None,
                ..raw()
            }),
            "region"
        );
        assert_eq!(
            field_of(RawConfig {
                region: Some("US-EAST-1".into()),
                ..raw()
            }),
            "region"
        );
        assert_eq!(
            field_of(RawConfig {
                region: Some("mars".into()),
                ..raw()
            }),
            "region"
        );
        assert_eq!(
            field_of(RawConfig {
                user_pool_id: Some("".into()),
                ..raw()
            }),
            "userPoolId"
        );
        assert_eq!(
            field_of(RawConfig {
                user_pool_id: Some("us-east-1AbC".into()),
                ..raw()
            }),
            "userPoolId"
        );
        assert_eq!(
            field_of(RawConfig {
                user_pool_id: Some("eu-west-1_AbC".into()),
                ..raw()
            }),
            "userPoolId"
        );
        assert_eq!(
            field_of(RawConfig {
                user_pool_client_id: Some("a b".into()),
                ..raw()
            }),
            "userPoolClientId"
        );
        assert_eq!(
            field_of(RawConfig {
                identity_pool_id: Some("us-east-1:nope".into()),
                ..raw()
            }),
            "identityPoolId"
        );
        assert_eq!(
            field_of(RawConfig {
                endpoint: Some("127.0.0.1:4566".into()),
                ..raw()
            }),
            "endpoint"
        );
        assert_eq!(
            field_of(RawConfig {
                endpoint: Some("http://".into()),
                ..raw()
            }),
            "endpoint"
        );
    }

    #[test]
    fn fields_are_read_by_name_and_a_bad_one_is_named() {
        let text = |s: &str| FieldValue::Text(s.to_owned());
        let raw = RawConfig::from_fields([
            ("region".to_owned(), text("us-east-1")),
            ("endpoint".to_owned(), FieldValue::Absent),
            ("storage".to_owned(), text("memory")),
        ])
        .unwrap();
        assert_eq!(raw.region.as_deref(), Some("us-east-1"));
        assert_eq!(
            (raw.endpoint, raw.storage.as_deref()),
            (None, Some("memory"))
        );

        let e = RawConfig::from_fields([
            ("region".to_owned(), text("us-east-1")),
            ("userPoolId".to_owned(), FieldValue::Other("a number")),
        ])
        .unwrap_err();
        assert_eq!(
            (e.kind, e.field.as_deref()),
            (crate::ErrorKind::Config, Some("userPoolId"))
        );
        assert_eq!(e.message, "userPoolId must be a string, not a number");

        let e = RawConfig::from_fields([("regoin".to_owned(), text("us-east-1"))]).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("regoin"));
        assert!(e.message.contains("region, userPoolId"), "{}", e.message);
    }

    #[test]
    fn storage_kinds_parse_or_name_the_field() {
        assert_eq!(StorageKind::parse("local").unwrap(), StorageKind::Local);
        let e = StorageKind::parse("cookie").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("storage"));
    }

    #[test]
    fn storage_defaults_to_local() {
        assert_eq!(Config::validate(raw()).unwrap().storage, StorageKind::Local);
        let c = Config::validate(RawConfig {
            storage: Some("memory".into()),
            ..raw()
        })
        .unwrap();
        assert_eq!(c.storage, StorageKind::Memory);
        assert_eq!(
            field_of(RawConfig {
                storage: Some("disk".into()),
                ..raw()
            }),
            "storage"
        );
    }

    #[test]
    fn regions_of_every_partition_are_accepted() {
        for r in [
            "us-east-1",
            "us-gov-west-1",
            "cn-north-1",
            "ap-southeast-2",
            "eu-central-2",
        ] {
            assert!(is_region(r), "{r}");
        }
        for r in ["us-east", "useast-1", "us--1", "us-east-1a", "-east-1"] {
            assert!(!is_region(r), "{r}");
        }
    }

    #[test]
    fn china_regions_use_the_china_domain() {
        let c = Config::validate(RawConfig {
            region: Some("cn-north-1".into()),
            user_pool_id: Some("cn-north-1_AbC".into()),
            identity_pool_id: None,
            ..raw()
        })
        .unwrap();
        assert_eq!(
            c.endpoint_for(Service::DynamoDb),
            "https://dynamodb.cn-north-1.amazonaws.com.cn"
        );
    }
}
