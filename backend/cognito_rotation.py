"""Refresh-token rotation as Cognito does it, for extension.py's `rotation` patch.

ministack 1.5.33 ignores an app client's RefreshTokenRotation and its GetTokensFromRefreshToken
never issues a refresh token.  Per the Cognito API reference (RefreshTokenRotationType,
GetTokensFromRefreshToken): with `Feature: ENABLED` on the app client, GetTokensFromRefreshToken
issues new ID, access *and refresh* tokens, and the submitted refresh token stays valid for
`RetryGracePeriodSeconds` (0-60; 0 invalidates it at once), after which it is refused with
`RefreshTokenReuseException`.  With rotation disabled (the default) it issues ID and access
tokens only, as before.  `Rotation` keeps the rotated-out tokens and answers those operations over
ministack's own token checks (signature, client, user, revocation) and token minting.
"""

import json
import time

GRACE_RANGE = range(0, 61)


class Rotation:
    """The RefreshTokenRotation of app clients and the refresh tokens rotated out."""

    def __init__(self, cognito, clock=time.monotonic):
        self._c = cognito
        self._clock = clock
        self._rotated = {}  # refresh token -> when it stops being accepted (clock seconds)

    def _error(self, code, message):
        return self._c.error_response_json(code, message, 400)

    @staticmethod
    def invalid(data):
        """The InvalidParameterException message for a bad RefreshTokenRotation, or None."""
        if "RefreshTokenRotation" not in data:
            return None
        rotation = data["RefreshTokenRotation"]
        if not isinstance(rotation, dict) or rotation.get("Feature") not in ("ENABLED", "DISABLED"):
            return "RefreshTokenRotation.Feature must be ENABLED or DISABLED"
        grace = rotation.get("RetryGracePeriodSeconds", 0)
        if isinstance(grace, bool) or not isinstance(grace, int) or grace not in GRACE_RANGE:
            return "RefreshTokenRotation.RetryGracePeriodSeconds must be an integer from 0 to 60"
        return None

    def client_call(self, original):
        """CreateUserPoolClient / UpdateUserPoolClient keeping RefreshTokenRotation on the client."""
        def call(data):
            message = self.invalid(data)
            if message:
                return self._error("InvalidParameterException", message)
            response = original(data)
            if "RefreshTokenRotation" not in data:
                return response
            status, headers, body = response
            if status != 200:
                return response
            answer = json.loads(body)
            client = answer["UserPoolClient"]
            pool = self._c._user_pools[client["UserPoolId"]]
            rotation = {"Feature": data["RefreshTokenRotation"]["Feature"],
                        "RetryGracePeriodSeconds": data["RefreshTokenRotation"].get("RetryGracePeriodSeconds", 0)}
            pool["_clients"][client["ClientId"]]["RefreshTokenRotation"] = rotation
            client["RefreshTokenRotation"] = rotation
            return self._c.json_response(answer)
        return call

    def get_tokens_from_refresh_token(self, original):
        def call(data):
            cid, token = data.get("ClientId"), data.get("RefreshToken")
            pool, pid = self._c._pool_for_client(cid) if cid else (None, None)
            rotation = ((pool or {}).get("_clients", {}).get(cid) or {}).get("RefreshTokenRotation") or {}
            if not token or rotation.get("Feature") != "ENABLED":
                return original(data)
            until = self._rotated.get(token)
            if until is not None and self._clock() >= until:
                return self._error("RefreshTokenReuseException", "Refresh token has been rotated out.")
            result, err = self._c._refresh_auth_result(pool, pid, cid, token)
            if err:
                return err
            claims = self._c._token_claims(token)
            user = self._c._user_from_token(token, pool)
            attrs = self._c._attr_list_to_dict(user.get("Attributes", []))
            result["RefreshToken"] = self._c._fake_token(
                attrs.get("sub", user["Username"]), pid, cid, "refresh",
                origin_jti=claims.get("origin_jti", ""), scope=claims.get("scope"))
            if until is None:
                self._rotated[token] = self._clock() + rotation.get("RetryGracePeriodSeconds", 0)
            return self._c.json_response({"AuthenticationResult": result})
        return call
