"""Passkeys (WebAuthn) as Cognito offers them, for extension.py's `webauthn` patch.

ministack 1.5.33 stores a pool's WebAuthnConfiguration and does nothing with it: it knows no
StartWebAuthnRegistration, CompleteWebAuthnRegistration, ListWebAuthnCredentials or
DeleteWebAuthnCredential, and its USER_AUTH has no WEB_AUTHN factor.  `WebAuthn` adds them as the
Cognito API reference describes them, and checks every registration and assertion for real with
py_webauthn (Duo Labs' `webauthn` package): the challenge, the origin, the relying party id's
hash, the attestation, the signature over authenticatorData || SHA-256(clientDataJSON), user
presence (and verification when the pool requires it) and the sign count.

  - the pool must allow WEB_AUTHN as a first factor (Policies.SignInPolicy), or every call is a
    WebAuthnNotEnabledException; the relying party id is WebAuthnConfiguration.RelyingPartyId
    (SetUserPoolMfaConfig), without which StartWebAuthnRegistration is a
    WebAuthnConfigurationMissingException (this backend has no user pool domain to fall back
    on); its UserVerification ("required" or "preferred", the default) is asked and checked;
  - an origin is allowed when its host is the relying party id or a subdomain of it, over https,
    or over http for localhost (a secure context in browsers); another is
    WebAuthnOriginNotAllowedException;
  - StartWebAuthnRegistration keeps one pending challenge per user (a new start replaces it) for
    the access token's app client; CompleteWebAuthnRegistration uses it once, whatever the outcome
    (expired or absent: WebAuthnChallengeNotFoundException; another client:
    WebAuthnClientMismatchException; another relying party: WebAuthnRelyingPartyMismatchException;
    an unsupported key: WebAuthnCredentialNotSupportedException; anything else that fails to
    verify: InvalidParameterException).  A user has at most 20 passkeys (LimitExceededException);
  - ListWebAuthnCredentials pages with MaxResults (0 to 20) and NextToken, oldest first;
    DeleteWebAuthnCredential of an id the user does not have is ResourceNotFoundException;
  - USER_AUTH offers WEB_AUTHN to a user with at least one passkey; its challenge carries
    CREDENTIAL_REQUEST_OPTIONS (a JSON string with the user's credentials in allowCredentials),
    and the CREDENTIAL answer is checked against that single-use session: a bad assertion is a
    NotAuthorizedException and the session is spent.
"""

import base64
import json
import secrets
import time
import urllib.parse

import webauthn
from webauthn.helpers import exceptions as wa_errors
from webauthn.helpers import structs

import cognito_mfa

# The access-token operations on the caller's own passkeys.  AWS serves them unsigned.
WEBAUTHN_ACTIONS = ("StartWebAuthnRegistration", "CompleteWebAuthnRegistration", "ListWebAuthnCredentials",
                    "DeleteWebAuthnCredential")
MAX_RESULTS = 20
MAX_CREDENTIALS = 20
# How long a registration challenge waits for its completion, and a sign-in challenge's timeout.
CHALLENGE_SECONDS = 300
TIMEOUT_MS = 180_000


def b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class WebAuthn:
    """The passkeys of each user, kept in ministack's user records (`_apiless_passkeys`)."""

    def __init__(self, cognito):
        self._c = cognito
        self._registrations = {}  # (pool id, username) -> the pending registration challenge
        self._sign_ins = {}  # session -> a pending WEB_AUTHN sign-in step

    def _error(self, code, message):
        return self._c.error_response_json(code, message, 400)

    # ---- the pool's settings ----------------------------------------------------------------

    @staticmethod
    def enabled(pool):
        policy = ((pool.get("Policies") or {}).get("SignInPolicy") or {})
        return "WEB_AUTHN" in (policy.get("AllowedFirstAuthFactors") or [])

    @staticmethod
    def _config(pool):
        return pool.get("WebAuthnConfiguration") or {}

    def _uv(self, pool):
        required = self._config(pool).get("UserVerification") == "required"
        return required, (structs.UserVerificationRequirement.REQUIRED if required
                          else structs.UserVerificationRequirement.PREFERRED)

    @staticmethod
    def origin_allowed(origin, rp_id):
        """Whether `origin` may use `rp_id`: its host is rp_id or under it; https, or http on localhost."""
        try:
            parsed = urllib.parse.urlsplit(origin)
        except ValueError:
            return False
        host = (parsed.hostname or "").lower()
        if not host or not (host == rp_id or host.endswith("." + rp_id)):
            return False
        return parsed.scheme == "https" or (parsed.scheme == "http" and (host == "localhost"
                                                                          or host.endswith(".localhost")))

    @staticmethod
    def passkeys(user):
        return user.setdefault("_apiless_passkeys", {})

    def offers(self, pool, user):
        """Whether USER_AUTH offers WEB_AUTHN to `user`: allowed by the pool, and a passkey to use."""
        return self.enabled(pool) and bool(user.get("_apiless_passkeys"))

    # ---- the access-token operations ---------------------------------------------------------

    def dispatching(self, original):
        handlers = {"StartWebAuthnRegistration": self.start_registration,
                    "CompleteWebAuthnRegistration": self.complete_registration,
                    "ListWebAuthnCredentials": self.list_credentials,
                    "DeleteWebAuthnCredential": self.delete_credential}

        async def dispatch_idp(action, data):
            handler = handlers.get(action)
            if handler is not None:
                # ministack's own checks first: the access token's signature, expiry, revocation.
                return self._c._run_idp_handler(handler, action, data)
            return await original(action, data)
        return dispatch_idp

    def _caller(self, data):
        """(user, pool, client id, None) for the AccessToken's user of a pool with passkeys, or the error."""
        token = data.get("AccessToken")
        if not token:
            return None, None, None, self._error("NotAuthorizedException", "Access token is missing.")
        user, pool = self._c._user_pool_for_access_token(token)
        if not user:
            return None, None, None, self._error("NotAuthorizedException", "Invalid access token.")
        if not self.enabled(pool):
            return None, None, None, self._error("WebAuthnNotEnabledException",
                                                 "Passkeys (WEB_AUTHN) are not enabled for this user pool.")
        return user, pool, self._c._token_claims(token).get("client_id"), None

    def start_registration(self, data):
        user, pool, client_id, error = self._caller(data)
        if error:
            return error
        rp_id = self._config(pool).get("RelyingPartyId")
        if not rp_id:
            return self._error("WebAuthnConfigurationMissingException",
                               "The user pool has no relying party id (WebAuthnConfiguration.RelyingPartyId).")
        owned = self.passkeys(user)
        if len(owned) >= MAX_CREDENTIALS:
            return self._error("LimitExceededException", f"A user can have at most {MAX_CREDENTIALS} passkeys.")
        _, uv = self._uv(pool)
        attributes = self._c._attr_list_to_dict(user.get("Attributes", []))
        options = webauthn.generate_registration_options(
            rp_id=rp_id, rp_name=pool.get("Name") or rp_id, user_name=user["Username"],
            user_id=attributes.get("sub", user["Username"]).encode(),
            user_display_name=attributes.get("email") or user["Username"], timeout=TIMEOUT_MS,
            authenticator_selection=structs.AuthenticatorSelectionCriteria(
                resident_key=structs.ResidentKeyRequirement.REQUIRED, user_verification=uv),
            exclude_credentials=[structs.PublicKeyCredentialDescriptor(id=unb64url(cid)) for cid in owned],
        )
        self._registrations[(pool["Id"], user["Username"])] = {
            "challenge": options.challenge, "client_id": client_id, "rp_id": rp_id,
            "expires": time.time() + CHALLENGE_SECONDS}
        return self._c.json_response({"CredentialCreationOptions": json.loads(webauthn.options_to_json(options))})

    def complete_registration(self, data):
        user, pool, client_id, error = self._caller(data)
        if error:
            return error
        credential = data.get("Credential")
        if not isinstance(credential, dict):
            return self._error("InvalidParameterException", "Missing required parameter Credential")
        # Used once, whatever follows.
        pending = self._registrations.pop((pool["Id"], user["Username"]), None)
        if pending is None or time.time() > pending["expires"]:
            return self._error("WebAuthnChallengeNotFoundException",
                               "No passkey registration is pending, or it expired: start it again.")
        if pending["client_id"] != client_id:
            return self._error("WebAuthnClientMismatchException",
                               "The registration was started by another app client.")
        rp_id = self._config(pool).get("RelyingPartyId") or pending["rp_id"]
        origin, error = self._origin(credential, rp_id)
        if error:
            return error
        required, _ = self._uv(pool)
        try:
            verified = webauthn.verify_registration_response(
                credential=credential, expected_challenge=pending["challenge"], expected_rp_id=rp_id,
                expected_origin=origin, require_user_verification=required)
        except (wa_errors.UnsupportedAlgorithm, wa_errors.UnsupportedPublicKeyType, wa_errors.UnsupportedEC2Curve,
                wa_errors.UnsupportedPublicKey) as e:
            return self._error("WebAuthnCredentialNotSupportedException", f"The passkey is not supported: {e}")
        except wa_errors.WebAuthnException as e:
            if "RP ID hash" in str(e):
                return self._error("WebAuthnRelyingPartyMismatchException",
                                   f"The passkey is for another relying party than {rp_id}.")
            return self._error("InvalidParameterException", f"The passkey registration did not verify: {e}")
        credential_id = b64url(verified.credential_id)
        if any(credential_id in self.passkeys(u) for u in pool.get("_users", {}).values()):
            return self._error("InvalidParameterException", "This passkey is already registered.")
        response = credential.get("response") or {}
        transports = [t for t in response.get("transports") or [] if isinstance(t, str)]
        self.passkeys(user)[credential_id] = {
            "public_key": verified.credential_public_key, "sign_count": verified.sign_count,
            "rp_id": rp_id, "created": time.time(), "transports": transports,
            "attachment": credential.get("authenticatorAttachment"),
            "name": f"Passkey {len(self.passkeys(user)) + 1}",
        }
        return self._c.json_response({})

    def _origin(self, credential, rp_id):
        """The origin in the credential's clientDataJSON when it may use `rp_id`, or the error."""
        try:
            client_data = json.loads(unb64url(((credential.get("response") or {}).get("clientDataJSON") or "")))
            origin = client_data["origin"]
        except (ValueError, KeyError, TypeError):
            return None, self._error("InvalidParameterException", "The credential's clientDataJSON is malformed.")
        if not isinstance(origin, str) or not self.origin_allowed(origin, rp_id):
            return None, self._error("WebAuthnOriginNotAllowedException",
                                     f"The origin {origin!r} may not use the relying party {rp_id}.")
        return origin, None

    def list_credentials(self, data):
        user, _, _, error = self._caller(data)
        if error:
            return error
        limit = data.get("MaxResults", MAX_RESULTS)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 0 <= limit <= MAX_RESULTS:
            return self._error("InvalidParameterException",
                               f"1 validation error detected: Value '{limit}' at 'maxResults' failed to satisfy "
                               f"constraint: Member must have value less than or equal to {MAX_RESULTS}")
        owned = sorted(self.passkeys(user).items(), key=lambda kv: (kv[1]["created"], kv[0]))
        start = 0
        token = data.get("NextToken")
        if token:
            ids = [cid for cid, _ in owned]
            try:
                start = ids.index(unb64url(token).decode())
            except (ValueError, UnicodeDecodeError):
                return self._error("InvalidParameterException", "Invalid pagination token.")
        chosen = owned[start:start + limit]
        answer = {"Credentials": [self._describe(cid, p) for cid, p in chosen]}
        if start + limit < len(owned):
            answer["NextToken"] = b64url(owned[start + limit][0].encode())
        return self._c.json_response(answer)

    @staticmethod
    def _describe(credential_id, passkey):
        described = {"CredentialId": credential_id, "FriendlyCredentialName": passkey["name"],
                     "RelyingPartyId": passkey["rp_id"], "AuthenticatorTransports": passkey["transports"],
                     "CreatedAt": passkey["created"]}
        if passkey.get("attachment") in ("platform", "cross-platform"):
            described["AuthenticatorAttachment"] = passkey["attachment"]
        return described

    def delete_credential(self, data):
        user, _, _, error = self._caller(data)
        if error:
            return error
        credential_id = data.get("CredentialId")
        if not isinstance(credential_id, str) or not credential_id:
            return self._error("InvalidParameterException", "Missing required parameter CredentialId")
        if self.passkeys(user).pop(credential_id, None) is None:
            return self._error("ResourceNotFoundException", "The passkey does not exist.")
        return self._c.json_response({})

    # ---- USER_AUTH's WEB_AUTHN factor ----------------------------------------------------------

    def start_sign_in(self, pool, pid, client_id, user, lifetime_s):
        """The WEB_AUTHN challenge for `user`: request options for their passkeys, with a session."""
        rp_id = self._config(pool).get("RelyingPartyId")
        if not rp_id:
            return self._error("WebAuthnConfigurationMissingException",
                               "The user pool has no relying party id (WebAuthnConfiguration.RelyingPartyId).")
        _, uv = self._uv(pool)
        options = webauthn.generate_authentication_options(
            rp_id=rp_id, timeout=TIMEOUT_MS, user_verification=uv,
            allow_credentials=[structs.PublicKeyCredentialDescriptor(
                id=unb64url(cid), transports=[structs.AuthenticatorTransport(t) for t in p["transports"]
                                              if t in structs.AuthenticatorTransport._value2member_map_])
                for cid, p in self.passkeys(user).items()])
        session = base64.b64encode(secrets.token_bytes(48)).decode()
        self._sign_ins[session] = {"pool_id": pid, "client_id": client_id, "username": user["Username"],
                                   "challenge": options.challenge, "rp_id": rp_id,
                                   "expires": time.time() + lifetime_s}
        return self._c.json_response({"ChallengeName": "WEB_AUTHN", "Session": session,
                                      "ChallengeParameters": {"CREDENTIAL_REQUEST_OPTIONS":
                                                              webauthn.options_to_json(options)}})

    def owns(self, session):
        return session in self._sign_ins

    def respond(self, data, pool, pid, user_for):
        """RespondToAuthChallenge WEB_AUTHN: the CREDENTIAL checked against its session; tokens or the error."""
        session = data.get("Session")
        pending = self._sign_ins.pop(session or "", None)  # used once, whatever follows
        cid = data.get("ClientId")
        if pending is None or pending["pool_id"] != pid or pending["client_id"] != cid:
            return None, self._error("NotAuthorizedException", cognito_mfa.INVALID_SESSION)
        if time.time() > pending["expires"]:
            return None, self._error("NotAuthorizedException", cognito_mfa.EXPIRED_SESSION)
        responses = data.get("ChallengeResponses") or {}
        user = user_for(pending["username"], responses.get("USERNAME"))
        if user is None:
            return None, self._error("NotAuthorizedException", cognito_mfa.INVALID_SESSION)
        try:
            credential = json.loads(responses.get("CREDENTIAL") or "")
            if not isinstance(credential, dict):
                raise ValueError
        except ValueError:
            return None, self._error("InvalidParameterException", "CREDENTIAL must be a JSON object.")
        passkey = self.passkeys(user).get(credential.get("rawId") or credential.get("id"))
        if passkey is None:
            return None, self._error("NotAuthorizedException", "The passkey is not registered for this user.")
        origin, error = self._origin(credential, pending["rp_id"])
        if error:
            return None, error
        handle = (credential.get("response") or {}).get("userHandle")
        attributes = self._c._attr_list_to_dict(user.get("Attributes", []))
        if handle and unb64url(handle) != attributes.get("sub", user["Username"]).encode():
            return None, self._error("NotAuthorizedException", "The passkey belongs to another user.")
        required, _ = self._uv(pool)
        try:
            verified = webauthn.verify_authentication_response(
                credential=credential, expected_challenge=pending["challenge"], expected_rp_id=pending["rp_id"],
                expected_origin=origin, credential_public_key=passkey["public_key"],
                credential_current_sign_count=passkey["sign_count"], require_user_verification=required)
        except wa_errors.WebAuthnException as e:
            return None, self._error("NotAuthorizedException", f"The passkey assertion did not verify: {e}")
        passkey["sign_count"] = verified.new_sign_count
        return user, None

    def expire(self, username):
        """Test hook: the pending registrations and sign-ins of `username` expire now (how many)."""
        pending = [p for (_, u), p in self._registrations.items() if u == username]
        pending += [p for p in self._sign_ins.values() if p["username"] == username]
        for p in pending:
            p["expires"] = time.time() - 1
        return len(pending)
