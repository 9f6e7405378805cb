"""Device tracking as Cognito does it, for extension.py's `devices` patch.

ministack 1.5.33 stores a pool's DeviceConfiguration and does nothing with it: no
NewDeviceMetadata, no ConfirmDevice, UpdateDeviceStatus, ForgetDevice, GetDevice or ListDevices,
no DEVICE_SRP_AUTH.  `Devices` adds them as the Cognito API reference and developer guide
("Working with user devices") describe them, over ministack's own users, tokens, challenge
sessions and SRP helpers (extension.py checks each exists before installing):

* a sign-in of a pool with a DeviceConfiguration that names no device (no DEVICE_KEY in the
  challenge responses) gets NewDeviceMetadata (DeviceKey `<region>_<uuid>`, DeviceGroupKey) in
  its AuthenticationResult; the device is known but not tracked until ConfirmDevice;
* ConfirmDevice stores the device's SRP verifier and salt; UserConfirmationNecessary is the pool's
  DeviceOnlyRememberedOnUserPrompt (then the device stays unremembered until UpdateDeviceStatus),
  otherwise the device is remembered at once;
* a sign-in whose responses name a confirmed device of the user is answered with DEVICE_SRP_AUTH
  instead of tokens; DEVICE_SRP_AUTH (SRP_A) gets DEVICE_PASSWORD_VERIFIER (SRP_B, SALT,
  SECRET_BLOCK), whose PASSWORD_CLAIM_SIGNATURE is checked against the stored verifier, the
  DeviceGroupKey in the pool name's place and the DeviceKey as the user: only then tokens.  A
  named device the user does not have is ResourceNotFoundException ("Device does not exist."),
  as the reference clients expect (they forget it and answer again without it);
* ListDevices pages with Limit (at most 60) and PaginationToken; ForgetDevice removes the device,
  so its next sign-in gets a new one.  Devices live in the user's record: DeleteUser takes them.
"""

import base64
import hashlib
import hmac
import json
import secrets
import time
import uuid

# The access-token operations on the caller's own devices.  AWS serves them unsigned.
DEVICE_ACTIONS = ("ConfirmDevice", "UpdateDeviceStatus", "ForgetDevice", "GetDevice", "ListDevices")
# ListDevices' Limit: 0 to 60 (the reference's QueryLimitType); without one, the most.
MAX_LIMIT = 60
REMEMBERED = "dev:device_remembered_status"


class Devices:
    """The devices of each user, kept in ministack's user records (`_apiless_devices`)."""

    def __init__(self, cognito):
        self._c = cognito
        # Device challenge sessions: the Session string -> what the next answer is checked against.
        self._sessions = {}

    def _error(self, code, message):
        return self._c.error_response_json(code, message, 400)

    # ---- dispatch ---------------------------------------------------------------------------

    def dispatching(self, original):
        handlers = {"ConfirmDevice": self.confirm_device, "UpdateDeviceStatus": self.update_device_status,
                    "ForgetDevice": self.forget_device, "GetDevice": self.get_device,
                    "ListDevices": self.list_devices}

        async def dispatch_idp(action, data):
            handler = handlers.get(action)
            if handler is not None:
                # ministack's own checks first: the access token's signature, expiry, revocation.
                return self._c._run_idp_handler(handler, action, data)
            if action == "RespondToAuthChallenge":
                name = data.get("ChallengeName")
                if name == "DEVICE_SRP_AUTH":
                    return self.device_srp_auth(data)
                if name == "DEVICE_PASSWORD_VERIFIER":
                    return self.device_password_verifier(data)
                return self.after_sign_in(data, await original(action, data))
            return await original(action, data)
        return dispatch_idp

    # ---- sign-in ----------------------------------------------------------------------------

    def _pool_of_client(self, client_id):
        for pid, pool in self._c._user_pools.items():
            if client_id in pool.get("_clients", {}):
                return pid, pool
        return None, None

    def after_sign_in(self, data, answer):
        """Tokens from a challenge answer, with the pool's device tracking applied."""
        status, headers, body = answer
        if status != 200:
            return answer
        result = json.loads(body)
        tokens = result.get("AuthenticationResult")
        pid, pool = self._pool_of_client(data.get("ClientId"))
        if not tokens or not pool or not pool.get("DeviceConfiguration"):
            return answer
        user, _ = self._c._user_pool_for_access_token(tokens.get("AccessToken"))
        if user is None:
            return answer
        devices = user.setdefault("_apiless_devices", {})
        key = (data.get("ChallengeResponses") or {}).get("DEVICE_KEY")
        if key:
            device = devices.get(key)
            if device is None or device.get("verifier") is None:
                return self._error("ResourceNotFoundException", "Device does not exist.")
            token = base64.b64encode(secrets.token_bytes(48)).decode()
            self._sessions[token] = {"pool_id": pid, "client_id": data.get("ClientId"),
                                     "username": user["Username"], "device_key": key,
                                     "expires_at": time.time() + 180, "step": "DEVICE_SRP_AUTH"}
            return self._c.json_response({"ChallengeName": "DEVICE_SRP_AUTH", "Session": token,
                                          "ChallengeParameters": {}})
        key = f"{pid.split('_', 1)[0]}_{uuid.uuid4()}"
        group_key = "-" + secrets.token_urlsafe(7)
        now = self._c._now_epoch()
        devices[key] = {"key": key, "group_key": group_key, "verifier": None, "salt": None, "name": None,
                        "remembered": None, "created": now, "modified": now, "authenticated": now}
        tokens["NewDeviceMetadata"] = {"DeviceKey": key, "DeviceGroupKey": group_key}
        return self._c.json_response(result)

    def _session(self, data, step):
        """(session, user, device, None) for the answer's Session, or (..., the error)."""
        denied = self._error("NotAuthorizedException", "Invalid session for the user.")
        responses = data.get("ChallengeResponses") or {}
        # Clients that send no Session (pycognito) are found as ministack finds PASSWORD_VERIFIER's:
        # by the SECRET_BLOCK they echo, or by the device a DEVICE_SRP_AUTH names.
        token = data.get("Session") or responses.get("PASSWORD_CLAIM_SECRET_BLOCK") or next(
            (t for t, s in self._sessions.items() if step == "DEVICE_SRP_AUTH" == s["step"]
             and s["device_key"] == responses.get("DEVICE_KEY") and s["client_id"] == data.get("ClientId")), "")
        session = self._sessions.get(token)
        if session is None or session["step"] != step or session["client_id"] != data.get("ClientId"):
            return None, None, None, denied
        if session["expires_at"] < time.time():
            self._sessions.pop(token, None)
            return None, None, None, self._error("NotAuthorizedException", "Invalid session for the user, session is expired.")
        for name in ("USERNAME", "DEVICE_KEY"):
            if not responses.get(name):
                return None, None, None, self._error("InvalidParameterException", f"Missing required parameter {name}")
        pool = self._c._user_pools.get(session["pool_id"])
        user = self._c._resolve_user(pool, session["username"])[0] if pool else None
        if user is None or responses["USERNAME"] not in (user["Username"], session["username"]):
            return None, None, None, denied
        device = user.get("_apiless_devices", {}).get(session["device_key"])
        if responses["DEVICE_KEY"] != session["device_key"] or device is None or device.get("verifier") is None:
            return None, None, None, self._error("ResourceNotFoundException", "Device does not exist.")
        self._sessions.pop(token, None)
        return session, user, device, None

    def device_srp_auth(self, data):
        """DEVICE_SRP_AUTH: the device's SRP_A, answered with DEVICE_PASSWORD_VERIFIER."""
        session, user, device, error = self._session(data, "DEVICE_SRP_AUTH")
        if error:
            return error
        srp_a = (data.get("ChallengeResponses") or {}).get("SRP_A") or ""
        if not self._c._SRP_A_RE.match(srp_a):
            return self._error("InvalidParameterException", "Missing required parameter SRP_A")
        if int(srp_a, 16) % self._c._SRP_N == 0:
            return self._error("NotAuthorizedException", "Incorrect username or password.")
        n, g = self._c._SRP_N, self._c._SRP_G
        b = secrets.randbelow(n - 2) + 1
        big_b = (self._c._SRP_K * int(device["verifier"], 16) + pow(g, b, n)) % n
        # The SECRET_BLOCK is also the Session: the handle of the pending proof.
        secret_block = token = base64.b64encode(secrets.token_bytes(64)).decode()
        self._sessions[token] = {**session, "step": "DEVICE_PASSWORD_VERIFIER", "srp_a": srp_a, "b": b,
                                 "srp_b": big_b, "secret_block": secret_block,
                                 "expires_at": time.time() + 180}
        return self._c.json_response({
            "ChallengeName": "DEVICE_PASSWORD_VERIFIER", "Session": token,
            "ChallengeParameters": {"SRP_B": format(big_b, "x"), "SALT": device["salt"],
                                    "SECRET_BLOCK": secret_block, "USERNAME": user["Username"],
                                    "DEVICE_KEY": device["key"]},
        })

    def device_password_verifier(self, data):
        """DEVICE_PASSWORD_VERIFIER: the device's proof, checked; tokens when it holds."""
        session, user, device, error = self._session(data, "DEVICE_PASSWORD_VERIFIER")
        if error:
            return error
        responses = data.get("ChallengeResponses") or {}
        error = self._c._srp_response_format_error(responses)
        if error:
            return error
        if not proof_valid(self._c, device, session, responses):
            return self._error("NotAuthorizedException", "Incorrect username or password.")
        device["authenticated"] = self._c._now_epoch()
        result = self._c._build_auth_result(session["pool_id"], session["client_id"], user)
        return self._c.json_response({"AuthenticationResult": result, "ChallengeParameters": {}})

    # ---- the access-token operations ----------------------------------------------------------

    def _caller(self, data):
        """(user, pool, None) for the AccessToken's user of a pool that tracks devices, or the error."""
        token = data.get("AccessToken")
        if not token:
            return None, None, self._error("NotAuthorizedException", "Access token is missing.")
        user, pool = self._c._user_pool_for_access_token(token)
        if not user:
            return None, None, self._error("NotAuthorizedException", "Invalid access token.")
        if not pool.get("DeviceConfiguration"):
            return None, None, self._error("InvalidUserPoolConfigurationException",
                                           "Device tracking is not enabled for this user pool.")
        return user, pool, None

    def _device(self, data, confirmed=True):
        user, pool, error = self._caller(data)
        if error:
            return None, None, None, error
        key = data.get("DeviceKey")
        if not key:
            return None, None, None, self._error("InvalidParameterException", "Missing required parameter DeviceKey")
        device = user.get("_apiless_devices", {}).get(key)
        if device is None or (confirmed and device.get("verifier") is None):
            return None, None, None, self._error("ResourceNotFoundException", "Device does not exist.")
        return user, pool, device, None

    def confirm_device(self, data):
        _, pool, device, error = self._device(data, confirmed=False)
        if error:
            return error
        config = data.get("DeviceSecretVerifierConfig") or {}
        try:
            verifier = int.from_bytes(base64.b64decode(config.get("PasswordVerifier") or "", validate=True), "big")
            salt = base64.b64decode(config.get("Salt") or "", validate=True)
        except ValueError:
            return self._error("InvalidParameterException", "DeviceSecretVerifierConfig is not base64.")
        if not verifier or not salt or verifier % self._c._SRP_N == 0:
            return self._error("InvalidParameterException", "Missing required parameter DeviceSecretVerifierConfig")
        on_prompt = bool(pool["DeviceConfiguration"].get("DeviceOnlyRememberedOnUserPrompt"))
        device.update(verifier=format(verifier, "x"), salt=salt.hex(), name=data.get("DeviceName"),
                      remembered=None if on_prompt else "remembered", modified=self._c._now_epoch())
        return self._c.json_response({"UserConfirmationNecessary": on_prompt})

    def update_device_status(self, data):
        _, _, device, error = self._device(data)
        if error:
            return error
        status = data.get("DeviceRememberedStatus")
        if status not in ("remembered", "not_remembered"):
            return self._error("InvalidParameterException",
                               "1 validation error detected: Value at 'deviceRememberedStatus' failed to satisfy "
                               "constraint: Member must satisfy enum value set: [remembered, not_remembered]")
        device.update(remembered=status, modified=self._c._now_epoch())
        return self._c.json_response({})

    def forget_device(self, data):
        user, _, device, error = self._device(data, confirmed=False)
        if error:
            return error
        user["_apiless_devices"].pop(device["key"], None)
        return self._c.json_response({})

    def get_device(self, data):
        _, _, device, error = self._device(data)
        if error:
            return error
        return self._c.json_response({"Device": describe(device)})

    def list_devices(self, data):
        user, _, error = self._caller(data)
        if error:
            return error
        limit = data.get("Limit", MAX_LIMIT)
        if not isinstance(limit, int) or isinstance(limit, bool) or not 0 <= limit <= MAX_LIMIT:
            return self._error("InvalidParameterException",
                               f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy "
                               f"constraint: Member must have value less than or equal to {MAX_LIMIT}")
        tracked = sorted((d for d in user.get("_apiless_devices", {}).values() if d.get("verifier") is not None),
                         key=lambda d: (d["created"], d["key"]))
        start = 0
        page = data.get("PaginationToken")
        if page:
            keys = [d["key"] for d in tracked]
            try:
                start = keys.index(base64.urlsafe_b64decode(page.encode()).decode())
            except ValueError:
                return self._error("InvalidParameterException", "Invalid pagination token.")
        chosen = tracked[start:start + limit]
        answer = {"Devices": [describe(d) for d in chosen]}
        if start + limit < len(tracked):
            answer["PaginationToken"] = base64.urlsafe_b64encode(tracked[start + limit]["key"].encode()).decode()
        return self._c.json_response(answer)


def describe(device):
    """A DeviceType: the key, its attributes and dates."""
    attributes = [{"Name": "device_status", "Value": "valid"}]
    if device.get("name"):
        attributes.append({"Name": "device_name", "Value": device["name"]})
    attributes.append({"Name": REMEMBERED, "Value": device.get("remembered") or "not_remembered"})
    attributes.append({"Name": "last_ip_used", "Value": "127.0.0.1"})
    return {"DeviceKey": device["key"], "DeviceAttributes": attributes, "DeviceCreateDate": device["created"],
            "DeviceLastModifiedDate": device["modified"], "DeviceLastAuthenticatedDate": device["authenticated"]}


def proof_valid(c, device, session, responses):
    """The device's PASSWORD_CLAIM_SIGNATURE, recomputed from its verifier (the server's side of SRP)."""
    if not hmac.compare_digest(responses["PASSWORD_CLAIM_SECRET_BLOCK"].encode(), session["secret_block"].encode()):
        return False
    n = c._SRP_N
    big_a, big_b = int(session["srp_a"], 16), session["srp_b"]
    u = c._srp_hash(c._srp_pad(big_a), c._srp_pad(big_b))
    if u == 0:
        return False
    s = pow(big_a * pow(int(device["verifier"], 16), u, n), session["b"], n)
    prk = hmac.new(c._srp_pad(u), c._srp_pad(s), hashlib.sha256).digest()
    key = hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]
    message = (device["group_key"] + device["key"]).encode() + base64.b64decode(session["secret_block"]) \
        + c._srp_canonical_timestamp(responses["TIMESTAMP"]).encode()
    expected = hmac.new(key, message, hashlib.sha256).digest()
    return hmac.compare_digest(expected, base64.b64decode(responses["PASSWORD_CLAIM_SIGNATURE"]))
