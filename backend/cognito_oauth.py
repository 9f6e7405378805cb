"""The managed login's OAuth 2.0 endpoints as Cognito checks them, for extension.py's `oauth` patch.

ministack 1.5.33 already serves /oauth2/authorize (a login page), /login, /oauth2/token,
/oauth2/userInfo, /logout and the federation callback /oauth2/idpresponse, and checks PKCE for a
code issued by its own login page.  What it gets wrong, and this closes (per the Cognito
developer guide's "User pool endpoints": authorize, token, logout):

  * a code issued through a federated provider (identity_provider=...) drops the PKCE challenge
    and answers /oauth2/token with any verifier, or none; and the token endpoint takes that code
    without redirect_uri.  Here the challenge travels with the relay to the code, and the token
    endpoint refuses a wrong or missing code_verifier or redirect_uri with `invalid_grant`;
  * the federated authorize request is not checked against the app client: response_type=code,
    the client's AllowedOAuthFlows, and SupportedIdentityProviders naming the provider
    (`unauthorized_client` / `invalid_request`), nor a malformed PKCE challenge;
  * the upstream provider's ID token is decoded without verifying it.  Here its signature (the
    provider's JWKS, found by discovery), issuer, audience (the pool's client id at the provider)
    and expiry are checked before a user is created or signed in;
  * social providers (`Google`, `Facebook`, `LoginWithAmazon`, `SignInWithApple`) are not
    federated at all ("Federated sign-in not supported").  Here `Google` is federated as the
    OpenID provider it is, at the stand-in issuer the backend runs (upstream_oidc.py) instead of
    accounts.google.com; the others stay refused (no stand-in);
  * /logout with a client that lists no LogoutURLs redirects anywhere.  Here a logout_uri must be
    one of the client's LogoutURLs, else `redirect_mismatch`.
"""

import contextlib
import contextvars
import json
from urllib.parse import parse_qs, urlsplit

import jwt

# Social provider type -> the issuer of its stand-in, filled by serve.py once it knows its port.
ISSUERS = {}
_verify = contextvars.ContextVar("apiless_oauth_verify", default=None)


class OAuth:
    """The wrappers of the patch; `issuers` maps a social provider type to its stand-in issuer."""

    def __init__(self, cognito, issuers=ISSUERS):
        self._c = cognito
        self._issuers = issuers  # e.g. {"Google": "http://127.0.0.1:4566/_apiless/google"}
        self._jwks = {}

    def _error(self, error, description, status=400):
        return self._c._oauth2_error(error, description, status)

    # ---- /oauth2/authorize?identity_provider=... --------------------------------------------

    def federating(self, original):
        def authorize(query_params):
            q = lambda name: self._c._qp(query_params, name)  # noqa: E731
            client_id, redirect_uri, state = q("client_id"), q("redirect_uri"), q("state")
            _, pool, client = self._c._find_pool_by_client_id(client_id) if client_id else (None, None, None)
            if client is None:
                return original(query_params)  # ministack's own client errors
            if q("response_type") != "code":
                return self._error("unsupported_response_type", "Only response_type=code is supported.")
            if "code" not in client.get("AllowedOAuthFlows", []):
                return self._error("unauthorized_client", "Client is not allowed to use the code flow.")
            if redirect_uri not in client.get("CallbackURLs", []):
                return self._error("redirect_mismatch", f"redirect_uri is not allowed: {redirect_uri}")
            if q("identity_provider") not in client.get("SupportedIdentityProviders", []):
                return self._error("invalid_request",
                                   f"{q('identity_provider')} is not a supported identity provider of this client.")
            challenge, method = q("code_challenge"), q("code_challenge_method")
            refused = self._c._pkce_error_redirect(redirect_uri, challenge, method, state)
            if refused:
                return refused
            with self._as_openid(pool, q("identity_provider")):
                status, headers, body = original(query_params)
            relay = _query(headers.get("Location", "")).get("state") or _query(
                headers.get("Location", "")).get("RelayState")
            entry = self._c._auth_codes.get(relay) if status == 302 and relay else None
            if entry is not None:
                entry.update(code_challenge=challenge, code_challenge_method=method)
            return status, headers, body
        return authorize

    @contextlib.contextmanager
    def _as_openid(self, pool, name):
        """While inside, a social provider of `pool` reads as the OpenID provider its stand-in is."""
        providers = (pool or {}).get("_identity_providers", {})
        provider = providers.get(name)
        issuer = self._issuers.get((provider or {}).get("ProviderType"))
        if provider is None or issuer is None:
            yield
            return
        # Fixed endpoints, as Cognito has Google's: ministack's discovery would call this same
        # server from its event loop (authorize is not run off the loop) and wait forever.
        details = {**provider.get("ProviderDetails", {}), "oidc_issuer": issuer,
                   "authorize_url": f"{issuer}/authorize", "token_url": f"{issuer}/token"}
        providers[name] = {**provider, "ProviderType": "OIDC", "ProviderDetails": details}
        try:
            yield
        finally:
            providers[name] = provider

    # ---- /oauth2/idpresponse ----------------------------------------------------------------

    def idp_response(self, original):
        def respond(method, body, query_params):
            state = self._c._qp(query_params, "state")
            if not state and body and method == "POST":
                state = _form(body).get("state", "")
            relay = dict(self._c._auth_codes.get(state) or {})
            pool = self._c._get_pool_unscoped(relay["pool_id"]) if relay.get("pool_id") else None
            with self._as_openid(pool, relay.get("provider_name")):
                provider = ((pool or {}).get("_identity_providers", {})).get(relay.get("provider_name"), {})
                details = provider.get("ProviderDetails", {})
                token = _verify.set({"issuer": details.get("oidc_issuer", ""),
                                     "audience": details.get("client_id", "")})
                try:
                    status, headers, out = original(method, body, query_params)
                finally:
                    _verify.reset(token)
            code = _query(headers.get("Location", "")).get("code") if status == 302 else None
            entry = self._c._auth_codes.get(code) if code else None
            if entry is not None:
                entry.update(code_challenge=relay.get("code_challenge", ""),
                             code_challenge_method=relay.get("code_challenge_method", ""))
            return status, headers, out
        return respond

    def verifying_id_tokens(self, original):
        """_decode_id_token_unverified, verifying the token while an idpresponse is in progress."""
        def decode(id_token):
            expected = _verify.get()
            if expected is None:
                return original(id_token)
            try:
                key = self._signing_key(expected["issuer"], id_token)
                return jwt.decode(id_token, key, algorithms=["RS256"], audience=expected["audience"],
                                  issuer=expected["issuer"], options={"require": ["exp", "iat", "sub"]})
            except jwt.PyJWTError as error:
                raise ValueError(f"the identity provider's ID token is not valid: {error}") from error
        return decode

    def _signing_key(self, issuer, id_token):
        client = self._jwks.get(issuer)
        if client is None:
            import urllib.request

            with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=10) as resp:
                jwks_uri = json.loads(resp.read())["jwks_uri"]
            client = self._jwks[issuer] = jwt.PyJWKClient(jwks_uri, cache_keys=True)
        return client.get_signing_key_from_jwt(id_token).key

    # ---- /oauth2/token ----------------------------------------------------------------------

    def token(self, original):
        def exchange(data, query_params, raw_body=b"", headers=None):
            form = _form(raw_body)
            if form.get("grant_type") == "authorization_code":
                entry = self._c._auth_codes.get(form.get("code", ""))
                if entry is not None and entry.get("type") == "code":
                    refused = self._federated_code_error(entry, form, headers or {})
                    if refused:
                        return refused
            return original(data, query_params, raw_body, headers)
        return exchange

    def _federated_code_error(self, entry, form, headers):
        client_id, _ = self._c._authenticate_client(headers, form)
        if client_id != entry["client_id"]:
            return self._error("invalid_grant", "client_id mismatch.")
        if form.get("redirect_uri", "") != entry["redirect_uri"]:
            return self._error("invalid_grant", "redirect_uri mismatch.")
        if entry.get("code_challenge"):
            verifier = form.get("code_verifier", "")
            if not verifier:
                return self._error("invalid_grant", "code_verifier is required.")
            if not self._c._verify_pkce(verifier, entry["code_challenge"], entry.get("code_challenge_method", "")):
                return self._error("invalid_grant", "PKCE verification failed.")
        return None

    # ---- /logout ----------------------------------------------------------------------------

    def logout(self, original):
        def handle(method, path, headers, query_params):
            client_id = self._c._qp(query_params, "client_id")
            logout_uri = self._c._qp(query_params, "logout_uri")
            _, _, client = self._c._find_pool_by_client_id(client_id) if client_id else (None, None, None)
            if client is not None and logout_uri and logout_uri not in client.get("LogoutURLs", []):
                return self._error("redirect_mismatch", f"logout_uri is not allowed: {logout_uri}")
            return original(method, path, headers, query_params)
        return handle


def _query(url):
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def _form(body):
    if not body:
        return {}
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
