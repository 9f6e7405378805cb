"""MFA at sign-in as Cognito issues it, for extension.py's `mfa` patch.

ministack 1.5.33 issues only SOFTWARE_TOKEN_MFA after a password, lets a user of a pool that
requires MFA in without setting a factor up, and answers SMS_MFA and MFA_SETUP without looking at
a code or at the session: a RespondToAuthChallenge naming any user gets that user's tokens.
`SignInMfa` decides the challenge after a verified password as the Cognito API reference
describes InitiateAuth's ChallengeName, and checks every answer against the session it issued.
"""

import base64
import json
import secrets
import time

# The factors a user may have, the pool setting that offers each, and its challenge's code key.
FACTORS = {"SMS_MFA": "SmsMfaConfiguration", "SOFTWARE_TOKEN_MFA": "SoftwareTokenMfaConfiguration",
           "EMAIL_OTP": "EmailMfaConfiguration"}
CODE_KEYS = {"SMS_MFA": "SMS_MFA_CODE", "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE",
             "EMAIL_OTP": "EMAIL_OTP_CODE"}
# Each challenge lives as long as the app client's AuthSessionValidity (minutes, default 3); an
# SMS or email code is good for its challenge's life.
DEFAULT_SESSION_MINUTES = 3
# Cognito's default messages when the pool sets none (SmsAuthenticationMessage, EmailMfaConfiguration).
SMS_MESSAGE = "Your authentication code is {####}. "
EMAIL_SUBJECT = "Your sign-in code"
EMAIL_MESSAGE = "Your authentication code is {####}."
# The wording of Cognito's refusals.
INVALID_SESSION = "Invalid session for the user."
EXPIRED_SESSION = "Invalid session for the user, session is expired."
WRONG_CODE = "Invalid code or auth state for the user."


class SignInMfa:
    """The MFA step of a sign-in: which challenge, its code, and the answer's check.

    After a verified password, on a pool whose MfaConfiguration is ON or OPTIONAL:
      - the user's preferred factor, if it is one the pool offers and the user can receive;
      - else the single factor the user has enabled;
      - else, with several, SELECT_MFA_TYPE (MFAS_CAN_CHOOSE lists them); the ANSWER names one,
        and its challenge follows;
      - else, when the pool requires MFA (ON), MFA_SETUP (MFAS_CAN_SETUP lists the pool's factors
        that a user sets up at sign-in: TOTP), answered through AssociateSoftwareToken and
        VerifySoftwareToken with the session, then RespondToAuthChallenge with the last session.
    SMS_MFA and EMAIL_OTP carry CODE_DELIVERY_DELIVERY_MEDIUM and a masked
    CODE_DELIVERY_DESTINATION; their six-digit code is "sent" through ministack's SES recorder
    (GET /_ministack/ses/messages), an SMS as a message to the phone number.  A wrong code is a
    CodeMismatchException and the challenge may be answered again; a session that is unknown,
    used up, for another challenge or user, or expired is a NotAuthorizedException.  A passed SMS
    code marks phone_number verified, as Cognito does.
    """

    def __init__(self, cognito):
        self._c = cognito
        self._challenges = {}  # session -> the pending MFA step

    # -- issuing -------------------------------------------------------------------------------

    def _error(self, code, message):
        return self._c.error_response_json(code, message, 400)

    @staticmethod
    def pool_factors(pool):
        offered = []
        for factor, setting in FACTORS.items():
            config = pool.get(setting)
            if factor == "SOFTWARE_TOKEN_MFA":
                if isinstance(config, dict) and config.get("Enabled"):
                    offered.append(factor)
            elif config:
                offered.append(factor)
        return offered

    def user_factors(self, pool, user):
        """The factors `user` has enabled that the pool offers and that can reach the user."""
        attributes = self._c._attr_list_to_dict(user.get("Attributes", []))
        reachable = {"SMS_MFA": bool(attributes.get("phone_number")), "EMAIL_OTP": bool(attributes.get("email")),
                     "SOFTWARE_TOKEN_MFA": bool(user.get("_totp_secret"))}
        offered = self.pool_factors(pool)
        return [f for f in user.get("_mfa_enabled", []) if f in offered and reachable.get(f)]

    def challenge_for(self, pool, user, pid, username, client_id=None):
        """The MFA challenge a verified password leads to (a response body), or None for tokens."""
        setting = pool.get("MfaConfiguration", "OFF")
        if setting not in ("ON", "OPTIONAL"):
            return None
        enabled = self.user_factors(pool, user)
        preferred = user.get("_preferred_mfa")
        if preferred in enabled:
            return self._issue(pool, pid, client_id, user, preferred)
        if len(enabled) == 1:
            return self._issue(pool, pid, client_id, user, enabled[0])
        if enabled:
            return self._issue(pool, pid, client_id, user, "SELECT_MFA_TYPE", choices=enabled)
        if setting == "ON":
            can_setup = [f for f in self.pool_factors(pool) if f == "SOFTWARE_TOKEN_MFA"]
            if can_setup:
                return self._issue(pool, pid, client_id, user, "MFA_SETUP", choices=can_setup)
        return None

    def _lifetime_s(self, pool, client_id):
        client = pool.get("_clients", {}).get(client_id) or {}
        return 60 * (client.get("AuthSessionValidity") or DEFAULT_SESSION_MINUTES)

    def _issue(self, pool, pid, client_id, user, name, choices=(), expires=None):
        session = base64.b64encode(secrets.token_bytes(48)).decode()
        pending = {"name": name, "pool_id": pid, "username": user["Username"], "choices": list(choices),
                   "expires": expires or time.time() + self._lifetime_s(pool, client_id)}
        parameters = {"USER_ID_FOR_SRP": user["Username"]}
        if name == "SELECT_MFA_TYPE":
            parameters["MFAS_CAN_CHOOSE"] = json.dumps(pending["choices"])
        elif name == "MFA_SETUP":
            parameters["MFAS_CAN_SETUP"] = json.dumps(pending["choices"])
        elif name in ("SMS_MFA", "EMAIL_OTP"):
            pending["code"] = f"{secrets.randbelow(10 ** 6):06d}"
            parameters.update(self._deliver(pool, user, name, pending["code"]))
        elif name == "SOFTWARE_TOKEN_MFA":
            parameters["FRIENDLY_DEVICE_NAME"] = user.get("_totp_device_name") or "TOTP device"
        self._challenges[session] = pending
        return {"ChallengeName": name, "Session": session, "ChallengeParameters": parameters}

    def _deliver(self, pool, user, name, code):
        attributes = self._c._attr_list_to_dict(user.get("Attributes", []))
        extra = {"Username": user["Username"]}
        if name == "SMS_MFA":
            phone = attributes["phone_number"]
            text = (pool.get("SmsMfaConfiguration") or {}).get("SmsAuthenticationMessage") \
                or pool.get("SmsAuthenticationMessage") or SMS_MESSAGE
            self._c._deliver_cognito_email(pool, phone, "Your authentication code", text.replace("{####}", code),
                                           "CognitoSmsAuthenticationMessage", extra=extra)
            return {"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
                    "CODE_DELIVERY_DESTINATION": "+" + "*" * max(len(phone) - 5, 0) + phone[-4:]}
        config = pool.get("EmailMfaConfiguration") or {}
        email = attributes["email"]
        self._c._deliver_cognito_email(pool, email, config.get("Subject") or EMAIL_SUBJECT,
                                       (config.get("Message") or EMAIL_MESSAGE).replace("{####}", code),
                                       "CognitoEmailAuthenticationMessage", extra=extra)
        return {"CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
                "CODE_DELIVERY_DESTINATION": self._c._masked_destination(email)}

    # -- answering -----------------------------------------------------------------------------

    def _pending(self, session, name, pool_id, username):
        """(pending step, None) for a live session of challenge `name` of this pool, or (None, error)."""
        pending = self._challenges.get(session or "")
        if pending is None or pending["name"] != name or pending["pool_id"] != pool_id:
            return None, self._error("NotAuthorizedException", INVALID_SESSION)
        if time.time() > pending["expires"]:
            self._challenges.pop(session, None)
            return None, self._error("NotAuthorizedException", EXPIRED_SESSION)
        if username is not None and username != pending["username"]:
            return None, self._error("NotAuthorizedException", INVALID_SESSION)
        return pending, None

    def _user(self, pool, pending):
        user = self._c._resolve_user(pool, pending["username"])[0]
        if user is None or not user.get("Enabled", True):
            return None, self._error("NotAuthorizedException", "User is disabled." if user else INVALID_SESSION)
        return user, None

    def responding(self, original):
        def respond_to_auth_challenge(data):
            name = data.get("ChallengeName", "")
            session = data.get("Session")
            if name not in ("SMS_MFA", "EMAIL_OTP", "SOFTWARE_TOKEN_MFA", "SELECT_MFA_TYPE", "MFA_SETUP"):
                return original(data)
            if name == "EMAIL_OTP" and session not in self._challenges:
                return original(data)  # choice-based sign-in's first factor: ministack's own
            pool, pid = self._c._pool_for_client(data.get("ClientId"))
            if pool is None:
                return self._error("ResourceNotFoundException", f"Client {data.get('ClientId')} not found.")
            responses = data.get("ChallengeResponses") or {}
            username = responses.get("USERNAME")
            pending, error = self._pending(session, name, pid, None)
            if error:
                return error
            user, error = self._user(pool, pending)
            if error:
                return error
            if username not in (user["Username"],) + tuple(
                    v for k, v in self._c._attr_list_to_dict(user.get("Attributes", [])).items()
                    if k in ("sub", "email", "phone_number")):
                return self._error("NotAuthorizedException", INVALID_SESSION)
            if name == "SELECT_MFA_TYPE":
                choice = responses.get("ANSWER")
                if choice not in pending["choices"]:
                    return self._error("InvalidParameterException",
                                       f"ANSWER must be one of {', '.join(pending['choices'])}.")
                del self._challenges[session]
                return self._c.json_response(self._issue(pool, pid, data.get("ClientId"), user, choice,
                                                         expires=pending["expires"]))
            if name == "MFA_SETUP":
                if not pending.get("verified"):
                    return self._error("NotAuthorizedException", INVALID_SESSION)
            elif not self._code_matches(name, pending, user, responses.get(CODE_KEYS[name])):
                self._c._finish_auth_event(user, session, "Mfa", False)
                return self._error("CodeMismatchException", WRONG_CODE)
            del self._challenges[session]
            if name == "SMS_MFA":
                attributes = self._c._attr_list_to_dict(user.get("Attributes", []))
                attributes["phone_number_verified"] = "true"
                user["Attributes"] = self._c._dict_to_attr_list(attributes)
            self._c._finish_auth_event(user, session, "Mfa", True)
            return self._c.json_response({"AuthenticationResult": self._c._build_auth_result(
                pid, data.get("ClientId"), user, client_metadata=data.get("ClientMetadata", {}))})
        return respond_to_auth_challenge

    def _code_matches(self, name, pending, user, code):
        if not isinstance(code, str):
            return False
        if name == "SOFTWARE_TOKEN_MFA":
            return self._c._totp_matches(user.get("_totp_secret"), code)
        return secrets.compare_digest(pending["code"], code)

    # -- TOTP set up during MFA_SETUP ----------------------------------------------------------

    def _setup(self, data):
        """The MFA_SETUP step a Session-authorised token call names: (session, step), or (None, None)."""
        session = data.get("Session")
        if data.get("AccessToken") or session not in self._challenges:
            return None, None
        return session, self._challenges[session]

    def _renew(self, session, pending):
        """The step under a new session (each call of the setup answers the next session)."""
        del self._challenges[session]
        renewed = base64.b64encode(secrets.token_bytes(48)).decode()
        self._challenges[renewed] = pending
        return renewed

    def associating(self, original):
        def associate_software_token(data):
            session, pending = self._setup(data)
            if pending is None:
                return original(data)
            pending, error = self._pending(session, "MFA_SETUP", pending["pool_id"], None)
            if error:
                return error
            pending["secret"] = base64.b32encode(secrets.token_bytes(20)).decode()
            pending["verified"] = False
            return self._c.json_response({"SecretCode": pending["secret"], "Session": self._renew(session, pending)})
        return associate_software_token

    def verifying(self, original):
        def verify_software_token(data):
            session, pending = self._setup(data)
            if pending is None:
                return original(data)
            pending, error = self._pending(session, "MFA_SETUP", pending["pool_id"], None)
            if error:
                return error
            if not pending.get("secret"):
                return self._error("EnableSoftwareTokenMFAException",
                                   "No software token MFA has been associated for verification.")
            if not self._c._totp_matches(pending["secret"], data.get("UserCode", "")):
                return self._error("EnableSoftwareTokenMFAException", "Code mismatch")
            pool = self._c._user_pools.get(pending["pool_id"]) or {}
            user, error = self._user(pool, pending)
            if error:
                return error
            user["_totp_secret"] = pending["secret"]
            if data.get("FriendlyDeviceName"):
                user["_totp_device_name"] = data["FriendlyDeviceName"]
            enabled = user.setdefault("_mfa_enabled", [])
            if "SOFTWARE_TOKEN_MFA" not in enabled:
                enabled.append("SOFTWARE_TOKEN_MFA")
            user["_preferred_mfa"] = "SOFTWARE_TOKEN_MFA"
            pending["verified"] = True
            return self._c.json_response({"Status": "SUCCESS", "Session": self._renew(session, pending)})
        return verify_software_token

    def expire(self, username):
        """Test hook: the pending MFA steps of `username` expire now (how many there were)."""
        steps = [p for p in self._challenges.values() if p["username"] == username]
        for pending in steps:
            pending["expires"] = time.time() - 1
        return len(steps)
