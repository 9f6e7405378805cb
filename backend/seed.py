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
                         "Content-Length", "Last-Modified", "x-amz-meta-owner", "x-amz-meta-__proto__",
                         "x-amz-meta-purpose"]


def seed(endpoint, region, track_devices=True):
    """Create everything and return the config the SDK tests read (the .apiless/local.json content)."""
    client = _clients(endpoint, region)
    user_pool_id, client_id = _user_pool(client("cognito-idp"), track_devices)
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


def _user_pool(idp, track_devices):
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
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName=f"{NAME}-web",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]["ClientId"]
    for user in USERS:
        idp.admin_create_user(
            UserPoolId=pool_id, Username=user["username"], MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": user["email"]}, {"Name": "email_verified", "Value": "true"}],
        )
        idp.admin_set_user_password(UserPoolId=pool_id, Username=user["username"], Password=user["password"],
                                    Permanent=True)
    return pool_id, client_id


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
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                       "dynamodb:Query"],
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
