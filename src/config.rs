//! User-facing configuration, validated once with errors that name the bad field.
//!
//! The JS user passes a plain object (`{ region, userPoolId, userPoolClientId, identityPoolId,
//! endpoint?, ... }`); `js` reads its fields into [`RawConfig`] with [`RawConfig::from_fields`],
//! which names a field that is unknown or not a string, and [`Config::validate`] checks every
//! value before any request is made. `endpoint` points every service at one base URL,
//! as a local emulator serves them all on one port; without it the real AWS endpoints of the
//! region are used.

use crate::error::{Error, Result};

/// The fields of the config object, in the order [`Config::validate`] checks them (`oauth`
/// last, by [`Config::with_oauth`]).
pub const FIELDS: [&str; 9] = [
    "region",
    "userPoolId",
    "userPoolClientId",
    "identityPoolId",
    "endpoint",
    "storage",
    "attemptTimeoutMs",
    "guestAccess",
    "oauth",
];

/// The fields of the `oauth` section.
pub const OAUTH_FIELDS: [&str; 5] = [
    "domain",
    "redirectSignIn",
    "redirectSignOut",
    "scopes",
    "responseType",
];

/// The scopes asked for when the `oauth` section names none: the user's identity and email, and
/// `aws.cognito.signin.user.admin`, without which Cognito refuses the access token for the
/// user's own account calls (attributes, devices, MFA).
pub const DEFAULT_SCOPES: [&str; 4] = [
    "openid",
    "email",
    "profile",
    "aws.cognito.signin.user.admin",
];

/// How long one attempt of a request may take by default (ms), from sending it to the last byte
/// of the answer, before it is abandoned as a network fault and retried where the call retries.
pub const ATTEMPT_TIMEOUT_MS: u32 = 60_000;

/// The value of one field of the config object, as the app passed it.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldValue {
    /// `undefined` or `null`: as if the field were left out.
    Absent,
    /// A string.
    Text(String),
    /// A number (only `attemptTimeoutMs` takes one).
    Number(f64),
    /// A boolean (only `guestAccess` takes one).
    Bool(bool),
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
    /// Milliseconds one attempt of a request may take; 0 for no limit.
    pub attempt_timeout_ms: Option<f64>,
    /// Whether signed-out visitors get guest credentials (the identity pool's unauthenticated
    /// role); false when absent.
    pub guest_access: Option<bool>,
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
    /// Milliseconds one attempt of a request may take ([`ATTEMPT_TIMEOUT_MS`] by default); 0
    /// for no limit.
    pub attempt_timeout_ms: u32,
    /// Whether a signed-out visitor gets an identity and credentials of the identity pool's
    /// unauthenticated role (a guest), linked to the user at sign-in.
    pub guest_access: bool,
    /// Redirect sign-in through the managed login, when the app configured it.
    pub oauth: Option<OAuthConfig>,
}

/// The `oauth` section as the app wrote it (redirect sign-in through the managed login).
#[derive(Clone, Debug, Default)]
pub struct RawOAuth {
    /// The user pool domain: `https://<prefix>.auth.<region>.amazoncognito.com`, a custom
    /// domain, or the host alone.
    pub domain: Option<String>,
    /// Where the managed login sends the browser back: one of the app client's CallbackURLs.
    pub redirect_sign_in: Option<String>,
    /// Where `/logout` sends it at sign-out: one of the app client's LogoutURLs.
    pub redirect_sign_out: Option<String>,
    /// The scopes to ask for (each one of the app client's AllowedOAuthScopes).
    pub scopes: Option<Vec<String>>,
    /// Only `"code"` (the authorization code flow with PKCE).
    pub response_type: Option<String>,
}

/// A validated `oauth` section.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthConfig {
    /// The managed login's base URL, without a trailing slash.
    pub domain: String,
    /// The redirect URI of sign-in, exactly as given (Cognito compares it byte for byte).
    pub redirect_sign_in: String,
    /// The logout URI, exactly as given; the sign-in one when absent.
    pub redirect_sign_out: String,
    /// The scopes, in order.
    pub scopes: Vec<String>,
}

impl Config {
    /// This config with the `oauth` section checked and added; each error's `field` is
    /// `oauth.<name>` (`oauth.domain`, `oauth.redirectSignIn`, ...).
    pub fn with_oauth(mut self, raw: RawOAuth) -> Result<Config> {
        let domain = required("oauth.domain", raw.domain)?;
        // (starts_with, not contains: a substring search brings kilobytes into the wasm.)
        let domain = if domain.starts_with("https://") || domain.starts_with("http://") {
            domain
        } else {
            format!("https://{domain}")
        };
        let domain = validate_base_url("oauth.domain", &domain)?;
        let redirect = |field: &str, url: String| -> Result<String> {
            validate_base_url(field, &url)?;
            Ok(url)
        };
        let redirect_sign_in = redirect(
            "oauth.redirectSignIn",
            required("oauth.redirectSignIn", raw.redirect_sign_in)?,
        )?;
        let redirect_sign_out = match raw.redirect_sign_out.filter(|s| !s.trim().is_empty()) {
            Some(url) => redirect("oauth.redirectSignOut", url.trim().to_owned())?,
            None => redirect_sign_in.clone(),
        };
        let scopes = match raw.scopes {
            None => DEFAULT_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            Some(scopes) => {
                // RFC 6749 section 3.3: printable ASCII but space, `"` and `\`.
                let ok = |s: &String| {
                    !s.is_empty()
                        && s.bytes()
                            .all(|b| b > b' ' && b < 127 && b != b'"' && b != b'\\')
                };
                if scopes.is_empty() || !scopes.iter().all(ok) {
                    return Err(Error::config(
                        "oauth.scopes",
                        "oauth.scopes must be a non-empty list of scope names such as \"openid\" (no blanks, quotes or backslashes)",
                    ));
                }
                scopes
            }
        };
        match raw.response_type.as_deref().map(str::trim) {
            None | Some("code") => {}
            Some(other) => {
                return Err(Error::config(
                    "oauth.responseType",
                    format!(
                        "oauth.responseType {} is not \"code\": apiless signs in with the authorization code flow and PKCE only (the implicit \"token\" flow puts tokens in the URL)",
                        crate::codec::json::quoted(other)
                    ),
                ))
            }
        }
        self.oauth = Some(OAuthConfig {
            domain,
            redirect_sign_in,
            redirect_sign_out,
            scopes,
        });
        Ok(self)
    }
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
                    crate::codec::json::quoted(other)
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
            if name == "attemptTimeoutMs" {
                raw.attempt_timeout_ms = match value {
                    FieldValue::Absent => None,
                    FieldValue::Number(ms) => Some(ms),
                    _ => {
                        return Err(Error::config(
                            &name,
                            "attemptTimeoutMs must be a number of milliseconds",
                        ))
                    }
                };
                continue;
            }
            if name == "guestAccess" {
                raw.guest_access = match value {
                    FieldValue::Absent => None,
                    FieldValue::Bool(on) => Some(on),
                    _ => return Err(Error::config(&name, "guestAccess must be true or false")),
                };
                continue;
            }
            if name == "oauth" {
                // The JS layer reads an object `oauth` itself (RawOAuth): what reaches here is
                // not one (`undefined` or `null` is as if left out).
                if value == FieldValue::Absent {
                    continue;
                }
                return Err(Error::config(
                    "oauth",
                    "oauth must be an object: { domain, redirectSignIn, redirectSignOut?, scopes?, responseType? }",
                ));
            }
            let slot = match name.as_str() {
                "region" => &mut raw.region,
                "userPoolId" => &mut raw.user_pool_id,
                "userPoolClientId" => &mut raw.user_pool_client_id,
                "identityPoolId" => &mut raw.identity_pool_id,
                "endpoint" => &mut raw.endpoint,
                "storage" => &mut raw.storage,
                _ => {
                    let message =
                        unknown_field(&crate::codec::json::quoted(&name), &name, "config", &FIELDS);
                    return Err(Error::config(&name, message));
                }
            };
            *slot = match value {
                FieldValue::Absent => None,
                FieldValue::Text(text) => Some(text),
                other => {
                    let kind = match other {
                        FieldValue::Number(_) => "a number",
                        FieldValue::Bool(_) => "a boolean",
                        FieldValue::Other(kind) => kind,
                        _ => "",
                    };
                    return Err(Error::config(
                        &name,
                        format!("{name} must be a string, not {kind}"),
                    ));
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
                    crate::codec::json::quoted(&region)
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
                            crate::codec::json::quoted(&user_pool_id),
                            crate::codec::json::quoted(pool_region),
                            crate::codec::json::quoted(&region)
                        ),
                    ));
                }
            }
            _ => {
                return Err(Error::config(
                    "userPoolId",
                    format!(
                        "userPoolId {} does not look like \"{region}_AbCdEf123\"",
                        crate::codec::json::quoted(&user_pool_id)
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
                format!("userPoolClientId {} is not an app client id (letters, digits, '_' and '+', at most 128)", crate::codec::json::quoted(&user_pool_client_id)),
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
                                format!("identityPoolId {} is in region {}, but region is {}", crate::codec::json::quoted(&id), crate::codec::json::quoted(pool_region), crate::codec::json::quoted(&region)),
                            ));
                        }
                    }
                    _ => {
                        return Err(Error::config(
                            "identityPoolId",
                            format!("identityPoolId {} does not look like \"{region}:01234567-89ab-cdef-0123-456789abcdef\"", crate::codec::json::quoted(&id)),
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

        let attempt_timeout_ms = match raw.attempt_timeout_ms {
            None => ATTEMPT_TIMEOUT_MS,
            Some(ms) if ms.fract() == 0.0 && (0.0..=3_600_000.0).contains(&ms) => ms as u32,
            Some(_) => {
                return Err(Error::config(
                    "attemptTimeoutMs",
                    "attemptTimeoutMs must be a whole number of milliseconds from 0 (no limit) to 3600000",
                ))
            }
        };

        let guest_access = raw.guest_access.unwrap_or(false);
        if guest_access && identity_pool_id.is_none() {
            return Err(Error::config(
                "guestAccess",
                "guestAccess needs identityPoolId",
            ));
        }

        Ok(Config {
            region,
            user_pool_id,
            user_pool_client_id,
            identity_pool_id,
            endpoint,
            storage,
            attempt_timeout_ms,
            guest_access,
            oauth: None,
        })
    }

    /// The base URL (no trailing slash) of `service`.
    pub fn endpoint_for(&self, service: Service) -> String {
        match &self.endpoint {
            Some(e) => e.clone(),
            None => format!(
                "https://{}.{}.{}",
                service.name(),
                self.region,
                dns_suffix(&self.region)
            ),
        }
    }

    /// The user pool's provider name, the key of its ID token in an identity pool's `Logins`:
    /// `cognito-idp.<region>.amazonaws.com/<userPoolId>` (`.amazonaws.com.cn` in China).
    pub fn user_pool_provider(&self) -> String {
        format!(
            "cognito-idp.{}.{}/{}",
            self.region,
            dns_suffix(&self.region),
            self.user_pool_id
        )
    }

    /// Whether `iss` names this app's user pool: `https://cognito-idp.<region>.<suffix>/<id>`,
    /// or the newer `https://issuer-cognito-idp.<region>.<suffix>/<id>`, in any region (a
    /// replica of a multi-region pool signs with its own).
    pub fn is_user_pool_issuer(&self, iss: &str) -> bool {
        let Some((host, pool)) = iss
            .strip_prefix("https://")
            .and_then(|rest| rest.split_once('/'))
        else {
            return false;
        };
        let Some(rest) = host
            .strip_prefix("cognito-idp.")
            .or_else(|| host.strip_prefix("issuer-cognito-idp."))
        else {
            return false;
        };
        let Some((region, suffix)) = rest.split_once('.') else {
            return false;
        };
        pool == self.user_pool_id && is_region(region) && suffix == dns_suffix(region)
    }
}

/// The DNS suffix of `region`'s AWS partition.
fn dns_suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
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

/// A UUID as AWS writes it: lower-case hex in 8-4-4-4-12 groups.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| {
            g.len() == n
                && g.chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        })
}

/// Checks a custom endpoint: `https://` (or `http://` to this machine: `localhost`,
/// `127.0.0.0/8`, `[::1]`), a host, an optional port and path, and nothing a WHATWG URL parser
/// (what `fetch` uses) would read differently from this check: no user info (`user:pass@`),
/// no backslash, blank or control character, no percent-escape, query or fragment, no
/// upper-case letter or IPv4 shorthand in the host, no default port, no `.` or `..` path
/// segment. Returns it without a trailing slash.
fn validate_endpoint(e: &str) -> Result<String> {
    validate_base_url("endpoint", e)
}

/// [`validate_endpoint`]'s checks of a URL in field `field`.
fn validate_base_url(field: &str, e: &str) -> Result<String> {
    let bad = |why: &str| {
        Error::config(
            field,
            format!("{field} {} {why}", crate::codec::json::quoted(e)),
        )
    };
    let (secure, rest) = match (e.strip_prefix("https://"), e.strip_prefix("http://")) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        _ => return Err(bad("must start with https:// (or http:// to this machine)")),
    };
    // Only characters a URL parser keeps as they are. (No slicing by index here: a str index
    // that can panic brings kilobytes of panic formatting into the wasm.)
    if !rest
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~/:[]".contains(&b))
    {
        return Err(bad(
            "may hold only letters, digits and -._~/:[] (no user:pass@, \\, %, blank, ? or #)",
        ));
    }
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, Some(port)),
        _ => (authority, None),
    };
    let default = if secure { 443 } else { 80 };
    if port.is_some_and(|p| !decimal(p).is_some_and(|n| n != default && (1..=65_535).contains(&n)))
    {
        return Err(bad(
            "has a port that is not 1 to 65535 or is the default one",
        ));
    }
    let labels: Vec<&str> = host.split('.').collect();
    let last = labels.last().copied().unwrap_or_default();
    // WHATWG reads a host whose last label is a number as an IPv4 address, in shorthand
    // ("127.1"), octal ("0177.0.0.1") or hex ("0x7f.1") too: only the plain dotted quad reads
    // the same here and there. Upper case would be lower-cased, an `xn--` label decoded, and
    // an IPv6 address has many spellings: only [::1] is taken.
    let loopback = if host == "[::1]" {
        true
    } else if last.bytes().all(|b| b.is_ascii_digit()) || last.starts_with("0x") {
        if labels.len() != 4 || !labels.iter().all(|l| decimal(l).is_some_and(|n| n <= 255)) {
            return Err(bad(
                "has a numeric host that is not an IPv4 address like 127.0.0.1",
            ));
        }
        labels[0] == "127"
    } else if labels.iter().all(|l| {
        !l.is_empty()
            && !l.starts_with("xn--")
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    }) {
        host == "localhost"
    } else {
        return Err(bad(
            "has a host that is not a lower-case DNS name, IPv4 address or [::1]",
        ));
    };
    if !secure && !loopback {
        return Err(bad("uses http:// to another machine: secrets would travel in clear (http:// is for localhost, 127.0.0.0/8, [::1])"));
    }
    if path.contains(['[', ']', ':']) || path.split('/').any(|s| s == "." || s == "..") {
        return Err(bad("has a '.' or '..' segment, or ':[]', in its path"));
    }
    Ok(e.trim_end_matches('/').to_owned())
}

/// A decimal number as a URL parser reads it the same: digits, no leading zero (but "0"), at
/// most five of them.
fn decimal(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 5 || (s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    s.bytes().try_fold(0, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

/// Checks an S3 bucket name by S3's rules for general purpose buckets: 3 to 63 characters of
/// lower-case letters, digits, dots and hyphens, dot-separated labels that begin and end with
/// a letter or digit (so no `..`), not an IPv4 address, and none of the prefixes and suffixes
/// S3 keeps for itself (`xn--`, `-s3alias`, ...). A name such as `..` would otherwise make a
/// path-style URL climb out of the bucket.
pub fn validate_bucket_name(name: &str) -> Result<()> {
    const PREFIXES: [&str; 3] = ["xn--", "sthree-", "amzn-s3-demo-"];
    const SUFFIXES: [&str; 5] = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];
    let labels_ok = name.split('.').all(|l| {
        let b = l.as_bytes();
        !b.is_empty()
            && b.iter()
                .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
            && b[0] != b'-'
            && b[b.len() - 1] != b'-'
    });
    let ip = name.split('.').count() == 4
        && name
            .split('.')
            .all(|l| l.bytes().all(|b| b.is_ascii_digit()));
    if (3..=63).contains(&name.len())
        && labels_ok
        && !ip
        && !PREFIXES.iter().any(|p| name.starts_with(p))
        && !SUFFIXES.iter().any(|s| name.ends_with(s))
    {
        return Ok(());
    }
    Err(Error::invalid_input(
        "bucket",
        format!(
            "{} is not an S3 bucket name: 3 to 63 of a-z 0-9 . -, labels that begin and end with a-z 0-9, not an IP address, no reserved prefix or suffix (xn--, -s3alias, ...)",
            crate::codec::json::quoted(name)
        ),
    ))
}

/// Checks a DynamoDB table name by DynamoDB's rules: 3 to 255 characters of letters, digits,
/// `_`, `.` and `-`.
pub fn validate_table_name(name: &str) -> Result<()> {
    if (3..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        return Ok(());
    }
    Err(Error::invalid_input(
        "table",
        format!(
            "the table name {} is not 3 to 255 letters, digits, '_', '.' and '-'",
            crate::codec::json::quoted(name)
        ),
    ))
}

/// The message about `field` (as the error shows it), whose `name` is not one that `of` (an
/// input object, an options bag, the config) has, with a "did you mean" when `name` is one
/// typo away from one of `known`.
pub fn unknown_field(field: &str, name: &str, of: &str, known: &[&str]) -> String {
    let mut message = String::from(field);
    message.push_str(" is not a field of ");
    message.push_str(of);
    if let Some(k) = closest(name, known) {
        message.push_str(" (did you mean ");
        message.push_str(k);
        message.push_str("?)");
    }
    message.push_str("; its fields are ");
    message.push_str(&crate::codec::text::join(known, ", "));
    message
}

/// The first known name that `name` is a typo of: the same but for ASCII case and at most one
/// inserted, deleted or replaced character, or two swapped ones ("limt", "regoin"), for a
/// "did you mean" in the error about an unknown field. (A full edit distance cost 0.9 KB of
/// gzipped wasm.)
pub fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .copied()
        .find(|k| one_edit(name.as_bytes(), k.as_bytes()))
}

fn one_edit(a: &[u8], b: &[u8]) -> bool {
    let same = |(x, y): (&u8, &u8)| x.eq_ignore_ascii_case(y);
    let head = a.iter().zip(b).take_while(|p| same(*p)).count();
    let (a, b) = (
        a.get(head..).unwrap_or_default(),
        b.get(head..).unwrap_or_default(),
    );
    let tail = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|p| same(*p))
        .count();
    let (a, b) = (
        a.get(..a.len() - tail).unwrap_or_default(),
        b.get(..b.len() - tail).unwrap_or_default(),
    );
    match (a, b) {
        ([x0, x1], [y0, y1]) => same((x0, y1)) && same((x1, y0)),
        _ => a.len() <= 1 && b.len() <= 1,
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
