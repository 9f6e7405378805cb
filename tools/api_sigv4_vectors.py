"""Writes tests/vectors/sigv4_api/cases.json: SigV4 signatures of requests to the app's own APIs
(API Gateway, Lambda function URLs, AppSync), computed by botocore's SigV4Auth, an independent
signer, for tests/sigv4_suite.rs to compare with apiless's.

    .apiless/venv/bin/python tools/api_sigv4_vectors.py

Each case: the request as the browser sends it (method, URL, headers with lower-case names, body
as hex), the time, the credentials, the service and region botocore signed for, whether the test
must give them (`given`: a host that names no service) and botocore's Authorization header.
"""

import datetime
import json
from pathlib import Path
from unittest import mock

import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

OUT = Path(__file__).resolve().parents[1] / "tests" / "vectors" / "sigv4_api" / "cases.json"
TIME = datetime.datetime(2026, 12, 7, 3, 4, 5)
CREDENTIALS = ("ASIAQEXAMPLEKEY12345", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
               "IQoJb3JpZ2luX2VjEXAMPLE/session+token==")

CASES = [
    ("execute-api GET with a query and encoded path", "GET",
     "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod/items/caf%C3%A9/a%20b?b=2&a=1&a=0&c=x%2By",
     [("accept", "application/json")], b"", "execute-api", "eu-west-1", False),
    ("execute-api POST of JSON with an app header", "POST",
     "https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/orders",
     [("content-type", "application/json"), ("x-app-trace", "case 2")],
     b'{"item":"book","n":2}', "execute-api", "us-east-1", False),
    ("execute-api in a China region", "DELETE",
     "https://abc123.execute-api.cn-north-1.amazonaws.com.cn/v1/orders/42", [], b"",
     "execute-api", "cn-north-1", False),
    ("lambda function URL POST of bytes", "POST",
     "https://xyz123abcdefghijklmnopqrstuvwx.lambda-url.us-east-2.on.aws/upload",
     [("content-type", "application/octet-stream")], bytes(range(256)), "lambda", "us-east-2", False),
    ("lambda function URL GET with dot segments", "GET",
     "https://xyz123abcdefghijklmnopqrstuvwx.lambda-url.ap-south-1.on.aws/a/./b/../c/", [], b"",
     "lambda", "ap-south-1", False),
    ("appsync GraphQL query", "POST",
     "https://abcdefghijklmnopqrstuvwxyz.appsync-api.ap-southeast-2.amazonaws.com/graphql",
     [("content-type", "application/json")],
     b'{"query":"query { listTodos { items { id name } } }","variables":{}}', "appsync", "ap-southeast-2", False),
    ("custom domain, service and region given, a form body", "PUT",
     "https://api.example.com/v2/profile?lang=en",
     [("content-type", "application/x-www-form-urlencoded;charset=UTF-8"), ("x-note", "two  spaces  inside")],
     b"name=Ada+Lovelace&city=London", "execute-api", "eu-central-1", True),
    ("custom domain for AppSync", "POST", "https://graphql.example.com/graphql",
     [("content-type", "application/json")], b'{"query":"{ me { id } }"}', "appsync", "us-west-2", True),
]


def sign(method, url, headers, body, service, region):
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
    with mock.patch.object(botocore.auth, "get_current_datetime", lambda: TIME):
        SigV4Auth(Credentials(*CREDENTIALS), service, region).add_auth(request)
    return request.headers["Authorization"]


def main():
    cases = []
    for name, method, url, headers, body, service, region, given in CASES:
        cases.append({
            "name": name, "method": method, "url": url, "headers": headers, "bodyHex": body.hex(),
            "service": service, "region": region, "given": given,
            "authorization": sign(method, url, headers, body, service, region),
        })
    document = {
        "about": "SigV4 signatures by botocore's SigV4Auth (tools/api_sigv4_vectors.py); do not edit by hand",
        "time": TIME.strftime("%Y%m%dT%H%M%SZ"),
        "credentials": dict(zip(("accessKeyId", "secretAccessKey", "sessionToken"), CREDENTIALS, strict=True)),
        "cases": cases,
    }
    OUT.write_text(json.dumps(document, indent=2) + "\n")
    print(f"{len(cases)} cases written to {OUT}")


if __name__ == "__main__":
    main()
