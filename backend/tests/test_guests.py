"""Self-test of guests on the running backend (the SDK's `guestAccess`): unauthenticated identities,
the unauthenticated role's scope, and Cognito's switch from a guest to a signed-in user.

What Cognito does (developer guide, "Identity pools authentication flow": linking logins and
merging identities): a login sent with an identity id that no identity holds yet is *linked* to
that identity, and the same id comes back; a login another identity already holds *merges* the
two, the other one (the owner of the login) comes back and the one sent is disabled.  A guest
identity that has become authenticated or disabled gets no unauthenticated credentials any more.
ministack 1.5.33 does both (`_link_logins`); these tests fail if an upgrade stops doing either.

Run against a backend that is already up, as test_backend.py.
"""

import uuid

import pytest
import requests
from botocore.exceptions import ClientError

import test_backend as base
from test_backend import client, error_code, item, new_sk, provider, seed, sign_in

# test_backend.py's fixtures, shared here.
cfg, tokens, identities, alice = base.cfg, base.tokens, base.identities, base.alice


def guest_identity(cfg):
    """A new guest: GetId and GetCredentialsForIdentity without Logins."""
    identity = client(cfg, "cognito-identity")
    identity_id = identity.get_id(IdentityPoolId=cfg["identityPoolId"])["IdentityId"]
    answer = identity.get_credentials_for_identity(IdentityId=identity_id)
    assert answer["IdentityId"] == identity_id
    creds = answer["Credentials"]
    return {"id": identity_id, "creds": creds, "ddb": client(cfg, "dynamodb", creds), "s3": client(cfg, "s3", creds)}


def new_user(cfg):
    """A user who signed up and confirmed with the code (123456 here), signed in: (id token, password)."""
    username, password = f"guest-{uuid.uuid4().hex[:10]}", f"Pw-{uuid.uuid4().hex[:8]}-9a!"
    idp = client(cfg, "cognito-idp")
    idp.sign_up(ClientId=cfg["userPoolClientId"], Username=username, Password=password,
                UserAttributes=[{"Name": "email", "Value": f"{username}@example.com"}])
    idp.confirm_sign_up(ClientId=cfg["userPoolClientId"], Username=username, ConfirmationCode="123456")
    return sign_in(cfg, username, password)["IdToken"]


def credentials_for(cfg, identity_id, id_token=None):
    logins = {"Logins": {provider(cfg): id_token}} if id_token else {}
    return client(cfg, "cognito-identity").get_credentials_for_identity(IdentityId=identity_id, **logins)


def role_of(cfg, creds):
    """The role name of an assumed-role session (sts:GetCallerIdentity)."""
    arn = client(cfg, "sts", creds).get_caller_identity()["Arn"]
    return arn.split(":assumed-role/", 1)[1].split("/", 1)[0]


@pytest.fixture(scope="module")
def guest(cfg):
    return guest_identity(cfg)


def test_the_seeded_pool_lets_guests_in_with_the_unauthenticated_role(cfg):
    identity = client(cfg, "cognito-identity")
    assert identity.describe_identity_pool(IdentityPoolId=cfg["identityPoolId"])["AllowUnauthenticatedIdentities"]
    roles = identity.get_identity_pool_roles(IdentityPoolId=cfg["identityPoolId"])["Roles"]
    assert roles == {amr: f"arn:aws:iam::{seed.ACCOUNT}:role/{seed.role_name(amr)}" for amr in seed.AMRS}
    iam = client(cfg, "iam")
    table_arn = f"arn:aws:dynamodb:{cfg['region']}:{seed.ACCOUNT}:table/{cfg['table']}"
    trust, policy = seed.role_documents(cfg["identityPoolId"], table_arn, "unauthenticated")
    role_name = seed.role_name("unauthenticated")
    assert iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"] == trust
    assert iam.get_role_policy(RoleName=role_name, PolicyName="own-data")["PolicyDocument"] == policy


def test_each_guest_gets_an_identity_of_its_own_and_the_unauthenticated_role(cfg, guest):
    other = guest_identity(cfg)
    assert other["id"] != guest["id"]
    assert guest["creds"]["AccessKeyId"].startswith("ASIA")
    assert role_of(cfg, guest["creds"]) == seed.role_name("unauthenticated")


def test_a_guest_reads_and_writes_its_own_partition_and_prefix(cfg, guest):
    sk = new_sk()
    guest["ddb"].put_item(TableName=cfg["table"], Item=item(guest["id"], sk, text="guest"))
    got = guest["ddb"].get_item(TableName=cfg["table"], Key=item(guest["id"], sk))["Item"]
    assert got["text"] == {"S": "guest"}
    key = f"{guest['id']}/{sk}.txt"
    guest["s3"].put_object(Bucket=cfg["bucket"], Key=key, Body=b"by a guest")
    assert guest["s3"].get_object(Bucket=cfg["bucket"], Key=key)["Body"].read() == b"by a guest"


@pytest.mark.parametrize("whose", ["alice", "another guest"])
@pytest.mark.parametrize("operation", ["PutItem", "GetItem", "Query", "PutObject", "GetObject", "ListObjectsV2"])
def test_a_guest_cannot_touch_another_identitys_partition_or_prefix(cfg, guest, alice, whose, operation):
    other = alice["id"] if whose == "alice" else guest_identity(cfg)["id"]
    table, bucket = cfg["table"], cfg["bucket"]
    call = {
        "PutItem": lambda: guest["ddb"].put_item(TableName=table, Item=item(other, new_sk())),
        "GetItem": lambda: guest["ddb"].get_item(TableName=table, Key=item(other, "x")),
        "Query": lambda: guest["ddb"].query(TableName=table, KeyConditionExpression="pk = :v",
                                            ExpressionAttributeValues={":v": {"S": other}}),
        "PutObject": lambda: guest["s3"].put_object(Bucket=bucket, Key=f"{other}/x.txt", Body=b"x"),
        "GetObject": lambda: guest["s3"].get_object(Bucket=bucket, Key=f"{other}/x.txt"),
        "ListObjectsV2": lambda: guest["s3"].list_objects_v2(Bucket=bucket, Prefix=f"{other}/"),
    }[operation]
    with pytest.raises(ClientError) as excinfo:
        call()
    assert error_code(excinfo) in ("AccessDeniedException", "AccessDenied")


def test_signing_in_with_the_guest_identity_links_the_login_to_it(cfg):
    guest = guest_identity(cfg)
    sk = new_sk()
    guest["ddb"].put_item(TableName=cfg["table"], Item=item(guest["id"], sk, text="before sign-up"))
    guest["s3"].put_object(Bucket=cfg["bucket"], Key=f"{guest['id']}/{sk}.txt", Body=b"guest file")

    id_token = new_user(cfg)
    answer = credentials_for(cfg, guest["id"], id_token)
    assert answer["IdentityId"] == guest["id"], "linked: the guest's identity is the user's"
    creds = answer["Credentials"]
    assert role_of(cfg, creds) == seed.role_name("authenticated")
    got = client(cfg, "dynamodb", creds).get_item(TableName=cfg["table"], Key=item(guest["id"], sk))["Item"]
    assert got["text"] == {"S": "before sign-up"}
    body = client(cfg, "s3", creds).get_object(Bucket=cfg["bucket"], Key=f"{guest['id']}/{sk}.txt")["Body"]
    assert body.read() == b"guest file"

    # From now on the login finds this identity, and the identity needs the login.
    found = client(cfg, "cognito-identity").get_id(IdentityPoolId=cfg["identityPoolId"],
                                                    Logins={provider(cfg): id_token})["IdentityId"]
    assert found == guest["id"]
    with pytest.raises(ClientError) as excinfo:
        credentials_for(cfg, guest["id"])
    assert error_code(excinfo) == "NotAuthorizedException"


def test_a_login_linked_elsewhere_merges_the_guest_into_that_identity(cfg, tokens, identities):
    guest = guest_identity(cfg)
    alice_id = identities["alice"][0]
    answer = credentials_for(cfg, guest["id"], tokens["alice"]["IdToken"])
    assert answer["IdentityId"] == alice_id, "the identity that holds the login"
    # The guest identity is disabled: no credentials with or without a login.
    with pytest.raises(ClientError) as excinfo:
        credentials_for(cfg, guest["id"])
    assert error_code(excinfo) == "NotAuthorizedException"
    assert client(cfg, "cognito-identity").get_id(
        IdentityPoolId=cfg["identityPoolId"], Logins={provider(cfg): tokens["alice"]["IdToken"]})["IdentityId"] == alice_id


def test_a_guest_identity_linked_to_one_user_is_refused_to_another(cfg, tokens):
    guest = guest_identity(cfg)
    assert credentials_for(cfg, guest["id"], new_user(cfg))["IdentityId"] == guest["id"]
    with pytest.raises(ClientError) as excinfo:
        credentials_for(cfg, guest["id"], tokens["bob"]["IdToken"])
    assert error_code(excinfo) == "NotAuthorizedException"


def test_a_pool_without_guests_refuses_get_id_and_credentials_without_logins(cfg):
    """The identity-pool patch: stock ministack vends an identity and credentials to anyone."""
    identity = client(cfg, "cognito-identity")
    closed = identity.create_identity_pool(IdentityPoolName=f"closed_{uuid.uuid4().hex[:8]}",
                                           AllowUnauthenticatedIdentities=False)["IdentityPoolId"]
    try:
        with pytest.raises(ClientError) as excinfo:
            identity.get_id(IdentityPoolId=closed)
        assert error_code(excinfo) == "NotAuthorizedException"
        # A guest identity made while guests were allowed gets nothing once they are not.
        identity.update_identity_pool(IdentityPoolId=closed, IdentityPoolName="closed",
                                      AllowUnauthenticatedIdentities=True)
        guest_id = identity.get_id(IdentityPoolId=closed)["IdentityId"]
        identity.update_identity_pool(IdentityPoolId=closed, IdentityPoolName="closed",
                                      AllowUnauthenticatedIdentities=False)
        with pytest.raises(ClientError) as excinfo:
            identity.get_credentials_for_identity(IdentityId=guest_id)
        assert error_code(excinfo) == "NotAuthorizedException"
    finally:
        identity.delete_identity_pool(IdentityPoolId=closed)


def test_guest_calls_are_counted_like_any_other(cfg):
    endpoint = cfg["endpoint"]
    assert requests.post(f"{endpoint}/_apiless/calls/reset", timeout=5).status_code == 200
    guest_identity(cfg)
    counts = requests.get(f"{endpoint}/_apiless/calls", timeout=5).json()
    assert counts == {"AWSCognitoIdentityService.GetId": 1, "AWSCognitoIdentityService.GetCredentialsForIdentity": 1}
