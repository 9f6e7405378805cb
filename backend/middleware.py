"""The ASGI layer apiless puts in front of ministack: browser CORS and the /_apiless endpoints.

CORS (gap (c) of the notes): under AUTH=true ministack answers a preflight with
`Access-Control-Allow-Headers: *`, which the Fetch standard does not let cover `Authorization`,
answers S3 preflights only from a bucket CORS configuration, and sends no CORS headers at all on
its authentication errors, so a browser sees "Failed to fetch" instead of AccessDeniedException.
Here every preflight is answered 200 with the requested headers echoed, and every response to a
request carrying an Origin gets Access-Control-Allow-Origin and exactly the Access-Control-Expose-Headers
AWS sends for that service, so a browser test sees what a browser on AWS sees: for the JSON services
(DynamoDB, Cognito user and identity pools) the list they answer with (JSON_EXPOSE_HEADERS), for S3
what the bucket's CORS rule names (ExposeHeaders), nothing when no rule allows the request.  See
backend/README.md for where those lists come from.

Endpoints (never under an AWS path: `_` cannot start a bucket name), all CORS-enabled:
  GET  /_apiless/config        the seeded configuration, as written to .apiless/local.json
  GET  /_apiless/calls         requests seen per operation since ready (or the last reset):
                               the X-Amz-Target when present, "execute-api:<METHOD>" for the
                               path-based API Gateway URLs, else "s3:<METHOD>"; "preflight"
                               for CORS preflights
  POST /_apiless/calls/reset   zero the counts
  GET  /_apiless/fixtures        test fixtures (fixtures.py)
  POST /_apiless/fixtures/user   a fresh test user (fixtures.py)
  POST /_apiless/fixtures/expire-mfa  a user's pending MFA sign-in steps expire now (fixtures.py)

Secrets log: with `secrets_log` (a path; APILESS_SECRETS_LOG for serve.py) every secret that
crosses this server is appended to that file, one `<field>\t<value>` line each: the tokens Cognito issues, the
secret keys and session tokens of the credentials it vends, and the passwords that reach it
(sign-up, new and changed passwords, fixture users). `tools/secrets-check.py` then proves that
none of them appears in what the tests printed or wrote to browser storage.
"""

import asyncio
import re
import threading

import json
from collections import Counter
from email.utils import formatdate

# What DynamoDB and Cognito (cognito-idp, and by assumption cognito-identity) expose to a browser:
# the request id, the error type and message, and Date.  Not x-amz-crc32 (backend/README.md).
JSON_EXPOSE_HEADERS = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"
ALLOW_METHODS = "GET, HEAD, PUT, POST, DELETE, PATCH, OPTIONS"
MAX_AGE_SECONDS = "7200"  # Chromium's cap
_CORS_RESPONSE_HEADERS = {
    b"access-control-allow-origin", b"access-control-expose-headers", b"access-control-allow-methods",
    b"access-control-allow-headers", b"access-control-max-age", b"access-control-allow-credentials",
}
_PREFIX = "/_apiless/"
# ministack's path-based execute-api URLs: /_aws/execute-api/{apiId}/{stage}/{path}.
EXECUTE_API_PREFIX = "/_aws/execute-api/"
# A virtual-hosted S3 request's bucket, from its Host (`<bucket>.s3.localhost:<port>`, as Amplify
# Storage reaches the backend: bench/stacks/amplify-storage.js).
_S3_VIRTUAL_HOST = re.compile(r"^([a-z0-9][a-z0-9.-]*)\.s3\.", re.IGNORECASE)


class ApilessMiddleware:
    """Wraps ministack's ASGI app.  `config()` returns the seeded config, or None while seeding."""

    def __init__(self, app, config, *, cors=True, fixtures=lambda: None, secrets_log=None,
                 s3_exposed=lambda bucket, method, origin: None):
        """`s3_exposed(bucket, method, origin)`: the headers the bucket's CORS rule for that request
        exposes (a comma-separated string, "" for none), or None when no rule allows it."""
        self._app = app
        self._s3_exposed = s3_exposed
        self._config = config
        self._fixtures = fixtures
        self._cors = cors
        self._calls = Counter()
        self._secrets = _SecretsLog(secrets_log) if secrets_log else None

    def reset_calls(self):
        self._calls = Counter()

    def _exposed(self, scope, headers, origin, ours):
        """The Access-Control-Expose-Headers value AWS answers this request with ("" for none)."""
        if ours or headers.get("x-amz-target") or scope["path"].startswith(EXECUTE_API_PREFIX):
            # An API Gateway API: what an app's CORS configuration would expose for aws.fetch.
            return JSON_EXPOSE_HEADERS
        virtual = _S3_VIRTUAL_HOST.match(headers.get("host", ""))
        bucket = virtual.group(1) if virtual else scope["path"].lstrip("/").split("/", 1)[0]  # S3, else by path
        return (self._s3_exposed(bucket, scope["method"], origin) or "") if bucket else ""

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self._app(scope, receive, send)
        headers = _request_headers(scope)
        origin = headers.get("origin")
        ours = scope["path"].startswith(_PREFIX)
        if self._cors and scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            if not ours:
                self._calls["preflight"] += 1
            return await _respond(send, 200, preflight_headers(origin, headers), b"")
        if self._cors and origin is not None:
            send = _with_cors_headers(send, origin, self._exposed(scope, headers, origin, ours))
        if ours:
            return await self._endpoint(scope["method"], scope["path"], receive, send)
        operation = _operation(scope["method"], scope["path"], headers)
        self._calls[operation] += 1
        if scope["path"].startswith(EXECUTE_API_PREFIX):
            refused = _execute_api_scope_refusal(headers, (self._config() or {}).get("region"))
            if refused:
                return await _respond(send, 403, {
                    "content-type": "application/json", "x-amzn-errortype": "InvalidSignatureException"},
                    json.dumps({"message": refused}).encode())
        if self._secrets is not None and operation.rsplit(".", 1)[-1] in _SECRET_OPERATIONS:
            receive, send = self._secrets.watch(receive, send)
        await self._app(scope, receive, send)

    async def _endpoint(self, method, path, receive, send):
        routes = {
            "/_apiless/config": ("GET", self._config_response),
            "/_apiless/calls": ("GET", lambda _: (200, dict(sorted(self._calls.items())))),
            "/_apiless/calls/reset": ("POST", self._reset_response),
            "/_apiless/fixtures": ("GET", self._fixtures_response),
            "/_apiless/fixtures/user": ("POST", self._fixture_user_response),
            "/_apiless/fixtures/expire-mfa": ("POST", self._expire_mfa_response),
        }
        if path not in routes:
            return await _respond_json(send, 404, {"message": f"no such apiless endpoint: {path}"})
        allowed, handler = routes[path]
        if method != allowed:
            return await _respond_json(send, 405, {"message": f"{path} answers {allowed} only"})
        body = await _read_body(receive) if method == "POST" else b""
        # Handlers may call the AWS APIs of this very server: run them off the event loop.
        status, answer = await asyncio.to_thread(handler, body)
        await _respond_json(send, status, answer)

    def _fixtures_response(self, _body):
        fixtures = self._fixtures()
        return (200, fixtures.public) if fixtures is not None else (503, {"message": "the backend is still seeding"})

    def _fixture_user_response(self, body):
        fixtures = self._fixtures()
        if fixtures is None:
            return 503, {"message": "the backend is still seeding"}
        try:
            request = json.loads(body or b"{}")
        except json.JSONDecodeError:
            return 400, {"message": "the body must be JSON"}
        status, answer = fixtures.user(pool=request.get("pool", "main"), temporary=bool(request.get("temporary")))
        if self._secrets is not None:
            self._secrets.add_from(answer)
        return status, answer

    def _expire_mfa_response(self, body):
        fixtures = self._fixtures()
        if fixtures is None:
            return 503, {"message": "the backend is still seeding"}
        try:
            return fixtures.expire_mfa(json.loads(body or b"{}").get("username"))
        except (json.JSONDecodeError, AttributeError):
            return 400, {"message": "the body must be a JSON object"}

    def _config_response(self, _body):
        config = self._config()
        return (200, config) if config is not None else (503, {"message": "the backend is still seeding"})

    def _reset_response(self, _body):
        self.reset_calls()
        return 200, {}


# Operations whose request or response carries a secret.
_SECRET_OPERATIONS = {
    "InitiateAuth", "RespondToAuthChallenge", "SignUp", "ConfirmForgotPassword", "ChangePassword",
    "AdminCreateUser", "AdminSetUserPassword", "GetCredentialsForIdentity", "AssociateSoftwareToken",
}
# JSON fields whose values are secrets, wherever they appear in such a body.
_SECRET_FIELDS = {
    "IdToken", "AccessToken", "RefreshToken", "SecretKey", "SessionToken", "Password",
    "ProposedPassword", "PreviousPassword", "NEW_PASSWORD", "TemporaryPassword", "SecretCode",
    "password",
}


class _SecretsLog:
    """Appends the secret values of watched requests and responses to a file."""

    def __init__(self, path):
        self._path = path
        self._lock = threading.Lock()

    def watch(self, receive, send):
        async def receive_watched():
            message = await receive()
            if message.get("type") == "http.request":
                request_chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    self.add_from_json(b"".join(request_chunks))
            return message

        async def send_watched(message):
            if message["type"] == "http.response.body":
                response_chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    self.add_from_json(b"".join(response_chunks))
            await send(message)

        request_chunks, response_chunks = [], []
        return receive_watched, send_watched

    def add_from_json(self, body):
        try:
            self.add_from(json.loads(body))
        except (ValueError, UnicodeDecodeError):
            pass

    def add_from(self, value):
        found = []
        _collect_secrets(value, found)
        if found:
            with self._lock, open(self._path, "a", encoding="utf-8") as log:
                log.writelines(f"{field}\t{secret}\n" for field, secret in found)


def _collect_secrets(value, found):
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _SECRET_FIELDS and isinstance(item, str) and item:
                found.append((key, item))
            else:
                _collect_secrets(item, found)
    elif isinstance(value, list):
        for item in value:
            _collect_secrets(item, found)


async def _read_body(receive):
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


def _request_headers(scope):
    return {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}


def _execute_api_scope_refusal(headers, region):
    """API Gateway's refusal of a signature scoped to another service or region, or None.

    ministack 1.5.33 verifies the signature with whatever scope the Authorization header names, so a
    request signed for `lambda` or another region would pass here and fail on AWS."""
    authorization = headers.get("authorization", "")
    if not authorization.startswith("AWS4-HMAC-SHA256 "):
        return None  # unsigned, or not SigV4: ministack's own answer
    credential = authorization.partition("Credential=")[2].partition(",")[0].strip()
    parts = credential.split("/")
    if len(parts) != 5:
        return None  # malformed: ministack's IncompleteSignature
    if parts[3] != "execute-api":
        return "Credential should be scoped to correct service: 'execute-api'. "
    if region and parts[2] != region:
        return "Credential should be scoped to a valid region. "
    return None


def _operation(method, path, headers):
    """The key a request is counted under."""
    if path.startswith(EXECUTE_API_PREFIX):
        return f"execute-api:{method}"
    return headers.get("x-amz-target") or f"s3:{method}"


def preflight_headers(origin, headers):
    response = {
        "access-control-allow-origin": origin or "*",
        "access-control-allow-methods": ALLOW_METHODS,
        "access-control-max-age": MAX_AGE_SECONDS,
        "vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        "content-length": "0",
    }
    requested = headers.get("access-control-request-headers")
    if requested:
        response["access-control-allow-headers"] = requested
    if headers.get("access-control-request-private-network") == "true":
        response["access-control-allow-private-network"] = "true"
    return response


def _with_cors_headers(send, origin, exposed):
    """`send`, with the response's CORS headers replaced by ours for this Origin."""
    async def send_with_cors(message):
        if message["type"] == "http.response.start":
            kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _CORS_RESPONSE_HEADERS]
            vary = [v for k, v in kept if k.lower() == b"vary"]
            kept = [(k, v) for k, v in kept if k.lower() != b"vary"]
            kept += [(b"access-control-allow-origin", origin.encode("latin-1")),
                     (b"vary", b", ".join(vary + [b"Origin"]))]
            if exposed:
                kept.append((b"access-control-expose-headers", exposed.encode("latin-1")))
            message = {**message, "headers": kept}
        await send(message)
    return send_with_cors


async def _respond_json(send, status, body):
    payload = json.dumps(body, indent=2).encode() + b"\n"
    headers = {"content-type": "application/json", "cache-control": "no-store", "content-length": str(len(payload))}
    await _respond(send, status, headers, payload)


async def _respond(send, status, headers, body):
    headers = {**headers, "date": formatdate(usegmt=True)}
    await send({"type": "http.response.start", "status": status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]})
    await send({"type": "http.response.body", "body": body, "more_body": False})
