//! Redirect sign-in through Cognito's managed login (OAuth 2.0 authorization code flow with
//! PKCE, RFC 6749 and RFC 7636), pure: the verifier and its S256 challenge, the `/oauth2/authorize`
//! and `/logout` URLs, the `/oauth2/token` request, reading the return URL and the token
//! answer, and the record kept across the redirect. Randomness comes in as bytes; nothing here
//! navigates or sends (the session and the JS layer do).

use crate::codec::json::{quoted, write_string, Json};
use crate::codec::text::{percent_encode, Base64};
use crate::config::OAuthConfig;
use crate::error::{Error, Result};
use crate::http::Request;

/// Random bytes for one verifier: 96 bytes are 128 base64url characters, the longest verifier
/// RFC 7636 allows (section 4.1: 43 to 128 of `A-Z a-z 0-9 - . _ ~`).
pub const VERIFIER_BYTES: usize = 96;
/// Random bytes for one `state`: 32 (256 bits), 43 characters.
pub const STATE_BYTES: usize = 32;
/// How long a redirect may take before its return is refused (ms): the managed login's code
/// lives 5 minutes; a user may take longer to type a password, so an hour.
pub const PENDING_MAX_AGE_MS: u64 = 3_600_000;

/// The code verifier made of `random` bytes (base64url, no padding).
pub fn verifier(random: &[u8]) -> String {
    Base64::UrlSafeNoPad.encode(random)
}

/// The S256 code challenge of `verifier`: `BASE64URL(SHA256(ASCII(verifier)))` (RFC 7636 4.2).
pub fn challenge(verifier: &str) -> String {
    Base64::UrlSafeNoPad.encode(crate::crypto::sha256(&[verifier.as_bytes()]))
}

/// Where redirect sign-in starts at: the managed login, or straight to a social or named
/// identity provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Provider {
    /// `identity_provider=Google`.
    Google,
    /// `identity_provider=Facebook`.
    Facebook,
    /// `identity_provider=SignInWithApple`.
    Apple,
    /// `identity_provider=LoginWithAmazon`.
    Amazon,
    /// An OIDC or SAML provider of the pool, by its name.
    Custom(String),
}

impl Provider {
    /// Reads the `provider` option: `"Google"`, `"Facebook"`, `"Apple"`, `"Amazon"`.
    pub fn named(name: &str) -> Result<Provider> {
        Ok(match name {
            "Google" => Provider::Google,
            "Facebook" => Provider::Facebook,
            "Apple" => Provider::Apple,
            "Amazon" => Provider::Amazon,
            other => {
                return Err(Error::invalid_input(
                    "provider",
                    format!("provider {} is not \"Google\", \"Facebook\", \"Apple\" or \"Amazon\"; name a pool's own OIDC or SAML provider as {{ custom: \"name\" }}", quoted(other)),
                ))
            }
        })
    }

    /// The `identity_provider` value Cognito knows it by.
    pub fn identity_provider(&self) -> &str {
        match self {
            Provider::Google => "Google",
            Provider::Facebook => "Facebook",
            Provider::Apple => "SignInWithApple",
            Provider::Amazon => "LoginWithAmazon",
            Provider::Custom(name) => name,
        }
    }
}

/// What is kept (in `sessionStorage`) between leaving for the managed login and coming back.
#[derive(Clone, PartialEq)]
pub struct Pending {
    /// The `state` sent, to compare with the one returned.
    pub state: String,
    /// The PKCE code verifier (a secret until the code is exchanged).
    pub verifier: String,
    /// The app's own value, handed back after sign-in.
    pub custom_state: Option<String>,
    /// The redirect URI sent (the token request must name the same).
    pub redirect_uri: String,
    /// When the redirect started (ms since the epoch, local clock).
    pub started_at_ms: u64,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pending { ** redacted ** }")
    }
}

impl Pending {
    /// The record as JSON text.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"state\":");
        write_string(&self.state, &mut out);
        out.push_str(",\"verifier\":");
        write_string(&self.verifier, &mut out);
        if let Some(custom) = &self.custom_state {
            out.push_str(",\"customState\":");
            write_string(custom, &mut out);
        }
        out.push_str(",\"redirectUri\":");
        write_string(&self.redirect_uri, &mut out);
        out.push_str(",\"startedAt\":");
        // Whole milliseconds: formatting an f64 would bring kilobytes of float code.
        out.push_str(&self.started_at_ms.to_string());
        out.push('}');
        out
    }

    /// The record [`Pending::to_json`] wrote, or `None` for anything else.
    pub fn from_json(text: &str) -> Option<Pending> {
        let json = Json::parse(text.as_bytes()).ok()?;
        let text = |k: &str| json.get(k).and_then(Json::as_str).map(str::to_owned);
        Some(Pending {
            state: text("state")?,
            verifier: text("verifier")?,
            custom_state: text("customState"),
            redirect_uri: text("redirectUri")?,
            started_at_ms: json.get("startedAt").and_then(Json::as_u64)?,
        })
    }
}

/// The `/oauth2/authorize` URL that starts sign-in (code flow, S256 PKCE, `state`).
pub fn authorize_url(
    oauth: &OAuthConfig,
    client_id: &str,
    provider: Option<&Provider>,
    state: &str,
    challenge: &str,
) -> String {
    let scope = crate::codec::text::join(&oauth.scopes, " ");
    let mut params = vec![
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", &oauth.redirect_sign_in),
        ("scope", &scope),
        ("state", state),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
    ];
    if let Some(p) = provider {
        params.push(("identity_provider", p.identity_provider()));
    }
    format!("{}/oauth2/authorize?{}", oauth.domain, form(&params))
}

/// The `/logout` URL that ends the managed login's session and comes back to `redirectSignOut`.
pub fn logout_url(oauth: &OAuthConfig, client_id: &str) -> String {
    format!(
        "{}/logout?{}",
        oauth.domain,
        form(&[
            ("client_id", client_id),
            ("logout_uri", &oauth.redirect_sign_out)
        ])
    )
}

/// The `/oauth2/token` request that exchanges `code` (a public client: no secret).
pub fn token_request(
    oauth: &OAuthConfig,
    client_id: &str,
    code: &str,
    pending: &Pending,
) -> Request {
    Request {
        method: "POST".into(),
        url: format!("{}/oauth2/token", oauth.domain),
        headers: vec![(
            "content-type".into(),
            "application/x-www-form-urlencoded".into(),
        )],
        body: form(&[
            ("grant_type", "authorization_code"),
            ("client_id", client_id),
            ("code", code),
            ("redirect_uri", &pending.redirect_uri),
            ("code_verifier", &pending.verifier),
        ])
        .into_bytes(),
    }
}

/// `application/x-www-form-urlencoded` pairs (every byte but the unreserved ones escaped).
fn form(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v, false)))
        .collect();
    crate::codec::text::join(&parts, "&")
}

/// What the managed login sent the browser back with.
#[derive(Clone, PartialEq, Eq)]
pub enum Return {
    /// `?code=...&state=...`.
    Code {
        /// The authorization code.
        code: String,
        /// The state, if any.
        state: Option<String>,
    },
    /// `?error=...&error_description=...` (the user cancelled, a provider failed, ...).
    Failed {
        /// The OAuth error code (`access_denied`, `invalid_request`, ...).
        error: String,
        /// Its description, if any.
        description: String,
        /// The state, if any.
        state: Option<String>,
    },
}

impl std::fmt::Debug for Return {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Return { ** redacted ** }")
    }
}

/// Reads the query of `url`: a [`Return`], or `None` when it carries neither `code` nor `error`
/// (a plain visit to the page).
pub fn read_return(url: &str) -> Option<Return> {
    let params = query_params(url);
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let state = get("state");
    if let Some(error) = get("error") {
        return Some(Return::Failed {
            error,
            description: get("error_description").unwrap_or_default(),
            state,
        });
    }
    get("code").map(|code| Return::Code { code, state })
}

/// `url` without the OAuth parameters of a return (`code`, `state`, `error`,
/// `error_description`), for `history.replaceState`; the fragment and other parameters stay.
pub fn without_return_params(url: &str) -> String {
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let (base, query) = before_fragment
        .split_once('?')
        .unwrap_or((before_fragment, ""));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|part| {
            let name = part.split('=').next().unwrap_or_default();
            !part.is_empty() && !matches!(name, "code" | "state" | "error" | "error_description")
        })
        .collect();
    let mut out = base.to_owned();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&crate::codec::text::join(&kept, "&"));
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// The decoded `name=value` pairs of `url`'s query (before any `#`).
fn query_params(url: &str) -> Vec<(String, String)> {
    let url = url.split('#').next().unwrap_or_default();
    let Some((_, query)) = url.split_once('?') else {
        return Vec::new();
    };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

/// Decodes `application/x-www-form-urlencoded` text: `+` is a space, `%XX` a byte; a malformed
/// escape stays as it is, and bytes that are not UTF-8 become U+FFFD.
fn form_decode(s: &str) -> String {
    // No indexing (a bounds check that can panic brings the panic formatting into the wasm).
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let mut ahead = bytes.clone();
                let hi = ahead.next().and_then(crate::codec::text::hex_value);
                let lo = ahead.next().and_then(crate::codec::text::hex_value);
                if let (Some(hi), Some(lo)) = (hi, lo) {
                    out.push(hi << 4 | lo);
                    bytes = ahead;
                } else {
                    out.push(b'%');
                }
            }
            b => out.push(b),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks a return against what was kept: the same `state`, compared in constant time, and a
/// redirect not older than [`PENDING_MAX_AGE_MS`]. Any mismatch is an `OAuthStateMismatch`
/// error (a forged or replayed return, or one from another tab's sign-in): nothing is stored.
pub fn check_state(pending: Option<&Pending>, returned: Option<&str>, now_ms: u64) -> Result<()> {
    let mismatch = |why: &str| {
        Err(Error::service(
            "OAuthStateMismatch",
            format!("the redirect sign-in's return was refused: {why}; start again with signInWithRedirect"),
            400,
            None,
        ))
    };
    let Some(pending) = pending else {
        return mismatch("this tab started no redirect sign-in (or it was completed already)");
    };
    let Some(returned) = returned else {
        return mismatch("it carries no state");
    };
    let (a, b) = (pending.state.as_bytes(), returned.as_bytes());
    let differ = a.len() != b.len() || a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) != 0;
    if differ {
        return mismatch("its state is not the one this tab sent");
    }
    let age = now_ms.abs_diff(pending.started_at_ms);
    if age > PENDING_MAX_AGE_MS || (now_ms < pending.started_at_ms && age > 60_000) {
        return mismatch("the sign-in started too long ago");
    }
    Ok(())
}

/// The error of a `?error=` return, typed by the OAuth error code (`access_denied`, ...).
pub fn return_error(error: &str, description: &str) -> Error {
    let message = if description.is_empty() {
        format!("the managed login returned {error}")
    } else {
        format!("the managed login returned {error}: {description}")
    };
    Error::service(error, message, 400, None)
}

/// The tokens in `/oauth2/token`'s answer (`id_token`, `access_token`, `refresh_token`), or the
/// error it carries (`invalid_grant`, `invalid_request`, ... as the error's name).
pub fn read_token_answer(status: u16, body: &[u8]) -> Result<(String, String, String)> {
    let json = Json::parse(body).map_err(|_| {
        Error::protocol(format!(
            "the token endpoint answered HTTP {status} with a body that is not JSON"
        ))
    })?;
    let text = |k: &str| json.get(k).and_then(Json::as_str).map(str::to_owned);
    if !(200..300).contains(&status) {
        let error = text("error").unwrap_or_else(|| "OAuthError".into());
        let description = text("error_description").unwrap_or_default();
        let message = if description.is_empty() {
            format!("the token endpoint refused the code: {error}")
        } else {
            format!("the token endpoint refused the code: {error}: {description}")
        };
        return Err(Error::service(&error, message, status, None));
    }
    match (text("id_token"), text("access_token"), text("refresh_token")) {
        (Some(id), Some(access), Some(refresh)) => Ok((id, access, refresh)),
        _ => Err(Error::protocol(
            "the token endpoint's answer lacks id_token, access_token or refresh_token (ask for the openid scope)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oauth() -> OAuthConfig {
        OAuthConfig {
            domain: "https://myapp.auth.us-east-1.amazoncognito.com".into(),
            redirect_sign_in: "http://localhost:3000/".into(),
            redirect_sign_out: "http://localhost:3000/bye".into(),
            scopes: vec!["openid".into(), "email".into()],
        }
    }

    /// RFC 7636, appendix B: the verifier of these 32 octets and its S256 challenge.
    #[test]
    fn rfc_7636_appendix_b() {
        let octets = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212,
            37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
        ];
        let v = verifier(&octets);
        assert_eq!(v, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(challenge(&v), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn a_verifier_is_128_unreserved_characters() {
        let v = verifier(&[0xff; VERIFIER_BYTES]);
        assert_eq!(v.len(), 128);
        assert!(v.bytes().all(crate::codec::text::is_unreserved));
    }

    #[test]
    fn the_authorize_url_names_everything_cognito_checks() {
        let url = authorize_url(&oauth(), "client1", None, "st", "ch");
        assert_eq!(
            url,
            "https://myapp.auth.us-east-1.amazoncognito.com/oauth2/authorize?response_type=code&client_id=client1&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2F&scope=openid%20email&state=st&code_challenge=ch&code_challenge_method=S256"
        );
        for (p, idp) in [
            (Provider::Google, "Google"),
            (Provider::Facebook, "Facebook"),
            (Provider::Apple, "SignInWithApple"),
            (Provider::Amazon, "LoginWithAmazon"),
            (Provider::Custom("My SAML".into()), "My%20SAML"),
        ] {
            let url = authorize_url(&oauth(), "c", Some(&p), "s", "x");
            assert!(url.ends_with(&format!("&identity_provider={idp}")), "{url}");
        }
        assert_eq!(
            Provider::named("Yahoo").unwrap_err().field.as_deref(),
            Some("provider")
        );
    }

    #[test]
    fn the_logout_url_and_the_token_request() {
        assert_eq!(
            logout_url(&oauth(), "c1"),
            "https://myapp.auth.us-east-1.amazoncognito.com/logout?client_id=c1&logout_uri=http%3A%2F%2Flocalhost%3A3000%2Fbye"
        );
        let pending = Pending {
            state: "s".into(),
            verifier: "v~1".into(),
            custom_state: None,
            redirect_uri: "http://localhost:3000/".into(),
            started_at_ms: 0,
        };
        let r = token_request(&oauth(), "c1", "a+b", &pending);
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.url,
            "https://myapp.auth.us-east-1.amazoncognito.com/oauth2/token"
        );
        assert_eq!(
            String::from_utf8(r.body.clone()).unwrap(),
            "grant_type=authorization_code&client_id=c1&code=a%2Bb&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2F&code_verifier=v~1"
        );
        assert_eq!(
            r.headers,
            vec![(
                "content-type".to_owned(),
                "application/x-www-form-urlencoded".to_owned()
            )]
        );
    }

    #[test]
    fn reading_the_return() {
        assert_eq!(read_return("http://localhost:3000/"), None);
        assert_eq!(read_return("http://localhost:3000/?x=1#code=no"), None);
        assert_eq!(
            read_return("http://localhost:3000/?code=ab%2Bc&state=s+t%7E#frag"),
            Some(Return::Code {
                code: "ab+c".into(),
                state: Some("s t~".into())
            })
        );
        assert_eq!(
            read_return("http://h/?error=access_denied&error_description=User+cancelled&state=z"),
            Some(Return::Failed {
                error: "access_denied".into(),
                description: "User cancelled".into(),
                state: Some("z".into())
            })
        );
        assert_eq!(
            read_return("http://h/?code=%zz%4"),
            Some(Return::Code {
                code: "%zz%4".into(),
                state: None
            })
        );
        assert_eq!(
            without_return_params("http://h/p?a=1&code=x&state=y&b=2#top"),
            "http://h/p?a=1&b=2#top"
        );
        assert_eq!(
            without_return_params("http://h/?code=x&state=y"),
            "http://h/"
        );
        assert_eq!(
            without_return_params("http://h/?error=e&error_description=d"),
            "http://h/"
        );
    }

    #[test]
    fn the_state_must_be_the_one_sent_and_recent() {
        let pending = Pending {
            state: "abc".into(),
            verifier: "v".into(),
            custom_state: Some("x".into()),
            redirect_uri: "r".into(),
            started_at_ms: 1_000_000,
        };
        assert!(check_state(Some(&pending), Some("abc"), 1_000_500).is_ok());
        for (p, s, now) in [
            (Some(&pending), Some("abd"), 1_000_500),
            (Some(&pending), Some("ab"), 1_000_500),
            (Some(&pending), Some(""), 1_000_500),
            (Some(&pending), None, 1_000_500),
            (None, Some("abc"), 1_000_500),
            (
                Some(&pending),
                Some("abc"),
                1_000_000 + PENDING_MAX_AGE_MS + 1,
            ),
        ] {
            let e = check_state(p, s, now).unwrap_err();
            assert_eq!(e.code, "OAuthStateMismatch");
        }
        assert_eq!(Pending::from_json(&pending.to_json()), Some(pending));
        assert_eq!(Pending::from_json("{\"state\":\"x\"}"), None);
    }

    #[test]
    fn the_token_answer() {
        let ok = br#"{"id_token":"i","access_token":"a","refresh_token":"r","token_type":"Bearer","expires_in":3600}"#;
        assert_eq!(
            read_token_answer(200, ok).unwrap(),
            ("i".into(), "a".into(), "r".into())
        );
        let e = read_token_answer(
            400,
            br#"{"error":"invalid_grant","error_description":"PKCE verification failed."}"#,
        )
        .unwrap_err();
        assert_eq!(e.code, "invalid_grant");
        assert!(e.message.contains("PKCE verification failed."));
        assert_eq!(
            read_token_answer(200, br#"{"access_token":"a"}"#)
                .unwrap_err()
                .code,
            "ProtocolError"
        );
        assert_eq!(
            read_token_answer(502, b"<html>").unwrap_err().code,
            "ProtocolError"
        );
    }
}
