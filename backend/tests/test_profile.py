"""Self-test of the profile operations (extension.py's `profile` patch) against the running backend.

A user's own attributes and MFA settings, through the access-token operations a browser calls
(unsigned, as AWS serves them), checked against the Cognito API reference: UpdateUserAttributes,
DeleteUserAttributes, GetUserAttributeVerificationCode, VerifyUserAttribute, SetUserMFAPreference,
GetUser and DeleteUser.  Codes are read where the backend "sends" them: ministack's SES recorder.

What fails without the patch (APILESS_BACKEND_UNPATCHED=profile): every test here but
test_delete_user_removes_the_user (ministack's own DeleteUser already does that): stock
ministack changes an email silently and leaves it verified, knows none of the three other
attribute operations, ignores EmailMfaSettings and turns TOTP on for a user without a token.
"""

import json
import os
import re
import secrets
from pathlib import Path

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cfg():
    path = Path(os.environ.get("APILESS_LOCAL_JSON") or REPO_ROOT / ".apiless" / "local.json")
    if not path.exists():
        pytest.fail(f"{path} not found: start the backend first (python backend/serve.py)")
    return json.loads(path.read_text())


def idp(cfg, *, unsigned=False):
    """cognito-idp with root keys (admin calls), or unsigned, as a browser calls the user operations."""
    config = Config(retries={"max_attempts": 1}, **({"signature_version": UNSIGNED} if unsigned else {}))
    return boto3.client("cognito-idp", endpoint_url=cfg["endpoint"], region_name=cfg["region"], config=config,
                        aws_access_key_id="test", aws_secret_access_key="test")


class User:
    """A fresh confirmed user with a verified email, signed in: `call(op, **params)` with its access token."""

    def __init__(self, cfg, pool_id=None, client_id=None):
        self.cfg, self.pool_id = cfg, pool_id or cfg["userPoolId"]
        self.name = f"profile-{secrets.token_hex(5)}"
        self.email = f"{self.name}@example.com"
        password = f"Pw-{secrets.token_hex(6)}-9a!"
        admin = idp(cfg)
        admin.admin_create_user(UserPoolId=self.pool_id, Username=self.name, TemporaryPassword=password,
                                MessageAction="SUPPRESS",
                                UserAttributes=[{"Name": "email", "Value": self.email},
                                                {"Name": "email_verified", "Value": "true"}])
        admin.admin_set_user_password(UserPoolId=self.pool_id, Username=self.name, Password=password, Permanent=True)
        srp = AWSSRP(username=self.name, password=password, pool_id=self.pool_id,
                     client_id=client_id or cfg["userPoolClientId"], client=admin)
        self.access_token = srp.authenticate_user()["AuthenticationResult"]["AccessToken"]
        self.public = idp(cfg, unsigned=True)

    def call(self, operation, **params):
        answer = getattr(self.public, operation)(AccessToken=self.access_token, **params)
        answer.pop("ResponseMetadata", None)
        return answer

    def refused(self, operation, **params):
        """The error code Cognito answers `operation` with (the test fails if it succeeds)."""
        with pytest.raises(ClientError) as caught:
            self.call(operation, **params)
        return caught.value.response["Error"]["Code"]

    def attributes(self):
        return {a["Name"]: a["Value"] for a in self.call("get_user")["UserAttributes"]}


def last_code(cfg, to):
    """The code of the last message the backend sent to `to`."""
    messages = requests.get(f"{cfg['endpoint']}/_ministack/ses/messages", timeout=10).json()["messages"]
    sent = [m for account in messages.values() for m in account if to in m["To"]]
    assert sent, f"no message to {to}"
    return re.search(r"\b(\d{6})\b", sent[-1]["BodyText"]).group(1)


def wrong(code):
    return f"{(int(code) + 1) % 10 ** 6:06d}"


def test_a_new_email_is_unverified_and_confirmed_with_the_code_sent_to_it(cfg):
    user = User(cfg)  # the seeded pool auto-verifies email and keeps no original value
    new = f"new-{user.email}"
    answer = user.call("update_user_attributes", UserAttributes=[{"Name": "email", "Value": new},
                                                                  {"Name": "name", "Value": "Zoë"}])
    [delivery] = answer["CodeDeliveryDetailsList"]
    assert delivery["DeliveryMedium"] == "EMAIL" and delivery["AttributeName"] == "email"
    assert new not in delivery["Destination"] and delivery["Destination"].startswith(new[0])
    attributes = user.attributes()
    assert (attributes["email"], attributes["email_verified"], attributes["name"]) == (new, "false", "Zoë")

    code = last_code(cfg, new)
    assert user.refused("verify_user_attribute", AttributeName="email", Code=wrong(code)) == "CodeMismatchException"
    assert user.attributes()["email_verified"] == "false"
    user.call("verify_user_attribute", AttributeName="email", Code=code)
    assert user.attributes()["email_verified"] == "true"
    assert user.refused("verify_user_attribute", AttributeName="email", Code=code) == "CodeMismatchException", \
        "a code is used once"


def test_a_pool_that_keeps_the_original_value_keeps_the_old_email_verified_until_confirmed(cfg):
    admin = idp(cfg)
    pool_id = admin.create_user_pool(
        PoolName=f"profile-keep-{secrets.token_hex(3)}", AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )["UserPool"]["Id"]
    client_id = admin.create_user_pool_client(UserPoolId=pool_id, ClientName="web", GenerateSecret=False,
                                              ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH",
                                                                 "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    user = User(cfg, pool_id, client_id)
    new = f"new-{user.email}"
    [delivery] = user.call("update_user_attributes",
                           UserAttributes=[{"Name": "email", "Value": new}])["CodeDeliveryDetailsList"]
    assert delivery["AttributeName"] == "email"
    attributes = user.attributes()
    assert (attributes["email"], attributes["email_verified"]) == (user.email, "true"), "the old one stays"

    # A code asked for again goes to the pending address too.
    resent = user.call("get_user_attribute_verification_code", AttributeName="email")["CodeDeliveryDetails"]
    assert resent["Destination"] == delivery["Destination"]
    user.call("verify_user_attribute", AttributeName="email", Code=last_code(cfg, new))
    attributes = user.attributes()
    assert (attributes["email"], attributes["email_verified"]) == (new, "true")


def test_attributes_outside_the_schema_or_immutable_are_refused_and_nothing_changes(cfg):
    user = User(cfg)
    before = user.attributes()
    for attributes in ([{"Name": "name", "Value": "x"}, {"Name": "favourite_colour", "Value": "blue"}],
                       [{"Name": "name", "Value": "x"}, {"Name": "sub", "Value": "someone-else"}]):
        assert user.refused("update_user_attributes", UserAttributes=attributes) == "InvalidParameterException"
    assert user.attributes() == before


def test_deleted_attributes_are_gone_and_sub_cannot_be_deleted(cfg):
    user = User(cfg)
    user.call("update_user_attributes", UserAttributes=[{"Name": "name", "Value": "Zoë"},
                                                        {"Name": "locale", "Value": "fr"}])
    assert user.refused("delete_user_attributes", UserAttributeNames=["name", "sub"]) == "InvalidParameterException"
    assert user.refused("delete_user_attributes", UserAttributeNames=["name", "nope"]) == "InvalidParameterException"
    assert user.attributes()["name"] == "Zoë", "a refused request deletes nothing"
    user.call("delete_user_attributes", UserAttributeNames=["name", "email"])
    attributes = user.attributes()
    assert "name" not in attributes and "email" not in attributes and "email_verified" not in attributes
    assert attributes["locale"] == "fr"


def test_a_verification_code_is_sent_only_for_an_email_or_phone_the_user_has(cfg):
    user = User(cfg)
    delivery = user.call("get_user_attribute_verification_code", AttributeName="email")["CodeDeliveryDetails"]
    assert (delivery["DeliveryMedium"], delivery["AttributeName"]) == ("EMAIL", "email")
    user.call("verify_user_attribute", AttributeName="email", Code=last_code(cfg, user.email))
    assert user.refused("get_user_attribute_verification_code", AttributeName="name") == "InvalidParameterException"
    assert user.refused("get_user_attribute_verification_code",
                        AttributeName="phone_number") == "InvalidParameterException"

    # The seeded pool does not auto-verify phone numbers: no code until one is asked for.
    phone = f"+1555{secrets.randbelow(10 ** 7):07d}"
    answer = user.call("update_user_attributes", UserAttributes=[{"Name": "phone_number", "Value": phone}])
    assert answer["CodeDeliveryDetailsList"] == []
    assert user.attributes()["phone_number_verified"] == "false"
    delivery = user.call("get_user_attribute_verification_code", AttributeName="phone_number")["CodeDeliveryDetails"]
    assert (delivery["DeliveryMedium"], delivery["Destination"]) == ("SMS", "+" + "*" * (len(phone) - 5) + phone[-4:])
    user.call("verify_user_attribute", AttributeName="phone_number", Code=last_code(cfg, phone))
    assert user.attributes()["phone_number_verified"] == "true"


def test_mfa_preferences_are_kept_and_a_factor_the_user_cannot_receive_is_refused(cfg):
    user = User(cfg)
    user.call("set_user_mfa_preference", EmailMfaSettings={"Enabled": True, "PreferredMfa": True})
    got = user.call("get_user")
    assert (got["UserMFASettingList"], got["PreferredMfaSetting"]) == (["EMAIL_OTP"], "EMAIL_OTP")

    refusals = [
        {"SMSMfaSettings": {"Enabled": True}},  # no phone_number
        {"SoftwareTokenMfaSettings": {"Enabled": True}},  # no verified software token
        {"SMSMfaSettings": {"Enabled": False, "PreferredMfa": True}},
        {"EmailMfaSettings": {"Enabled": True, "PreferredMfa": True},
         "SMSMfaSettings": {"Enabled": True, "PreferredMfa": True}},
        # A valid half does not go through when the other half is refused.
        {"EmailMfaSettings": {"Enabled": False}, "SoftwareTokenMfaSettings": {"Enabled": True}},
    ]
    for settings in refusals:
        assert user.refused("set_user_mfa_preference", **settings) == "InvalidParameterException", settings
        got = user.call("get_user")
        assert (got["UserMFASettingList"], got["PreferredMfaSetting"]) == (["EMAIL_OTP"], "EMAIL_OTP"), settings

    user.call("update_user_attributes", UserAttributes=[{"Name": "phone_number", "Value": "+15550000001"}])
    user.call("set_user_mfa_preference", SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
    got = user.call("get_user")
    assert (sorted(got["UserMFASettingList"]), got["PreferredMfaSetting"]) == (["EMAIL_OTP", "SMS_MFA"], "SMS_MFA")
    user.call("set_user_mfa_preference", SMSMfaSettings={"Enabled": False}, EmailMfaSettings={"Enabled": True})
    got = user.call("get_user")
    assert (got["UserMFASettingList"], got.get("PreferredMfaSetting") or None) == (["EMAIL_OTP"], None)


def test_delete_user_removes_the_user(cfg):
    user = User(cfg)
    user.call("delete_user")
    assert user.refused("get_user") in ("UserNotFoundException", "NotAuthorizedException")
    with pytest.raises(ClientError) as caught:
        idp(cfg).admin_get_user(UserPoolId=cfg["userPoolId"], Username=user.name)
    assert caught.value.response["Error"]["Code"] == "UserNotFoundException"
