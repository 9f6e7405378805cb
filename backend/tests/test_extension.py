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

from extension import (UNDETERMINED_KEY, _bind_policies, _bind_statement, leading_keys,
                       wildcard_pattern)

TABLE = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    "GlobalSecondaryIndexes": [{"IndexName": "byOwner",
                                "KeySchema": [{"AttributeName": "owner", "KeyType": "HASH"},
                                              {"AttributeName": "sk", "KeyType": "RANGE"}]}],
}


def keys(operation, request):
    return leading_keys(json.dumps(request).encode(), {"t": TABLE}.get, operation)


def key(pk, sk="s"):
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def query(pk):
    return {"KeyConditionExpression": "pk = :v", "ExpressionAttributeValues": {":v": {"S": pk}}}


@pytest.mark.parametrize("operation, request_body, expected", [
    ("GetItem", {"TableName": "t", "Key": key("a")}, ["a"]),
    ("UpdateItem", {"TableName": "t", "Key": key("a")}, ["a"]),
    ("DeleteItem", {"TableName": "t", "Key": key("a")}, ["a"]),
    ("PutItem", {"TableName": "t", "Item": {**key("a"), "x": {"N": "1"}}}, ["a"]),
    ("GetItem", {"TableName": "arn:aws:dynamodb:us-east-1:000000000000:table/t", "Key": key("a")}, ["a"]),
    ("GetItem", {"TableName": "t", "Key": {"pk": {"N": "42"}, "sk": {"S": "s"}}}, ["42"]),
    ("Query", {"TableName": "t", **query("a")}, ["a"]),
    ("Query", {"TableName": "t", "KeyConditionExpression": "#k = :v AND begins_with(sk, :p)",
               "ExpressionAttributeNames": {"#k": "pk"},
               "ExpressionAttributeValues": {":v": {"S": "a"}, ":p": {"S": "x"}}}, ["a"]),
    ("Query", {"TableName": "t", "KeyConditionExpression": "(:v = pk) and sk > :s",
               "ExpressionAttributeValues": {":v": {"S": "a"}, ":s": {"S": "x"}}}, ["a"]),
    ("Query", {"TableName": "t", "KeyConditions": {"pk": {"ComparisonOperator": "EQ",
                                                          "AttributeValueList": [{"S": "a"}]}}}, ["a"]),
    # An index query's leading key is the index's partition key value, as on AWS.
    ("Query", {"TableName": "t", "IndexName": "byOwner", "KeyConditionExpression": "#o = :o",
               "ExpressionAttributeNames": {"#o": "owner"}, "ExpressionAttributeValues": {":o": {"S": "a"}}}, ["a"]),
    ("BatchGetItem", {"RequestItems": {"t": {"Keys": [key("a"), key("b")]}}}, ["a", "b"]),
    ("BatchWriteItem", {"RequestItems": {"t": [{"PutRequest": {"Item": key("a")}},
                                               {"DeleteRequest": {"Key": key("b")}}]}}, ["a", "b"]),
    ("TransactWriteItems", {"TransactItems": [{"Put": {"TableName": "t", "Item": key("a")}},
                                              {"ConditionCheck": {"TableName": "t", "Key": key("b")}}]}, ["a", "b"]),
    ("TransactGetItems", {"TransactItems": [{"Get": {"TableName": "t", "Key": key("a")}},
                                            {"Get": {"TableName": "t", "Key": key("b")}}]}, ["a", "b"]),
])
def test_leading_keys_are_the_partition_key_values(operation, request_body, expected):
    assert keys(operation, request_body) == expected


# The decoys of the security review (finding 3), and the other decoy fields on each single-item
# operation: alice ("a") adds fields naming her own key to a request for bob's ("b") partition.
# Only the operation's own key field may count, so the leading key stays bob's and IAM refuses.
DECOYS = {
    "Item": {"Item": key("a")},
    "Key": {"Key": key("a")},
    "TransactItems": {"TransactItems": [{"Get": {"TableName": "t", "Key": key("a")}},
                                        {"Put": {"TableName": "t", "Item": key("a")}}]},
    "RequestItems": {"RequestItems": {"t": {"Keys": [key("a")]}}},
    "KeyConditionExpression": query("a"),
    "KeyConditions": {"KeyConditions": {"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}]}}},
}
OWN_FIELD = {"GetItem": {"Key": key("b")}, "UpdateItem": {"Key": key("b")}, "DeleteItem": {"Key": key("b")},
             "PutItem": {"Item": key("b")}, "Query": query("b")}


@pytest.mark.parametrize("operation, decoy", [
    (operation, decoy) for operation in sorted(OWN_FIELD) for decoy in sorted(DECOYS)
    # A field the operation itself reads is not a decoy (a Query's KeyConditions: see below).
    if decoy not in OWN_FIELD[operation] and not (operation == "Query" and decoy == "KeyConditions")
])
def test_decoy_fields_never_change_the_leading_key(operation, decoy):
    assert keys(operation, {"TableName": "t", **DECOYS[decoy], **OWN_FIELD[operation]}) == ["b"]


def test_a_query_with_both_key_condition_forms_counts_both():
    assert keys("Query", {"TableName": "t", **DECOYS["KeyConditions"], **query("b")}) == ["b", "a"]


def test_a_transaction_entry_counts_only_its_own_field():
    entry = {"Put": {"TableName": "t", "Item": key("b"), "Key": key("a")}}
    assert keys("TransactWriteItems", {"TransactItems": [entry]}) == ["b"]


def test_an_out_of_scope_item_anywhere_in_a_batch_or_transaction_is_in_the_union():
    transaction = {"TransactItems": [{"Put": {"TableName": "t", "Item": key("a")}},
                                     {"Update": {"TableName": "t", "Key": key("b")}},
                                     {"Delete": {"TableName": "t", "Key": key("a")}}]}
    assert "b" in keys("TransactWriteItems", transaction)
    batch = {"RequestItems": {"t": [{"PutRequest": {"Item": key("a")}, "DeleteRequest": {"Key": key("b")}}]}}
    assert keys("BatchWriteItem", batch) == ["a", "b"]


@pytest.mark.parametrize("operation, request_body", [
    ("GetItem", {"TableName": "unknown", "Key": key("a")}),
    ("GetItem", {"TableName": "t", "Key": {"sk": {"S": "s"}}}),
    ("GetItem", {"TableName": "t", "Item": key("a")}),  # a GetItem's key is in Key, never Item
    ("PutItem", {"TableName": "t", "Key": key("a")}),  # a PutItem's item is in Item, never Key
    ("PutItem", {"TableName": "t", "Item": {"pk": {"M": {}}, "sk": {"S": "s"}}}),
    ("Query", {"TableName": "t", "KeyConditionExpression": "sk = :v",
               "ExpressionAttributeValues": {":v": {"S": "a"}}}),
    ("Query", {"TableName": "t", "KeyConditionExpression": "pk = :v"}),  # no value for :v
    ("Query", {"TableName": "t", "KeyConditions": {"pk": {"ComparisonOperator": "BEGINS_WITH",
                                                          "AttributeValueList": [{"S": "a"}]}}}),
    ("Query", {"TableName": "t", "TransactItems": [{"Get": {"TableName": "t", "Key": key("a")}}]}),
    ("BatchGetItem", {"RequestItems": {}}),
    ("BatchGetItem", {"RequestItems": {"t": {"Keys": []}}}),
    ("BatchWriteItem", {"RequestItems": {"t": {"Keys": [key("a")]}}}),  # a BatchGetItem shape
    (None, {"TableName": "t", "Key": key("a")}),  # the operation was not seen: refuse, never allow
])
def test_undeterminable_leading_keys_never_leave_the_key_absent(operation, request_body):
    assert UNDETERMINED_KEY in keys(operation, request_body)


@pytest.mark.parametrize("operation, request_body", [
    ("Scan", {"TableName": "t"}), ("Scan", {"TableName": "t", "Key": key("a")}),
    ("DescribeTable", {"TableName": "t"}), ("ListTables", {}),
])
def test_scan_and_table_operations_name_no_leading_keys(operation, request_body):
    assert keys(operation, request_body) is None  # as on AWS: never grant Scan with a LeadingKeys condition


@pytest.mark.parametrize("value, pattern, matches", [
    ("arn:aws:s3:::b/id/line1\nline2", "arn:aws:s3:::b/id/*", True),
    ("id/\r\t\x01", "id/*", True),
    ("id/\n", "id/?", True),
    ("id/x\n", "id/x", False),  # a whole match: a trailing newline is one more character
    ("other/x", "id/*", False),
    ("ID/x", "id/*", False),
])
def test_iam_wildcards_match_any_character_and_the_whole_value(value, pattern, matches):
    assert (wildcard_pattern(pattern, False).match(value) is not None) is matches


def test_action_wildcards_ignore_case():
    assert wildcard_pattern("s3:GetObject*", True).match("S3:getobjectversion")


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
