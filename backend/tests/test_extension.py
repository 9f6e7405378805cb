"""Unit tests of the extension's pure parts (no backend needed): LeadingKeys and policy variables.

The running-backend tests show each patch works end to end; these pin the request shapes the
end-to-end tests cannot reach with the seeded policy (batches need their own IAM actions).
"""

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from extension import UNDETERMINED_KEY, _bind_policies, _bind_statement, leading_keys  # noqa: E402

TABLE = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "GlobalSecondaryIndexes": [{"IndexName": "by-owner",
                                "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"}]}],
}


def keys(request):
    return leading_keys(json.dumps(request).encode(), {"t": TABLE}.get)


def key(pk, sk="s"):
    return {"pk": {"S": pk}, "sk": {"S": sk}}


@pytest.mark.parametrize("request_body, expected", [
    ({"TableName": "t", "Key": key("a")}, ["a"]),  # GetItem, UpdateItem, DeleteItem
    ({"TableName": "t", "Item": {**key("a"), "x": {"N": "1"}}}, ["a"]),  # PutItem
    ({"TableName": "arn:aws:dynamodb:us-east-1:000000000000:table/t", "Key": key("a")}, ["a"]),
    ({"TableName": "t", "Key": {"pk": {"N": "42"}, "sk": {"S": "s"}}}, ["42"]),
    ({"TableName": "t", "KeyConditionExpression": "pk = :v", "ExpressionAttributeValues": {":v": {"S": "a"}}},
     ["a"]),
    ({"TableName": "t", "KeyConditionExpression": "#k = :v AND begins_with(sk, :p)",
      "ExpressionAttributeNames": {"#k": "pk"}, "ExpressionAttributeValues": {":v": {"S": "a"}, ":p": {"S": "x"}}},
     ["a"]),
    ({"TableName": "t", "KeyConditionExpression": "(:v = pk) and sk > :s",
      "ExpressionAttributeValues": {":v": {"S": "a"}, ":s": {"S": "x"}}}, ["a"]),
    ({"TableName": "t", "KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]}}},
     ["a"]),
    ({"TableName": "t", "IndexName": "by-owner", "KeyConditionExpression": "owner = :o",
      "ExpressionAttributeValues": {":o": {"S": "a"}}}, ["a"]),
    ({"RequestItems": {"t": {"Keys": [key("a"), key("b")]}}}, ["a", "b"]),  # BatchGetItem
    ({"RequestItems": {"t": [{"PutRequest": {"Item": key("a")}}, {"DeleteRequest": {"Key": key("b")}}]}},
     ["a", "b"]),  # BatchWriteItem
    ({"TransactItems": [{"Put": {"TableName": "t", "Item": key("a")}},
                        {"ConditionCheck": {"TableName": "t", "Key": key("b")}}]}, ["a", "b"]),
])
def test_leading_keys_are_the_partition_key_values(request_body, expected):
    assert keys(request_body) == expected


@pytest.mark.parametrize("request_body", [
    {"TableName": "unknown", "Key": key("a")},
    {"TableName": "t", "Key": {"sk": {"S": "s"}}},
    {"TableName": "t", "Item": {"pk": {"M": {}}, "sk": {"S": "s"}}},
    {"TableName": "t", "KeyConditionExpression": "sk = :v", "ExpressionAttributeValues": {":v": {"S": "a"}}},
    {"TableName": "t", "KeyConditionExpression": "pk = :v"},  # no value for :v
    {"TableName": "t", "KeyConditions": {"pk": {"ComparisonOperator": "BEGINS_WITH",
                                                "AttributeValueList": [{"S": "a"}]}}},
    {"RequestItems": {}},
    {"RequestItems": {"t": {"Keys": []}}},
])
def test_undeterminable_leading_keys_never_leave_the_key_absent(request_body):
    assert UNDETERMINED_KEY in keys(request_body)


@pytest.mark.parametrize("request_body", [{"TableName": "t"}, {"TableName": "t", "Limit": 5}, {}])
def test_scan_and_table_operations_name_no_leading_keys(request_body):
    assert keys(request_body) is None  # as on AWS: never grant Scan with a LeadingKeys condition


@dataclass
class _Statement:  # the fields of ministack's ParsedStatement that variables touch
    resources: list
    conditions: dict = field(default_factory=dict)
    not_resources: list = field(default_factory=list)


def _statement(resources, conditions=None):
    return _Statement(resources, conditions or {})


def _resolve(values):
    return lambda key, ctx: values.get(key.lower())


def test_policy_variables_are_substituted_in_resource_and_condition():
    bound = _bind_statement(
        _statement(["arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*"],
                   {"StringLike": {"s3:prefix": ["${cognito-identity.amazonaws.com:sub}/*", "${aws:userid}"]}}),
        None, _resolve({"cognito-identity.amazonaws.com:sub": "us-east-1:abc", "aws:userid": "AROA1:Cognito"}))
    assert bound.resources == ["arn:aws:s3:::b/us-east-1:abc/*"]
    assert bound.conditions == {"StringLike": {"s3:prefix": ["us-east-1:abc/*", "AROA1:Cognito"]}}


def test_policy_variable_default_value_is_used_when_the_key_is_absent():
    bound = _bind_statement(_statement(["arn:aws:s3:::b/${aws:username, 'nobody'}/*"]), None, _resolve({}))
    assert bound.resources == ["arn:aws:s3:::b/nobody/*"]


def test_an_unresolvable_policy_variable_drops_the_statement():
    kept, dropped = _statement(["arn:aws:s3:::b/*"]), _statement(["arn:aws:s3:::b/${aws:username}/*"])
    assert _bind_policies([[kept, dropped]], None, _resolve({})) == [[kept]]
