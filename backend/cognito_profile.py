"""The signed-in user's own profile as Cognito keeps it, for extension.py's `profile` patch.

ministack 1.5.33 changes an email or phone number silently and leaves it verified, knows no
DeleteUserAttributes, GetUserAttributeVerificationCode or VerifyUserAttribute, ignores
EmailMfaSettings and turns TOTP on for a user without a token.  `Profile` answers those
operations as the Cognito API reference describes them, over ministack's own user records and
helpers (extension.py checks each helper exists before installing).
"""

import secrets
import time

# The access-token operations on a user's own attributes that ministack lacks.  Like the other
# access-token operations, AWS serves them unsigned.
PROFILE_ACTIONS = ("DeleteUserAttributes", "GetUserAttributeVerificationCode", "VerifyUserAttribute")
# The attributes Cognito verifies with a code, and how the code travels.
VERIFIED_BY_CODE = {"email": "EMAIL", "phone_number": "SMS"}
# Attribute verification codes expire after 24 hours (Cognito developer guide, "Verifying
# updates to email addresses and phone numbers").
ATTRIBUTE_CODE_LIFETIME_S = 24 * 3600
# SetUserMFAPreference's settings and the UserMFASettingList names GetUser reports them by.
MFA_SETTINGS = {"SMSMfaSettings": "SMS_MFA", "SoftwareTokenMfaSettings": "SOFTWARE_TOKEN_MFA",
                "EmailMfaSettings": "EMAIL_OTP"}


class Profile:
    """A signed-in user's own attributes and MFA settings, as the Cognito API reference describes them.

    UpdateUserAttributes: a new email or phone_number of an auto-verified attribute gets a code
    (CodeDeliveryDetailsList); with the pool's UserAttributeUpdateSettings
    AttributesRequireVerificationBeforeUpdate naming it, the old value stays in force (and
    verified) until VerifyUserAttribute confirms the new one, otherwise the new value is set at
    once and marked unverified.  Names outside the pool's schema and immutable ones are refused.
    Codes are random, six digits, for one value, 24 hours; each is "sent" through ministack's SES
    recorder (GET /_ministack/ses/messages), an email as Cognito's verification message, an SMS
    as a message to the phone number (type CognitoSmsVerificationMessage).
    """

    def __init__(self, cognito):
        self._c = cognito

    def _error(self, code, message):
        return self._c.error_response_json(code, message, 400)

    def dispatching(self, original):
        handlers = {"DeleteUserAttributes": self.delete_user_attributes,
                    "GetUserAttributeVerificationCode": self.get_user_attribute_verification_code,
                    "VerifyUserAttribute": self.verify_user_attribute}

        async def dispatch_idp(action, data):
            handler = handlers.get(action)
            if handler is None:
                return await original(action, data)
            # ministack's own checks first: the access token's signature, expiry, revocation, user.
            return self._c._run_idp_handler(handler, action, data)
        return dispatch_idp

    def _caller(self, data):
        """(user, pool, None) for the AccessToken's user, or (None, None, the error)."""
        token = data.get("AccessToken")
        if not token:
            return None, None, self._error("NotAuthorizedException", "Access token is missing.")
        user, pool = self._c._user_pool_for_access_token(token)
        if not user:
            return None, None, self._error("NotAuthorizedException", "Invalid access token.")
        return user, pool, None

    def _schema_error(self, pool, names, deleting):
        schema = {a.get("Name"): a for a in self._c._ensure_schema_attributes(pool).get("SchemaAttributes", [])}
        for name in names:
            found = schema.get(name)
            if found is None:
                return self._error("InvalidParameterException", f"user.{name}: Attribute does not exist in the schema.")
            if not found.get("Mutable", True):
                return self._error("InvalidParameterException", f"user.{name}: Attribute cannot be updated.")
            if deleting and found.get("Required"):
                return self._error("InvalidParameterException", f"user.{name}: The attribute is required")
        return None

    @staticmethod
    def _pending(user):
        return user.setdefault("_apiless_pending_attributes", {})

    @staticmethod
    def _codes(user):
        return user.setdefault("_apiless_attribute_codes", {})

    def _attributes(self, user):
        return self._c._attr_list_to_dict(user.get("Attributes", []))

    def _store(self, user, attributes):
        user["Attributes"] = self._c._dict_to_attr_list(attributes)
        user["UserLastModifiedDate"] = self._c._now_epoch()

    def _send_code(self, pool, user, name, value):
        """A new code for `value` of attribute `name`, delivered; its CodeDeliveryDetails."""
        code = f"{secrets.randbelow(10 ** 6):06d}"
        self._codes(user)[name] = {"code": code, "value": value, "expires": time.time() + ATTRIBUTE_CODE_LIFETIME_S}
        if VERIFIED_BY_CODE[name] == "EMAIL":
            self._c._send_verification_email(pool, user["Username"], dict(self._attributes(user), email=value), code,
                                             attribute_name=name)
            destination = self._c._masked_destination(value)
        else:
            self._c._deliver_cognito_email(pool, value, "Your verification code", f"Your verification code is {code}.",
                                           "CognitoSmsVerificationMessage",
                                           extra={"Username": user["Username"], "AttributeName": name})
            destination = "+" + "*" * max(len(value) - 5, 0) + value[-4:]
        return {"Destination": destination, "DeliveryMedium": VERIFIED_BY_CODE[name], "AttributeName": name}

    def update_user_attributes(self, data):
        user, pool, error = self._caller(data)
        if error:
            return error
        updates = data.get("UserAttributes")
        if not isinstance(updates, list) or not all(
                isinstance(a, dict) and isinstance(a.get("Name"), str) and isinstance(a.get("Value", ""), str)
                for a in updates):
            return self._error("InvalidParameterException", "UserAttributes must be a list of Name and Value strings.")
        error = self._schema_error(pool, [a["Name"] for a in updates], deleting=False)
        if error:
            return error
        attributes = self._attributes(user)
        auto_verified = set(pool.get("AutoVerifiedAttributes") or [])
        keep_original = set((pool.get("UserAttributeUpdateSettings") or {}).get(
            "AttributesRequireVerificationBeforeUpdate") or [])
        to_verify = []
        for update in updates:
            name, value = update["Name"], update.get("Value", "")
            if name not in VERIFIED_BY_CODE or value == attributes.get(name):
                attributes[name] = value
                continue
            if name in auto_verified and name in keep_original:
                self._pending(user)[name] = value  # the old value stays, verified, until confirmed
            else:
                attributes[name] = value
                attributes[f"{name}_verified"] = "false"
                self._pending(user).pop(name, None)
            if name in auto_verified:
                to_verify.append((name, value))
        self._store(user, attributes)
        deliveries = [self._send_code(pool, user, name, value) for name, value in to_verify]
        return self._c.json_response({"CodeDeliveryDetailsList": deliveries})

    def delete_user_attributes(self, data):
        user, pool, error = self._caller(data)
        if error:
            return error
        names = data.get("UserAttributeNames")
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            return self._error("InvalidParameterException", "UserAttributeNames must be a non-empty list of names.")
        error = self._schema_error(pool, names, deleting=True)
        if error:
            return error
        attributes = self._attributes(user)
        for name in names:
            attributes.pop(name, None)
            if name in VERIFIED_BY_CODE:
                attributes.pop(f"{name}_verified", None)
                self._pending(user).pop(name, None)
                self._codes(user).pop(name, None)
        self._store(user, attributes)
        return self._c.json_response({})

    def get_user_attribute_verification_code(self, data):
        user, pool, error = self._caller(data)
        if error:
            return error
        name = data.get("AttributeName")
        if name not in VERIFIED_BY_CODE:
            return self._error("InvalidParameterException", f"Invalid attribute name for verification: {name}")
        value = self._pending(user).get(name) or self._attributes(user).get(name)
        if not value:
            return self._error("InvalidParameterException", f"The user has no {name} to verify.")
        return self._c.json_response({"CodeDeliveryDetails": self._send_code(pool, user, name, value)})

    def verify_user_attribute(self, data):
        user, _pool, error = self._caller(data)
        if error:
            return error
        name, code = data.get("AttributeName"), data.get("Code")
        if name not in VERIFIED_BY_CODE:
            return self._error("InvalidParameterException", f"Invalid attribute name for verification: {name}")
        issued = self._codes(user).get(name)
        if not issued or not isinstance(code, str) or not secrets.compare_digest(issued["code"], code):
            return self._error("CodeMismatchException", "Invalid verification code provided, please try again.")
        attributes = self._attributes(user)
        pending = self._pending(user)
        if time.time() > issued["expires"] or issued["value"] not in (pending.get(name), attributes.get(name)):
            return self._error("ExpiredCodeException", "Invalid code provided, please request a code again.")
        if pending.get(name) == issued["value"]:
            attributes[name] = pending.pop(name)
        attributes[f"{name}_verified"] = "true"
        del self._codes(user)[name]
        self._store(user, attributes)
        return self._c.json_response({})

    def set_user_mfa_preference(self, data):
        """All settings checked before any is applied: a refused request changes nothing."""
        user, _pool, error = self._caller(data)
        if error:
            return error
        settings = {}
        for key, mfa in MFA_SETTINGS.items():
            given = data.get(key)
            if given is None:
                continue
            if not isinstance(given, dict):
                return self._error("InvalidParameterException", f"{key} must be an object.")
            settings[mfa] = (given.get("Enabled") is True, given.get("PreferredMfa"))
        if sum(preferred is True for _, preferred in settings.values()) > 1:
            return self._error("InvalidParameterException", "Only one MFA method can be preferred.")
        attributes = self._attributes(user)
        has_delivery = {"SMS_MFA": bool(attributes.get("phone_number")), "EMAIL_OTP": bool(attributes.get("email")),
                        "SOFTWARE_TOKEN_MFA": bool(user.get("_totp_secret"))}
        for mfa, (enabled, preferred) in settings.items():
            if preferred is True and not enabled:
                return self._error("InvalidParameterException", f"{mfa} cannot be preferred without being enabled.")
            if enabled and not has_delivery[mfa]:
                if mfa == "SOFTWARE_TOKEN_MFA":
                    return self._error("InvalidParameterException", "User has not verified software token mfa")
                return self._error("InvalidParameterException", f"User does not have delivery config set to turn on {mfa}")
        active = user.setdefault("_mfa_enabled", [])
        for mfa, (enabled, preferred) in settings.items():
            if enabled and mfa not in active:
                active.append(mfa)
            elif not enabled and mfa in active:
                active.remove(mfa)
            if preferred is True:
                user["_preferred_mfa"] = mfa
            elif (preferred is False or not enabled) and user.get("_preferred_mfa") == mfa:
                user["_preferred_mfa"] = ""
        return self._c.json_response({})
