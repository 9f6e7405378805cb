"""Test fixtures the browser tests ask for at run time, made through the AWS APIs (root keys).

The demo config stays exactly as .apiless/local.json defines it; what only tests need lives here:

  a second user pool that requires TOTP MFA (MfaConfiguration ON, software tokens), so the
  MFA_SETUP and SOFTWARE_TOKEN_MFA challenges are issued and checked for real;

  a third user pool where MFA is optional and SMS, TOTP and email are all offered (its users have
  a phone number too), so SMS_MFA, EMAIL_OTP and SELECT_MFA_TYPE are issued for real once a user
  turns factors on (cognito_mfa.py);
  a fourth user pool that tracks devices (DeviceConfiguration, remembered only when the user says
  so), so NewDeviceMetadata, ConfirmDevice and DEVICE_SRP_AUTH are issued and checked for real;
  two app clients of the main pool that rotate refresh tokens (RefreshTokenRotation ENABLED):
  with no grace period (RetryGracePeriodSeconds 0), for the tabs that refresh at once, and with
  30 seconds, for a refresh retried after its answer was lost;

  the app's own API that aws.fetch signs for (seed.api): a REST API with AWS_IAM methods, the roles
  allowed to invoke /hello and not /secret;

  fresh users on demand, confirmed or created by an administrator with a temporary password
  (FORCE_CHANGE_PASSWORD), so NEW_PASSWORD_REQUIRED is issued for real.

Served by middleware.py:
  GET  /_apiless/fixtures        {"mfaUserPoolId", "mfaUserPoolClientId", "factorsUserPoolId",
                                  "factorsUserPoolClientId", "devicesUserPoolId",
                                  "devicesUserPoolClientId", "rotatingUserPoolClientId",
                                  "rotatingGraceUserPoolClientId", "userAuthUserPoolId",
                                  "userAuthUserPoolClientId", "api": {"id", "stage", "url",
                                  "allowed", "denied"}}
  POST /_apiless/fixtures/user   body {"pool": "main" | "mfa" | "factors" | "devices" | "userAuth",
                                 "temporary": bool}
                                 -> {"username", "password"} (the temporary one if asked; a
                                 "factors" or "userAuth" user also gets "phone")
  POST /_apiless/fixtures/expire-mfa  body {"username"}: the user's pending MFA sign-in steps
                                 expire now (Cognito's 3 minutes are too long for a test)
                                 -> {"expired": how many}
"""

import secrets

import extension
import seed
from seed import NAME, USER_AUTH_IDS, _clients

MFA_POOL = f"{NAME}-mfa"
FACTORS_POOL = f"{NAME}-mfa-factors"
DEVICES_POOL = f"{NAME}-devices"
# As infra/apiless.yaml's pool: devices tracked, remembered when the user says so.
DEVICE_CONFIGURATION = {"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": True}
PASSWORD_POLICY = {"PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
                                      "RequireNumbers": True, "RequireSymbols": True}}


class Fixtures:
    """Made once after seeding; `user()` is called from a worker thread, never the event loop."""

    def __init__(self, endpoint, region, config, google=None):
        self._client = _clients(endpoint, region)
        self._main_client = (config["userPoolId"], config["userPoolClientId"])
        self._idp = self._client("cognito-idp")
        self._pools = {"main": config["userPoolId"], "userAuth": USER_AUTH_IDS["userAuthUserPoolId"]}
        pool_id = self._idp.create_user_pool(
            PoolName=MFA_POOL, Policies=PASSWORD_POLICY, MfaConfiguration="ON",
            AutoVerifiedAttributes=["email"],
        )["UserPool"]["Id"]
        self._idp.set_user_pool_mfa_config(
            UserPoolId=pool_id, MfaConfiguration="ON",
            SoftwareTokenMfaConfiguration={"Enabled": True},
        )
        client_id = self._idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName=f"{MFA_POOL}-web", GenerateSecret=False,
            ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        self._pools["mfa"] = pool_id
        rotating = {grace: self._idp.create_user_pool_client(
            UserPoolId=config["userPoolId"], ClientName=f"{NAME}-rotating-{grace}", GenerateSecret=False,
            ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            RefreshTokenRotation={"Feature": "ENABLED", "RetryGracePeriodSeconds": grace},
        )["UserPoolClient"]["ClientId"] for grace in (0, 30)}
        self.public = {"mfaUserPoolId": pool_id, "mfaUserPoolClientId": client_id,
                       "rotatingUserPoolClientId": rotating[0], "rotatingGraceUserPoolClientId": rotating[30]}
        factors_id = self._idp.create_user_pool(
            PoolName=FACTORS_POOL, Policies=PASSWORD_POLICY, AutoVerifiedAttributes=["email"],
        )["UserPool"]["Id"]
        self._idp.set_user_pool_mfa_config(
            UserPoolId=factors_id, MfaConfiguration="OPTIONAL",
            SmsMfaConfiguration={"SmsAuthenticationMessage": "Your apiless sign-in code is {####}."},
            SoftwareTokenMfaConfiguration={"Enabled": True},
            EmailMfaConfiguration={"Subject": "Your apiless sign-in code",
                                   "Message": "Your apiless sign-in code is {####}."},
        )
        factors_client = self._idp.create_user_pool_client(
            UserPoolId=factors_id, ClientName=f"{FACTORS_POOL}-web", GenerateSecret=False,
            ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        self._pools["factors"] = factors_id
        self.public.update(factorsUserPoolId=factors_id, factorsUserPoolClientId=factors_client)
        pool_id = self._idp.create_user_pool(
            PoolName=DEVICES_POOL, Policies=PASSWORD_POLICY, AutoVerifiedAttributes=["email"],
            DeviceConfiguration=DEVICE_CONFIGURATION,
        )["UserPool"]["Id"]
        client_id = self._idp.create_user_pool_client(
            UserPoolId=pool_id, ClientName=f"{DEVICES_POOL}-web", GenerateSecret=False,
            ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        self._pools["devices"] = pool_id
        self.public.update(devicesUserPoolId=pool_id, devicesUserPoolClientId=client_id)
        self.public["api"] = seed.api(endpoint, region)
        # The seeded choice-based sign-in pool (seed.py), under the names the tests ask for.
        self.public.update(USER_AUTH_IDS)
        # The managed login of the main pool's client (redirect sign-in): its base URL (the
        # `domain` of the SDK's `oauth` config: no pool domain here, the backend serves it) and
        # the stand-in Google's issuer.
        self.public["oauth"] = {"domain": endpoint, "scopes": seed.OAUTH_SCOPES,
                                "googleIssuer": google.issuer if google else None}

    def oauth_urls(self, urls):
        """Adds `urls` to the main client's CallbackURLs and LogoutURLs (a test page's own URL)."""
        if not isinstance(urls, list) or not urls or not all(
                isinstance(u, str) and u.startswith(("http://127.0.0.1:", "http://localhost:")) for u in urls):
            return 400, {"message": "urls must be a list of http://127.0.0.1:PORT/... or http://localhost:PORT/... URLs"}
        pool_id, client_id = self._main_client
        client = self._idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
        keep = {k: client[k] for k in (
            "ClientName", "ExplicitAuthFlows", "PreventUserExistenceErrors", "AllowedOAuthFlows",
            "AllowedOAuthFlowsUserPoolClient", "AllowedOAuthScopes", "SupportedIdentityProviders",
            "RefreshTokenValidity", "AccessTokenValidity", "IdTokenValidity", "TokenValidityUnits",
            "ReadAttributes", "WriteAttributes", "EnableTokenRevocation", "AuthSessionValidity") if k in client}
        callbacks = list(dict.fromkeys(client.get("CallbackURLs", []) + urls))
        logouts = list(dict.fromkeys(client.get("LogoutURLs", []) + urls))
        self._idp.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id, CallbackURLs=callbacks,
                                          LogoutURLs=logouts, **keep)
        return 200, {"callbackURLs": callbacks, "logoutURLs": logouts}

    def user(self, pool="main", temporary=False):
        """A new user of `pool`: confirmed with a permanent password, or FORCE_CHANGE_PASSWORD."""
        if pool not in self._pools:
            return 400, {"message": f"pool must be one of {sorted(self._pools)}"}
        username = f"fixture-{secrets.token_hex(5)}"
        password = f"Tmp-{secrets.token_hex(6)}-9a!"
        attributes = [{"Name": "email", "Value": f"{username}@example.com"}, {"Name": "email_verified", "Value": "true"}]
        phone = f"+1555{secrets.randbelow(10 ** 7):07d}"
        if pool in ("factors", "userAuth"):
            attributes.append({"Name": "phone_number", "Value": phone})
        self._idp.admin_create_user(
            UserPoolId=self._pools[pool], Username=username, TemporaryPassword=password, MessageAction="SUPPRESS",
            UserAttributes=attributes,
        )
        if not temporary:
            self._idp.admin_set_user_password(UserPoolId=self._pools[pool], Username=username,
                                              Password=password, Permanent=True)
        return 200, {"username": username, "password": password, **({"phone": phone} if pool in ("factors", "userAuth") else {})}

    @staticmethod
    def expire_mfa(username):
        """The pending MFA sign-in steps of `username` expire now."""
        mfa = extension.sign_in_mfa()
        if mfa is None:
            return 409, {"message": "the mfa patch is off"}
        if not isinstance(username, str) or not username:
            return 400, {"message": "username is required"}
        return 200, {"expired": mfa.expire(username)}
