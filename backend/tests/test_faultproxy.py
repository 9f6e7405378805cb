"""Self-test of the fault proxy (backend/faultproxy.py): every fault does what its name says.

No backend needed: the proxy runs in a thread in front of a small recording HTTP server.
"""

import asyncio
import email.utils
import http.client
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import faultproxy

ORIGIN = "http://localhost:8123"
TARGET = "DynamoDB_20120810.PutItem"


class Upstream(ThreadingHTTPServer):
    """Records what reaches it; answers 200 with a JSON echo (and a fixed Date)."""
    daemon_threads = True

    def __init__(self):
        self.seen = []
        self.cut = []  # requests whose body ended early
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *_):
        pass

    def _answer(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length)
        if len(body) < length:
            self.server.cut.append((self.path, len(body), length))
            return
        self.server.seen.append({"method": self.command, "path": self.path, "host": self.headers["host"],
                                 "body": body.decode(), "x-amz-date": self.headers.get("x-amz-date")})
        payload = json.dumps({"echo": body.decode(), "padding": "x" * 100}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.send_header("x-amzn-requestid", "upstream-1")
        self.send_header("access-control-expose-headers", "x-amzn-RequestId,x-amzn-ErrorType,Date")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def date_time_string(self, timestamp=None):
        return "Sat, 21 Nov 2026 08:00:00 GMT"

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _answer


@pytest.fixture
def servers():
    upstream = Upstream()
    threading.Thread(target=upstream.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    loop = asyncio.new_event_loop()
    found = {}
    started = threading.Event()

    def ready(proxy, port):
        found.update(proxy=proxy, port=port)
        started.set()

    async def run():
        try:
            await faultproxy.serve(f"http://127.0.0.1:{upstream.server_port}", 0, ready)
        except asyncio.CancelledError:
            pass

    task = loop.create_task(run())
    thread = threading.Thread(target=loop.run_until_complete, args=(task,), daemon=True)
    thread.start()
    assert started.wait(5), "the proxy started"
    yield upstream, found["port"], found["proxy"]
    loop.call_soon_threadsafe(task.cancel)
    thread.join(5)
    upstream.shutdown()


def call(port, method="POST", path="/", body=b"{}", headers=None):
    """(status, headers, body) through the proxy."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, path, body=body, headers={"x-amz-target": TARGET, "origin": ORIGIN,
                                                         **(headers or {})})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def plan(port, spec):
    status, _, body = call(port, "POST", "/_fault/plan", json.dumps(spec).encode(), {"x-amz-target": ""})
    return status, json.loads(body)


def log(port):
    return json.loads(call(port, "GET", "/_fault/log", b"")[2])["events"]


def test_requests_pass_unchanged_with_their_host_and_connections_are_not_reused(servers):
    upstream, port, _ = servers
    status, headers, body = call(port, body=b'{"a":1}')
    assert status == 200
    assert json.loads(body)["echo"] == '{"a":1}'
    assert upstream.seen[0]["host"] == f"127.0.0.1:{port}", "SigV4 signs the host the client saw"
    assert headers["connection"] == "close"
    assert headers["x-amzn-requestid"] == "upstream-1"
    [event] = log(port)
    assert (event["op"], event["fault"], event["forwarded"], event["status"]) == (TARGET, "pass", True, 200)


def test_preflights_are_answered_by_the_proxy_with_the_requested_headers(servers):
    upstream, port, _ = servers
    status, headers, _ = call(port, "OPTIONS", "/", b"", {
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,x-amz-date,x-amz-target"})
    assert status == 200
    assert headers["access-control-allow-origin"] == ORIGIN
    assert headers["access-control-allow-headers"] == "authorization,x-amz-date,x-amz-target"
    assert upstream.seen == [] and log(port) == []


@pytest.mark.parametrize("fault, status, name", [
    ("500", 500, "InternalServerError"), ("503", 503, "ServiceUnavailable"),
    ("throttle", 400, "ThrottlingException"),
    ("throughput", 400, "ProvisionedThroughputExceededException"),
])
def test_error_faults_answer_like_aws_with_cors_and_never_reach_the_backend(servers, fault, status, name):
    upstream, port, _ = servers
    plan(port, {"match": TARGET, "faults": [fault]})
    got, headers, body = call(port)
    assert got == status
    assert json.loads(body)["__type"].endswith("#" + name)
    assert headers["x-amzn-requestid"].startswith("fault-")
    assert headers["access-control-allow-origin"] == ORIGIN
    exposed = {name.strip().lower() for name in headers["access-control-expose-headers"].split(",")}
    assert "date" in exposed, "as AWS's JSON services"
    assert upstream.seen == []
    assert call(port)[0] == 200, "the plan is spent: the next request passes"


def test_s3_requests_get_s3_errors(servers):
    _, port, _ = servers
    plan(port, {"match": "s3:GET", "faults": ["throttle", "500"]})
    status, headers, body = call(port, "GET", "/bucket/key", b"", {"x-amz-target": ""})
    assert (status, headers["content-type"]) == (503, "application/xml")
    assert b"<Code>SlowDown</Code>" in body
    assert b"<Code>InternalError</Code>" in call(port, "GET", "/bucket/key", b"", {"x-amz-target": ""})[2]


def test_drop_closes_without_an_answer_and_sends_nothing_on(servers):
    upstream, port, _ = servers
    plan(port, {"match": TARGET, "faults": ["drop"]})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        call(port)
    assert upstream.seen == []


def test_lost_reaches_the_backend_but_the_answer_never_arrives(servers):
    upstream, port, _ = servers
    plan(port, {"match": TARGET, "faults": ["lost"]})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        call(port, body=b'{"write":1}')
    assert [s["body"] for s in upstream.seen] == ['{"write":1}']
    assert log(port)[0]["forwarded"] is True


def test_truncate_sends_half_the_body_under_the_full_length(servers):
    upstream, port, _ = servers
    plan(port, {"match": TARGET, "faults": ["truncate"]})
    with pytest.raises(http.client.IncompleteRead):
        call(port)
    assert len(upstream.seen) == 1


def test_delay_waits_and_a_client_that_leaves_meanwhile_is_not_forwarded(servers):
    upstream, port, _ = servers
    plan(port, {"match": TARGET, "faults": ["delay:300", "delay:2000", "delay:200+503"]})
    t0 = time.monotonic()
    assert call(port)[0] == 200
    assert time.monotonic() - t0 >= 0.3
    with socket.create_connection(("127.0.0.1", port)) as s:  # an aborted fetch
        s.sendall(f"POST / HTTP/1.1\r\nhost: x\r\nx-amz-target: {TARGET}\r\ncontent-length: 2\r\n\r\n{{}}".encode())
        time.sleep(0.2)
    time.sleep(0.3)
    assert len(upstream.seen) == 1
    assert log(port)[1]["clientGone"] is True
    t0 = time.monotonic()
    assert call(port)[0] == 503
    assert time.monotonic() - t0 >= 0.2
    assert len(upstream.seen) == 1


def test_skew_moves_the_date_header(servers):
    _, port, _ = servers
    plan(port, {"match": TARGET, "faults": ["skew:-1200"]})
    _, headers, _ = call(port)
    moved = email.utils.parsedate_to_datetime(headers["date"])
    assert moved.timestamp() == email.utils.parsedate_to_datetime("Sat, 21 Nov 2026 08:00:00 GMT").timestamp() - 1200


def test_stall_cuts_the_backend_off_mid_body_when_the_client_leaves(servers):
    upstream, port, _ = servers
    plan(port, {"match": "s3:PUT", "faults": ["stall:3000", "stall:100"]})
    body = b"x" * 10000
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"PUT /bucket/key HTTP/1.1\r\nhost: x\r\ncontent-length: 10000\r\n\r\n" + body)
        time.sleep(0.3)
    deadline = time.monotonic() + 5
    while not upstream.cut and time.monotonic() < deadline:
        time.sleep(0.05)
    assert upstream.cut == [("/bucket/key", 5000, 10000)]
    assert upstream.seen == []
    status, _, _ = call(port, "PUT", "/bucket/key", body, {"x-amz-target": ""})
    assert status == 200 and len(upstream.seen[0]["body"]) == 10000, "a stall the client waits out passes"


def test_a_spent_plan_gives_way_to_the_next_one_at_once(servers):
    _, port, _ = servers
    plan(port, {"match": TARGET, "faults": ["500"]})
    assert call(port)[0] == 500
    plan(port, {"match": TARGET, "faults": ["503"]})
    assert call(port)[0] == 503
    assert [e["plan"] for e in log(port)] == [1, 2]


def test_plans_match_by_operation_and_content_in_order_and_then_applies_after_the_faults(servers):
    _, port, proxy = servers
    plan(port, {"match": TARGET, "contains": "run-2", "faults": ["500"], "then": "503"})
    plan(port, {"match": "*", "faults": ["throttle"]})
    assert call(port, body=b'{"k":"run-1"}')[0] == 400, "the second plan"
    assert call(port, body=b'{"k":"run-2"}')[0] == 500
    assert call(port, body=b'{"k":"run-2"}')[0] == 503
    assert call(port, body=b'{"k":"run-2"}')[0] == 503, "then: 503 for good"
    assert call(port, body=b'{"k":"run-1"}')[0] == 200
    status, _, _ = call(port, "POST", "/_fault/reset", b'{"case":"one"}', {"x-amz-target": ""})
    assert status == 200 and log(port) == []
    assert call(port, body=b'{"k":"run-2"}')[0] == 200, "reset forgets the plans"
    stats = json.loads(call(port, "GET", "/_fault/stats", b"")[2])
    assert stats["injected"] == {"500": 1, "503": 2, "throttle": 1}
    assert (stats["cases"], stats["caseNames"], stats["requests"]) == (1, ["one"], 6)
    assert proxy.stats() == stats


@pytest.mark.parametrize("spec", [
    {"faults": ["503"]}, {"match": TARGET, "faults": ["boom"]}, {"match": TARGET, "faults": "503"},
    {"match": TARGET, "faults": ["delay:x"]}, {"match": TARGET, "then": "skew"},
    {"match": TARGET, "faults": ["503+delay:1"]}, {"match": TARGET, "faults": ["delay:1+delay:2"]},
])
def test_malformed_plans_are_refused(servers, spec):
    _, port, _ = servers
    status, answer = plan(port, spec)
    assert status == 400 and answer["message"]


def test_the_signing_key_id_is_logged(servers):
    _, port, _ = servers
    call(port, headers={"authorization": "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20261121/us-east-1/"
                                          "dynamodb/aws4_request, SignedHeaders=host, Signature=0"})
    call(port, "GET", "/b/k?X-Amz-Credential=ASIAOTHER%2F20261121%2Fus-east-1%2Fs3%2Faws4_request", b"",
         {"x-amz-target": ""})
    assert [e["akid"] for e in log(port)] == ["ASIAEXAMPLE", "ASIAOTHER"]


def test_hide_date_takes_date_out_of_the_exposed_headers_only(servers):
    _, port, _ = servers
    plan(port, {"match": "*", "faults": [], "then": "hide-date"})
    for _ in range(2):  # as a plan's `then`: every later answer
        status, headers, body = call(port, body=b'{"a":1}')
        assert status == 200 and json.loads(body)["echo"] == '{"a":1}'
        assert headers["access-control-expose-headers"] == "x-amzn-RequestId,x-amzn-ErrorType"
        assert headers["date"], "the header is still sent; a page just cannot read it"
    assert [e["fault"] for e in log(port)] == ["hide-date", "hide-date"]
    plan_status, _ = plan(port, {"match": TARGET, "faults": ["delay:10+hide-date"]})
    assert plan_status == 200


def test_tamper_changes_one_byte_of_a_json_body_after_signing(servers):
    upstream, port, _ = servers
    plan(port, {"match": TARGET, "faults": ["tamper"]})
    sent = b'{"TableName":"apiless-demo","Key":{"pk":{"S":"x1"}}}'
    assert call(port, body=sent)[0] == 200
    got = upstream.seen[0]["body"].encode()
    assert len(got) == len(sent) and sum(a != b for a, b in zip(got, sent, strict=True)) == 1
    assert got == sent.replace(b'"x1"', b'"X1"'), "the last letter, its case flipped"
    assert log(port)[0]["fault"] == "tamper"


def test_tamper_moves_an_s3_requests_signed_date_by_one_second(servers):
    upstream, port, _ = servers
    plan(port, {"match": "s3:PUT", "faults": ["tamper", "tamper"]})
    for date, moved in (("20261206T101509Z", "20261206T101500Z"), ("20261206T101500Z", "20261206T101501Z")):
        status, _, _ = call(port, "PUT", "/bucket/key", b"body stays", {"x-amz-target": "", "x-amz-date": date})
        assert status == 200
        assert (upstream.seen[-1]["x-amz-date"], upstream.seen[-1]["body"]) == (moved, "body stays")


def test_a_pace_reads_matching_bodies_at_its_rate_and_leaves_the_rest(servers):
    upstream, port, _ = servers
    assert call(port, "POST", "/_fault/pace", json.dumps({"match": "s3:PUT"}).encode(),
                {"x-amz-target": ""})[0] == 400, "a pace needs its rate"
    status, _, _ = call(port, "POST", "/_fault/pace",
                        json.dumps({"match": "s3:PUT", "bytesPerSecond": 400_000}).encode(), {"x-amz-target": ""})
    assert status == 200
    body = b"0123456789abcdef" * 12800  # 204,800 bytes: at least half a second at 400 kB/s
    t0 = time.monotonic()
    assert call(port, "PUT", "/bucket/paced", body, {"x-amz-target": ""})[0] == 200
    assert time.monotonic() - t0 >= 0.5
    assert upstream.seen[-1]["body"] == body.decode(), "the body arrives whole and unchanged"
    t0 = time.monotonic()
    assert call(port, "POST", "/bucket/unpaced", body, {"x-amz-target": ""})[0] == 200
    assert time.monotonic() - t0 < 0.5, "another operation is not paced"
    call(port, "POST", "/_fault/reset", b"", {"x-amz-target": ""})
    t0 = time.monotonic()
    assert call(port, "PUT", "/bucket/after-reset", body, {"x-amz-target": ""})[0] == 200
    assert time.monotonic() - t0 < 0.5, "a reset forgets the pace"
