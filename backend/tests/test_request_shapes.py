"""apiless's DynamoDB batch and transaction request bodies, and its S3 multipart requests, against
botocore's service models.

tests/vectors/dynamodb_batch/requests.json holds one body of each operation, exactly as the Rust
builders make them (src/data/dynamodb/batch_tests.rs checks that).  botocore's ParamValidator,
over the dynamodb service model the AWS SDK for Python ships, is an oracle independent of
apiless: a member of the wrong shape, an unknown member or a missing required one is refused.
The JSON 1.0 wire form is the model's own (member names as the API reference spells them;
binary as base64 text, which the validator takes as a blob).  No backend needed.

tests/vectors/s3_multipart/requests.json holds one request of each multipart operation apiless
sends (src/data/s3/multipart_tests.rs checks the builders still make exactly these), with a
CRC64NVME checksum and metadata; botocore's rest-xml serializer makes the same operations from
their parameters, and each must match: method, path, query, the headers, the XML body.
"""

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import botocore.session
import pytest
from botocore import serialize
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


MULTIPART = json.loads((VECTORS.parents[1] / "s3_multipart" / "requests.json").read_text())["requests"]
S3 = botocore.session.get_session().get_service_model("s3")
KEY = "us-east-1:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9/videos/a b&c.mp4"
UPLOAD = {"Bucket": "apiless-demo", "Key": KEY, "UploadId": "VXBsb2Fk+/=.id"}
PARAMS = {
    "CreateMultipartUpload": {"Bucket": "apiless-demo", "Key": KEY, "ContentType": "video/mp4",
                              "Metadata": {"album": "cats & dogs"}, "ChecksumAlgorithm": "CRC64NVME",
                              "ChecksumType": "FULL_OBJECT"},
    "UploadPart": {**UPLOAD, "PartNumber": 7, "ChecksumCRC64NVME": "AAAAAAAAAAE="},
    "CompleteMultipartUpload": {**UPLOAD, "ChecksumCRC64NVME": "AAAAAAAAAAM=", "ChecksumType": "FULL_OBJECT",
                                "MultipartUpload": {"Parts": [
                                    {"PartNumber": 1, "ETag": '"e1"', "ChecksumCRC64NVME": "AAAAAAAAAAE="},
                                    {"PartNumber": 2, "ETag": '"e&2"', "ChecksumCRC64NVME": "AAAAAAAAAAI="}]}},
    "ListParts": {**UPLOAD, "PartNumberMarker": 1000},
    "AbortMultipartUpload": UPLOAD,
}


def botocores(operation):
    """The request botocore makes of PARAMS[operation]: method, path, query pairs, headers, body."""
    serializer = serialize.create_serializer(S3.metadata["protocol"], include_validation=True)
    r = serializer.serialize_to_request(PARAMS[operation], S3.operation_model(operation))
    path, _, query = r["url_path"].partition("?")
    pairs = sorted(parse_qsl(query, keep_blank_values=True) + [(k, str(v)) for k, v in r["query_string"].items()])
    headers = {k.lower(): v for k, v in r["headers"].items()}
    return r["method"], path, pairs, headers, r["body"] or b""


def apilesss(operation):
    r = MULTIPART[operation]
    url = urlsplit(r["url"])
    return (r["method"], url.path, sorted(parse_qsl(url.query, keep_blank_values=True)),
            {k.lower(): v for k, v in r["headers"]}, r["body"].encode())


def xml_of(body):
    """An XML body as nested (tag, text or children) with namespaces dropped: the same document
    whatever the element order within a part (S3 reads them by name)."""
    def node(e):
        tag = e.tag.split("}")[-1]
        children = sorted((node(c) for c in e), key=repr)
        return (tag, children if children else (e.text or ""))
    return node(ET.fromstring(body)) if body else None


@pytest.mark.parametrize("operation", list(PARAMS))
def test_each_multipart_request_is_the_one_botocore_makes(operation):
    method, path, query, headers, body = apilesss(operation)
    b_method, b_path, b_query, b_headers, b_body = botocores(operation)
    assert (method, path, query) == (b_method, b_path, b_query)
    # apiless names the XML body's type; botocore leaves it to the HTTP layer.
    extra = {k: v for k, v in headers.items() if k not in b_headers}
    assert extra in ({}, {"content-type": "application/xml"}), extra
    assert {k: headers.get(k) for k in b_headers} == b_headers
    assert xml_of(body) == xml_of(b_body)


def test_the_multipart_comparison_bites():
    """A checksum type left out of the completion, a part's checksum changed and a query name
    misspelt are each told apart from botocore's request."""
    _, _, _, headers, body = apilesss("CompleteMultipartUpload")
    b_headers, b_body = botocores("CompleteMultipartUpload")[3:]
    without_type = {k: v for k, v in headers.items() if k != "x-amz-checksum-type"}
    assert {k: without_type.get(k) for k in b_headers} != b_headers
    assert xml_of(body.replace(b"AAAAAAAAAAI=", b"AAAAAAAAAAQ=")) != xml_of(b_body)
    query = apilesss("ListParts")[2]
    misspelt = sorted(("part_number_marker" if k == "part-number-marker" else k, v) for k, v in query)
    assert misspelt != botocores("ListParts")[2]
