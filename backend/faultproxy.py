"""A fault-injecting HTTP proxy between the browser tests and the local backend (tests only).

    python backend/faultproxy.py UPSTREAM PORT        e.g. http://127.0.0.1:4567 4568

Prints one line when ready: "apiless fault proxy ready: http://127.0.0.1:PORT -> UPSTREAM".
Standard library only. Stops on SIGINT or SIGTERM.

Every request is forwarded to UPSTREAM unchanged, its Host header included (SigV4 signs the host
the client saw, so the backend must see the same one), unless a plan matches it; then the plan's
next fault is injected instead. The backend stays the real thing: a fault either replaces its
answer, spoils it on the way back, or delays it. Every answer carries `Connection: close`, so the
browser never reuses a connection: Chromium silently resends a request that fails on a reused
connection, which would make the proxy's counts differ from the SDK's attempts.

Faults (names in a plan):
  500, 503     an AWS error answered by the proxy, never forwarded: InternalServerError /
               ServiceUnavailable (JSON for X-Amz-Target calls, S3's XML otherwise)
  throttle     ThrottlingException, HTTP 400 (S3: SlowDown, HTTP 503); never forwarded
  throughput   ProvisionedThroughputExceededException, HTTP 400 (S3: SlowDown); never forwarded
  drop         the connection is closed without an answer; never forwarded
  lost         forwarded (the backend applies it), then the connection is closed without an answer
  truncate     forwarded; the answer's head and half its body are sent, with the full
               Content-Length, then the connection is closed
  delay:MS     forwarded after MS milliseconds; not forwarded if the client went away meanwhile.
               "delay:MS+F" waits so, then injects F (e.g. "delay:400+503")
  skew:S       forwarded; the answer's Date header is moved by S seconds (may be negative)
  hide-date    forwarded; `Date` is taken out of the answer's Access-Control-Expose-Headers, so a
               page cannot read it (AWS's JSON services expose it, S3 when the bucket rule says so).
               Use it as a plan's `then` with match "*" to hide Date from every answer
  tamper       forwarded with one byte changed after signing, so the backend answers a signature
               mismatch with its full text: a JSON-protocol call (X-Amz-Target) has the case of
               the last letter of its body flipped; any other request (S3, whose body hash is a
               header of its own) the last digit of its X-Amz-Date, moved by one second
  stall:MS     the request head and half its body go to the backend; then, after MS ms, the rest,
               or, if the client went away first, the backend connection is cut mid-body
  pass         forwarded untouched

Requests under /_apiless/ (the backend's test endpoints) are forwarded untouched and not logged.

Control endpoints (CORS-enabled like the backend's, never faulted):
  POST /_fault/plan   {"match": "DynamoDB_20120810.PutItem", "contains": "run-1f2e",
                       "faults": ["503", "drop"], "then": "pass"}  ->  {"id": 1}
                      `match` is the X-Amz-Target, or "s3:<METHOD>" without one, or "*";
                      `contains` (optional) must occur in the path or the body; each matching
                      request takes the next fault; when they are spent, `then` applies to every
                      later match ("pass", the default, retires the plan). Plans are tried in the
                      order they were posted.
  POST /_fault/pace   {"match": "s3:PUT", "bytesPerSecond": 2000000}: the bodies of matching
                      requests are read from the client at that rate (an upload over a slow link,
                      whose progress a page can watch); until the next reset
  POST /_fault/reset  {"case": "name"} (optional body): forget the plans, paces and the log; a named
                      reset counts one test case
  GET  /_fault/log    {"events": [...]}: per request since the reset, in arrival order: seq, t (ms
                      since the epoch, on arrival), op, fault ("pass" when none), plan, status
                      (sent to the client, null for none), forwarded, clientGone, akid (the
                      signing access key id, if signed), path
  GET  /_fault/stats  counts since start: requests, injected (per fault), cases, caseNames
"""

import asyncio
import email.utils
import http
import json
import re
import signal
import sys
import time
from collections import Counter
from urllib.parse import urlsplit

from middleware import JSON_EXPOSE_HEADERS, preflight_headers  # CORS as the backend answers it
from seed import BUCKET_EXPOSE_HEADERS

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer",
              "upgrade", "content-length"}
MAX_HEAD = 64 * 1024
# The request headers a preflight answer depends on.
PREFLIGHT_HEADERS = ("access-control-request-headers", "access-control-request-private-network")
FAULTS = {"500", "503", "throttle", "throughput", "drop", "lost", "truncate", "delay", "skew", "stall",
          "hide-date", "tamper", "pass"}
# (HTTP status, JSON exception name, S3 status, S3 code)
SYNTHETIC = {
    "500": (500, "InternalServerError", 500, "InternalError"),
    "503": (503, "ServiceUnavailable", 503, "ServiceUnavailable"),
    "throttle": (400, "ThrottlingException", 503, "SlowDown"),
    "throughput": (400, "ProvisionedThroughputExceededException", 503, "SlowDown"),
}
_AKID = re.compile(r"Credential=([A-Z0-9]+)/|X-Amz-Credential=([A-Z0-9]+)(?:%2F|/)")


class PlanError(ValueError):
    pass


def parse_fault(name):
    """'delay:300+503' -> (300.0, '503', None); 'skew:-60' -> (0.0, 'skew', -60.0). Raises
    PlanError for an unknown or malformed fault."""
    if not isinstance(name, str):
        raise PlanError(f"a fault is a string, got {name!r}")
    first, plus, rest = name.partition("+")
    if plus:
        wait, kind, arg = parse_fault(first)
        if kind != "delay" or wait:
            raise PlanError(f"{name!r}: only one delay:MS may come first, joined by '+'")
        _, kind, then_arg = parse_fault(rest)
        if kind == "delay":
            raise PlanError(f"{name!r}: one delay is enough")
        return arg, kind, then_arg
    kind, _, arg = name.partition(":")
    if kind not in FAULTS:
        raise PlanError(f"unknown fault {name!r}; known: {sorted(FAULTS)}")
    if kind in ("delay", "skew", "stall"):
        try:
            value = float(arg)
        except ValueError:
            raise PlanError(f"{kind} needs a number: {kind}:N, got {name!r}") from None
        if kind != "skew" and value < 0:
            raise PlanError(f"{name!r}: a negative wait")
        return 0.0, kind, value
    if arg:
        raise PlanError(f"{kind} takes no argument, got {name!r}")
    return 0.0, kind, None


class Plan:
    def __init__(self, plan_id, spec):
        if not isinstance(spec, dict) or not isinstance(spec.get("match"), str):
            raise PlanError('a plan is an object with "match" (an X-Amz-Target, "s3:<METHOD>" or "*")')
        self.id = plan_id
        self.match = spec["match"]
        self.contains = spec.get("contains")
        if self.contains is not None and not isinstance(self.contains, str):
            raise PlanError('"contains" must be a string')
        faults = spec.get("faults", [])
        if not isinstance(faults, list):
            raise PlanError('"faults" must be a list')
        for f in faults:
            parse_fault(f)
        self.faults = list(faults)
        self.then = spec.get("then", "pass")
        parse_fault(self.then)

    def matches(self, op, path, body):
        if self.match not in ("*", op):
            return False
        return self.contains is None or self.contains in path or self.contains.encode() in body

    def next_fault(self):
        """The fault for the next matching request, and whether the plan is spent (its faults
        used up and `then` passing: later plans and plain forwarding take over at once)."""
        fault = self.faults.pop(0) if self.faults else self.then
        return fault, not self.faults and self.then == "pass"


class Request:
    def __init__(self, method, target, version, headers, body):
        self.method, self.target, self.version = method, target, version
        self.headers = headers  # [(name, value)] as received
        self.body = body

    def header(self, name):
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)

    @property
    def op(self):
        return self.header("x-amz-target") or f"s3:{self.method}"

    @property
    def path(self):
        return urlsplit(self.target).path

    def akid(self):
        for source in (self.header("authorization") or "", self.target):
            m = _AKID.search(source)
            if m:
                return m.group(1) or m.group(2)
        return None


class Proxy:
    def __init__(self, upstream):
        url = urlsplit(upstream)
        if url.scheme != "http" or not url.hostname:
            raise ValueError(f"the upstream must be an http:// URL, got {upstream!r}")
        self.upstream = (url.hostname, url.port or 80)
        self.plans = []
        self.paces = {}
        self.log = []
        self.next_plan = 1
        self.seq = 0
        self.requests = 0
        self.injected = Counter()
        self.cases = []

    # ---- plans -------------------------------------------------------------------------------

    def add_plan(self, spec):
        plan = Plan(self.next_plan, spec)
        self.next_plan += 1
        self.plans.append(plan)
        return plan.id

    def reset(self, case=None):
        self.plans = []
        self.paces = {}
        self.log = []
        if case:
            self.cases.append(str(case))

    def choose(self, request):
        for plan in self.plans:
            if plan.matches(request.op, request.target, request.body):
                fault, spent = plan.next_fault()
                if spent:
                    self.plans.remove(plan)
                return fault, plan.id
        return "pass", None

    def stats(self):
        return {"requests": self.requests, "injected": dict(sorted(self.injected.items())),
                "injectedTotal": sum(self.injected.values()), "cases": len(self.cases),
                "caseNames": self.cases}

    # ---- connections -------------------------------------------------------------------------

    async def handle(self, reader, writer):
        try:
            request = await read_request(reader, lambda op: self.paces.get(op, self.paces.get("*")))
            if request is None:
                return
            origin = request.header("origin")
            if request.method == "OPTIONS" and request.header("access-control-request-method"):
                preflight = {name: request.header(name) for name in PREFLIGHT_HEADERS if request.header(name)}
                await send(writer, 200, preflight_headers(origin, preflight), b"")
            elif request.path.startswith("/_apiless/"):
                # The backend's own test endpoints: forwarded, never faulted, not logged.
                await send(writer, *(await self.forward(request)))
            elif request.path.startswith("/_fault/"):
                status, answer = self.control(request)
                payload = json.dumps(answer).encode() + b"\n"
                await send(writer, status, cors({"content-type": "application/json",
                                                 "cache-control": "no-store"}, origin), payload)
            else:
                await self.proxy(request, reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()
            try:
                await writer.wait_closed()
            except ConnectionError:
                pass

    def control(self, request):
        routes = {("POST", "/_fault/plan"), ("POST", "/_fault/pace"), ("POST", "/_fault/reset"), ("GET", "/_fault/log"),
                  ("GET", "/_fault/stats")}
        if (request.method, request.path) not in routes:
            return 404, {"message": f"no such fault proxy endpoint: {request.method} {request.path}"}
        try:
            body = json.loads(request.body or b"{}")
        except json.JSONDecodeError:
            return 400, {"message": "the body must be JSON"}
        if request.path == "/_fault/plan":
            try:
                return 200, {"id": self.add_plan(body)}
            except PlanError as error:
                return 400, {"message": str(error)}
        if request.path == "/_fault/pace":
            rate = body.get("bytesPerSecond") if isinstance(body, dict) else None
            if not isinstance(body.get("match") if isinstance(body, dict) else None, str) or \
                    isinstance(rate, bool) or not isinstance(rate, (int, float)) or rate <= 0:
                return 400, {"message": 'a pace is {"match": "<op>" or "*", "bytesPerSecond": N > 0}'}
            self.paces[body["match"]] = float(rate)
            return 200, {}
        if request.path == "/_fault/reset":
            self.reset(body.get("case") if isinstance(body, dict) else None)
            return 200, {}
        if request.path == "/_fault/log":
            return 200, {"events": self.log}
        return 200, self.stats()

    async def proxy(self, request, reader, writer):
        self.seq += 1
        self.requests += 1
        fault, plan_id = self.choose(request)
        wait_ms, kind, arg = parse_fault(fault)
        event = {"seq": self.seq, "t": time.time() * 1000.0, "op": request.op, "fault": fault,
                 "plan": plan_id, "status": None, "forwarded": False, "clientGone": False,
                 "akid": request.akid(), "path": request.path}
        self.log.append(event)
        if kind == "delay":
            wait_ms, kind = arg, "pass"
        if wait_ms:
            self.injected["delay"] += 1
        if kind != "pass":
            self.injected[kind] += 1
        origin = request.header("origin")
        if wait_ms and await client_gone(reader, wait_ms / 1000.0):
            event["clientGone"] = True
            return

        if kind in SYNTHETIC:
            status, body, headers = synthetic(kind, request, self.seq)
            event["status"] = status
            await send(writer, status, cors(headers, origin, request), body)
            return
        if kind == "drop":
            return
        if kind == "tamper":
            request = tampered(request)
        if kind == "stall":
            response = await self.forward_stalled(request, reader, arg / 1000.0, event)
            if response is None:
                return
        else:
            response = await self.forward(request)
        event["forwarded"] = True
        status, headers, body = response
        if kind == "lost":
            return
        if kind == "skew":
            headers = [(k, shift_date(v, arg) if k.lower() == "date" else v) for k, v in headers]
        if kind == "hide-date":
            headers = [(k, without_date(v) if k.lower() == "access-control-expose-headers" else v)
                       for k, v in headers]
        event["status"] = status
        if kind == "truncate":
            # An empty body is cut too: one byte is promised and never sent.
            await send(writer, status, headers, body[: len(body) // 2], content_length=max(len(body), 1))
            return
        await send(writer, status, headers, body)

    async def forward(self, request):
        up_reader, up_writer = await asyncio.open_connection(*self.upstream, limit=MAX_HEAD)
        try:
            up_writer.write(request_head(request) + request.body)
            await up_writer.drain()
            return await read_response(up_reader, request.method)
        finally:
            up_writer.close()

    async def forward_stalled(self, request, reader, seconds, event):
        """The head and half the body now, the rest after `seconds` unless the client goes."""
        up_reader, up_writer = await asyncio.open_connection(*self.upstream, limit=MAX_HEAD)
        try:
            half = len(request.body) // 2
            up_writer.write(request_head(request) + request.body[:half])
            await up_writer.drain()
            if await client_gone(reader, seconds):
                event["clientGone"] = True
                up_writer.transport.abort()  # the backend sees the body cut short
                return None
            up_writer.write(request.body[half:])
            await up_writer.drain()
            return await read_response(up_reader, request.method)
        finally:
            up_writer.close()


# ---- HTTP/1.1 on asyncio streams ----------------------------------------------------------------

async def read_request(reader, pace=lambda op: None):
    """The next request; its body read at `pace(op)` bytes per second when that is not None."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, version = lines[0].split(" ", 2)
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if ":" in line]
    request = Request(method, target, version, headers, b"")
    if request.header("transfer-encoding"):
        raise ConnectionError("chunked request bodies are not supported")
    length = int(request.header("content-length") or 0)
    rate = pace(request.op)
    if rate is None or not length:
        request.body = await reader.readexactly(length) if length else b""
        return request
    chunks, got = [], 0
    start = time.monotonic()
    while got < length:
        chunk = await reader.readexactly(min(16384, length - got))
        chunks.append(chunk)
        got += len(chunk)
        ahead = got / rate - (time.monotonic() - start)
        if ahead > 0:
            await asyncio.sleep(ahead)
    request.body = b"".join(chunks)
    return request


def request_head(request):
    lines = [f"{request.method} {request.target} HTTP/1.1"]
    lines += [f"{k}: {v}" for k, v in request.headers if k.lower() not in HOP_BY_HOP]
    lines += [f"content-length: {len(request.body)}", "connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def read_response(reader, method):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if ":" in line]

    def find(name):
        return next((v for k, v in headers if k.lower() == name), None)

    if method == "HEAD" or status in (204, 304) or status < 200:
        body = b""
    elif (find("transfer-encoding") or "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await _skip_trailers(reader)
                break
            body += await reader.readexactly(size)
            await reader.readexactly(2)
    elif find("content-length") is not None:
        body = await reader.readexactly(int(find("content-length")))
    else:
        body = await reader.read()
    kept = [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP]
    if method == "HEAD" and find("content-length") is not None:
        kept.append(("content-length", find("content-length")))
    return status, kept, body


async def _skip_trailers(reader):
    while (await reader.readuntil(b"\r\n")) != b"\r\n":
        pass


async def send(writer, status, headers, body, *, content_length=None):
    """Writes a whole answer and closes; `content_length` overrides the real one (truncation)."""
    headers = dict_items(headers)
    has_length = any(k.lower() == "content-length" for k, _ in headers)
    if not has_length:
        headers.append(("content-length", str(len(body) if content_length is None else content_length)))
    elif content_length is not None:
        headers = [(k, str(content_length) if k.lower() == "content-length" else v) for k, v in headers]
    if not any(k.lower() == "date" for k, _ in headers):
        headers.append(("date", email.utils.formatdate(usegmt=True)))
    headers.append(("connection", "close"))
    try:
        reason = http.HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    writer.write(head.encode("latin-1") + body)
    await writer.drain()


def dict_items(headers):
    return list(headers.items()) if isinstance(headers, dict) else list(headers)


async def client_gone(reader, seconds):
    """Waits up to `seconds`; True as soon as the client closes its side (an aborted fetch)."""
    try:
        data = await asyncio.wait_for(reader.read(1), timeout=seconds)
    except asyncio.TimeoutError:
        return False
    except ConnectionError:
        return True
    return data == b""


def without_date(exposed):
    """An Access-Control-Expose-Headers value without `Date`."""
    return ",".join(name for name in exposed.split(",") if name.strip() and name.strip().lower() != "date")


def tampered(request):
    """The request with one byte changed, as if altered after it was signed (see `tamper`)."""
    letters = [i for i, byte in enumerate(request.body) if chr(byte).isascii() and chr(byte).isalpha()]
    if request.header("x-amz-target") and letters:
        body = bytearray(request.body)
        body[letters[-1]] ^= 0x20  # ASCII case flip
        return Request(request.method, request.target, request.version, request.headers, bytes(body))
    headers = [(k, bump_amz_date(v) if k.lower() == "x-amz-date" else v) for k, v in request.headers]
    return Request(request.method, request.target, request.version, headers, request.body)


def bump_amz_date(value):
    """20261206T101509Z -> 20261206T101500Z: the last seconds digit moved by one, the day kept."""
    if len(value) != 16 or not value[14].isdigit():
        return value
    return value[:14] + str((int(value[14]) + 1) % 10) + value[15:]


def shift_date(value, seconds):
    parsed = email.utils.parsedate_to_datetime(value)
    return email.utils.formatdate(parsed.timestamp() + seconds, usegmt=True)


def synthetic(kind, request, seq):
    status, name, s3_status, s3_code = SYNTHETIC[kind]
    request_id = f"fault-{seq}"
    message = f"injected by the apiless fault proxy ({kind})"
    if request.header("x-amz-target"):
        body = json.dumps({"__type": f"com.amazonaws.fault#{name}", "message": message}).encode()
        content_type = request.header("content-type") or "application/x-amz-json-1.0"
        return status, body, {"content-type": content_type, "x-amzn-requestid": request_id,
                              "x-amzn-errortype": name}
    body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{s3_code}</Code>'
            f"<Message>{message}</Message><RequestId>{request_id}</RequestId></Error>").encode()
    return s3_status, body, {"content-type": "application/xml", "x-amz-request-id": request_id}


def cors(headers, origin, request=None):
    """CORS headers as the backend answers: AWS's JSON-service list for an X-Amz-Target call (and
    the proxy's own endpoints), else what the seeded bucket's rule exposes."""
    headers = dict(headers)
    if origin is not None:
        s3 = request is not None and not request.header("x-amz-target")
        headers["access-control-allow-origin"] = origin
        headers["access-control-expose-headers"] = ",".join(BUCKET_EXPOSE_HEADERS) if s3 else JSON_EXPOSE_HEADERS
        headers["vary"] = "Origin"
    return headers


async def serve(upstream, port, ready=None):
    proxy = Proxy(upstream)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", port, limit=MAX_HEAD)
    bound = server.sockets[0].getsockname()[1]
    if ready is not None:
        ready(proxy, bound)
    async with server:
        await server.serve_forever()


def main(argv):
    if len(argv) != 3 or not argv[2].isdigit():
        print("usage: faultproxy.py UPSTREAM_URL PORT", file=sys.stderr)
        return 2
    upstream, port = argv[1].rstrip("/"), int(argv[2])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

    def ready(_proxy, bound):
        print(f"apiless fault proxy ready: http://127.0.0.1:{bound} -> {upstream}", flush=True)

    try:
        asyncio.run(serve(upstream, port, ready))
    except KeyboardInterrupt:
        pass
    except OSError as error:
        print(f"apiless fault proxy: {error}", file=sys.stderr, flush=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
