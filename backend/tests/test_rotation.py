"""Self-test of refresh-token rotation (extension.py's `rotation` patch) against the running backend.

Per the Cognito API reference: an app client's RefreshTokenRotation (Feature ENABLED/DISABLED,
RetryGracePeriodSeconds 0-60) is kept and described; with it ENABLED, GetTokensFromRefreshToken
answers a new refresh token, and the submitted one is refused with RefreshTokenReuseException once
the grace period is over (at once with 0); with it DISABLED no refresh token is issued.

What fails without the patch (APILESS_BACKEND_UNPATCHED=rotation): every test here but
test_without_rotation_no_refresh_token_is_issued (stock ministack never rotates).
"""

import json
import os
import secrets
import time
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP
from test_profile import REPO_ROOT, idp


@pytest.fixture(scope="module")
def cfg():
    path = Path(os.environ.get("APILESS_LOCAL_JSON") or REPO_ROOT / ".apiless" / "local.json")
    if not path.exists():
        pytest.fail(f"{path} not found: start the backend first (python backend/serve.py)")
    return json.loads(path.read_text())


def rotating_client(cfg, grace, feature="ENABLED"):
    return idp(cfg).create_user_pool_client(
        UserPoolId=cfg["userPoolId"], ClientName=f"rotating-{secrets.token_hex(3)}", GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        RefreshTokenRotation={"Feature": feature, "RetryGracePeriodSeconds": grace},
    )["UserPoolClient"]


def refresh_token_of(cfg, client_id):
    """A fresh user of the main pool, signed in with SRP through `client_id`: its refresh token."""
    admin = idp(cfg)
    name, password = f"rotation-{secrets.token_hex(5)}", f"Pw-{secrets.token_hex(6)}-9a!"
    admin.admin_create_user(UserPoolId=cfg["userPoolId"], Username=name, TemporaryPassword=password,
                            MessageAction="SUPPRESS")
    admin.admin_set_user_password(UserPoolId=cfg["userPoolId"], Username=name, Password=password, Permanent=True)
    srp = AWSSRP(username=name, password=password, pool_id=cfg["userPoolId"], client_id=client_id, client=admin)
    return srp.authenticate_user()["AuthenticationResult"]["RefreshToken"]


def refresh(cfg, client_id, token):
    """GetTokensFromRefreshToken, unsigned as a browser sends it: the AuthenticationResult."""
    answer = idp(cfg, unsigned=True).get_tokens_from_refresh_token(ClientId=client_id, RefreshToken=token)
    return answer["AuthenticationResult"]


def refused(cfg, client_id, token):
    with pytest.raises(ClientError) as caught:
        refresh(cfg, client_id, token)
    return caught.value.response["Error"]["Code"]


def test_the_setting_is_kept_and_described(cfg):
    client = rotating_client(cfg, 7)
    assert client["RefreshTokenRotation"] == {"Feature": "ENABLED", "RetryGracePeriodSeconds": 7}
    described = idp(cfg).describe_user_pool_client(UserPoolId=cfg["userPoolId"], ClientId=client["ClientId"])
    assert described["UserPoolClient"]["RefreshTokenRotation"]["RetryGracePeriodSeconds"] == 7
    updated = idp(cfg).update_user_pool_client(UserPoolId=cfg["userPoolId"], ClientId=client["ClientId"],
                                               RefreshTokenRotation={"Feature": "DISABLED"})
    assert updated["UserPoolClient"]["RefreshTokenRotation"]["Feature"] == "DISABLED"


@pytest.mark.parametrize("rotation", [{"Feature": "ON"}, {"Feature": "ENABLED", "RetryGracePeriodSeconds": 61}])
def test_a_bad_setting_is_refused(cfg, rotation):
    with pytest.raises(ClientError) as caught:
        idp(cfg).create_user_pool_client(UserPoolId=cfg["userPoolId"], ClientName="bad", RefreshTokenRotation=rotation)
    assert caught.value.response["Error"]["Code"] == "InvalidParameterException"


def test_with_no_grace_period_the_old_token_is_refused_at_once_and_the_new_one_works(cfg):
    client_id = rotating_client(cfg, 0)["ClientId"]
    first = refresh_token_of(cfg, client_id)
    second = refresh(cfg, client_id, first)
    assert second["RefreshToken"] and second["RefreshToken"] != first
    assert second["IdToken"] and second["AccessToken"]
    assert refused(cfg, client_id, first) == "RefreshTokenReuseException"
    third = refresh(cfg, client_id, second["RefreshToken"])
    assert third["RefreshToken"] not in (first, second["RefreshToken"])
    assert refused(cfg, client_id, second["RefreshToken"]) == "RefreshTokenReuseException"


def test_within_the_grace_period_the_old_token_still_works_then_it_is_refused(cfg):
    client_id = rotating_client(cfg, 2)["ClientId"]
    first = refresh_token_of(cfg, client_id)
    rotated = refresh(cfg, client_id, first)["RefreshToken"]
    retried = refresh(cfg, client_id, first)  # a client's retry, within the grace period
    assert retried["RefreshToken"] not in (first, rotated)
    time.sleep(2.2)
    assert refused(cfg, client_id, first) == "RefreshTokenReuseException"
    assert refresh(cfg, client_id, rotated)["RefreshToken"]


def test_a_rotated_token_is_still_refused_when_revoked(cfg):
    client_id = rotating_client(cfg, 0)["ClientId"]
    rotated = refresh(cfg, client_id, refresh_token_of(cfg, client_id))["RefreshToken"]
    idp(cfg, unsigned=True).revoke_token(Token=rotated, ClientId=client_id)
    assert refused(cfg, client_id, rotated) == "NotAuthorizedException"


def test_without_rotation_no_refresh_token_is_issued(cfg):
    client_id = rotating_client(cfg, 0, feature="DISABLED")["ClientId"]
    token = refresh_token_of(cfg, client_id)
    assert "RefreshToken" not in refresh(cfg, client_id, token)
    assert "RefreshToken" not in refresh(cfg, client_id, token), "the same token, again"
