"""Seed the demo resources through the AWS APIs only (boto3 against the local endpoint, root keys).

The same calls, against a real account, give the setup the SDK is built for: a user pool with
SRP sign-in, an identity pool that trusts it, and an authenticated role that scopes DynamoDB to
the partition key and S3 to the prefix equal to the caller's identity id.
"""

import json

import boto3
from botocore.config import Config

ACCOUNT = "000000000000"
NAME = "apiless-demo"
USERS = [
    {"username": "alice", "password": "Alice-Passw0rd!", "email": "alice@example.com"},
    {"username": "bob", "password": "Bob-Passw0rd!", "email": "bob@example.com"},
]
SUB = "${cognito-identity.amazonaws.com:sub}"


def seed(endpoint, region):
    """Create everything and return the config the SDK tests read (the .apiless/local.json content)."""
    client = _clients(endpoint, region)
    user_pool_id, client_id = _user_pool(client("cognito-idp"))
    provider = f"cognito-idp.{region}.amazonaws.com/{user_pool_id}"  # the ID token's iss, without https://
    identity = client("cognito-identity")
    identity_pool_id = identity.create_identity_pool(
        IdentityPoolName="apiless_demo",
        AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[{"ProviderName": provider, "ClientId": client_id, "ServerSideTokenCheck": False}],
    )["IdentityPoolId"]
    table_arn = _table(client("dynamodb"), region)
    _bucket(client("s3"))
    role_arn = _authenticated_role(client("iam"), identity_pool_id, table_arn)
    identity.set_identity_pool_roles(IdentityPoolId=identity_pool_id, Roles={"authenticated": role_arn})
    return {
        "region": region,
        "endpoint": endpoint,
        "userPoolId": user_pool_id,
        "userPoolClientId": client_id,
        "identityPoolId": identity_pool_id,
        "table": NAME,
        "bucket": NAME,
        "users": [{"username": u["username"], "password": u["password"]} for u in USERS],
    }


def _clients(endpoint, region):
    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name=region)
    config = Config(retries={"mode": "standard", "max_attempts": 2}, s3={"addressing_style": "path"})
    return lambda service: session.client(service, endpoint_url=endpoint, config=config)


def _user_pool(idp):
    """A pool with SRP sign-in, a public app client and the two confirmed demo users."""
    pool_id = idp.create_user_pool(
        PoolName=NAME,
        Policies={"PasswordPolicy": {"MinimumLength": 8, "RequireUppercase": True, "RequireLowercase": True,
                                     "RequireNumbers": True, "RequireSymbols": True}},
        AutoVerifiedAttributes=["email"],
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
    dynamodb.create_table(
        TableName=NAME,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{NAME}"


def _bucket(s3):
    s3.create_bucket(Bucket=NAME)
    # What a real bucket needs for browsers; locally the middleware answers CORS for every path.
    s3.put_bucket_cors(Bucket=NAME, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": ["*"],
        "AllowedMethods": ["GET", "PUT", "POST", "DELETE", "HEAD"],
        "AllowedHeaders": ["*"],
        "ExposeHeaders": ["ETag", "x-amz-request-id", "x-amz-id-2", "x-amz-version-id", "Date"],
        "MaxAgeSeconds": 3000,
    }]})


def _authenticated_role(iam, identity_pool_id, table_arn):
    """The role GetCredentialsForIdentity assumes for a signed-in user, scoped to its identity id."""
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
        "Condition": {
            "StringEquals": {"cognito-identity.amazonaws.com:aud": identity_pool_id},
            "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
        },
    }]}
    bucket_arn = f"arn:aws:s3:::{NAME}"
    policy = {"Version": "2012-10-17", "Statement": [
        {
            "Sid": "OwnPartitionKey",
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                       "dynamodb:Query"],
            "Resource": [table_arn, f"{table_arn}/index/*"],
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [SUB]}},
        },
        {
            "Sid": "OwnPrefixObjects",
            "Effect": "Allow",
            "Action": ["s3:PutObject", "s3:GetObject*", "s3:DeleteObject"],
            "Resource": [f"{bucket_arn}/{SUB}/*"],
        },
        {
            "Sid": "ListOwnPrefix",
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": [bucket_arn],
            "Condition": {"StringLike": {"s3:prefix": [f"{SUB}/*", f"{SUB}/"]}},
        },
    ]}
    role_name = f"{NAME}-authenticated"
    role_arn = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName=role_name, PolicyName=f"{NAME}-own-data", PolicyDocument=json.dumps(policy))
    return role_arn
