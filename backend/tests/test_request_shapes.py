"""apiless's DynamoDB batch and transaction request bodies against botocore's service model.

tests/vectors/dynamodb_batch/requests.json holds one body of each operation, exactly as the Rust
builders make them (src/data/dynamodb/batch_tests.rs checks that).  botocore's ParamValidator,
over the dynamodb service model the AWS SDK for Python ships, is an oracle independent of
apiless: a member of the wrong shape, an unknown member or a missing required one is refused.
The JSON 1.0 wire form is the model's own (member names as the API reference spells them;
binary as base64 text, which the validator takes as a blob).  No backend needed.
"""

import copy
import json
from pathlib import Path

import botocore.session
import pytest
from botocore.validate import ParamValidator

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors" / "dynamodb_batch" / "requests.json"
BODIES = json.loads(VECTORS.read_text())["bodies"]
MODEL = botocore.session.get_session().get_service_model("dynamodb")


def problems(operation, body):
    report = ParamValidator().validate(body, MODEL.operation_model(operation).input_shape)
    return report.generate_report() if report.has_errors() else ""


@pytest.mark.parametrize("operation", ["BatchWriteItem", "BatchGetItem", "TransactGetItems", "TransactWriteItems"])
def test_each_body_apiless_builds_is_valid_for_botocore(operation):
    assert problems(operation, BODIES[operation]) == ""


def test_every_transaction_action_kind_and_the_token_are_present():
    body = BODIES["TransactWriteItems"]
    assert [next(iter(action)) for action in body["TransactItems"]] == ["Put", "Update", "Delete", "ConditionCheck"]
    assert body["ClientRequestToken"]


def test_the_oracle_refuses_what_dynamodb_refuses():
    """The validator bites: a transaction Put with ReturnValues (DynamoDB allows only
    ReturnValuesOnConditionCheckFailure there), a BatchWriteItem entry with neither request, and
    a ConditionCheck without its condition are each refused."""
    returning = copy.deepcopy(BODIES["TransactWriteItems"])
    returning["TransactItems"][0]["Put"]["ReturnValues"] = "ALL_OLD"
    assert "ReturnValues" in problems("TransactWriteItems", returning)
    empty = copy.deepcopy(BODIES["BatchWriteItem"])
    next(iter(empty["RequestItems"].values())).append({"UpdateRequest": {}})
    assert "UpdateRequest" in problems("BatchWriteItem", empty)
    unconditioned = copy.deepcopy(BODIES["TransactWriteItems"])
    del unconditioned["TransactItems"][3]["ConditionCheck"]["ConditionExpression"]
    assert "ConditionExpression" in problems("TransactWriteItems", unconditioned)
