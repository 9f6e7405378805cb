"""Self-test of passkeys (extension.py's `webauthn` patch, cognito_webauthn.py) against the running backend.

Boto3 unsigned, as a browser calls, against a pool made here: SignInPolicy PASSWORD and WEB_AUTHN,
WebAuthnConfiguration RelyingPartyId "localhost", an app client with ALLOW_USER_AUTH.  The
authenticator is a software one written here: a P-256 key made with `cryptography`, an attestation
of format "none" in CBOR, and assertions signed over authenticatorData || SHA-256(clientDataJSON),
as a security key or platform authenticator makes them.  What is checked follows the Cognito API
reference (StartWebAuthnRegistration, CompleteWebAuthnRegistration, ListWebAuthnCredentials,
DeleteWebAuthnCredential, InitiateAuth USER_AUTH with PREFERRED_CHALLENGE WEB_AUTHN and
RespondToAuthChallenge WEB_AUTHN with CREDENTIAL) and the WebAuthn checks a relying party makes.

What fails without the patch (APILESS_BACKEND_UNPATCHED=webauthn): every test here (stock
ministack knows none of the four operations, and its USER_AUTH has no WEB_AUTHN).
"""

import base64
import hashlib
import json
import secrets

import cbor2
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from test_mfa import POLICY, cfg, idp  # noqa: F401  (the module fixture and helpers)

ORIGIN = "http://localhost:5173"
RP_ID = "localhost"


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Authenticator:
    """A software passkey: one P-256 key, a credential id, a sign count."""

    def __init__(self, rp_id=RP_ID, origin=ORIGIN):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = secrets.token_bytes(16)
        self.count = 0
        self.rp_id = rp_id
        self.origin = origin
        self.user_handle = None

    def _client_data(self, kind, challenge, origin=None):
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin or self.origin,
                           "crossOrigin": False}).encode()

    def create(self, options, origin=None, rp_id=None):
        """navigator.credentials.create's answer (RegistrationResponseJSON) to CredentialCreationOptions."""
        self.user_handle = options["user"]["id"]
        numbers = self.key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
        auth_data = (hashlib.sha256((rp_id or options["rp"]["id"]).encode()).digest() + bytes([0x45])
                     + self.count.to_bytes(4, "big") + bytes(16) + len(self.credential_id).to_bytes(2, "big")
                     + self.credential_id + cose)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        return {"id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
                "authenticatorAttachment": "platform", "clientExtensionResults": {},
                "response": {"clientDataJSON": b64url(client_data), "attestationObject": b64url(attestation),
                             "transports": ["internal"]}}

    def get(self, options, origin=None, forge=False, count=None):
        """navigator.credentials.get's answer (AuthenticationResponseJSON) to PublicKeyCredentialRequestOptions."""
        self.count = self.count + 1 if count is None else count
        auth_data = (hashlib.sha256(options["rpId"].encode()).digest() + bytes([0x05])
                     + self.count.to_bytes(4, "big"))
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        if forge:  # another key's signature over the same bytes
            signature = ec.generate_private_key(ec.SECP256R1()).sign(
                auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {"id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
                "clientExtensionResults": {},
                "response": {"clientDataJSON": b64url(client_data), "authenticatorData": b64url(auth_data),
                             "signature": b64url(signature), "userHandle": self.user_handle}}


def make_pool(cfg, factors=("PASSWORD", "WEB_AUTHN"), rp_id=RP_ID, verification="preferred"):  # noqa: F811
    admin = idp(cfg)
    pool_id = admin.create_user_pool(
        PoolName=f"webauthn-test-{secrets.token_hex(3)}", UserPoolTier="ESSENTIALS",
        Policies={**POLICY, "SignInPolicy": {"AllowedFirstAuthFactors": list(factors)}})["UserPool"]["Id"]
    if rp_id:
        admin.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF", WebAuthnConfiguration={
            "RelyingPartyId": rp_id, "UserVerification": verification})
    client_id = admin.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    return pool_id, client_id


@pytest.fixture(scope="module")
def pool(cfg):  # noqa: F811
    return make_pool(cfg)


class User:
    """A fresh confirmed user of `pool`, signed in with their password (`token`)."""

    def __init__(self, cfg, pool):  # noqa: F811
        self.pool_id, self.client_id = pool
        self.name = f"pk-{secrets.token_hex(5)}"
        password = f"Pw-{secrets.token_hex(6)}-9a!"
        admin = idp(cfg)
        admin.admin_create_user(UserPoolId=self.pool_id, Username=self.name, MessageAction="SUPPRESS",
                                UserAttributes=[{"Name": "email", "Value": f"{self.name}@example.com"}])
        admin.admin_set_user_password(UserPoolId=self.pool_id, Username=self.name, Password=password, Permanent=True)
        self.public = idp(cfg, unsigned=True)
        signed_in = self.start("PASSWORD", PASSWORD=password)
        self.token = signed_in["AuthenticationResult"]["AccessToken"]

    def start(self, preferred=None, **params):
        if preferred:
            params["PREFERRED_CHALLENGE"] = preferred
        return self.public.initiate_auth(AuthFlow="USER_AUTH", ClientId=self.client_id,
                                         AuthParameters={"USERNAME": self.name, **params})

    def register(self, authenticator, **create):
        options = self.public.start_web_authn_registration(AccessToken=self.token)["CredentialCreationOptions"]
        credential = authenticator.create(options, **create)
        self.public.complete_web_authn_registration(AccessToken=self.token, Credential=credential)
        return options

    def listed(self, **params):
        return self.public.list_web_authn_credentials(AccessToken=self.token, **params)

    def passkey_challenge(self):
        started = self.start("WEB_AUTHN")
        assert started["ChallengeName"] == "WEB_AUTHN"
        return started["Session"], json.loads(started["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])

    def answer(self, session, credential):
        return self.public.respond_to_auth_challenge(
            ClientId=self.client_id, ChallengeName="WEB_AUTHN", Session=session,
            ChallengeResponses={"USERNAME": self.name, "CREDENTIAL": json.dumps(credential)})


def refused(call, *args, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response["Error"]["Code"]


def test_registration_options_name_the_pools_relying_party_and_the_user(cfg, pool):  # noqa: F811
    user = User(cfg, pool)
    options = user.public.start_web_authn_registration(AccessToken=user.token)["CredentialCreationOptions"]
    assert options["rp"]["id"] == RP_ID
    assert options["user"]["name"] == user.name
    assert len(unb64url(options["challenge"])) >= 16
    assert {"type": "public-key", "alg": -7} in options["pubKeyCredParams"]
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert options["excludeCredentials"] == []


def test_a_registered_passkey_is_listed_signs_in_and_is_deleted(cfg, pool):  # noqa: F811
    user = User(cfg, pool)
    key = Authenticator()
    # Before any passkey, USER_AUTH does not offer WEB_AUTHN.
    assert "WEB_AUTHN" not in user.start()["AvailableChallenges"]
    user.register(key)
    listed = user.listed()["Credentials"]
    assert [c["CredentialId"] for c in listed] == [b64url(key.credential_id)]
    assert listed[0]["RelyingPartyId"] == RP_ID
    assert listed[0]["AuthenticatorTransports"] == ["internal"]
    assert listed[0]["AuthenticatorAttachment"] == "platform"
    assert listed[0]["FriendlyCredentialName"]
    # A second registration excludes the first passkey.
    again = user.public.start_web_authn_registration(AccessToken=user.token)["CredentialCreationOptions"]
    assert [c["id"] for c in again["excludeCredentials"]] == [b64url(key.credential_id)]
    assert "WEB_AUTHN" in user.start()["AvailableChallenges"]
    session, options = user.passkey_challenge()
    assert options["rpId"] == RP_ID
    assert [c["id"] for c in options["allowCredentials"]] == [b64url(key.credential_id)]
    tokens = user.answer(session, key.get(options))["AuthenticationResult"]
    assert tokens["AccessToken"] and tokens["RefreshToken"]
    # The session is used once.
    assert refused(user.answer, session, key.get(options)) == "NotAuthorizedException"
    user.public.delete_web_authn_credential(AccessToken=user.token, CredentialId=b64url(key.credential_id))
    assert user.listed()["Credentials"] == []
    assert refused(user.public.delete_web_authn_credential, AccessToken=user.token,
                   CredentialId=b64url(key.credential_id)) == "ResourceNotFoundException"
    assert "WEB_AUTHN" not in user.start()["AvailableChallenges"]


def test_a_forged_or_replayed_assertion_is_refused(cfg, pool):  # noqa: F811
    user = User(cfg, pool)
    key = Authenticator()
    user.register(key)
    session, options = user.passkey_challenge()
    assert refused(user.answer, session, key.get(options, forge=True)) == "NotAuthorizedException"
    # The session is spent by the failed answer, even with the right signature now.
    assert refused(user.answer, session, key.get(options)) == "NotAuthorizedException"
    # Signed for another challenge (a replay of an earlier sign-in's assertion).
    session, options = user.passkey_challenge()
    stale = key.get({**options, "challenge": b64url(secrets.token_bytes(32))})
    assert refused(user.answer, session, stale) == "NotAuthorizedException"
    # Another origin's assertion, and one whose sign count went back (a cloned key).
    session, options = user.passkey_challenge()
    assert refused(user.answer, session, key.get(options, origin="https://evil.example")) \
        == "WebAuthnOriginNotAllowedException"
    session, options = user.passkey_challenge()
    user.answer(session, key.get(options, count=10))
    session, options = user.passkey_challenge()
    assert refused(user.answer, session, key.get(options, count=5)) == "NotAuthorizedException"
    # Another user's passkey does not sign this user in.
    other = User(cfg, pool)
    other_key = Authenticator()
    other.register(other_key)
    session, options = user.passkey_challenge()
    assert refused(user.answer, session, other_key.get(options)) == "NotAuthorizedException"


def test_registrations_are_checked_as_a_relying_party_checks_them(cfg, pool):  # noqa: F811
    user = User(cfg, pool)
    # No registration started.
    key = Authenticator()
    options = user.public.start_web_authn_registration(AccessToken=user.token)["CredentialCreationOptions"]
    good = key.create(options)
    user.public.complete_web_authn_registration(AccessToken=user.token, Credential=good)
    assert refused(user.public.complete_web_authn_registration, AccessToken=user.token, Credential=good) \
        == "WebAuthnChallengeNotFoundException"
    # Another origin, another relying party, another challenge.
    assert refused(user.register, Authenticator(), origin="https://evil.example") == "WebAuthnOriginNotAllowedException"
    assert refused(user.register, Authenticator(), rp_id="example.com") == "WebAuthnRelyingPartyMismatchException"
    options = user.public.start_web_authn_registration(AccessToken=user.token)["CredentialCreationOptions"]
    stale = Authenticator().create({**options, "challenge": b64url(secrets.token_bytes(32))})
    assert refused(user.public.complete_web_authn_registration, AccessToken=user.token, Credential=stale) \
        == "InvalidParameterException"
    # None of the refused ones was stored.
    assert [c["CredentialId"] for c in user.listed()["Credentials"]] == [b64url(key.credential_id)]


def test_a_pool_without_passkeys_or_a_relying_party_refuses(cfg):  # noqa: F811
    user = User(cfg, make_pool(cfg, factors=("PASSWORD",)))
    assert refused(user.public.start_web_authn_registration, AccessToken=user.token) == "WebAuthnNotEnabledException"
    assert refused(user.listed) == "WebAuthnNotEnabledException"
    user = User(cfg, make_pool(cfg, rp_id=None))
    assert refused(user.public.start_web_authn_registration, AccessToken=user.token) \
        == "WebAuthnConfigurationMissingException"
    assert refused(user.public.start_web_authn_registration, AccessToken="not-a-token") == "NotAuthorizedException"


def test_required_user_verification_refuses_an_unverified_assertion(cfg):  # noqa: F811
    user = User(cfg, make_pool(cfg, verification="required"))
    key = Authenticator()
    options = user.register(key)
    assert options["authenticatorSelection"]["userVerification"] == "required"
    session, options = user.passkey_challenge()
    assertion = key.get(options)
    data = bytearray(unb64url(assertion["response"]["authenticatorData"]))
    data[32] = 0x01  # user present, not verified; the signature is made over these bytes
    client_data = unb64url(assertion["response"]["clientDataJSON"])
    assertion["response"]["authenticatorData"] = b64url(bytes(data))
    assertion["response"]["signature"] = b64url(key.key.sign(bytes(data) + hashlib.sha256(client_data).digest(),
                                                              ec.ECDSA(hashes.SHA256())))
    assert refused(user.answer, session, assertion) == "NotAuthorizedException"


def test_credentials_list_in_pages(cfg, pool):  # noqa: F811
    user = User(cfg, pool)
    keys = [Authenticator() for _ in range(3)]
    for key in keys:
        user.register(key)
    first = user.listed(MaxResults=2)
    assert len(first["Credentials"]) == 2 and first["NextToken"]
    rest = user.listed(MaxResults=2, NextToken=first["NextToken"])
    assert "NextToken" not in rest
    assert [c["CredentialId"] for c in first["Credentials"] + rest["Credentials"]] \
        == [b64url(k.credential_id) for k in keys]
    assert refused(user.listed, MaxResults=21) in ("InvalidParameterException", "ParamValidationError")
