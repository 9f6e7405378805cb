"""Self-test of the running local backend: it must do what AWS does on every point the SDK relies on.

Run against a backend that is already up (`python backend/serve.py`):

    python -m pytest backend/tests -q

The config comes from $APILESS_LOCAL_JSON, else <repo>/.apiless/local.json.  Sign-in uses
pycognito's AWSSRP, an SRP client independent of the SDK under test; requests are signed by
botocore.  Every test writes under fresh random sort keys / object names, so runs can repeat
against one backend.

What fails without each patch (measured by starting the backend with APILESS_BACKEND_UNPATCHED=<name>):
  policy-variables        every own-key DynamoDB test and own-prefix S3 test (put/get/list/delete, both
                          ':' key tests, the unsigned-S3 test's setup, the successful-response CORS
                          test): `${cognito-identity.amazonaws.com:sub}` is never substituted, so the
                          user's own data is denied.
  leading-keys            test_other_users_partition_key_is_denied[PutItem, Query, GetItem],
                          test_other_users_key_in_a_transaction_is_denied, the four
                          test_one_out_of_scope_item_refuses_the_whole_batch_or_transaction cases, every
                          test_decoy_fields_do_not_open_another_users_partition case,
                          test_an_index_query_is_scoped_by_the_index_partition_key and
                          test_dynamodb_access_denied_error_carries_cors: another user's partition key is
                          ALLOWED (ForAllValues over the missing key is vacuously true).
  iam-wildcards           test_keys_with_control_characters_round_trip_within_the_policy[line1\\nline2]
                          (a key ending in a newline passes even unpatched: `$` accepts it).
  signature-errors        test_a_dynamodb_signature_mismatch_answers_awss_whole_text,
                          test_a_tampered_body_is_a_signature_mismatch_too,
                          test_an_s3_signature_mismatch_answers_awss_elements[ListObjectsV2] and the four
                          test_a_skewed_s3_request_answers_request_time_too_skewed cases.  (The DynamoDB skew
                          texts are ministack's own, already as AWS words them.)
  identity-pool           test_guests.py's test_a_pool_without_guests_refuses_get_id_and_credentials_without_logins,
                          test_get_credentials_for_unknown_identity_is_refused.
  dynamodb-denial-status  test_dynamodb_access_denied_error_carries_cors (stock answers HTTP 403).
  cors                    both test_preflight_echoes_requested_headers cases (stock: "Allow-Headers: *", which
                          does not cover Authorization), the *_carries_cors and *_exposes_* tests of the JSON
                          services, test_s3_exposes_nothing_for_a_method_the_bucket_rule_does_not_allow and the
                          config endpoint's (stock: no CORS headers on errors, "Expose-Headers: *" on success).
  full-object-checksums   both test_a_full_object_checksum_multipart_upload_reports_the_whole_objects_crc cases
                          and both test_a_checksum_type_s3_refuses_for_the_algorithm_is_refused cases (stock:
                          COMPOSITE whatever was asked, and the whole object's CRC refused as BadDigest).
"""

import base64
import contextlib
import datetime
import json
import os
import re
import sys
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import awscrt.checksums
import boto3
import jwt
import pytest
import requests
from botocore import UNSIGNED
import botocore.auth
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "backend"))
import seed  # noqa: E402

ORIGIN = "http://localhost:8123"
# What AWS exposes to a page (backend/README.md): the JSON services their fixed list, S3 what the
# bucket's CORS rule names.
JSON_EXPOSED = {"x-amzn-requestid", "x-amzn-errortype", "x-amzn-errormessage", "date"}
S3_EXPOSED = {name.lower() for name in seed.BUCKET_EXPOSE_HEADERS}


# ---------------------------------------------------------------------------------------------
# Fixtures and helpers
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def cfg():
    path = Path(os.environ.get("APILESS_LOCAL_JSON") or REPO_ROOT / ".apiless" / "local.json")
    if not path.exists():
        pytest.fail(f"{path} not found: start the backend first (python backend/serve.py)")
    config = json.loads(path.read_text())
    try:
        requests.get(f"{config['endpoint']}/_apiless/config", timeout=5).raise_for_status()
    except requests.RequestException as error:
        pytest.fail(f"the backend at {config['endpoint']} does not answer ({error}): start it first")
    return config


def client(cfg, service, creds=None, *, unsigned=False):
    """A boto3 client for the local endpoint; root keys unless `creds` (a GetCredentialsForIdentity result)."""
    keys = ({"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretKey"],
             "aws_session_token": creds["SessionToken"]} if creds else
            {"aws_access_key_id": "test", "aws_secret_access_key": "test"})
    config = Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"},
                    **({"signature_version": UNSIGNED} if unsigned else {}))
    return boto3.client(service, endpoint_url=cfg["endpoint"], region_name=cfg["region"], config=config, **keys)


def password(cfg, username):
    return next(u["password"] for u in cfg["users"] if u["username"] == username)


def sign_in(cfg, username, secret):
    srp = AWSSRP(username=username, password=secret, pool_id=cfg["userPoolId"], client_id=cfg["userPoolClientId"],
                 client=client(cfg, "cognito-idp"))
    return srp.authenticate_user()["AuthenticationResult"]


def provider(cfg):
    return f"cognito-idp.{cfg['region']}.amazonaws.com/{cfg['userPoolId']}"


def get_id(cfg, id_token):
    logins = {provider(cfg): id_token}
    return client(cfg, "cognito-identity").get_id(IdentityPoolId=cfg["identityPoolId"], Logins=logins)["IdentityId"]


@pytest.fixture(scope="session")
def tokens(cfg):
    return {user["username"]: sign_in(cfg, user["username"], user["password"]) for user in cfg["users"]}


@pytest.fixture(scope="session")
def identities(cfg, tokens):
    """username -> (identity id, credentials)."""
    found = {}
    for username, result in tokens.items():
        identity_id = get_id(cfg, result["IdToken"])
        creds = client(cfg, "cognito-identity").get_credentials_for_identity(
            IdentityId=identity_id, Logins={provider(cfg): result["IdToken"]})["Credentials"]
        found[username] = (identity_id, creds)
    return found


@pytest.fixture(scope="session")
def alice(cfg, identities):
    identity_id, creds = identities["alice"]
    return {"id": identity_id, "creds": creds, "ddb": client(cfg, "dynamodb", creds), "s3": client(cfg, "s3", creds)}


@pytest.fixture(scope="session")
def bob_id(identities):
    return identities["bob"][0]


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def signer(cfg, creds, service):
    auth = S3SigV4Auth if service == "s3" else SigV4Auth
    return auth(Credentials(creds["AccessKeyId"], creds["SecretKey"], creds["SessionToken"]), service, cfg["region"])


def signed_request(cfg, creds, service, method, url, body=b"", headers=None, *, at=None):
    """requests-ready headers, signed by botocore with the given session credentials (`at`: the signing time)."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda: at) if at else contextlib.nullcontext():
        signer(cfg, creds, service).add_auth(request)
    return dict(request.headers.items())


def canonical_documents(cfg, creds, service, method, url, headers, body=b""):
    """The canonical request and string to sign botocore computed for these signed headers."""
    unsigned = {name: value for name, value in headers.items() if name.lower() != "authorization"}
    request = AWSRequest(method=method, url=url, data=body, headers=unsigned)
    request.context["timestamp"] = headers["X-Amz-Date"]
    auth = signer(cfg, creds, service)
    canonical = auth.canonical_request(request)
    return canonical, auth.string_to_sign(request, canonical)


def dynamodb_request(cfg, creds, operation, payload, *, tamper=None, origin=None, at=None):
    """A raw, signed DynamoDB JSON 1.0 call; `tamper(headers)` may spoil the signed headers."""
    body = json.dumps(payload).encode()
    headers = signed_request(cfg, creds, "dynamodb", "POST", cfg["endpoint"] + "/", body, {
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"DynamoDB_20120810.{operation}"}, at=at)
    if tamper:
        tamper(headers)
    if origin:
        headers["Origin"] = origin
    return requests.post(cfg["endpoint"] + "/", data=body, headers=headers, timeout=10)


def item(pk, sk, **attributes):
    return {"pk": {"S": pk}, "sk": {"S": sk}, **{k: {"S": v} for k, v in attributes.items()}}


def new_sk():
    return f"test-{uuid.uuid4()}"


def flip_last(text, one="A", other="B"):
    """text with its last character replaced by a different one."""
    return text[:-1] + (other if text[-1] == one else one)


# ---------------------------------------------------------------------------------------------
# User pool: SRP sign-in, tokens
# ---------------------------------------------------------------------------------------------

def test_srp_sign_in_with_the_right_password(tokens):
    result = tokens["alice"]
    assert {"IdToken", "AccessToken", "RefreshToken"} <= result.keys()
    assert result["TokenType"] == "Bearer" and result["ExpiresIn"] > 0


def test_srp_wrong_password_is_refused_at_respond_to_auth_challenge(cfg):
    with pytest.raises(ClientError) as excinfo:
        sign_in(cfg, "alice", password(cfg, "alice") + "x")
    assert error_code(excinfo) == "NotAuthorizedException"
    assert excinfo.value.operation_name == "RespondToAuthChallenge"


def test_id_token_verifies_against_the_pool_jwks(cfg, tokens):
    jwks = requests.get(f"{cfg['endpoint']}/{cfg['userPoolId']}/.well-known/jwks.json", timeout=5).json()
    token = tokens["alice"]["IdToken"]
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(token)["kid"]]
    claims = jwt.decode(token, key.key, algorithms=["RS256"], audience=cfg["userPoolClientId"],
                        issuer=f"https://{provider(cfg)}")
    assert claims["token_use"] == "id"
    assert claims["cognito:username"] == "alice"
    assert claims["email"] == "alice@example.com"


def test_a_tampered_id_token_does_not_verify(cfg, tokens):
    jwks = requests.get(f"{cfg['endpoint']}/{cfg['userPoolId']}/.well-known/jwks.json", timeout=5).json()
    header, payload, signature = tokens["alice"]["IdToken"].split(".")
    forged = ".".join([header, tokens["bob"]["IdToken"].split(".")[1], signature])
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(forged)["kid"]]
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, key.key, algorithms=["RS256"], audience=cfg["userPoolClientId"])


def test_refresh_token_auth_issues_new_tokens(cfg, tokens):
    result = client(cfg, "cognito-idp").initiate_auth(
        AuthFlow="REFRESH_TOKEN_AUTH", ClientId=cfg["userPoolClientId"],
        AuthParameters={"REFRESH_TOKEN": tokens["alice"]["RefreshToken"]})["AuthenticationResult"]
    assert result["IdToken"] and result["AccessToken"]
    assert "RefreshToken" not in result  # no rotation: the pool default on AWS too


# ---------------------------------------------------------------------------------------------
# Identity pool: GetId, GetCredentialsForIdentity
# ---------------------------------------------------------------------------------------------

def test_get_id_is_stable_per_user(cfg, tokens):
    assert get_id(cfg, tokens["alice"]["IdToken"]) == get_id(cfg, tokens["alice"]["IdToken"])


def test_get_id_differs_between_users(cfg, tokens):
    assert get_id(cfg, tokens["alice"]["IdToken"]) != get_id(cfg, tokens["bob"]["IdToken"])


@pytest.mark.parametrize("spoil", ["signature", "payload", "garbage"])
def test_get_id_refuses_a_bad_token(cfg, tokens, spoil):
    header, payload, signature = tokens["alice"]["IdToken"].split(".")
    bad = {
        "signature": f"{header}.{payload}.{flip_last(signature[:-4])}{signature[-4:]}",  # not the padding bits
        "payload": f"{header}.{tokens['bob']['IdToken'].split('.')[1]}.{signature}",
        "garbage": "not-a-token",
    }[spoil]
    with pytest.raises(ClientError) as excinfo:
        get_id(cfg, bad)
    assert error_code(excinfo) == "NotAuthorizedException"


def test_get_credentials_for_unknown_identity_is_refused(cfg, tokens):
    with pytest.raises(ClientError) as excinfo:
        client(cfg, "cognito-identity").get_credentials_for_identity(
            IdentityId=f"{cfg['region']}:{uuid.uuid4()}", Logins={provider(cfg): tokens["alice"]["IdToken"]})
    assert error_code(excinfo) == "ResourceNotFoundException"


def test_the_seeded_identity_pool_and_role_are_the_templates(cfg):
    """What was created equals seed.role_documents, which test_seed.py checks against infra/apiless.yaml."""
    pool = client(cfg, "cognito-identity").describe_identity_pool(IdentityPoolId=cfg["identityPoolId"])
    # The template's provider, and the seeded choice-based sign-in pool's (seed.py), a local extra.
    idp, user_auth = pool["CognitoIdentityProviders"]
    fixtures = requests.get(f"{cfg['endpoint']}/_apiless/fixtures", timeout=10).json()
    assert user_auth["ProviderName"].endswith(f"/{fixtures['userAuthUserPoolId']}")
    assert (pool["AllowUnauthenticatedIdentities"], idp["ServerSideTokenCheck"]) == (True, True)  # guests: test_guests.py
    iam = client(cfg, "iam")
    role_name = f"{seed.NAME}-authenticated"
    table_arn = f"arn:aws:dynamodb:{cfg['region']}:{seed.ACCOUNT}:table/{cfg['table']}"
    trust, policy = seed.role_documents(cfg["identityPoolId"], table_arn)
    assert iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"] == trust
    # own-api: the grant of the fixtures' API (seed.api, checked by test_api.py), not the template's.
    assert sorted(iam.list_role_policies(RoleName=role_name)["PolicyNames"]) == ["own-api", "own-data"]
    assert iam.get_role_policy(RoleName=role_name, PolicyName="own-data")["PolicyDocument"] == policy


def test_credentials_are_temporary_and_expire(alice):
    assert alice["creds"]["AccessKeyId"].startswith("ASIA")
    assert alice["creds"]["SessionToken"]
    assert alice["creds"]["Expiration"]  # a datetime: the SDK must cache by it


# ---------------------------------------------------------------------------------------------
# DynamoDB scoped to the identity id
# ---------------------------------------------------------------------------------------------

def test_own_partition_key_put_get_query_update_delete(cfg, alice):
    ddb, pk, sk, table = alice["ddb"], alice["id"], new_sk(), cfg["table"]
    ddb.put_item(TableName=table, Item=item(pk, sk, note="hello"))
    assert ddb.get_item(TableName=table, Key=item(pk, sk))["Item"]["note"] == {"S": "hello"}
    found = ddb.query(TableName=table, KeyConditionExpression="#p = :p AND sk = :s",
                      ExpressionAttributeNames={"#p": "pk"},
                      ExpressionAttributeValues={":p": {"S": pk}, ":s": {"S": sk}})["Items"]
    assert [i["note"]["S"] for i in found] == ["hello"]
    ddb.update_item(TableName=table, Key=item(pk, sk), UpdateExpression="SET note = :n",
                    ExpressionAttributeValues={":n": {"S": "changed"}})
    assert ddb.get_item(TableName=table, Key=item(pk, sk))["Item"]["note"] == {"S": "changed"}
    ddb.delete_item(TableName=table, Key=item(pk, sk))
    assert "Item" not in ddb.get_item(TableName=table, Key=item(pk, sk))


def test_own_partition_key_legacy_key_conditions_query(cfg, alice):
    found = alice["ddb"].query(TableName=cfg["table"], KeyConditions={
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": alice["id"]}]}})
    assert "Items" in found


@pytest.mark.parametrize("operation", ["PutItem", "Query", "GetItem"])
def test_other_users_partition_key_is_denied(cfg, alice, bob_id, operation):
    ddb, table = alice["ddb"], cfg["table"]
    call = {
        "PutItem": lambda: ddb.put_item(TableName=table, Item=item(bob_id, new_sk(), note="intrusion")),
        "Query": lambda: ddb.query(TableName=table, KeyConditionExpression="pk = :p",
                                   ExpressionAttributeValues={":p": {"S": bob_id}}),
        "GetItem": lambda: ddb.get_item(TableName=table, Key=item(bob_id, "anything")),
    }[operation]
    with pytest.raises(ClientError) as excinfo:
        call()
    assert error_code(excinfo) == "AccessDeniedException"


def test_other_users_key_in_a_transaction_is_denied(cfg, alice, bob_id):
    with pytest.raises(ClientError) as excinfo:
        alice["ddb"].transact_write_items(TransactItems=[
            {"Put": {"TableName": cfg["table"], "Item": item(alice["id"], new_sk())}},
            {"Put": {"TableName": cfg["table"], "Item": item(bob_id, new_sk())}},
        ])
    assert error_code(excinfo) == "AccessDeniedException"


def _own_and_bob_calls(ddb, table, own, bob):
    """Each batch and transaction operation over `own` (alice's keys) and `bob` (bob's, or none)."""
    keys = [item(pk, sk) for pk, sk in own + bob]
    return {
        "BatchWriteItem": lambda: ddb.batch_write_item(RequestItems={table: [
            {"PutRequest": {"Item": {**key, "note": {"S": "batch"}}}} for key in keys]}),
        "BatchGetItem": lambda: ddb.batch_get_item(RequestItems={table: {"Keys": keys}}),
        "TransactWriteItems": lambda: ddb.transact_write_items(TransactItems=[
            {"Put": {"TableName": table, "Item": {**keys[0], "note": {"S": "txn"}}}},
            *({"Update": {"TableName": table, "Key": key, "UpdateExpression": "SET note = :n",
                          "ExpressionAttributeValues": {":n": {"S": "txn"}}}} for key in keys[1:])]),
        "TransactGetItems": lambda: ddb.transact_get_items(TransactItems=[
            {"Get": {"TableName": table, "Key": key}} for key in keys]),
    }


BATCH_OPERATIONS = ["BatchWriteItem", "BatchGetItem", "TransactWriteItems", "TransactGetItems"]


@pytest.mark.parametrize("operation", BATCH_OPERATIONS)
def test_a_batch_or_transaction_of_own_items_is_allowed(cfg, alice, operation):
    """The seeded role allows batches and transactions (BatchGetItem, BatchWriteItem, and each
    transaction item's own action) when every item's partition key is the caller's."""
    ddb, table, own = alice["ddb"], cfg["table"], [(alice["id"], new_sk()), (alice["id"], new_sk())]
    for pk, sk in own:
        ddb.put_item(TableName=table, Item=item(pk, sk, note="before"))
    _own_and_bob_calls(ddb, table, own, [])[operation]()
    if operation in ("BatchWriteItem", "TransactWriteItems"):
        after = [ddb.get_item(TableName=table, Key=item(pk, sk))["Item"]["note"]["S"] for pk, sk in own]
        assert after == (["batch", "batch"] if operation == "BatchWriteItem" else ["txn", "txn"])


def test_a_transaction_condition_check_of_an_own_item_is_allowed(cfg, alice):
    """ConditionCheck is authorized as dynamodb:ConditionCheckItem, which the seeded role grants."""
    ddb, table, sk, other = alice["ddb"], cfg["table"], new_sk(), new_sk()
    ddb.put_item(TableName=table, Item=item(alice["id"], sk, note="here"))
    ddb.transact_write_items(TransactItems=[
        {"ConditionCheck": {"TableName": table, "Key": item(alice["id"], sk),
                            "ConditionExpression": "attribute_exists(note)"}},
        {"Put": {"TableName": table, "Item": item(alice["id"], other, note="checked")}},
    ])
    assert ddb.get_item(TableName=table, Key=item(alice["id"], other))["Item"]["note"] == {"S": "checked"}


@pytest.mark.parametrize("operation", BATCH_OPERATIONS)
def test_one_out_of_scope_item_refuses_the_whole_batch_or_transaction(cfg, alice, bob_id, operation):
    """As on AWS, every item's partition key is a leading key: one of bob's among alice's refuses
    the whole call, and none of alice's items is written."""
    ddb, table, own = alice["ddb"], cfg["table"], [(alice["id"], new_sk())]
    with pytest.raises(ClientError) as excinfo:
        _own_and_bob_calls(ddb, table, own, [(bob_id, new_sk())])[operation]()
    assert error_code(excinfo) == "AccessDeniedException"
    for pk, sk in own:
        assert "Item" not in ddb.get_item(TableName=table, Key=item(pk, sk))


# The decoys of the security review (finding 3), as alice sent them: a field naming her own key
# added to a request for bob's partition.  AWS reads only the operation's own key field.
DECOY_REQUESTS = {
    "GetItem+TransactItems": lambda t, a, b: ("GetItem", {
        "TableName": t, "Key": item(b, "secret"), "TransactItems": [{"Get": {"TableName": t, "Key": item(a, "x")}}]}),
    "GetItem+RequestItems": lambda t, a, b: ("GetItem", {
        "TableName": t, "Key": item(b, "secret"), "RequestItems": {t: {"Keys": [item(a, "x")]}}}),
    "GetItem+Item": lambda t, a, b: ("GetItem", {"TableName": t, "Key": item(b, "secret"), "Item": item(a, "x")}),
    "PutItem+TransactItems": lambda t, a, b: ("PutItem", {
        "TableName": t, "Item": item(b, new_sk(), note="intrusion"),
        "TransactItems": [{"Put": {"TableName": t, "Item": item(a, "x")}}]}),
    "PutItem+Key": lambda t, a, b: ("PutItem", {
        "TableName": t, "Item": item(b, new_sk(), note="intrusion"), "Key": item(a, "x")}),
    "UpdateItem+RequestItems": lambda t, a, b: ("UpdateItem", {
        "TableName": t, "Key": item(b, "secret"), "UpdateExpression": "SET note = :n",
        "ExpressionAttributeValues": {":n": {"S": "overwritten"}}, "RequestItems": {t: {"Keys": [item(a, "x")]}}}),
    "DeleteItem+Item": lambda t, a, b: ("DeleteItem", {"TableName": t, "Key": item(b, "secret"), "Item": item(a, "x")}),
    "Query+TransactItems": lambda t, a, b: ("Query", {
        "TableName": t, "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": b}},
        "TransactItems": [{"Get": {"TableName": t, "Key": item(a, "x")}}]}),
}


@pytest.mark.parametrize("decoy", sorted(DECOY_REQUESTS))
def test_decoy_fields_do_not_open_another_users_partition(cfg, alice, bob_id, decoy):
    operation, payload = DECOY_REQUESTS[decoy](cfg["table"], alice["id"], bob_id)
    response = dynamodb_request(cfg, alice["creds"], operation, payload)
    assert response.status_code == 400, response.text
    assert response.json()["__type"].endswith("AccessDeniedException")


def test_the_seeded_table_has_the_index_the_config_names(cfg):
    table = client(cfg, "dynamodb").describe_table(TableName=cfg["table"])["Table"]
    found = {index["IndexName"]: ({k["KeyType"]: k["AttributeName"] for k in index["KeySchema"]},
                                  index["Projection"]["ProjectionType"])
             for index in table.get("GlobalSecondaryIndexes", [])}
    assert cfg["indexes"] == {"byOwner": {"partitionKey": "owner", "sortKey": "sk"}}
    assert found == {name: ({"HASH": index["partitionKey"], "RANGE": index["sortKey"]}, "ALL")
                     for name, index in cfg["indexes"].items()}


def test_an_index_query_is_scoped_by_the_index_partition_key(cfg, alice, bob_id):
    """As on AWS, an index Query's leading key is the value of the index's partition key, and the
    policy's `table/index/*` resource covers the index: own id allowed, another id refused."""
    ddb, table, sk = alice["ddb"], cfg["table"], new_sk()
    ddb.put_item(TableName=table, Item=item(alice["id"], sk, owner=alice["id"], note="mine"))

    def by_owner(owner):
        return ddb.query(TableName=table, IndexName="byOwner", KeyConditionExpression="#o = :o AND sk = :s",
                         ExpressionAttributeNames={"#o": "owner"},
                         ExpressionAttributeValues={":o": {"S": owner}, ":s": {"S": sk}})["Items"]
    assert [i["note"]["S"] for i in by_owner(alice["id"])] == ["mine"]
    with pytest.raises(ClientError) as excinfo:
        by_owner(bob_id)
    assert error_code(excinfo) == "AccessDeniedException"


def test_scan_is_denied(cfg, alice):
    with pytest.raises(ClientError) as excinfo:
        alice["ddb"].scan(TableName=cfg["table"])
    assert error_code(excinfo) == "AccessDeniedException"


# ---------------------------------------------------------------------------------------------
# S3 scoped to the identity-id prefix
# ---------------------------------------------------------------------------------------------

def test_own_prefix_put_get_list_delete(cfg, alice):
    s3, bucket, prefix = alice["s3"], cfg["bucket"], f"{alice['id']}/"
    key = f"{prefix}{new_sk()}.txt"
    s3.put_object(Bucket=bucket, Key=key, Body=b"hello")
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"hello"
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
    assert key in [o["Key"] for o in listed.get("Contents", [])]
    s3.delete_object(Bucket=bucket, Key=key)
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key=key)
    assert error_code(excinfo) == "NoSuchKey"


@pytest.mark.parametrize("operation", ["PutObject", "GetObject", "ListObjectsV2"])
def test_other_users_prefix_is_denied(cfg, alice, bob_id, operation):
    s3, bucket = alice["s3"], cfg["bucket"]
    call = {
        "PutObject": lambda: s3.put_object(Bucket=bucket, Key=f"{bob_id}/intrusion.txt", Body=b"x"),
        "GetObject": lambda: s3.get_object(Bucket=bucket, Key=f"{bob_id}/anything.txt"),
        "ListObjectsV2": lambda: s3.list_objects_v2(Bucket=bucket, Prefix=f"{bob_id}/"),
    }[operation]
    with pytest.raises(ClientError) as excinfo:
        call()
    assert error_code(excinfo) == "AccessDenied"


def test_a_multipart_upload_under_the_own_prefix_lists_aborts_and_completes(cfg, alice):
    # The seeded policy's multipart actions (issue #21): CreateMultipartUpload, UploadPart and
    # CompleteMultipartUpload authorize as s3:PutObject, ListParts as s3:ListMultipartUploadParts,
    # AbortMultipartUpload as itself; each under the caller's prefix only.
    s3, bucket = alice["s3"], cfg["bucket"]
    key = f"{alice['id']}/{new_sk()}.bin"
    first, second = b"a" * (5 * 1024 * 1024), b"tail"
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    etags = [s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=n, Body=body)["ETag"]
             for n, body in ((1, first), (2, second))]
    listed = s3.list_parts(Bucket=bucket, Key=key, UploadId=upload)["Parts"]
    assert [(p["PartNumber"], p["ETag"], p["Size"]) for p in listed] == [(1, etags[0], len(first)),
                                                                         (2, etags[1], len(second))]
    s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, MultipartUpload={
        "Parts": [{"PartNumber": n, "ETag": e} for n, e in ((1, etags[0]), (2, etags[1]))]})
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == first + second

    aborted = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    s3.upload_part(Bucket=bucket, Key=key, UploadId=aborted, PartNumber=1, Body=b"x")
    s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=aborted)
    with pytest.raises(ClientError) as excinfo:
        s3.list_parts(Bucket=bucket, Key=key, UploadId=aborted)
    assert error_code(excinfo) == "NoSuchUpload"


def _b64_crc(value, width):
    return base64.b64encode(value.to_bytes(width, "big")).decode()


@pytest.mark.parametrize("algorithm", ["CRC64NVME", "CRC32"])
def test_a_full_object_checksum_multipart_upload_reports_the_whole_objects_crc(cfg, alice, algorithm):
    # The full-object-checksums patch (issue #21): botocore sends each part's CRC (computed by
    # awscrt, an implementation independent of ministack's and apiless's), the completion sends
    # the whole object's, and S3 reports that one with ChecksumType FULL_OBJECT. Stock ministack
    # makes every multipart checksum COMPOSITE and refuses the whole object's CRC as BadDigest.
    s3, bucket = alice["s3"], cfg["bucket"]
    key = f"{alice['id']}/{new_sk()}.bin"
    parts = [bytes(range(256)) * (5 * 4096), b"the last part"]
    crc, width = {"CRC64NVME": (awscrt.checksums.crc64nvme, 8), "CRC32": (awscrt.checksums.crc32, 4)}[algorithm]
    whole = _b64_crc(crc(b"".join(parts)), width)
    created = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm=algorithm,
                                         ChecksumType="FULL_OBJECT")
    assert created["ChecksumType"] == "FULL_OBJECT"
    upload = created["UploadId"]
    done = []
    for number, body in enumerate(parts, start=1):
        answer = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=number, Body=body,
                                ChecksumAlgorithm=algorithm)
        assert answer[f"Checksum{algorithm}"] == _b64_crc(crc(body), width)
        done.append({"PartNumber": number, "ETag": answer["ETag"], f"Checksum{algorithm}": answer[f"Checksum{algorithm}"]})
    listed = s3.list_parts(Bucket=bucket, Key=key, UploadId=upload)["Parts"]
    assert [p[f"Checksum{algorithm}"] for p in listed] == [d[f"Checksum{algorithm}"] for d in done]
    wrong = _b64_crc(crc(b"".join(parts) + b"!"), width)
    with pytest.raises(ClientError) as excinfo:
        s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, ChecksumType="FULL_OBJECT",
                                     MultipartUpload={"Parts": done}, **{f"Checksum{algorithm}": wrong})
    assert error_code(excinfo) == "BadDigest"
    completed = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload, ChecksumType="FULL_OBJECT",
                                             MultipartUpload={"Parts": done}, **{f"Checksum{algorithm}": whole})
    assert (completed[f"Checksum{algorithm}"], completed["ChecksumType"]) == (whole, "FULL_OBJECT")
    head = s3.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    assert (head[f"Checksum{algorithm}"], head["ChecksumType"]) == (whole, "FULL_OBJECT")


@pytest.mark.parametrize("algorithm, kind", [("CRC64NVME", "COMPOSITE"), ("SHA256", "FULL_OBJECT")])
def test_a_checksum_type_s3_refuses_for_the_algorithm_is_refused(cfg, alice, algorithm, kind):
    s3, key = alice["s3"], f"{alice['id']}/{new_sk()}.bin"
    with pytest.raises(ClientError) as excinfo:
        s3.create_multipart_upload(Bucket=cfg["bucket"], Key=key, ChecksumAlgorithm=algorithm, ChecksumType=kind)
    assert error_code(excinfo) == "InvalidRequest"


def test_a_crc32_upload_without_a_type_stays_composite(cfg, alice):
    s3, bucket, key = alice["s3"], cfg["bucket"], f"{alice['id']}/{new_sk()}.bin"
    upload = s3.create_multipart_upload(Bucket=bucket, Key=key, ChecksumAlgorithm="CRC32")
    assert upload["ChecksumType"] == "COMPOSITE"
    answer = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=1, Body=b"one part",
                            ChecksumAlgorithm="CRC32")
    completed = s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload["UploadId"], MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": answer["ETag"], "ChecksumCRC32": answer["ChecksumCRC32"]}]})
    part = base64.b64decode(answer["ChecksumCRC32"])
    assert completed["ChecksumCRC32"] == f"{_b64_crc(awscrt.checksums.crc32(part), 4)}-1"
    assert completed["ChecksumType"] == "COMPOSITE"


@pytest.mark.parametrize("operation", ["CreateMultipartUpload", "ListParts", "AbortMultipartUpload"])
def test_another_identitys_multipart_upload_is_denied(cfg, alice, bob_id, operation):
    s3, bucket, key = alice["s3"], cfg["bucket"], f"{bob_id}/{new_sk()}.bin"
    call = {
        "CreateMultipartUpload": lambda: s3.create_multipart_upload(Bucket=bucket, Key=key),
        "ListParts": lambda: s3.list_parts(Bucket=bucket, Key=key, UploadId="any-upload"),
        "AbortMultipartUpload": lambda: s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId="any-upload"),
    }[operation]
    with pytest.raises(ClientError) as excinfo:
        call()
    assert error_code(excinfo) == "AccessDenied"


def test_listing_the_whole_bucket_is_denied(cfg, alice):
    with pytest.raises(ClientError) as excinfo:
        alice["s3"].list_objects_v2(Bucket=cfg["bucket"])
    assert error_code(excinfo) == "AccessDenied"


@pytest.mark.parametrize("name", ["line1\nline2", "trailing-newline\n", "cr\rtab\t", "bell\x07unit\x1f", "del\x7f"])
def test_keys_with_control_characters_round_trip_within_the_policy(cfg, alice, name):
    """S3 takes any UTF-8 key, control characters included: a user's own prefix holds them too."""
    s3, bucket, prefix = alice["s3"], cfg["bucket"], f"{alice['id']}/{new_sk()}/"
    key = prefix + name
    s3.put_object(Bucket=bucket, Key=key, Body=b"control")
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == b"control"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=prefix)["Contents"]] == [key]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=key)["Contents"]] == [key]
    s3.delete_object(Bucket=bucket, Key=key)


def test_a_newline_does_not_stretch_the_prefix_to_another_users_keys(cfg, alice, bob_id):
    with pytest.raises(ClientError) as excinfo:
        alice["s3"].put_object(Bucket=cfg["bucket"], Key=f"{bob_id}/x\n{alice['id']}/y", Body=b"x")
    assert error_code(excinfo) == "AccessDenied"


def test_key_with_colons_round_trips_through_boto3(cfg, alice):
    key = f"{alice['id']}/{alice['id']}:{new_sk()}.txt"  # the identity id itself holds a ':'
    alice["s3"].put_object(Bucket=cfg["bucket"], Key=key, Body=b"colon")
    assert alice["s3"].get_object(Bucket=cfg["bucket"], Key=key)["Body"].read() == b"colon"


def test_key_with_colons_signed_percent_encoded_on_wire_and_in_canonical_request(cfg, alice):
    key = f"{alice['id']}/raw:{new_sk()}.txt"
    url = f"{cfg['endpoint']}/{cfg['bucket']}/{quote(key, safe='/~')}"  # ':' -> %3A in both places
    assert "%3A" in url
    put = requests.put(url, data=b"raw", headers=signed_request(cfg, alice["creds"], "s3", "PUT", url, b"raw"),
                       timeout=10)
    assert put.status_code == 200, put.text
    get = requests.get(url, headers=signed_request(cfg, alice["creds"], "s3", "GET", url), timeout=10)
    assert get.status_code == 200 and get.content == b"raw"


# ---------------------------------------------------------------------------------------------
# Authentication of the signed requests
# ---------------------------------------------------------------------------------------------

def _spoil_signature(headers):
    headers["Authorization"] = flip_last(headers["Authorization"], "0", "1")  # the hex signature ends it


MISMATCH = ("The request signature we calculated does not match the signature you provided. Check your AWS Secret "
            "Access Key and signing method. Consult the service documentation for details.")


def test_a_dynamodb_signature_mismatch_answers_awss_whole_text(cfg, alice):
    """AWS's JSON services quote the canonical request (session token included) and the string to
    sign they expected, so a secrets check can catch an SDK that copies the message into an error."""
    url = cfg["endpoint"] + "/"
    body = json.dumps({"TableName": cfg["table"], "Key": item(alice["id"], "x")}).encode()
    headers = signed_request(cfg, alice["creds"], "dynamodb", "POST", url, body, {
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.GetItem"})
    canonical, string_to_sign = canonical_documents(cfg, alice["creds"], "dynamodb", "POST", url, headers, body)
    _spoil_signature(headers)
    response = requests.post(url, data=body, headers=headers, timeout=10)
    assert response.status_code == 400
    answer = response.json()
    assert answer["__type"].endswith("InvalidSignatureException")
    assert answer["message"] == (f"{MISMATCH}\n\nThe Canonical String for this request should have been\n'{canonical}'"
                                 f"\n\nThe String-to-Sign should have been\n'{string_to_sign}'\n")
    assert f"\nx-amz-security-token:{alice['creds']['SessionToken']}\n" in answer["message"]


def test_a_tampered_body_is_a_signature_mismatch_too(cfg, alice):
    url = cfg["endpoint"] + "/"
    body = json.dumps({"TableName": cfg["table"], "Key": item(alice["id"], "x")}).encode()
    headers = signed_request(cfg, alice["creds"], "dynamodb", "POST", url, body, {
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.GetItem"})
    response = requests.post(url, data=body.replace(b'"x"', b'"X"'), headers=headers, timeout=10)
    assert response.status_code == 400
    assert "The Canonical String for this request should have been" in response.json()["message"]


def _s3_error(response):
    root = ET.fromstring(response.content)
    return {child.tag: child.text for child in root}


@pytest.mark.parametrize("operation", ["GetObject", "ListObjectsV2"])
def test_an_s3_signature_mismatch_answers_awss_elements(cfg, alice, operation):
    path = {"GetObject": f"/{cfg['bucket']}/{quote(alice['id'])}/x.txt",
            "ListObjectsV2": f"/{cfg['bucket']}?list-type=2&prefix={quote(alice['id'], safe='')}%2F"}[operation]
    url = cfg["endpoint"] + path
    headers = signed_request(cfg, alice["creds"], "s3", "GET", url)
    canonical, string_to_sign = canonical_documents(cfg, alice["creds"], "s3", "GET", url, headers)
    _spoil_signature(headers)
    response = requests.get(url, headers=headers, timeout=10)
    assert response.status_code == 403
    error = _s3_error(response)
    assert list(error) == ["Code", "Message", "AWSAccessKeyId", "StringToSign", "SignatureProvided",
                           "StringToSignBytes", "CanonicalRequest", "CanonicalRequestBytes", "RequestId", "HostId"]
    assert error["Code"] == "SignatureDoesNotMatch"
    assert error["Message"] == ("The request signature we calculated does not match the signature you provided. "
                                "Check your key and signing method.")
    assert (error["AWSAccessKeyId"], error["CanonicalRequest"], error["StringToSign"]) == (
        alice["creds"]["AccessKeyId"], canonical, string_to_sign)
    assert error["SignatureProvided"] == headers["Authorization"].rsplit("Signature=", 1)[1]
    assert bytes.fromhex(error["CanonicalRequestBytes"]).decode() == canonical


SKEW = datetime.timedelta(minutes=20)
AMZ = "%Y%m%dT%H%M%SZ"


def _utc(text, pattern=AMZ):
    return datetime.datetime.strptime(text, pattern).replace(tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize("direction", ["past", "future"])
def test_a_skewed_dynamodb_request_answers_awss_skew_text(cfg, alice, direction):
    """`Signature expired: X is now earlier than Y (Z - 15 min.)` and `Signature not yet current: X is
    still later than Y (Z + 15 min.)`: X the request's time, Z the server's, Y = Z -/+ 15 minutes."""
    now = datetime.datetime.now(datetime.timezone.utc)
    signed_at = (now - SKEW if direction == "past" else now + SKEW).replace(microsecond=0, tzinfo=None)
    response = dynamodb_request(cfg, alice["creds"], "GetItem",
                                {"TableName": cfg["table"], "Key": item(alice["id"], "x")}, at=signed_at)
    assert response.status_code == 400
    answer = response.json()
    assert answer["__type"].endswith("InvalidSignatureException")
    stamp = r"(\d{8}T\d{6}Z)"
    pattern = (rf"Signature expired: {stamp} is now earlier than {stamp} \({stamp} - 15 min\.\)"
               if direction == "past" else
               rf"Signature not yet current: {stamp} is still later than {stamp} \({stamp} \+ 15 min\.\)")
    match = re.fullmatch(pattern, answer["message"])
    assert match, answer["message"]
    request_time, bound, server_time = match.groups()
    assert request_time == signed_at.strftime(AMZ)
    window = datetime.timedelta(minutes=15)
    assert _utc(bound) == _utc(server_time) + (-window if direction == "past" else window)
    assert abs(_utc(server_time) - now) < datetime.timedelta(seconds=30)


@pytest.mark.parametrize("operation", ["GetObject", "ListObjectsV2"])
@pytest.mark.parametrize("direction", ["past", "future"])
def test_a_skewed_s3_request_answers_request_time_too_skewed(cfg, alice, operation, direction):
    now = datetime.datetime.now(datetime.timezone.utc)
    signed_at = (now - SKEW if direction == "past" else now + SKEW).replace(microsecond=0, tzinfo=None)
    path = {"GetObject": f"/{cfg['bucket']}/{quote(alice['id'])}/x.txt",
            "ListObjectsV2": f"/{cfg['bucket']}?list-type=2&prefix={quote(alice['id'], safe='')}%2F"}[operation]
    url = cfg["endpoint"] + path
    response = requests.get(url, headers=signed_request(cfg, alice["creds"], "s3", "GET", url, at=signed_at),
                            timeout=10)
    assert response.status_code == 403
    error = _s3_error(response)
    assert list(error) == ["Code", "Message", "RequestTime", "ServerTime", "MaxAllowedSkewMilliseconds",
                           "RequestId", "HostId"]
    assert error["Code"] == "RequestTimeTooSkewed"
    assert error["Message"] == "The difference between the request time and the current time is too large."
    assert error["RequestTime"] == signed_at.strftime(AMZ)
    assert abs(_utc(error["ServerTime"], "%Y-%m-%dT%H:%M:%SZ") - now) < datetime.timedelta(seconds=30)
    assert error["MaxAllowedSkewMilliseconds"] == "900000"


@pytest.mark.parametrize("service, token, code, status", [
    ("dynamodb", "wrong", "UnrecognizedClientException", 400),
    ("dynamodb", "missing", "UnrecognizedClientException", 400),
    ("s3", "wrong", "InvalidToken", 400),
    ("s3", "missing", "InvalidAccessKeyId", 403),
])
def test_a_wrong_or_missing_session_token_is_refused(cfg, alice, service, token, code, status):
    creds = {**alice["creds"], "SessionToken": flip_last(alice["creds"]["SessionToken"]) if token == "wrong" else None}
    call = {
        "dynamodb": lambda: client(cfg, "dynamodb", creds).get_item(TableName=cfg["table"], Key=item(alice["id"], "x")),
        "s3": lambda: client(cfg, "s3", creds).get_object(Bucket=cfg["bucket"], Key=f"{alice['id']}/x.txt"),
    }[service]
    with pytest.raises(ClientError) as excinfo:
        call()
    assert error_code(excinfo) == code
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def test_an_unsigned_dynamodb_request_is_refused(cfg, alice):
    with pytest.raises(ClientError) as excinfo:
        client(cfg, "dynamodb", unsigned=True).get_item(TableName=cfg["table"], Key=item(alice["id"], "x"))
    assert error_code(excinfo) == "MissingAuthenticationTokenException"


def test_an_unsigned_s3_request_is_refused(cfg, alice):
    key = f"{alice['id']}/{new_sk()}.txt"
    alice["s3"].put_object(Bucket=cfg["bucket"], Key=key, Body=b"private")
    with pytest.raises(ClientError) as excinfo:
        client(cfg, "s3", unsigned=True).get_object(Bucket=cfg["bucket"], Key=key)
    assert error_code(excinfo) == "AccessDenied"


# ---------------------------------------------------------------------------------------------
# Browser CORS
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/apiless-demo/us-east-1%3Aid/object.txt"])
def test_preflight_echoes_requested_headers(cfg, path):
    requested = "authorization,x-amz-date,x-amz-security-token,x-amz-target,content-type"
    response = requests.options(cfg["endpoint"] + path, timeout=5, headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": requested})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] in (ORIGIN, "*")
    allowed = {h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert allowed == set(requested.split(","))  # echoed: a bare "*" does not cover Authorization
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert int(response.headers["Access-Control-Max-Age"]) > 0


def _exposed(response):
    assert response.headers["Access-Control-Allow-Origin"] in (ORIGIN, "*")
    exposed = response.headers.get("Access-Control-Expose-Headers", "")
    return {name.strip().lower() for name in exposed.split(",") if name.strip()}


def test_dynamodb_access_denied_error_carries_cors(cfg, alice, bob_id):
    response = dynamodb_request(cfg, alice["creds"], "GetItem",
                                {"TableName": cfg["table"], "Key": item(bob_id, "x")}, origin=ORIGIN)
    assert response.status_code == 400 and response.json()["__type"].endswith("AccessDeniedException")
    assert _exposed(response) == JSON_EXPOSED


def test_s3_access_denied_error_carries_cors(cfg, alice, bob_id):
    url = f"{cfg['endpoint']}/{cfg['bucket']}/{quote(bob_id)}/x.txt"
    headers = {**signed_request(cfg, alice["creds"], "s3", "GET", url), "Origin": ORIGIN}
    response = requests.get(url, headers=headers, timeout=10)
    assert response.status_code == 403 and "<Code>AccessDenied</Code>" in response.text
    assert _exposed(response) == S3_EXPOSED


def test_signature_error_carries_cors(cfg, alice):
    response = dynamodb_request(cfg, alice["creds"], "GetItem", {"TableName": cfg["table"], "Key": item("a", "b")},
                                tamper=_spoil_signature, origin=ORIGIN)
    assert response.status_code == 400
    assert _exposed(response) == JSON_EXPOSED


def test_successful_dynamodb_response_exposes_what_dynamodb_exposes(cfg, alice):
    response = dynamodb_request(cfg, alice["creds"], "GetItem",
                                {"TableName": cfg["table"], "Key": item(alice["id"], "x")}, origin=ORIGIN)
    assert response.status_code == 200
    assert response.headers["x-amz-crc32"], "sent, but not exposed: a page cannot read it on AWS"
    assert _exposed(response) == JSON_EXPOSED


@pytest.mark.parametrize("target, payload", [
    ("AWSCognitoIdentityProviderService.InitiateAuth", lambda cfg: {
        "AuthFlow": "USER_SRP_AUTH", "ClientId": cfg["userPoolClientId"],
        "AuthParameters": {"USERNAME": "alice", "SRP_A": "0" * 255 + "2"}}),
    ("AWSCognitoIdentityService.GetId", lambda cfg: {"IdentityPoolId": cfg["identityPoolId"]}),
])
def test_cognito_answers_expose_what_cognito_exposes(cfg, target, payload):
    response = requests.post(cfg["endpoint"] + "/", data=json.dumps(payload(cfg)), timeout=10, headers={
        "Origin": ORIGIN, "X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"})
    assert _exposed(response) == JSON_EXPOSED


def test_successful_s3_response_exposes_what_the_bucket_rule_names(cfg, alice):
    key = f"{alice['id']}/{new_sk()}.txt"
    alice["s3"].put_object(Bucket=cfg["bucket"], Key=key, Body=b"cors", Metadata={"owner": "alice", "other": "x"})
    url = f"{cfg['endpoint']}/{cfg['bucket']}/{quote(key)}"
    response = requests.get(url, headers={**signed_request(cfg, alice["creds"], "s3", "GET", url), "Origin": ORIGIN},
                            timeout=10)
    assert response.status_code == 200 and response.headers["x-amz-meta-other"] == "x"
    exposed = _exposed(response)
    assert exposed == S3_EXPOSED
    assert "x-amz-meta-owner" in exposed and "x-amz-meta-other" not in exposed, "only the metadata the rule names"


def test_virtual_hosted_s3_response_exposes_what_the_bucket_rule_names(cfg, alice):
    # Amplify Storage reaches the bucket virtual-hosted, `<bucket>.s3.localhost:<port>`
    # (bench/stacks/amplify-storage.js); its multipart upload reads each part's ETag.
    key = f"{alice['id']}/{new_sk()}.txt"
    alice["s3"].put_object(Bucket=cfg["bucket"], Key=key, Body=b"cors")
    host = f"{cfg['bucket']}.s3.localhost:{cfg['endpoint'].rsplit(':', 1)[1].rstrip('/')}"
    headers = signed_request(cfg, alice["creds"], "s3", "GET", f"http://{host}/{quote(key)}")
    response = requests.get(f"{cfg['endpoint']}/{quote(key)}", timeout=10,
                            headers={**headers, "Host": host, "Origin": ORIGIN})
    assert response.status_code == 200 and response.content == b"cors"
    assert _exposed(response) == S3_EXPOSED


def test_s3_exposes_nothing_for_a_method_the_bucket_rule_does_not_allow(cfg):
    # The seeded rule allows every method S3's CORS knows (POST since presigned POST uploads), so a
    # bucket of its own, whose rule allows GET only, and a POST to it.
    root = client(cfg, "s3")
    bucket = f"cors-get-only-{new_sk()}".lower()
    root.create_bucket(Bucket=bucket)
    root.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{
        "AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "ExposeHeaders": ["ETag", "x-amz-request-id"]}]})
    url = f"{cfg['endpoint']}/{bucket}?delete"
    root_keys = {"AccessKeyId": "test", "SecretKey": "test", "SessionToken": None}
    response = requests.post(url, data=b"<Delete/>", timeout=10, headers={
        **signed_request(cfg, root_keys, "s3", "POST", url, b"<Delete/>"), "Origin": ORIGIN})
    assert _exposed(response) == set()
    get = requests.get(f"{cfg['endpoint']}/{bucket}", timeout=10, headers={
        **signed_request(cfg, root_keys, "s3", "GET", f"{cfg['endpoint']}/{bucket}"), "Origin": ORIGIN})
    assert _exposed(get) == {"etag", "x-amz-request-id"}, "the same rule exposes its names for GET"


# ---------------------------------------------------------------------------------------------
# Project endpoints
# ---------------------------------------------------------------------------------------------

def test_config_endpoint_serves_the_seeded_config(cfg):
    response = requests.get(f"{cfg['endpoint']}/_apiless/config", headers={"Origin": ORIGIN}, timeout=5)
    assert response.json() == cfg
    assert _exposed(response) == JSON_EXPOSED


def test_calls_endpoint_counts_round_trips(cfg, tokens):
    endpoint = cfg["endpoint"]
    assert requests.post(f"{endpoint}/_apiless/calls/reset", timeout=5).status_code == 200
    get_id(cfg, tokens["alice"]["IdToken"])
    get_id(cfg, tokens["alice"]["IdToken"])
    counts = requests.get(f"{endpoint}/_apiless/calls", timeout=5).json()
    assert counts == {"AWSCognitoIdentityService.GetId": 2}
