"""Self-test of choice-based sign-in (extension.py's `user-auth` patch, cognito_userauth.py) against the running backend.

Boto3 unsigned, as a browser calls, against the seeded choice-based pool (seed.py's, named by
GET /_apiless/fixtures as `userAuthUserPoolId`, SignInPolicy PASSWORD, EMAIL_OTP, SMS_OTP, a client with ALLOW_USER_AUTH)
and pools made here.  What is checked follows the Cognito API reference: InitiateAuth USER_AUTH
(SELECT_CHALLENGE with AvailableChallenges, PREFERRED_CHALLENGE), RespondToAuthChallenge
(SELECT_CHALLENGE's ANSWER, EMAIL_OTP_CODE, SMS_OTP_CODE), SignUp without Password, ConfirmSignUp's
Session and InitiateAuth with it.  Codes are read from ministack's SES recorder.

What fails without the patch (APILESS_BACKEND_UNPATCHED=user-auth): every test here (stock
ministack answers USER_AUTH with "Unsupported AuthFlow" and refuses a sign-up without a password).
"""

import secrets

import pytest
import requests
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from test_mfa import POLICY, cfg, idp, last_code, wrong  # noqa: F401  (the module fixture and helpers)


@pytest.fixture(scope="module")
def pool(cfg):  # noqa: F811
    fixtures = requests.get(f"{cfg['endpoint']}/_apiless/fixtures", timeout=10).json()
    return fixtures["userAuthUserPoolId"], fixtures["userAuthUserPoolClientId"]


class User:
    """A fresh confirmed user of `pool` with an email and a phone number."""

    def __init__(self, cfg, pool, phone=True):  # noqa: F811
        self.pool_id, self.client_id = pool
        self.name = f"ua-{secrets.token_hex(5)}"
        self.email = f"{self.name}@example.com"
        self.phone = f"+1555{secrets.randbelow(10 ** 7):07d}"
        self.password = f"Pw-{secrets.token_hex(6)}-9a!"
        attributes = [{"Name": "email", "Value": self.email}, {"Name": "email_verified", "Value": "true"}]
        if phone:
            attributes.append({"Name": "phone_number", "Value": self.phone})
        admin = idp(cfg)
        admin.admin_create_user(UserPoolId=self.pool_id, Username=self.name, MessageAction="SUPPRESS",
                                UserAttributes=attributes)
        admin.admin_set_user_password(UserPoolId=self.pool_id, Username=self.name, Password=self.password,
                                      Permanent=True)
        self.public = idp(cfg, unsigned=True)

    def start(self, preferred=None, **params):
        if preferred:
            params["PREFERRED_CHALLENGE"] = preferred
        return self.public.initiate_auth(AuthFlow="USER_AUTH", ClientId=self.client_id,
                                         AuthParameters={"USERNAME": self.name, **params})

    def respond(self, name, session, **responses):
        return self.public.respond_to_auth_challenge(ClientId=self.client_id, ChallengeName=name, Session=session,
                                                     ChallengeResponses={"USERNAME": self.name, **responses})


def refused(call, *args, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response["Error"]["Code"]


def test_no_preference_offers_the_pools_first_factors_that_reach_the_user(cfg, pool):  # noqa: F811
    user = User(cfg, pool)
    started = user.start()
    assert started["ChallengeName"] == "SELECT_CHALLENGE"
    assert started["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP"]
    assert started["Session"]
    # No phone number: no SMS_OTP.
    assert User(cfg, pool, phone=False).start()["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP", "EMAIL_OTP"]


def test_an_email_code_chosen_is_sent_and_checked_and_its_session_used_once(cfg, pool):  # noqa: F811
    user = User(cfg, pool)
    select = user.start()
    assert refused(user.respond, "SELECT_CHALLENGE", select["Session"], ANSWER="WEB_AUTHN") \
        == "InvalidParameterException"
    step = user.respond("SELECT_CHALLENGE", select["Session"], ANSWER="EMAIL_OTP")
    assert step["ChallengeName"] == "EMAIL_OTP"
    assert step["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    assert user.email not in step["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"]
    # The selection's session was used.
    assert refused(user.respond, "SELECT_CHALLENGE", select["Session"], ANSWER="EMAIL_OTP") \
        == "NotAuthorizedException"
    code = last_code(cfg, user.email)
    assert refused(user.respond, "EMAIL_OTP", step["Session"], EMAIL_OTP_CODE=wrong(code)) == "CodeMismatchException"
    # Another challenge's name, or another user, with this session: refused.
    assert refused(user.respond, "SMS_OTP", step["Session"], SMS_OTP_CODE=code) == "NotAuthorizedException"
    signed = user.respond("EMAIL_OTP", step["Session"], EMAIL_OTP_CODE=code)
    assert signed["AuthenticationResult"]["RefreshToken"]
    assert refused(user.respond, "EMAIL_OTP", step["Session"], EMAIL_OTP_CODE=code) == "NotAuthorizedException"


def test_a_preferred_sms_code_goes_to_the_phone(cfg, pool):  # noqa: F811
    user = User(cfg, pool)
    step = user.start("SMS_OTP")
    assert step["ChallengeName"] == "SMS_OTP"
    assert step["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "SMS"
    assert step["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"].endswith(user.phone[-4:])
    code = last_code(cfg, user.phone)
    assert refused(user.respond, "SMS_OTP", step["Session"], SMS_OTP_CODE=wrong(code)) == "CodeMismatchException"
    assert user.respond("SMS_OTP", step["Session"], SMS_OTP_CODE=code)["AuthenticationResult"]["IdToken"]


def test_a_preferred_factor_the_user_cannot_receive_falls_back_to_the_choice(cfg, pool):  # noqa: F811
    user = User(cfg, pool, phone=False)
    assert user.start("SMS_OTP")["ChallengeName"] == "SELECT_CHALLENGE"
    assert refused(user.start, "FACE_ID") == "InvalidParameterException"


def test_password_srp_is_real_srp(cfg, pool):  # noqa: F811
    user = User(cfg, pool)
    srp = AWSSRP(username=user.name, password=user.password, pool_id=user.pool_id, client_id=user.client_id,
                 client=user.public)
    params = srp.get_auth_params()
    step = user.start("PASSWORD_SRP", SRP_A=params["SRP_A"])
    assert step["ChallengeName"] == "PASSWORD_VERIFIER"
    proof = srp.process_challenge(step["ChallengeParameters"], params)
    signed = user.public.respond_to_auth_challenge(ClientId=user.client_id, ChallengeName="PASSWORD_VERIFIER",
                                                   ChallengeResponses=proof)
    assert signed["AuthenticationResult"]["AccessToken"]
    # A wrong password fails the proof.
    bad = AWSSRP(username=user.name, password=user.password + "x", pool_id=user.pool_id, client_id=user.client_id,
                 client=user.public)
    params = bad.get_auth_params()
    select = user.start()
    step = user.respond("SELECT_CHALLENGE", select["Session"], ANSWER="PASSWORD_SRP", SRP_A=params["SRP_A"])
    assert step["ChallengeName"] == "PASSWORD_VERIFIER"
    assert refused(user.public.respond_to_auth_challenge, ClientId=user.client_id, ChallengeName="PASSWORD_VERIFIER",
                   ChallengeResponses=bad.process_challenge(step["ChallengeParameters"], params)) \
        == "NotAuthorizedException"


def test_a_password_is_checked(cfg, pool):  # noqa: F811
    user = User(cfg, pool)
    assert refused(user.start, "PASSWORD", PASSWORD=user.password + "x") == "NotAuthorizedException"
    assert user.start("PASSWORD", PASSWORD=user.password)["AuthenticationResult"]["IdToken"]


def test_a_client_without_allow_user_auth_and_a_password_only_pool(cfg):  # noqa: F811
    admin = idp(cfg)
    pool_id = admin.create_user_pool(PoolName=f"ua-{secrets.token_hex(3)}", Policies=POLICY)["UserPool"]["Id"]
    srp_only = admin.create_user_pool_client(UserPoolId=pool_id, ClientName="srp", GenerateSecret=False,
                                             ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH"])["UserPoolClient"]["ClientId"]
    choice = admin.create_user_pool_client(UserPoolId=pool_id, ClientName="choice", GenerateSecret=False,
                                           ExplicitAuthFlows=["ALLOW_USER_AUTH"])["UserPoolClient"]["ClientId"]
    user = User(cfg, (pool_id, srp_only))
    assert refused(user.start) == "InvalidParameterException"
    user.client_id = choice
    # No SignInPolicy: PASSWORD alone, and no sign-up without a password.
    assert user.start()["AvailableChallenges"] == ["PASSWORD", "PASSWORD_SRP"]
    assert refused(user.public.sign_up, ClientId=choice, Username=f"ua-{secrets.token_hex(4)}",
                   UserAttributes=[{"Name": "email", "Value": "x@example.com"}]) == "InvalidParameterException"


def test_passwordless_sign_up_then_sign_in_with_the_confirmation_session_once(cfg, pool):  # noqa: F811
    pool_id, client_id = pool
    public = idp(cfg, unsigned=True)
    name = f"ua-{secrets.token_hex(5)}"
    email = f"{name}@example.com"
    signed_up = public.sign_up(ClientId=client_id, Username=name, UserAttributes=[{"Name": "email", "Value": email}])
    assert signed_up["UserConfirmed"] is False
    assert refused(public.initiate_auth, AuthFlow="USER_AUTH", ClientId=client_id, Session=signed_up["Session"],
                   AuthParameters={"USERNAME": name}) == "NotAuthorizedException"
    confirmed = public.confirm_sign_up(ClientId=client_id, Username=name, ConfirmationCode=last_code(cfg, email),
                                       Session=signed_up["Session"])
    session = confirmed["Session"]
    # Another user cannot use it.
    other = User(cfg, pool)
    assert refused(public.initiate_auth, AuthFlow="USER_AUTH", ClientId=client_id, Session=session,
                   AuthParameters={"USERNAME": other.name}) == "NotAuthorizedException"
    signed = public.initiate_auth(AuthFlow="USER_AUTH", ClientId=client_id, Session=session,
                                  AuthParameters={"USERNAME": name})
    assert signed["AuthenticationResult"]["RefreshToken"]
    assert refused(public.initiate_auth, AuthFlow="USER_AUTH", ClientId=client_id, Session=session,
                   AuthParameters={"USERNAME": name}) == "NotAuthorizedException"
    # No password: only the code factors are offered.
    started = public.initiate_auth(AuthFlow="USER_AUTH", ClientId=client_id, AuthParameters={"USERNAME": name})
    assert started["AvailableChallenges"] == ["EMAIL_OTP"]
