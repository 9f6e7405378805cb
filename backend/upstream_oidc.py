"""A stand-in upstream OpenID provider ("Google") on loopback, for "Sign in with Google" end to end.

The user pool's `Google` identity provider sends the browser here (cognito_oauth.py points it at
this issuer instead of accounts.google.com), and exchanges the code it gets back at this token
endpoint, as Cognito does with Google.  Served by middleware.py under PREFIX on the backend's port:

  GET  {issuer}/.well-known/openid-configuration   discovery (OpenID Connect Discovery 1.0)
  GET  {issuer}/jwks                               the public key its ID tokens are signed with
  GET  {issuer}/authorize                          a plain "choose an account" page (an email field)
  POST {issuer}/login                              the page's form: a single-use code, back to redirect_uri
  POST {issuer}/token                              authorization_code grant -> an RS256 ID token

For the pool's own checks to be shown failing, the login form takes `forge`: `key` signs that code's
ID token with a key the provider never published, `audience` issues it to another client.

It checks what an OpenID provider checks: the client id and secret, the redirect_uri registered for
the client (and the same one at the token endpoint), a code used once within CODE_TTL_S.  The key
pair is generated at start and never leaves the process.
"""

import base64
import hashlib
import html
import json
import secrets
import time
from urllib.parse import parse_qs, urlencode

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

PREFIX = "/_apiless/google"
CLIENT_ID = "apiless-google-client.apps.example"
CODE_TTL_S = 60
TOKEN_TTL_S = 3600


class UpstreamProvider:
    """One OpenID provider with one registered client (the user pool)."""

    def __init__(self, endpoint, clock=time.time):
        self.issuer = f"{endpoint}{PREFIX}"
        self.client_id = CLIENT_ID
        self.client_secret = secrets.token_urlsafe(24)
        self.redirect_uris = {f"{endpoint}/oauth2/idpresponse"}  # the pool's callback (no domain here)
        self._clock = clock
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._unpublished = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._kid = secrets.token_hex(8)
        self._codes = {}  # code -> {client_id, redirect_uri, email, nonce, expires}

    # ---- the endpoints ----------------------------------------------------------------------

    def handle(self, method, path, query, body, headers):
        """(status, headers, body) for a request to `path` (under PREFIX), or a 404."""
        route = path[len(PREFIX):] if path.startswith(PREFIX) else path
        routes = {
            ("GET", "/.well-known/openid-configuration"): self._discovery,
            ("GET", "/jwks"): self._jwks,
            ("GET", "/authorize"): self._authorize,
            ("POST", "/login"): self._login,
            ("POST", "/token"): self._token,
        }
        handler = routes.get((method, route))
        if handler is None:
            return _json(404, {"error": "not_found", "error_description": f"no {method} {route} here"})
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        params = {k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()}
        return handler({**params, **form} if method == "POST" else params, headers)

    def _discovery(self, _params, _headers):
        return _json(200, {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        })

    def _jwks(self, _params, _headers):
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key()))
        jwk.update({"kid": self._kid, "use": "sig", "alg": "RS256"})
        return _json(200, {"keys": [jwk]})

    def _client_error(self, params):
        if params.get("client_id") != self.client_id:
            return _text(400, "Error 401: invalid_client. The OAuth client was not found.")
        if params.get("redirect_uri") not in self.redirect_uris:
            return _text(400, "Error 400: redirect_uri_mismatch. The redirect URI in the request does not "
                              "match the ones authorized for the OAuth client.")
        return None

    def _authorize(self, params, _headers):
        error = self._client_error(params)
        if error:
            return error
        if params.get("response_type") != "code":
            return _redirect(params["redirect_uri"], {"error": "unsupported_response_type",
                                                      "state": params.get("state", "")})
        if "openid" not in params.get("scope", "").split():
            return _redirect(params["redirect_uri"], {"error": "invalid_scope", "state": params.get("state", "")})
        hidden = "".join(f'<input type="hidden" name="{k}" value="{html.escape(params.get(k, ""))}">'
                         for k in ("client_id", "redirect_uri", "state", "nonce"))
        page = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sign in - Google (stand-in)</title></head>
<body><h1>Sign in with Google</h1><p>The local stand-in for accounts.google.com.</p>
<form method="POST" action="{PREFIX}/login">{hidden}
<label>Email <input type="email" name="email" id="email" required></label>
<button type="submit" id="continue">Continue</button></form></body></html>"""
        return 200, {"content-type": "text/html; charset=utf-8", "cache-control": "no-store"}, page.encode()

    def _login(self, params, _headers):
        error = self._client_error(params)
        if error:
            return error
        email = params.get("email", "").strip().lower()
        if "@" not in email:
            return _text(400, "an email address is required")
        code = secrets.token_urlsafe(24)
        self._codes[code] = {"client_id": params["client_id"], "redirect_uri": params["redirect_uri"],
                             "email": email, "nonce": params.get("nonce", ""), "forge": params.get("forge", ""),
                             "expires": self._clock() + CODE_TTL_S}
        return _redirect(params["redirect_uri"], {"code": code, "state": params.get("state", "")})

    def _token(self, params, headers):
        client_id, secret = params.get("client_id", ""), params.get("client_secret", "")
        basic = headers.get("authorization", "")
        if basic.lower().startswith("basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        if client_id != self.client_id or not secrets.compare_digest(secret, self.client_secret):
            return _json(401, {"error": "invalid_client"})
        if params.get("grant_type") != "authorization_code":
            return _json(400, {"error": "unsupported_grant_type"})
        entry = self._codes.pop(params.get("code", ""), None)  # single use, even when refused below
        if entry is None or entry["expires"] < self._clock():
            return _json(400, {"error": "invalid_grant", "error_description": "Malformed auth code."})
        if entry["redirect_uri"] != params.get("redirect_uri") or entry["client_id"] != client_id:
            return _json(400, {"error": "redirect_uri_mismatch"})
        now = int(self._clock())
        audience = "another-client" if entry["forge"] == "audience" else client_id
        claims = {"iss": self.issuer, "aud": audience, "azp": client_id, "sub": subject(entry["email"]),
                  "email": entry["email"], "email_verified": True, "name": entry["email"].split("@")[0],
                  "iat": now, "exp": now + TOKEN_TTL_S}
        if entry["nonce"]:
            claims["nonce"] = entry["nonce"]
        key = self._unpublished if entry["forge"] == "key" else self._key
        id_token = jwt.encode(claims, _pem(key), algorithm="RS256", headers={"kid": self._kid})
        return _json(200, {"access_token": secrets.token_urlsafe(32), "id_token": id_token,
                           "token_type": "Bearer", "expires_in": TOKEN_TTL_S, "scope": "openid email profile"})



def _pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def subject(email):
    """A stable 21-digit subject per email address, shaped like Google's."""
    return str(int.from_bytes(hashlib.sha256(email.encode()).digest()[:8], "big")).zfill(21)[:21]


def _json(status, value):
    return status, {"content-type": "application/json", "cache-control": "no-store"}, json.dumps(value).encode()


def _text(status, message):
    return status, {"content-type": "text/plain; charset=utf-8"}, message.encode()


def _redirect(uri, params):
    params = {k: v for k, v in params.items() if v}
    return 302, {"location": uri + ("&" if "?" in uri else "?") + urlencode(params),
                 "cache-control": "no-store"}, b""
