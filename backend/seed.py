"""Seed the demo resources through the AWS APIs only (boto3 against the local endpoint, root keys).

The same calls, against a real account, give the setup the SDK is built for: a user pool with
SRP sign-in, an identity pool that trusts it and lets guests in, and an authenticated and an
unauthenticated (guest) role that both scope DynamoDB to the partition key and S3 to the prefix
equal to the caller's identity id.
"""

import json

ACCOUNT = "000000000000"
NAME = "apiless-demo"
USERS = [
    {"username": "alice", "password": "Alice-Passw0rd!", "email": "alice@example.com"},
    {"username": "bob", "password": "Bob-Passw0rd!", "email": "bob@example.com"},
]
SUB = "${cognito-identity.amazonaws.com:sub}"
# The table's global secondary indexes, as in infra/apiless.yaml: `byOwner` is partitioned by an
# attribute that holds an identity id, so its leading key is scoped like the table's.
INDEXES = {"byOwner": {"partitionKey": "owner", "sortKey": "sk"}}
# The bucket's CORS rule exposes these response headers to the page (infra/apiless.yaml's list),
# plus the x-amz-meta-* names the browser tests read (tests/data.rs), as an app adds its own.
BUCKET_EXPOSE_HEADERS = ["ETag", "Date", "x-amz-request-id", "x-amz-id-2", "x-amz-version-id", "Content-Range",
                         "Content-Length", "Last-Modified", "x-amz-checksum-crc32", "x-amz-checksum-crc64nvme",
                         "x-amz-checksum-type", "x-amz-meta-owner", "x-amz-meta-__proto__", "x-amz-meta-purpose"]


def seed(endpoint, region, track_devices=True, google=None):
    """Create everything and return the config the SDK tests read (the .apiless/local.json content).

    `google`: the stand-in upstream OpenID provider (upstream_oidc.UpstreamProvider), made the pool's
    `Google` identity provider; without it the pool federates to no one."""
    client = _clients(endpoint, region)
    user_pool_id, client_id = _user_pool(client("cognito-idp"), track_devices, google)
    provider = f"cognito-idp.{region}.amazonaws.com/{user_pool_id}"  # the ID token's iss, without https://
    identity = client("cognito-identity")
    identity_pool_id = identity.create_identity_pool(
        IdentityPoolName="apiless_demo",
        # Guests (the SDK's `guestAccess`) get the unauthenticated role, scoped as a user's.
        AllowUnauthenticatedIdentities=True,
        # As the template. ministack 1.5.33 stores the flag but never asks the user pool whether a
        # token was revoked (AWS does, with it true): a globally signed-out ID token still gets
        # credentials here until it expires.
        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client_id, "ServerSideTokenCheck": True}],
    )["IdentityPoolId"]
    table_arn = _table(client("dynamodb"), region)
    _bucket(client("s3"))
    roles = {amr: _role(client("iam"), identity_pool_id, table_arn, amr) for amr in AMRS}
    identity.set_identity_pool_roles(IdentityPoolId=identity_pool_id, Roles=roles)
    _user_auth_pool(client("cognito-idp"), identity, identity_pool_id, region, user_pool_id, client_id)
    return {
        "region": region,
        "endpoint": endpoint,
        "userPoolId": user_pool_id,
        "userPoolClientId": client_id,
        "identityPoolId": identity_pool_id,
        "table": NAME,
        "indexes": INDEXES,
        "bucket": NAME,
        "users": [{"username": u["username"], "password": u["password"]} for u in USERS],
    }


def _clients(endpoint, region):
    import boto3  # here, so that the fault proxy can import this module's constants with no boto3
    from botocore.config import Config

    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=region)
    config = Config(retries={"mode": "standard", "max_attempts": 2}, s3={"addressing_style": "path"})
    return lambda service: session.client(service, endpoint_url=endpoint, config=config)


# The managed login (redirect sign-in): as infra/apiless.yaml's app client, with the demo's own
# URLs (vite on 5173, `make demo`); tests add theirs at run time (POST /_apiless/fixtures/oauth-urls).
OAUTH_SCOPES = ["openid", "email", "profile", "aws.cognito.signin.user.admin"]
DEMO_URLS = ["http://127.0.0.1:5173/", "http://localhost:5173/"]


def _oauth_settings(google):
    return {"AllowedOAuthFlows": ["code"], "AllowedOAuthFlowsUserPoolClient": True,
            "AllowedOAuthScopes": OAUTH_SCOPES, "CallbackURLs": DEMO_URLS, "LogoutURLs": DEMO_URLS,
            "SupportedIdentityProviders": ["COGNITO"] + (["Google"] if google else [])}


def _google(idp, pool_id, google):
    """The pool's Google identity provider, as the template's (client id and secret of the provider)."""
    idp.create_identity_provider(
        UserPoolId=pool_id, ProviderName="Google", ProviderType="Google",
        ProviderDetails={"client_id": google.client_id, "client_secret": google.client_secret,
                         "authorize_scopes": "openid email profile"},
        AttributeMapping={"email": "email", "email_verified": "email_verified", "name": "name"})


def _user_pool(idp, track_devices, google=None):
    """A pool with SRP sign-in (and device tracking, unless told), a public app client and the two
    confirmed demo users."""
    # As infra/apiless.yaml's TrackDevices parameter (true by default): each sign-in's browser is
    # confirmed as a device, remembered only when the user says so.
    devices = {"DeviceConfiguration": {"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": True}}
    pool_id = idp.create_user_pool(
        PoolName=NAME,
        Policies={"PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
                                     "RequireNumbers": True, "RequireSymbols": True}},
        AutoVerifiedAttributes=["email"],
        **(devices if track_devices else {}),
    )["UserPool"]["Id"]
    if google:
        _google(idp, pool_id, google)
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=f"{NAME}-web",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED",
        **_oauth_settings(google),
    )["UserPoolClient"]["ClientId"]
    for user in USERS:
        idp.admin_create_user(
            UserPoolId=pool_id, Username=user["username"], MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": user["email"]}, {"Name": "email_verified", "Value": "true"}],
        )
        idp.admin_set_user_password(UserPoolId=pool_id, Username=user["username"], Password=user["password"],
                                    Permanent=True)
    return pool_id, client_id


# ---- choice-based sign-in (USER_AUTH) ---------------------------------------------------------
# A pool of its own, so the demo pool's users and tests stay as they are: the template's
# SignInPolicy (password, or a code by email) plus SMS_OTP, which the template leaves out (it needs
# an SMS configuration with an SNS role); an app client that allows USER_AUTH as the template's
# does. Its users are made by the tests (fixtures.py) and by passwordless sign-up.
USER_AUTH_FACTORS = ["PASSWORD", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"]
# Passkeys: the relying party is the page's host. Browsers take no IP address as an RP ID, so pages
# that use passkeys are served from http://localhost (a secure context) rather than 127.0.0.1.
WEBAUTHN_CONFIGURATION = {"RelyingPartyId": "localhost", "UserVerification": "preferred"}
# Its ids, for fixtures.py (GET /_apiless/fixtures): not in the config, which apps pass to
# createClient as it is.
USER_AUTH_IDS = {}


def _user_auth_pool(idp, identity, identity_pool_id, region, demo_pool_id, demo_client_id):
    """The choice-based sign-in pool and client (their ids in USER_AUTH_IDS); the
    identity pool trusts it too, so that its users get AWS credentials as the demo pool's do.
    The demo pool and client get infra/apiless.yaml's choice-based settings (a code by email as
    a first factor), for the demo's "sign in with a code"."""
    _offer_codes(idp, demo_pool_id, demo_client_id)
    pool_id = idp.create_user_pool(
        PoolName=f"{NAME}-user-auth",
        Policies={"PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
                                     "RequireNumbers": True, "RequireSymbols": True},
                  "SignInPolicy": {"AllowedFirstAuthFactors": USER_AUTH_FACTORS}},
        AutoVerifiedAttributes=["email"],
        UserPoolTier="ESSENTIALS",
    )["UserPool"]["Id"]
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, MfaConfiguration="OFF",
                                 WebAuthnConfiguration=WEBAUTHN_CONFIGURATION)
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=f"{NAME}-user-auth-web",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    described = identity.describe_identity_pool(IdentityPoolId=identity_pool_id)
    identity.update_identity_pool(
        IdentityPoolId=identity_pool_id, IdentityPoolName=described["IdentityPoolName"],
        AllowUnauthenticatedIdentities=described["AllowUnauthenticatedIdentities"],
        CognitoIdentityProviders=described["CognitoIdentityProviders"] + [{
            "ProviderName": f"cognito-idp.{region}.amazonaws.com/{pool_id}", "ClientId": client_id,
            "ServerSideTokenCheck": True}],
    )
    USER_AUTH_IDS.update(userAuthUserPoolId=pool_id, userAuthUserPoolClientId=client_id)


def _offer_codes(idp, pool_id, client_id):
    """The template's SignInPolicy (with passkeys) and ALLOW_USER_AUTH on an existing pool and client. The
    settings read back are passed again: on AWS an update resets what it leaves out."""
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    idp.update_user_pool(
        UserPoolId=pool_id, AutoVerifiedAttributes=pool.get("AutoVerifiedAttributes", []), UserPoolTier="ESSENTIALS",
        Policies={**pool["Policies"], "SignInPolicy": {"AllowedFirstAuthFactors": ["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"]}},
    )
    # Passkeys as the template offers them with PasskeyDomain given: here the demo's localhost.
    idp.set_user_pool_mfa_config(UserPoolId=pool_id, WebAuthnConfiguration=WEBAUTHN_CONFIGURATION)
    client = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"]
    idp.update_user_pool_client(
        UserPoolId=pool_id, ClientId=client_id, ClientName=client["ClientName"],
        ExplicitAuthFlows=client["ExplicitAuthFlows"] + ["ALLOW_USER_AUTH"],
        PreventUserExistenceErrors=client["PreventUserExistenceErrors"],
    )


def _table(dynamodb, region):
    names = {"pk", "sk"} | {key for index in INDEXES.values() for key in index.values()}
    dynamodb.create_table(
        TableName=NAME,
        AttributeDefinitions=[{"AttributeName": name, "AttributeType": "S"} for name in sorted(names)],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[{
            "IndexName": name,
            "KeySchema": [{"AttributeName": index["partitionKey"], "KeyType": "HASH"},
                          {"AttributeName": index["sortKey"], "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"},
        } for name, index in INDEXES.items()],
        BillingMode="PAY_PER_REQUEST",
    )
    return f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{NAME}"


def _bucket(s3):
    s3.create_bucket(Bucket=NAME)
    # The template's rule, for any origin (the tests' pages come from random ports). The middleware
    # answers preflights itself, and exposes on each answer what this rule names (as S3 does).
    s3.put_bucket_cors(Bucket=NAME, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": ["*"],
        "AllowedMethods": ["GET", "PUT", "HEAD", "DELETE", "POST"],
        "AllowedHeaders": ["*"],
        "ExposeHeaders": BUCKET_EXPOSE_HEADERS,
        "MaxAgeSeconds": 3000,
    }]})


# The identity pool's two roles, by the `amr` value of the identities that assume them: signed-in
# users and guests.
AMRS = ("authenticated", "unauthenticated")


def role_name(amr):
    return f"{NAME}-{amr}"


def _role(iam, identity_pool_id, table_arn, amr):
    """The role GetCredentialsForIdentity assumes for a user (or a guest), scoped to its identity id."""
    trust, policy = role_documents(identity_pool_id, table_arn, amr)
    name = role_name(amr)
    role_arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName=name, PolicyName="own-data", PolicyDocument=json.dumps(policy))
    return role_arn


def role_documents(identity_pool_id, table_arn, amr="authenticated"):
    """The trust policy and the `own-data` policy of the role for `amr` ("authenticated" or "unauthenticated").

    Statement for statement infra/apiless.yaml's AuthenticatedRole and UnauthenticatedRole;
    backend/tests/test_seed.py checks that they stay equal.  Both roles get the same `own-data`
    policy: a guest's data is scoped by the same policy variables as a user's.  The trust policy
    has no sts:TagSession: ministack 1.5.33 does not evaluate the trust policy in
    GetCredentialsForIdentity, and AWS's basic flow needs none.
    """
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {"cognito-identity.amazonaws.com:aud": identity_pool_id},
            "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr},
        },
    }]}
    bucket_arn = f"arn:aws:s3:::{NAME}"
    policy = {"Version": "2012-10-17", "Statement": [
        {
            "Sid": "OwnItems",
            "Effect": "Allow",
            # Batches are IAM actions of their own; a transaction's items are authorized as the
            # single-item actions they perform (ConditionCheckItem for a ConditionCheck). Every
            # item's partition key counts in LeadingKeys: one out-of-scope item refuses the call.
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                       "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem",
                       "dynamodb:ConditionCheckItem"],
            "Resource": [table_arn, f"{table_arn}/index/*"],
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [SUB]}},
        },
        {
            "Sid": "OwnObjects",
            "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject",
                       "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
            "Resource": f"{bucket_arn}/{SUB}/*",
        },
        {
            "Sid": "ListOwnPrefix",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": bucket_arn,
            "Condition": {"StringLike": {"s3:prefix": [f"{SUB}/", f"{SUB}/*"]}},
        },
    ]}
    return trust, policy


# ---------------------------------------------------------------------------------------------
# The app's own API (aws.fetch): a REST API whose methods take AWS_IAM authorization, and a grant of
# execute-api:Invoke to both roles on one of its paths only.  A test fixture (fixtures.py serves it as
# `api`), not part of the demo's config; the template has no API: an app brings its own, and grants
# its roles what this block grants (`own-api`, a policy of its own beside `own-data`).
# ---------------------------------------------------------------------------------------------

API_STAGE = "test"
# Paths of the API; the roles may invoke the first (any method) and not the second.
API_ALLOWED, API_DENIED = "hello", "secret"


def api_invoke_policy(api_arn):
    """The `own-api` policy: execute-api:Invoke on any method of /hello in any stage of the API."""
    return {"Version": "2012-10-17", "Statement": [{
        "Sid": "InvokeHello",
        "Effect": "Allow",
        "Action": "execute-api:Invoke",
        "Resource": f"{api_arn}/*/*/{API_ALLOWED}",
    }]}


def api(endpoint, region):
    """The API, its stage, and the roles' grant, made after seed() (fixtures.py publishes the result).  Each method answers
    200 with `{"path": ...}` from a MOCK integration (no Lambda needed), once API Gateway has verified the
    SigV4 signature (service execute-api) and IAM has allowed execute-api:Invoke on the method's ARN."""
    client = _clients(endpoint, region)
    apigateway, iam = client("apigateway"), client("iam")
    api_id = apigateway.create_rest_api(name=f"{NAME}-api")["id"]
    root = next(r["id"] for r in apigateway.get_resources(restApiId=api_id)["items"] if r["path"] == "/")
    for part in (API_ALLOWED, API_DENIED):
        resource = apigateway.create_resource(restApiId=api_id, parentId=root, pathPart=part)["id"]
        for method in ("GET", "POST", "PUT"):
            where = {"restApiId": api_id, "resourceId": resource, "httpMethod": method}
            apigateway.put_method(**where, authorizationType="AWS_IAM")
            apigateway.put_integration(**where, type="MOCK", requestTemplates={"application/json": '{"statusCode": 200}'})
            apigateway.put_method_response(**where, statusCode="200")
            apigateway.put_integration_response(**where, statusCode="200", responseTemplates={
                "application/json": json.dumps({"path": part, "method": method})})
    apigateway.create_deployment(restApiId=api_id, stageName=API_STAGE)
    api_arn = f"arn:aws:execute-api:{region}:{ACCOUNT}:{api_id}"
    for amr in AMRS:
        iam.put_role_policy(RoleName=role_name(amr), PolicyName="own-api",
                            PolicyDocument=json.dumps(api_invoke_policy(api_arn)))
    return {"id": api_id, "stage": API_STAGE, "allowed": API_ALLOWED, "denied": API_DENIED,
            # Path-based (browsers may not resolve *.localhost): the service and region are given to aws.fetch.
            "url": f"{endpoint}/_aws/execute-api/{api_id}/{API_STAGE}"}
