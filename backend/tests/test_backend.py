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
                          test_other_users_key_in_a_transaction_is_denied and
                          test_dynamodb_access_denied_error_carries_cors: another user's partition key is
                          ALLOWED (ForAllValues over the missing key is vacuously true).
  identity-pool           test_get_id_without_logins_is_refused,
                          test_get_credentials_for_unknown_identity_is_refused.
  dynamodb-denial-status  test_dynamodb_access_denied_error_carries_cors (stock answers HTTP 403).
  cors                    test_preflight_echoes_requested_headers[/] (stock: "Allow-Headers: *", which
                          does not cover Authorization), the four test_*_carries_cors tests (no CORS
                          headers on errors; "Expose-Headers: *" on success) and the config endpoint's.
"""

import json
import os
import uuid
from pathlib import Path
from urllib.parse import quote

import boto3
import jwt
import pytest
import requests
from botocore import UNSIGNED
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

REPO_ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "http://localhost:8123"
EXPOSED = {"x-amzn-requestid", "x-amz-request-id", "x-amz-id-2", "x-amz-crc32", "etag", "date"}


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


def signed_request(cfg, creds, service, method, url, body=b"", headers=None):
    """requests-ready (url, headers, body), signed by botocore with the given session credentials."""
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    signer = S3SigV4Auth if service == "s3" else SigV4Auth
    signer(Credentials(creds["AccessKeyId"], creds["SecretKey"], creds["SessionToken"]), service,
           cfg["region"]).add_auth(request)
    return dict(request.headers.items())


def dynamodb_request(cfg, creds, operation, payload, *, tamper=None, origin=None):
    """A raw, signed DynamoDB JSON 1.0 call; `tamper(headers)` may spoil the signed headers."""
    body = json.dumps(payload).encode()
    headers = signed_request(cfg, creds, "dynamodb", "POST", cfg["endpoint"] + "/", body, {
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": f"DynamoDB_20120810.{operation}"})
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


def test_get_id_without_logins_is_refused(cfg):
    with pytest.raises(ClientError) as excinfo:
        client(cfg, "cognito-identity").get_id(IdentityPoolId=cfg["identityPoolId"])
    assert error_code(excinfo) == "NotAuthorizedException"


def test_get_credentials_for_unknown_identity_is_refused(cfg, tokens):
    with pytest.raises(ClientError) as excinfo:
        client(cfg, "cognito-identity").get_credentials_for_identity(
            IdentityId=f"{cfg['region']}:{uuid.uuid4()}", Logins={provider(cfg): tokens["alice"]["IdToken"]})
    assert error_code(excinfo) == "ResourceNotFoundException"


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


def test_listing_the_whole_bucket_is_denied(cfg, alice):
    with pytest.raises(ClientError) as excinfo:
        alice["s3"].list_objects_v2(Bucket=cfg["bucket"])
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


def test_a_tampered_signature_is_refused(cfg, alice):
    response = dynamodb_request(cfg, alice["creds"], "GetItem",
                                {"TableName": cfg["table"], "Key": item(alice["id"], "x")}, tamper=_spoil_signature)
    assert response.status_code == 400
    assert response.json()["__type"].endswith("InvalidSignatureException")


def test_a_tampered_s3_signature_is_refused(cfg, alice):
    url = f"{cfg['endpoint']}/{cfg['bucket']}/{quote(alice['id'])}/x.txt"
    headers = signed_request(cfg, alice["creds"], "s3", "GET", url)
    _spoil_signature(headers)
    response = requests.get(url, headers=headers, timeout=10)
    assert response.status_code == 403 and "<Code>SignatureDoesNotMatch</Code>" in response.text


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


def _assert_cors(response):
    assert response.headers["Access-Control-Allow-Origin"] in (ORIGIN, "*")
    exposed = {h.strip().lower() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert EXPOSED <= exposed


def test_dynamodb_access_denied_error_carries_cors(cfg, alice, bob_id):
    response = dynamodb_request(cfg, alice["creds"], "GetItem",
                                {"TableName": cfg["table"], "Key": item(bob_id, "x")}, origin=ORIGIN)
    assert response.status_code == 400 and response.json()["__type"].endswith("AccessDeniedException")
    _assert_cors(response)


def test_s3_access_denied_error_carries_cors(cfg, alice, bob_id):
    url = f"{cfg['endpoint']}/{cfg['bucket']}/{quote(bob_id)}/x.txt"
    headers = {**signed_request(cfg, alice["creds"], "s3", "GET", url), "Origin": ORIGIN}
    response = requests.get(url, headers=headers, timeout=10)
    assert response.status_code == 403 and "<Code>AccessDenied</Code>" in response.text
    _assert_cors(response)


def test_signature_error_carries_cors(cfg, alice):
    response = dynamodb_request(cfg, alice["creds"], "GetItem", {"TableName": cfg["table"], "Key": item("a", "b")},
                                tamper=_spoil_signature, origin=ORIGIN)
    assert response.status_code == 400
    _assert_cors(response)


def test_successful_response_carries_cors(cfg, alice):
    response = dynamodb_request(cfg, alice["creds"], "GetItem",
                                {"TableName": cfg["table"], "Key": item(alice["id"], "x")}, origin=ORIGIN)
    assert response.status_code == 200
    _assert_cors(response)
    assert response.headers["x-amz-crc32"]


# ---------------------------------------------------------------------------------------------
# Project endpoints
# ---------------------------------------------------------------------------------------------

def test_config_endpoint_serves_the_seeded_config(cfg):
    response = requests.get(f"{cfg['endpoint']}/_apiless/config", headers={"Origin": ORIGIN}, timeout=5)
    assert response.json() == cfg
    _assert_cors(response)


def test_calls_endpoint_counts_round_trips(cfg, tokens):
    endpoint = cfg["endpoint"]
    assert requests.post(f"{endpoint}/_apiless/calls/reset", timeout=5).status_code == 200
    get_id(cfg, tokens["alice"]["IdToken"])
    get_id(cfg, tokens["alice"]["IdToken"])
    counts = requests.get(f"{endpoint}/_apiless/calls", timeout=5).json()
    assert counts == {"AWSCognitoIdentityService.GetId": 2}
