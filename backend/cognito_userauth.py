"""Choice-based sign-in (`USER_AUTH`) as Cognito does it, for extension.py's `user-auth` patch.

ministack 1.5.33 offers choice-based sign-in only on its hosted login pages: InitiateAuth answers
`AuthFlow: USER_AUTH` with "Unsupported AuthFlow", RespondToAuthChallenge knows no
SELECT_CHALLENGE and no SMS_OTP, SignUp refuses a user without a password (the password policy
checks the empty string) and ConfirmSignUp returns no Session.  `UserAuth` adds them as the
Cognito API reference describes InitiateAuth (USER_AUTH, PREFERRED_CHALLENGE, Session),
RespondToAuthChallenge (ChallengeResponseType: SELECT_CHALLENGE's ANSWER, EMAIL_OTP_CODE,
SMS_OTP_CODE), SignUp (Password optional) and ConfirmSignUp (Session in and out):

  - the app client must list ALLOW_USER_AUTH; the factors offered are the pool's
    Policies.SignInPolicy.AllowedFirstAuthFactors (PASSWORD meaning PASSWORD and PASSWORD_SRP)
    that reach the user (a password, an email, a phone number); none when the pool requires MFA
    but the password ones;
  - no PREFERRED_CHALLENGE, or one not offered: SELECT_CHALLENGE with AvailableChallenges and a
    Session; the ANSWER must be one of them, and the session is used once;
  - EMAIL_OTP and SMS_OTP send a six-digit code through ministack's SES recorder (an SMS as a
    message to the phone number), with CODE_DELIVERY_* parameters; a wrong code is a
    CodeMismatchException (the challenge may be answered again), a session that is unknown,
    used, for another challenge or user, or expired is a NotAuthorizedException;
  - PASSWORD_SRP issues ministack's own PASSWORD_VERIFIER (real SRP); PASSWORD checks the
    password as USER_PASSWORD_AUTH does; both go on to MFA as any password sign-in;
  - SignUp without a Password, where the client allows USER_AUTH and the pool a code factor,
    makes a user who has no usable password (a random one nobody knows); SignUp answers a
    Session, ConfirmSignUp given it answers another, and InitiateAuth USER_AUTH with that one
    signs the confirmed user in once, within the session's life.
"""

import base64
import json
import secrets
import time

import cognito_mfa

FACTORS = ("PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN")
CODE_KEYS = {"EMAIL_OTP": "EMAIL_OTP_CODE", "SMS_OTP": "SMS_OTP_CODE"}
SMS_MESSAGE = "Your sign-in code is {####}. "
EMAIL_SUBJECT = "Your sign-in code"
EMAIL_MESSAGE = "Your sign-in code is {####}."


def _token():
    return base64.b64encode(secrets.token_bytes(48)).decode()


class UserAuth:
    def __init__(self, cognito):
        self._c = cognito
        self._steps = {}  # session -> a pending USER_AUTH step (marked used once answered)
        self._sign_ups = {}  # session -> a sign-up that may sign in after its confirmation
        self.webauthn = None  # the `webauthn` patch's WebAuthn (cognito_webauthn.py), when installed

    def _error(self, code, message):
        return self._c.error_response_json(code, message, 400)

    def _client(self, data):
        pool, pid = self._c._pool_for_client(data.get("ClientId"))
        if pool is None:
            return None, None, self._error("ResourceNotFoundException", f"Client {data.get('ClientId')} not found.")
        client = pool["_clients"].get(data.get("ClientId")) or {}
        if "ALLOW_USER_AUTH" not in (client.get("ExplicitAuthFlows") or []):
            return None, None, self._error("InvalidParameterException", "USER_AUTH is not enabled for the client.")
        return pool, pid, None

    def _lifetime_s(self, pool, client_id):
        client = pool.get("_clients", {}).get(client_id) or {}
        return 60 * (client.get("AuthSessionValidity") or cognito_mfa.DEFAULT_SESSION_MINUTES)

    @staticmethod
    def allowed_factors(pool):
        """The pool's allowed first factors (Cognito's default is PASSWORD alone)."""
        policy = ((pool.get("Policies") or {}).get("SignInPolicy") or {})
        return list(policy.get("AllowedFirstAuthFactors") or ["PASSWORD"])

    def available(self, pool, user):
        """The first factors `user` can sign in with, in Cognito's order."""
        allowed = self.allowed_factors(pool)
        attributes = self._c._attr_list_to_dict(user.get("Attributes", []))
        offered = []
        if "PASSWORD" in allowed and not user.get("_apiless_passwordless"):
            offered += ["PASSWORD", "PASSWORD_SRP"]
        if pool.get("MfaConfiguration") != "ON":
            if "EMAIL_OTP" in allowed and attributes.get("email"):
                offered.append("EMAIL_OTP")
            if "SMS_OTP" in allowed and attributes.get("phone_number"):
                offered.append("SMS_OTP")
            if self.webauthn is not None and self.webauthn.offers(pool, user):
                offered.append("WEB_AUTHN")
        return offered

    # -- InitiateAuth ---------------------------------------------------------------------------

    def initiating(self, original):
        def initiate_auth(data):
            if data.get("AuthFlow") != "USER_AUTH":
                return original(data)
            pool, pid, error = self._client(data)
            if error:
                return error
            params = data.get("AuthParameters") or {}
            username = params.get("USERNAME")
            if not username:
                return self._error("InvalidParameterException", "Missing required parameter USERNAME")
            if data.get("Session"):
                return self._auto_sign_in(pool, pid, data, username)
            preferred = params.get("PREFERRED_CHALLENGE")
            if preferred is not None and preferred not in FACTORS:
                return self._error("InvalidParameterException",
                                   f"PREFERRED_CHALLENGE must be one of {', '.join(FACTORS)}.")
            user, error = self._signing_in(pool, username)
            if error:
                return error
            offered = self.available(pool, user)
            if preferred in offered:
                return self._start(pool, pid, data, user, preferred, params)
            session = _token()
            self._steps[session] = {"name": "SELECT_CHALLENGE", "pool_id": pid, "client_id": data.get("ClientId"),
                                    "username": user["Username"], "choices": offered,
                                    "expires": time.time() + self._lifetime_s(pool, data.get("ClientId"))}
            return self._c.json_response({"ChallengeName": "SELECT_CHALLENGE", "Session": session,
                                          "ChallengeParameters": {}, "AvailableChallenges": offered})
        return initiate_auth

    def _signing_in(self, pool, username):
        user, _err = self._c._resolve_user(pool, username)
        if user is None:
            return None, self._error("UserNotFoundException", "User does not exist.")
        if not user.get("Enabled", True):
            return None, self._error("NotAuthorizedException", "User is disabled.")
        if user.get("UserStatus") == "UNCONFIRMED":
            return None, self._error("UserNotConfirmedException", "User is not confirmed.")
        return user, None

    def _start(self, pool, pid, data, user, factor, params):
        """The first step of `factor` for `user`: a code challenge, the SRP verifier, or a password check."""
        cid = data.get("ClientId")
        if factor == "PASSWORD_SRP":
            srp_a = params.get("SRP_A")
            if not srp_a or not self._c._SRP_A_RE.match(srp_a):
                return self._error("InvalidParameterException", "Missing required parameter SRP_A")
            token, session = self._c._create_challenge_session(pid, cid, user["Username"])
            session["auth_flow"] = "USER_SRP_AUTH"
            parameters, session["srp"] = self._c._srp_challenge(pid, user, user["Username"], srp_a, token)
            return self._c.json_response({"ChallengeName": "PASSWORD_VERIFIER", "ChallengeParameters": parameters})
        if factor == "PASSWORD":
            password = params.get("PASSWORD")
            if not password:
                return self._error("InvalidParameterException", "Missing required parameter PASSWORD")
            if user.get("_password") != password:
                return self._error("NotAuthorizedException", "Incorrect username or password.")
            return self._c._password_auth_result(pool, pid, cid, user, user["Username"], None, data)
        if factor in CODE_KEYS:
            code = f"{secrets.randbelow(10 ** 6):06d}"
            session = _token()
            self._steps[session] = {"name": factor, "pool_id": pid, "client_id": cid, "username": user["Username"],
                                    "code": code, "expires": time.time() + self._lifetime_s(pool, cid)}
            parameters = self._deliver(pool, user, factor, code)
            return self._c.json_response({"ChallengeName": factor, "Session": session,
                                          "ChallengeParameters": parameters})
        if factor == "WEB_AUTHN" and self.webauthn is not None:
            return self.webauthn.start_sign_in(pool, pid, cid, user, self._lifetime_s(pool, cid))
        return self._error("InvalidParameterException", f"{factor} is not available here.")

    def _deliver(self, pool, user, factor, code):
        attributes = self._c._attr_list_to_dict(user.get("Attributes", []))
        extra = {"Username": user["Username"]}
        if factor == "SMS_OTP":
            phone = attributes["phone_number"]
            text = pool.get("SmsAuthenticationMessage") or SMS_MESSAGE
            self._c._deliver_cognito_email(pool, phone, EMAIL_SUBJECT, text.replace("{####}", code),
                                           "CognitoSmsAuthenticationMessage", extra=extra)
            return {"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
                    "CODE_DELIVERY_DESTINATION": "+" + "*" * max(len(phone) - 5, 0) + phone[-4:]}
        email = attributes["email"]
        self._c._deliver_cognito_email(pool, email, EMAIL_SUBJECT, EMAIL_MESSAGE.replace("{####}", code),
                                       "CognitoEmailAuthenticationMessage", extra=extra)
        return {"CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
                "CODE_DELIVERY_DESTINATION": self._c._masked_destination(email)}

    def _tokens(self, pid, cid, user, data):
        return self._c.json_response({"AuthenticationResult": self._c._build_auth_result(
            pid, cid, user, client_metadata=data.get("ClientMetadata", {}))})

    # -- RespondToAuthChallenge -----------------------------------------------------------------

    def _pending(self, session, name, pid, cid):
        pending = self._steps.get(session or "")
        if pending is None or pending.get("used") or pending["name"] != name or pending["pool_id"] != pid or pending["client_id"] != cid:
            return None, self._error("NotAuthorizedException", cognito_mfa.INVALID_SESSION)
        if time.time() > pending["expires"]:
            self._steps.pop(session, None)
            return None, self._error("NotAuthorizedException", cognito_mfa.EXPIRED_SESSION)
        return pending, None

    def responding(self, original):
        def respond_to_auth_challenge(data):
            name = data.get("ChallengeName", "")
            session = data.get("Session")
            # SMS_OTP is only ever a first factor; EMAIL_OTP is also an MFA step (cognito_mfa.py's).
            ours = session in self._steps or name == "SMS_OTP"
            if name == "WEB_AUTHN" and self.webauthn is not None:
                return self._passkey_answer(data)
            if name != "SELECT_CHALLENGE" and not (name in CODE_KEYS and ours):
                return original(data)
            pool, pid, error = self._client(data)
            if error:
                return error
            cid = data.get("ClientId")
            pending, error = self._pending(session, name, pid, cid)
            if error:
                return error
            responses = data.get("ChallengeResponses") or {}
            user, _err = self._c._resolve_user(pool, pending["username"])
            if user is None or responses.get("USERNAME") not in (user["Username"],) + tuple(
                    v for k, v in self._c._attr_list_to_dict(user.get("Attributes", [])).items()
                    if k in ("email", "phone_number")):
                return self._error("NotAuthorizedException", cognito_mfa.INVALID_SESSION)
            if not user.get("Enabled", True):
                return self._error("NotAuthorizedException", "User is disabled.")
            if name == "SELECT_CHALLENGE":
                answer = responses.get("ANSWER")
                if answer not in pending["choices"]:
                    return self._error("InvalidParameterException",
                                       f"ANSWER must be one of {', '.join(pending['choices'])}.")
                pending["used"] = True
                return self._start(pool, pid, data, user, answer, responses)
            code = responses.get(CODE_KEYS[name])
            if not isinstance(code, str) or not secrets.compare_digest(pending["code"], code):
                return self._error("CodeMismatchException", cognito_mfa.WRONG_CODE)
            pending["used"] = True  # kept, so that a second answer is refused as Cognito refuses it
            # A code that reached the address proves it, as Cognito marks it.
            attributes = self._c._attr_list_to_dict(user.get("Attributes", []))
            attributes["email_verified" if name == "EMAIL_OTP" else "phone_number_verified"] = "true"
            user["Attributes"] = self._c._dict_to_attr_list(attributes)
            return self._tokens(pid, cid, user, data)
        return respond_to_auth_challenge

    def _passkey_answer(self, data):
        """RespondToAuthChallenge WEB_AUTHN: tokens once the passkey's assertion verifies."""
        pool, pid, error = self._client(data)
        if error:
            return error

        def user_for(username, named):
            user, _err = self._c._resolve_user(pool, username)
            if user is None or not user.get("Enabled", True) or named not in (user["Username"],) + tuple(
                    v for k, v in self._c._attr_list_to_dict(user.get("Attributes", [])).items()
                    if k in ("email", "phone_number")):
                return None
            return user
        user, error = self.webauthn.respond(data, pool, pid, user_for)
        if error:
            return error
        return self._tokens(pid, data.get("ClientId"), user, data)

    # -- SignUp, ConfirmSignUp and the sign-in after them ----------------------------------------

    def _offers_codes(self, pool):
        return any(f in ("EMAIL_OTP", "SMS_OTP") for f in self.allowed_factors(pool))

    def signing_up(self, original):
        def sign_up(data):
            pool, pid = self._c._pool_for_client(data.get("ClientId"))
            client = ((pool or {}).get("_clients") or {}).get(data.get("ClientId")) or {}
            user_auth = "ALLOW_USER_AUTH" in (client.get("ExplicitAuthFlows") or [])
            passwordless = not data.get("Password")
            if passwordless:
                if pool is None or not user_auth or not self._offers_codes(pool):
                    return self._error("InvalidParameterException",
                                       "A password is required: the user pool or app client offers no "
                                       "sign-in without one.")
                # Nobody knows this password: the user signs in with a code only.
                data = {**data, "Password": "Aa1!" + secrets.token_urlsafe(32)}
            answer = original(data)
            if answer[0] != 200 or not user_auth:
                return answer
            body = json.loads(answer[2])
            user, _err = self._c._resolve_user(pool, body.get("UserSub") or data.get("Username"))
            if user is None:
                user = pool["_users"].get(data.get("Username"))
            if user is None:
                return answer
            if passwordless:
                user["_apiless_passwordless"] = True
            session = _token()
            self._sign_ups[session] = {"pool_id": pid, "client_id": data.get("ClientId"),
                                       "username": user["Username"], "confirmed": False,
                                       "expires": time.time() + self._lifetime_s(pool, data.get("ClientId"))}
            body["Session"] = session
            return self._c.json_response(body)
        return sign_up

    def confirming(self, original):
        def confirm_sign_up(data):
            answer = original(data)
            given = data.get("Session")
            if answer[0] != 200 or not given:
                return answer
            pending = self._sign_ups.pop(given, None)
            pool, pid = self._c._pool_for_client(data.get("ClientId"))
            user = self._c._resolve_user(pool, data.get("Username"))[0] if pool else None
            if (pending is None or pending["confirmed"] or pending["pool_id"] != pid or user is None
                    or pending["client_id"] != data.get("ClientId") or pending["username"] != user["Username"]
                    or time.time() > pending["expires"]):
                return answer  # confirmed all the same; no sign-in follows from this session
            session = _token()
            self._sign_ups[session] = {**pending, "confirmed": True,
                                       "expires": time.time() + self._lifetime_s(pool, data.get("ClientId"))}
            body = json.loads(answer[2] or b"{}")
            body["Session"] = session
            return self._c.json_response(body)
        return confirm_sign_up

    def _auto_sign_in(self, pool, pid, data, username):
        pending = self._sign_ups.get(data.get("Session"))
        user = self._c._resolve_user(pool, username)[0]
        if (pending is None or not pending["confirmed"] or pending["pool_id"] != pid
                or pending["client_id"] != data.get("ClientId") or user is None
                or pending["username"] != user["Username"]):
            return self._error("NotAuthorizedException", cognito_mfa.INVALID_SESSION)
        del self._sign_ups[data["Session"]]
        if time.time() > pending["expires"]:
            return self._error("NotAuthorizedException", cognito_mfa.EXPIRED_SESSION)
        return self._tokens(pid, data.get("ClientId"), user, data)

    def expire(self, username):
        """Test hook: the pending steps and sign-up sessions of `username` expire now (how many)."""
        steps = [p for p in list(self._steps.values()) + list(self._sign_ups.values()) if p["username"] == username]
        for pending in steps:
            pending["expires"] = time.time() - 1
        return len(steps)
