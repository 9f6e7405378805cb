"""The seeded resources equal infra/apiless.yaml's (no backend needed): tests run against the policy
that ships.  The running-backend tests (test_backend.py) check what was actually created, the identity pool's
flags included."""

import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import seed

TEMPLATE = Path(__file__).resolve().parents[2] / "infra" / "apiless.yaml"
POOL_ID = "us-east-1:00000000-0000-0000-0000-000000000000"
TABLE_ARN = f"arn:aws:dynamodb:us-east-1:{seed.ACCOUNT}:table/{seed.NAME}"
BUCKET_ARN = f"arn:aws:s3:::{seed.NAME}"


class _Loader(yaml.SafeLoader):
    """Reads CloudFormation's short forms (!Ref, !Sub, !GetAtt, ...) as their long forms."""


def _intrinsic(loader, suffix, node):
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        return {name: value.split(".", 1) if suffix == "GetAtt" else value}
    return {name: loader.construct_sequence(node, deep=True)}


_Loader.add_multi_constructor("!", _intrinsic)

# What the template's references stand for in the seeded account.
_VALUES = {"IdentityPool": POOL_ID, "Table.Arn": TABLE_ARN, "Bucket.Arn": BUCKET_ARN, "Name": seed.NAME}


def resolve(value):
    """The template value with !Ref, !GetAtt and !Sub resolved (${!x} is a literal ${x})."""
    if isinstance(value, dict) and len(value) == 1:
        (name, arg), = value.items()
        if name == "Ref":
            return _VALUES[arg]
        if name == "Fn::GetAtt":
            return _VALUES[".".join(arg)]
        if name == "Fn::Sub":
            text = arg
            for key, found in _VALUES.items():
                text = text.replace("${" + key + "}", found)
            return text.replace("${!", "${")
    if isinstance(value, dict):
        return {k: resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v) for v in value]
    return value


def template():
    return yaml.load(TEMPLATE.read_text(), Loader=_Loader)["Resources"]


@pytest.mark.parametrize("resource, amr", [("AuthenticatedRole", "authenticated"),
                                           ("UnauthenticatedRole", "unauthenticated")])
def test_the_seeded_roles_are_the_templates_roles(resource, amr):
    role = template()[resource]["Properties"]
    [own_data] = role["Policies"]
    trust, policy = seed.role_documents(POOL_ID, TABLE_ARN, amr)
    assert trust == resolve(role["AssumeRolePolicyDocument"])
    assert policy == resolve(own_data["PolicyDocument"])
    assert own_data["PolicyName"] == "own-data"


def test_a_guest_is_scoped_as_a_user_is():
    """The two roles differ only in the `amr` their trust policy accepts."""
    (user_trust, user_policy), (guest_trust, guest_policy) = (
        seed.role_documents(POOL_ID, TABLE_ARN, amr) for amr in seed.AMRS)
    assert guest_policy == user_policy
    assert guest_trust["Statement"][0]["Condition"]["ForAnyValue:StringLike"] == {
        "cognito-identity.amazonaws.com:amr": "unauthenticated"}
    guest_trust["Statement"][0]["Condition"]["ForAnyValue:StringLike"]["cognito-identity.amazonaws.com:amr"] = (
        "authenticated")
    assert guest_trust == user_trust


def test_the_template_lets_guests_in_with_their_role():
    resources = template()
    assert resources["IdentityPool"]["Properties"]["AllowUnauthenticatedIdentities"] == {
        "Fn::If": ["GuestsAllowed", True, False]}
    assert resources["RoleAttachment"]["Properties"]["Roles"]["unauthenticated"]["Fn::If"][1] == {
        "Fn::GetAtt": ["UnauthenticatedRole", "Arn"]}


def test_the_seeded_indexes_are_the_templates():
    table = template()["Table"]["Properties"]
    found = {index["IndexName"]: {"partitionKey": index["KeySchema"][0]["AttributeName"],
                                  "sortKey": index["KeySchema"][1]["AttributeName"],
                                  "projection": index["Projection"]["ProjectionType"]}
             for index in table["GlobalSecondaryIndexes"]}
    assert found == {name: {**index, "projection": "ALL"} for name, index in seed.INDEXES.items()}
    assert [k["KeyType"] for i in table["GlobalSecondaryIndexes"] for k in i["KeySchema"]] == ["HASH", "RANGE"]


def test_the_seeded_bucket_exposes_the_templates_headers_and_only_named_metadata():
    [rule] = template()["Bucket"]["Properties"]["CorsConfiguration"]["CorsRules"]
    templates = rule["ExposedHeaders"]
    assert seed.BUCKET_EXPOSE_HEADERS[:len(templates)] == templates
    assert all(h.startswith("x-amz-meta-") for h in seed.BUCKET_EXPOSE_HEADERS[len(templates):])
