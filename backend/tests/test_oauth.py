"""Self-test of the managed login's OAuth 2.0 endpoints (extension.py's `oauth` patch, cognito_oauth.py,
and the stand-in Google of upstream_oidc.py) against the running backend.

Driven with plain HTTP as a browser would (redirects followed by hand): the seeded main pool's app
client (code flow, PKCE S256, CallbackURLs/LogoutURLs with this test's URL added through
POST /_apiless/fixtures/oauth-urls) and its `Google` identity provider.  What is checked follows the
Cognito developer guide's "User pool endpoints" (authorize, token, logout): invalid_grant for a wrong
or missing code_verifier, a reused code, a redirect_uri other than the one authorized;
redirect_mismatch for a logout_uri the client does not list.  The `state` round trip is the
client's to check (the endpoints only carry it).

What fails without the patch (APILESS_BACKEND_UNPATCHED=oauth): every Google test (stock ministack
refuses to federate a `Google` provider), and with it the federated PKCE, redirect_uri and
ID-token checks; the logout test (stock: a client listing no LogoutURLs sends anywhere).
"""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config

from test_mfa import cfg, idp  # noqa: F401  (the module fixture and helper)

APP = "http://127.0.0.1:4999/oauth-test/"


@pytest.fixture(scope="module")
def oauth(cfg):  # noqa: F811
    registered = requests.post(f"{cfg['endpoint']}/_apiless/fixtures/oauth-urls", json={"urls": [APP]}, timeout=10)
    assert registered.status_code == 200, registered.text
    return requests.get(f"{cfg['endpoint']}/_apiless/fixtures", timeout=10).json()["oauth"]


def pkce():
    verifier = secrets.token_urlsafe(64)[:96]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def query(location):
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def authorize_url(cfg, challenge, state, provider=None, redirect=APP):  # noqa: F811
    params = {"response_type": "code", "client_id": cfg["userPoolClientId"], "redirect_uri": redirect,
              "scope": "openid email profile aws.cognito.signin.user.admin", "state": state,
              "code_challenge": challenge, "code_challenge_method": "S256"}
    if provider:
        params["identity_provider"] = provider
    return f"{cfg['endpoint']}/oauth2/authorize?{urlencode(params)}"


def hosted_login(cfg, challenge, state, user=None):  # noqa: F811
    """The login page, its form posted with a seeded user's password: the redirect back to the app."""
    user = user or cfg["users"][0]
    page = requests.get(authorize_url(cfg, challenge, state), timeout=10)
    assert page.status_code == 200 and 'action="/login"' in page.text
    form = {"username": user["username"], "password": user["password"], "client_id": cfg["userPoolClientId"],
            "redirect_uri": APP, "scope": "openid email profile aws.cognito.signin.user.admin", "state": state,
            "response_type": "code", "code_challenge": challenge, "code_challenge_method": "S256"}
    back = requests.post(f"{cfg['endpoint']}/login", data=form, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    return back.headers["Location"]


def google_login(cfg, challenge, state, email, forge="", expect=302):  # noqa: F811
    """authorize?identity_provider=Google -> the stand-in's page -> its form -> idpresponse -> the app."""
    to_google = requests.get(authorize_url(cfg, challenge, state, provider="Google"), allow_redirects=False,
                             timeout=10)
    assert to_google.status_code == 302, to_google.text
    google = to_google.headers["Location"]
    assert google.startswith(f"{cfg['endpoint']}/_apiless/google/authorize?")
    asked = query(google)
    page = requests.get(google, timeout=10)
    assert page.status_code == 200 and 'id="email"' in page.text
    form = {k: asked.get(k, "") for k in ("client_id", "redirect_uri", "state", "nonce")}
    to_pool = requests.post(f"{cfg['endpoint']}/_apiless/google/login", data={**form, "email": email, "forge": forge},
                            allow_redirects=False, timeout=10)
    assert to_pool.status_code == 302 and to_pool.headers["Location"].startswith(
        f"{cfg['endpoint']}/oauth2/idpresponse?"), to_pool.text
    to_app = requests.get(to_pool.headers["Location"], allow_redirects=False, timeout=10)
    assert to_app.status_code == expect, to_app.text
    return to_app.headers.get("Location")


def token(cfg, code, verifier, redirect=APP):  # noqa: F811
    form = {"grant_type": "authorization_code", "client_id": cfg["userPoolClientId"], "code": code,
            "redirect_uri": redirect}
    if verifier is not None:
        form["code_verifier"] = verifier
    return requests.post(f"{cfg['endpoint']}/oauth2/token", data=form, timeout=10,
                         headers={"Origin": "http://127.0.0.1:4999"})


def error_of(answer):
    assert answer.status_code == 400, answer.text
    return answer.json()["error"]


def test_hosted_login_signs_in_with_pkce_once(cfg, oauth):  # noqa: F811
    verifier, challenge = pkce()
    back = hosted_login(cfg, challenge, "s-1")
    assert back.startswith(APP) and query(back)["state"] == "s-1"
    code = query(back)["code"]
    assert error_of(token(cfg, code, verifier + "x")) == "invalid_grant"
    assert error_of(token(cfg, code, None)) == "invalid_grant"
    assert error_of(token(cfg, code, verifier, redirect=APP + "other")) == "invalid_grant"
    answer = token(cfg, code, verifier)
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == "http://127.0.0.1:4999"  # a page can read it
    tokens = answer.json()
    assert {"id_token", "access_token", "refresh_token"} <= set(tokens) and tokens["token_type"] == "Bearer"
    assert error_of(token(cfg, code, verifier)) == "invalid_grant"  # single use


def test_a_redirect_uri_not_in_the_callback_urls_is_refused(cfg, oauth):  # noqa: F811
    _, challenge = pkce()
    for provider in (None, "Google"):
        answer = requests.get(authorize_url(cfg, challenge, "s", provider, redirect="http://127.0.0.1:4999/evil"),
                              allow_redirects=False, timeout=10)
        assert answer.status_code == 400 and "Location" not in answer.headers


def test_sign_in_with_google_through_the_stand_in(cfg, oauth):  # noqa: F811
    verifier, challenge = pkce()
    email = f"g-{secrets.token_hex(4)}@gmail.example"
    back = google_login(cfg, challenge, "g-state", email)
    assert back.startswith(APP) and query(back)["state"] == "g-state"
    code = query(back)["code"]
    # The challenge travelled: another verifier is refused. (Its last character changed: a
    # random verifier already ending in "A" once made this "another" the same one.)
    other = verifier[:-1] + ("B" if verifier.endswith("A") else "A")
    assert error_of(token(cfg, code, other)) == "invalid_grant"
    assert error_of(token(cfg, code, None)) == "invalid_grant"
    assert error_of(token(cfg, code, verifier, redirect=APP + "other")) == "invalid_grant"
    answer = token(cfg, code, verifier)
    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    assert error_of(token(cfg, code, verifier)) == "invalid_grant"  # single use
    claims = jwt_claims(tokens["id_token"])
    assert claims["cognito:username"].startswith("Google_") and claims["email"] == email
    assert claims["iss"].endswith(cfg["userPoolId"]) and claims["aud"] == cfg["userPoolClientId"]
    # The same JWTs the rest of the backend takes: the identity pool vends credentials for them, and
    # they scope a DynamoDB write to the user's own identity id.
    provider = claims["iss"].removeprefix("https://")
    identity = boto3.client("cognito-identity", endpoint_url=cfg["endpoint"], region_name=cfg["region"],
                            config=Config(signature_version=UNSIGNED))
    logins = {provider: tokens["id_token"]}
    identity_id = identity.get_id(IdentityPoolId=cfg["identityPoolId"], Logins=logins)["IdentityId"]
    creds = identity.get_credentials_for_identity(IdentityId=identity_id, Logins=logins)["Credentials"]
    dynamodb = boto3.client("dynamodb", endpoint_url=cfg["endpoint"], region_name=cfg["region"],
                            aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretKey"],
                            aws_session_token=creds["SessionToken"])
    dynamodb.put_item(TableName=cfg["table"], Item={"pk": {"S": identity_id}, "sk": {"S": "oauth"}})
    with pytest.raises(dynamodb.exceptions.ClientError) as denied:
        dynamodb.put_item(TableName=cfg["table"], Item={"pk": {"S": "us-east-1:someone-else"}, "sk": {"S": "x"}})
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    # The refresh token renews them, at the token endpoint and through InitiateAuth.
    renewed = requests.post(f"{cfg['endpoint']}/oauth2/token", timeout=10, data={
        "grant_type": "refresh_token", "client_id": cfg["userPoolClientId"], "refresh_token": tokens["refresh_token"]})
    assert renewed.status_code == 200 and "access_token" in renewed.json(), renewed.text
    public = idp(cfg, unsigned=True)
    result = public.initiate_auth(ClientId=cfg["userPoolClientId"], AuthFlow="REFRESH_TOKEN_AUTH",
                                  AuthParameters={"REFRESH_TOKEN": tokens["refresh_token"]})["AuthenticationResult"]
    assert jwt_claims(result["IdToken"])["sub"] == claims["sub"]
    # The same Google account signs in as the same user again.
    verifier, challenge = pkce()
    again = token(cfg, query(google_login(cfg, challenge, "g2", email))["code"], verifier).json()
    assert jwt_claims(again["id_token"])["sub"] == claims["sub"]


def test_a_provider_the_client_does_not_support_is_refused(cfg, oauth):  # noqa: F811
    _, challenge = pkce()
    answer = requests.get(authorize_url(cfg, challenge, "s", provider="Facebook"), allow_redirects=False, timeout=10)
    assert answer.status_code == 400 and "Location" not in answer.headers


def test_a_forged_upstream_id_token_is_refused(cfg, oauth):  # noqa: F811
    """The pool verifies the provider's ID token: signed with a key the provider never published, or
    issued to another client, it creates no user and issues no code; nor does a callback with a code
    the provider never issued."""
    for forge in ("key", "audience"):
        _, challenge = pkce()
        email = f"forged-{secrets.token_hex(4)}@gmail.example"
        assert google_login(cfg, challenge, "s", email, forge=forge, expect=400) is None
    _, challenge = pkce()
    to_google = requests.get(authorize_url(cfg, challenge, "s", provider="Google"), allow_redirects=False, timeout=10)
    relay = query(to_google.headers["Location"])["state"]
    forged = requests.get(f"{cfg['endpoint']}/oauth2/idpresponse?" + urlencode({"code": "forged", "state": relay}),
                          allow_redirects=False, timeout=10)
    assert forged.status_code == 400 and "Location" not in forged.headers


def test_logout_takes_only_the_clients_logout_urls(cfg, oauth):  # noqa: F811
    base = f"{cfg['endpoint']}/logout?client_id={cfg['userPoolClientId']}&logout_uri="
    ok = requests.get(base + APP, allow_redirects=False, timeout=10)
    assert ok.status_code == 302 and ok.headers["Location"] == APP
    evil = requests.get(base + "http://127.0.0.1:4999/evil", allow_redirects=False, timeout=10)
    assert evil.status_code == 400 and evil.json()["error"] in ("redirect_mismatch", "invalid_request")
    # A client that lists no LogoutURLs sends nowhere (stock ministack: anywhere).
    admin = idp(cfg)
    bare = admin.create_user_pool_client(UserPoolId=cfg["userPoolId"], ClientName="oauth-no-logout",
                                         AllowedOAuthFlows=["code"], AllowedOAuthFlowsUserPoolClient=True,
                                         AllowedOAuthScopes=["openid"], CallbackURLs=[APP],
                                         SupportedIdentityProviders=["COGNITO"])["UserPoolClient"]["ClientId"]
    anywhere = requests.get(f"{cfg['endpoint']}/logout?client_id={bare}&logout_uri={APP}", allow_redirects=False,
                            timeout=10)
    assert anywhere.status_code == 400 and anywhere.json()["error"] == "redirect_mismatch"


def jwt_claims(token_text):
    import json

    payload = token_text.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
