"""The app's own API (seed.api, served by fixtures.py): API Gateway's AWS_IAM authorization as AWS does it.

Requests are signed by botocore for service `execute-api` with a user's identity pool credentials.  The
role's `own-api` policy allows execute-api:Invoke on /hello only, so /secret is refused by IAM; a
signature that does not match (a spoiled signature, a tampered body, the wrong service) is refused by
the signature check; each refusal has API Gateway's shape: 403 and `{"message": ...}`, the kind in
x-amzn-ErrorType.  This is ministack's own API Gateway with its own SigV4 and IAM checks (AUTH=true);
no patch of ours is involved but the policy variables' (none is used here) and CORS.
"""

import datetime
import re

import requests
import pytest

from test_backend import (  # noqa: F401  (the session fixtures: cfg, the users signed in)
    ORIGIN, _spoil_signature, alice, cfg, client, flip_last, identities, seed, signed_request, tokens)


@pytest.fixture(scope="module")
def api(cfg):  # noqa: F811
    return requests.get(f"{cfg['endpoint']}/_apiless/fixtures", timeout=10).json()["api"]


def call(cfg, creds, method, url, body=b"", *, service="execute-api", tamper=None, sent=None):  # noqa: F811
    headers = signed_request(cfg, creds, service, method, url, body, {"Content-Type": "text/plain"})
    if tamper:
        tamper(headers)
    headers["Origin"] = ORIGIN
    return requests.request(method, url, data=body if sent is None else sent, headers=headers, timeout=10)


@pytest.mark.parametrize("method, body", [("GET", b""), ("POST", b"name=alice&n=1"), ("PUT", bytes(range(256)))])
def test_the_role_may_invoke_the_allowed_path(cfg, alice, api, method, body):  # noqa: F811
    response = call(cfg, alice["creds"], method, f"{api['url']}/{api['allowed']}", body)
    assert response.status_code == 200, response.text
    assert response.json() == {"path": api["allowed"], "method": method}
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "x-amzn-requestid" in response.headers["access-control-expose-headers"].lower()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_iam_refuses_the_path_the_role_is_not_granted(cfg, alice, api, method):  # noqa: F811
    url = f"{api['url']}/{api['denied']}"
    response = call(cfg, alice["creds"], method, url, b"x" if method == "POST" else b"")
    assert response.status_code == 403
    assert response.headers.get("x-amzn-errortype", "").startswith("AccessDeniedException")
    message = response.json()["message"]
    assert "is not authorized to perform: execute-api:Invoke" in message, message
    # The page can read why: CORS on the refusal too.
    assert response.headers["access-control-allow-origin"] == ORIGIN


@pytest.mark.parametrize("spoil", ["signature", "body", "service", "region"])
def test_a_signature_that_does_not_match_is_refused(cfg, alice, api, spoil):  # noqa: F811
    url = f"{api['url']}/{api['allowed']}"
    where = {"service": "lambda"} if spoil == "service" else {}
    if spoil == "region":
        cfg = {**cfg, "region": "eu-west-1"}
    response = call(cfg, alice["creds"], "POST", url, b"the body as signed",
                    tamper=_spoil_signature if spoil == "signature" else None,
                    sent=b"the body as SENT" if spoil == "body" else None, **where)
    assert response.status_code == 403, response.text
    assert set(response.json()) == {"message"}
    if spoil in ("service", "region"):
        # The middleware's check (ministack signs with any scope): API Gateway's words.
        assert response.json()["message"].startswith("Credential should be scoped to")
        assert response.headers["x-amzn-errortype"] == "InvalidSignatureException"
    assert response.headers["access-control-allow-origin"] == ORIGIN


def test_an_unsigned_call_is_refused(cfg, api):  # noqa: F811
    response = requests.get(f"{api['url']}/{api['allowed']}", headers={"Origin": ORIGIN}, timeout=10)
    assert response.status_code == 403
    assert response.json() == {"message": "Missing Authentication Token"}


def test_a_wrong_session_token_is_refused(cfg, alice, api):  # noqa: F811
    creds = {**alice["creds"], "SessionToken": flip_last(alice["creds"]["SessionToken"])}
    response = call(cfg, creds, "GET", f"{api['url']}/{api['allowed']}")
    assert response.status_code == 403
    assert set(response.json()) == {"message"}


@pytest.mark.parametrize("amr", seed.AMRS)
def test_both_roles_may_invoke_hello_only(cfg, api, amr):  # noqa: F811
    """The `own-api` policy as seed.api_invoke_policy writes it: /hello in any stage, by any method."""
    iam = client(cfg, "iam")
    document = iam.get_role_policy(RoleName=seed.role_name(amr), PolicyName="own-api")["PolicyDocument"]
    api_arn = f"arn:aws:execute-api:{cfg['region']}:{seed.ACCOUNT}:{api['id']}"
    assert document == seed.api_invoke_policy(api_arn)
    assert document["Statement"][0]["Resource"] == f"{api_arn}/*/*/hello"


@pytest.mark.parametrize("minutes", [-20, 20])
def test_a_skewed_signature_is_refused_in_api_gateways_words(cfg, alice, api, minutes):  # noqa: F811
    """API Gateway allows 5 minutes either way and states the server's time, which aws.fetch reads."""
    now = datetime.datetime.now(datetime.timezone.utc)
    at = (now + datetime.timedelta(minutes=minutes)).replace(microsecond=0, tzinfo=None)
    url = f"{api['url']}/{api['allowed']}"
    headers = signed_request(cfg, alice["creds"], "execute-api", "GET", url, at=at)
    response = requests.get(url, headers={**headers, "Origin": ORIGIN}, timeout=10)
    assert response.status_code == 403
    assert response.headers["x-amzn-errortype"] == "InvalidSignatureException"
    stamp = r"\d{8}T\d{6}Z"
    pattern = (rf"Signature expired: {stamp} is now earlier than {stamp} \({stamp} - 5 min\.\)" if minutes < 0 else
               rf"Signature not yet current: {stamp} is still later than {stamp} \({stamp} \+ 5 min\.\)")
    assert re.fullmatch(pattern, response.json()["message"]), response.text
