"""Self-test of MFA at sign-in (extension.py's `mfa` patch, cognito_mfa.py) against the running backend.

A real SRP sign-in (pycognito's maths, boto3 unsigned as a browser calls) to pools made here:
one where MFA is optional and SMS, TOTP and email are offered, one where TOTP is required.  The
challenge after the password, its parameters, the code it "sends" (read from ministack's SES
recorder) and the check of each answer follow the Cognito API reference (InitiateAuth's and
RespondToAuthChallenge's ChallengeName, ChallengeParameters and errors).

What fails without the patch (APILESS_BACKEND_UNPATCHED=mfa): every test here but the last (a pool
with MFA optional lets a user without factors in, patched or not).  Stock ministack
answers an SMS or email preference with tokens, lets a required-MFA user in without a factor,
and gives tokens for SMS_MFA or MFA_SETUP with any session and any code.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import struct
import time
from pathlib import Path

import boto3
import pytest
import requests
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

REPO_ROOT = Path(__file__).resolve().parents[2]
POLICY = {"PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
                             "RequireNumbers": True, "RequireSymbols": True}}


@pytest.fixture(scope="module")
def cfg():
    path = Path(os.environ.get("APILESS_LOCAL_JSON") or REPO_ROOT / ".apiless" / "local.json")
    if not path.exists():
        pytest.fail(f"{path} not found: start the backend first (python backend/serve.py)")
    return json.loads(path.read_text())


def idp(cfg, *, unsigned=False):
    config = Config(retries={"max_attempts": 1}, **({"signature_version": UNSIGNED} if unsigned else {}))
    return boto3.client("cognito-idp", endpoint_url=cfg["endpoint"], region_name=cfg["region"], config=config,
                        aws_access_key_id="test", aws_secret_access_key="test")


def make_pool(cfg, required):
    admin = idp(cfg)
    pool_id = admin.create_user_pool(PoolName=f"mfa-test-{secrets.token_hex(3)}", Policies=POLICY)["UserPool"]["Id"]
    factors = {"SoftwareTokenMfaConfiguration": {"Enabled": True}}
    if not required:
        factors.update(SmsMfaConfiguration={"SmsAuthenticationMessage": "Code: {####}"},
                       EmailMfaConfiguration={"Subject": "Sign-in code", "Message": "Your code is {####}."})
    admin.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="ON" if required else "OPTIONAL", **factors)
    client_id = admin.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    return pool_id, client_id


@pytest.fixture(scope="module")
def optional_pool(cfg):
    return make_pool(cfg, required=False)


@pytest.fixture(scope="module")
def required_pool(cfg):
    return make_pool(cfg, required=True)


class User:
    """A fresh confirmed user with an email and a phone number."""

    def __init__(self, cfg, pool):
        self.cfg, (self.pool_id, self.client_id) = cfg, pool
        self.name = f"mfa-{secrets.token_hex(5)}"
        self.email = f"{self.name}@example.com"
        self.phone = f"+1555{secrets.randbelow(10 ** 7):07d}"
        self.password = f"Pw-{secrets.token_hex(6)}-9a!"
        admin = idp(cfg)
        admin.admin_create_user(UserPoolId=self.pool_id, Username=self.name, TemporaryPassword=self.password,
                                MessageAction="SUPPRESS",
                                UserAttributes=[{"Name": "email", "Value": self.email},
                                                {"Name": "email_verified", "Value": "true"},
                                                {"Name": "phone_number", "Value": self.phone}])
        admin.admin_set_user_password(UserPoolId=self.pool_id, Username=self.name, Password=self.password,
                                      Permanent=True)
        self.public = idp(cfg, unsigned=True)

    def sign_in(self):
        """The answer to the password (SRP): tokens or the next challenge."""
        srp = AWSSRP(username=self.name, password=self.password, pool_id=self.pool_id, client_id=self.client_id,
                     client=self.public)
        params = srp.get_auth_params()
        started = self.public.initiate_auth(AuthFlow="USER_SRP_AUTH", AuthParameters=params, ClientId=self.client_id)
        proof = srp.process_challenge(started["ChallengeParameters"], params)
        return self.public.respond_to_auth_challenge(ClientId=self.client_id, ChallengeName="PASSWORD_VERIFIER",
                                                     ChallengeResponses=proof)

    def respond(self, name, session, **responses):
        return self.public.respond_to_auth_challenge(ClientId=self.client_id, ChallengeName=name, Session=session,
                                                     ChallengeResponses={"USERNAME": self.name, **responses})

    def refused(self, name, session, **responses):
        with pytest.raises(ClientError) as caught:
            self.respond(name, session, **responses)
        return caught.value.response["Error"]["Code"]

    def prefer(self, access_token, **settings):
        self.public.set_user_mfa_preference(AccessToken=access_token, **settings)


def last_code(cfg, to):
    messages = requests.get(f"{cfg['endpoint']}/_ministack/ses/messages", timeout=10).json()["messages"]
    sent = [m for account in messages.values() for m in account if to in m["To"]]
    assert sent, f"no message to {to}"
    return re.search(r"\b(\d{6})\b", sent[-1]["BodyText"]).group(1)


def wrong(code):
    return f"{(int(code) + 1) % 10 ** 6:06d}"


def totp(secret, offset=0):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    mac = hmac.new(key, struct.pack(">Q", int(time.time() // 30) + offset), hashlib.sha1).digest()
    o = mac[-1] & 0x0F
    return f"{(struct.unpack('>I', mac[o:o + 4])[0] & 0x7FFFFFFF) % 10 ** 6:06d}"


def signed_in_with(user, *factors, preferred=None):
    """`user` after turning `factors` on (SMS, EMAIL, TOTP), signed out again."""
    token = user.sign_in()["AuthenticationResult"]["AccessToken"]
    settings = {}
    if "TOTP" in factors:
        secret = user.public.associate_software_token(AccessToken=token)["SecretCode"]
        user.public.verify_software_token(AccessToken=token, UserCode=totp(secret))
        settings["SoftwareTokenMfaSettings"] = {"Enabled": True, "PreferredMfa": preferred == "TOTP"}
        user.secret = secret
    if "SMS" in factors:
        settings["SMSMfaSettings"] = {"Enabled": True, "PreferredMfa": preferred == "SMS"}
    if "EMAIL" in factors:
        settings["EmailMfaSettings"] = {"Enabled": True, "PreferredMfa": preferred == "EMAIL"}
    user.prefer(token, **settings)
    return user


def test_a_preferred_sms_factor_sends_a_code_by_sms(cfg, optional_pool):
    user = signed_in_with(User(cfg, optional_pool), "SMS", preferred="SMS")
    challenge = user.sign_in()
    assert challenge["ChallengeName"] == "SMS_MFA" and "AuthenticationResult" not in challenge
    parameters = challenge["ChallengeParameters"]
    assert parameters["CODE_DELIVERY_DELIVERY_MEDIUM"] == "SMS"
    assert parameters["CODE_DELIVERY_DESTINATION"].endswith(user.phone[-4:])
    assert user.phone not in parameters["CODE_DELIVERY_DESTINATION"]
    code = last_code(cfg, user.phone)
    session = challenge["Session"]
    assert user.refused("SMS_MFA", session, SMS_MFA_CODE=wrong(code)) == "CodeMismatchException"
    assert user.refused("SMS_MFA", "not-a-session-" * 3, SMS_MFA_CODE=code) == "NotAuthorizedException"
    assert user.refused("EMAIL_OTP", session, EMAIL_OTP_CODE=code) == "NotAuthorizedException", "another challenge"
    tokens = user.respond("SMS_MFA", session, SMS_MFA_CODE=code)["AuthenticationResult"]
    assert tokens["AccessToken"] and tokens["IdToken"]
    assert user.refused("SMS_MFA", session, SMS_MFA_CODE=code) == "NotAuthorizedException", "a session is used once"
    attributes = {a["Name"]: a["Value"] for a in user.public.get_user(AccessToken=tokens["AccessToken"])["UserAttributes"]}
    assert attributes["phone_number_verified"] == "true"


def test_a_preferred_email_factor_sends_a_code_by_email(cfg, optional_pool):
    user = signed_in_with(User(cfg, optional_pool), "EMAIL", "SMS", preferred="EMAIL")
    challenge = user.sign_in()
    assert challenge["ChallengeName"] == "EMAIL_OTP"
    assert challenge["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    assert user.email not in challenge["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"]
    code = last_code(cfg, user.email)
    assert user.refused("EMAIL_OTP", challenge["Session"], EMAIL_OTP_CODE=wrong(code)) == "CodeMismatchException"
    assert user.respond("EMAIL_OTP", challenge["Session"], EMAIL_OTP_CODE=code)["AuthenticationResult"]["AccessToken"]


def test_several_factors_and_none_preferred_ask_the_user_to_choose(cfg, optional_pool):
    user = signed_in_with(User(cfg, optional_pool), "SMS", "EMAIL", "TOTP")
    for choice in ("SMS_MFA", "EMAIL_OTP", "SOFTWARE_TOKEN_MFA"):
        select = user.sign_in()
        assert select["ChallengeName"] == "SELECT_MFA_TYPE"
        assert sorted(json.loads(select["ChallengeParameters"]["MFAS_CAN_CHOOSE"])) == \
            ["EMAIL_OTP", "SMS_MFA", "SOFTWARE_TOKEN_MFA"]
        assert user.refused("SELECT_MFA_TYPE", select["Session"], ANSWER="WEB_AUTHN") == "InvalidParameterException"
        chosen = user.respond("SELECT_MFA_TYPE", select["Session"], ANSWER=choice)
        assert chosen["ChallengeName"] == choice and "AuthenticationResult" not in chosen
        if choice == "SOFTWARE_TOKEN_MFA":
            code = totp(user.secret)
        else:
            code = last_code(cfg, user.phone if choice == "SMS_MFA" else user.email)
        key = {"SMS_MFA": "SMS_MFA_CODE", "EMAIL_OTP": "EMAIL_OTP_CODE", "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE"}
        assert user.refused(choice, chosen["Session"], **{key[choice]: wrong(code)}) == "CodeMismatchException"
        assert user.respond(choice, chosen["Session"], **{key[choice]: code})["AuthenticationResult"]["AccessToken"]


def test_a_required_mfa_pool_sets_totp_up_at_sign_in(cfg, required_pool):
    user = User(cfg, required_pool)
    challenge = user.sign_in()
    assert challenge["ChallengeName"] == "MFA_SETUP"
    assert json.loads(challenge["ChallengeParameters"]["MFAS_CAN_SETUP"]) == ["SOFTWARE_TOKEN_MFA"]
    assert user.refused("MFA_SETUP", challenge["Session"]) == "NotAuthorizedException", "nothing set up yet"
    associated = user.public.associate_software_token(Session=challenge["Session"])
    with pytest.raises(ClientError) as caught:
        user.public.verify_software_token(Session=associated["Session"], UserCode=wrong(totp(associated["SecretCode"])))
    assert caught.value.response["Error"]["Code"] == "EnableSoftwareTokenMFAException"
    verified = user.public.verify_software_token(Session=associated["Session"], UserCode=totp(associated["SecretCode"]))
    assert verified["Status"] == "SUCCESS"
    assert user.respond("MFA_SETUP", verified["Session"])["AuthenticationResult"]["AccessToken"]
    # From now on the password leads to the new factor.
    again = user.sign_in()
    assert again["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert user.refused("SOFTWARE_TOKEN_MFA", again["Session"],
                        SOFTWARE_TOKEN_MFA_CODE=wrong(totp(associated["SecretCode"]))) == "CodeMismatchException"


def test_an_answer_needs_the_session_its_challenge_issued(cfg, required_pool, optional_pool):
    """Stock ministack gives tokens for these, to anyone who names the user."""
    user = User(cfg, required_pool)
    forged = base64.b64encode(secrets.token_bytes(32)).decode()
    for name in ("SMS_MFA", "MFA_SETUP", "SOFTWARE_TOKEN_MFA", "SELECT_MFA_TYPE"):
        assert user.refused(name, forged, SMS_MFA_CODE="123456", SOFTWARE_TOKEN_MFA_CODE="123456",
                            ANSWER="SMS_MFA") == "NotAuthorizedException", name
    other = signed_in_with(User(cfg, optional_pool), "SMS", preferred="SMS")
    challenge = other.sign_in()
    code = last_code(cfg, other.phone)
    user.client_id = other.client_id
    assert user.refused("SMS_MFA", challenge["Session"], SMS_MFA_CODE=code) == "NotAuthorizedException", \
        "another user's session"


def test_an_expired_challenge_is_refused(cfg, optional_pool):
    user = signed_in_with(User(cfg, optional_pool), "SMS", preferred="SMS")
    challenge = user.sign_in()
    code = last_code(cfg, user.phone)
    expired = requests.post(f"{cfg['endpoint']}/_apiless/fixtures/expire-mfa", json={"username": user.name},
                            timeout=10)
    assert expired.status_code == 200 and expired.json()["expired"] == 1
    with pytest.raises(ClientError) as caught:
        user.respond("SMS_MFA", challenge["Session"], SMS_MFA_CODE=code)
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("NotAuthorizedException",
                                                 "Invalid session for the user, session is expired.")


def test_an_optional_pool_without_factors_signs_in_directly(cfg, optional_pool):
    assert User(cfg, optional_pool).sign_in()["AuthenticationResult"]["AccessToken"]
