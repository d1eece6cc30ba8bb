"""The proxy against real local HTTP servers: streaming, timeouts and failures."""
from __future__ import annotations

import hashlib
import json
import logging
import socket
import threading
import time

import pytest
import requests

from kabinet_gateway.bootstrap import create_app
from kabinet_kit.gateway_proof import HEADER, refusal, sign
from kabinet_kit.settings import shared_gateway_proof
from kabinet_kit.testing.http import closed_port_url, serve

BLOCK = 64 * 1024


@pytest.fixture(scope="module")
def gateway(upstream_url, minter, feed_alive):
    app = feed_alive(create_app({"database_url": None, "key_source": minter.key_source, "read_timeout": 0.5,
                      "max_body_bytes": 64 * 1024 * 1024,
                      "upstreams": {"identity": upstream_url, "journal": upstream_url,
                                    "preschool": upstream_url, "portfolio": closed_port_url()}}))
    with serve(app) as url:
        yield url
    app.extensions["kabinet.gateway"].close()


@pytest.fixture(scope="module")
def auth(mint):
    return {"Authorization": f"Bearer {mint()[0]}"}


def test_forwarding_method_query_body_and_headers(gateway, auth, signals):
    response = requests.post(f"{gateway}/api/identity/echo?a=1&b=%D1%86", data=b'{"x": 1}', timeout=5,
                             headers={**auth, "Content-Type": "application/json", "X-Kabinet-Account-Id": "forged",
                                      "X-Request-ID": "rid-1"})
    assert response.status_code == 200
    echoed = response.json()
    assert echoed["method"] == "POST" and echoed["args"] == {"a": "1", "b": "ц"} and echoed["body"] == '{"x": 1}'
    assert echoed["headers"]["X-Kabinet-Account-Id"] != "forged"
    # The gateway is the edge: its own request id goes on, never the client's (issue 11, finding 1).
    assert echoed["headers"]["X-Request-Id"] == response.headers["X-Request-ID"] != "rid-1"


def test_every_forwarded_request_carries_the_gateways_proof(gateway, auth):
    """issue 11, finding 4: the services answer only what the gateway vouches for, by a proof
    made for that request line and token; a client cannot bring its own."""
    forged = sign(shared_gateway_proof(), "GET", "/echo", auth["Authorization"])
    response = requests.get(f"{gateway}/api/journal/echo?a=1&b=%D1%86", timeout=5, headers={**auth, HEADER: forged})
    proof = response.json()["headers"][HEADER]
    assert proof != forged
    assert refusal(shared_gateway_proof(), proof, "GET", "/echo?a=1&b=%D1%86", auth["Authorization"]) is None
    assert refusal(shared_gateway_proof(), proof, "GET", "/echo?a=1&b=%D1%86", "Bearer another") is not None


def test_streaming_download_is_not_buffered(gateway, auth, signals):
    size = 32 * 1024 * 1024
    with requests.get(f"{gateway}/api/identity/download?size={size}&handshake=1", headers=auth, stream=True,
                      timeout=15) as response:
        assert response.status_code == 200
        chunks = response.raw.stream(BLOCK, decode_content=False)
        first = next(chunks)
        # The upstream has sent one block and is waiting for us: a buffering gateway would
        # still be waiting for the rest and we would never get here.
        assert len(first) > 0
        signals.download_first_chunk_seen.set()
        digest, total = hashlib.sha256(first), len(first)
        for chunk in chunks:
            digest.update(chunk)
            total += len(chunk)
    block = bytes(range(256)) * 256
    expected = hashlib.sha256(block * (size // BLOCK)).hexdigest()
    assert total == size and digest.hexdigest() == expected


def test_streaming_upload_is_not_buffered(gateway, auth, signals):
    size = 32 * 1024 * 1024
    block = b"k" * BLOCK
    blocked = []

    def body():
        yield block
        # Only continue once the upstream has the first block: a buffering gateway deadlocks.
        if not signals.upload_first_chunk.wait(10):
            blocked.append(True)
            return
        for _ in range(size // BLOCK - 1):
            yield block
    response = requests.post(f"{gateway}/api/identity/upload", data=body(), headers=auth, timeout=30)
    assert not blocked, "the upstream saw nothing until the whole body was sent"
    assert response.status_code == 200
    assert response.json() == {"bytes": size, "sha256": hashlib.sha256(block * (size // BLOCK)).hexdigest()}


def test_upload_with_content_length_and_limit(upstream_url, minter, auth):
    app = create_app({"database_url": None, "key_source": minter.key_source, "max_body_bytes": 1024 * 1024,
                      "upstreams": {"identity": upstream_url}})
    with serve(app) as url:
        ok = requests.post(f"{url}/api/identity/upload", data=b"a" * (512 * 1024), headers=auth, timeout=10)
        assert ok.json()["bytes"] == 512 * 1024
        too_big = requests.post(f"{url}/api/identity/upload", data=b"a" * (2 * 1024 * 1024), headers=auth,
                                timeout=10)
        assert too_big.status_code == 413
        assert too_big.headers["Content-Type"] == "application/problem+json"

        def chunked():
            for _ in range(40):
                yield b"b" * BLOCK
        too_big_chunked = requests.post(f"{url}/api/identity/upload", data=chunked(), headers=auth, timeout=10)
        assert too_big_chunked.status_code == 413
    app.extensions["kabinet.gateway"].close()


def test_timeout_is_504_problem(gateway, auth):
    started = time.monotonic()
    response = requests.get(f"{gateway}/api/identity/slow?s=2", headers=auth, timeout=5)
    assert time.monotonic() - started < 0.9  # read timeout 0.5 s, and a slow answer is not retried
    assert response.status_code == 504
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["service"] == "identity"


def test_unreachable_is_503_problem(gateway, auth):
    response = requests.get(f"{gateway}/api/portfolio/pupils/1/points", headers=auth, timeout=5)
    assert response.status_code == 503
    body = response.json()
    assert body["service"] == "portfolio" and "недоступна" in body["detail"]
    assert "Traceback" not in response.text


def test_bad_upstream_is_502_problem(minter, auth, feed_alive):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()

    def garbage():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            request_line = conn.recv(65536)
            if request_line.startswith(b"GET /healthz "):  # healthy, so that the gateway forwards to it
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 16\r\n"
                             b"Connection: close\r\n\r\n{\"status\": \"ok\"}")
            else:
                conn.sendall(b"this is not HTTP\r\n\r\n")
            conn.close()
    threading.Thread(target=garbage, daemon=True).start()
    app = feed_alive(create_app({"database_url": None, "key_source": minter.key_source,
                                 "upstreams": {"journal": f"http://127.0.0.1:{listener.getsockname()[1]}"}}))
    try:
        with serve(app) as url:
            response = requests.get(f"{url}/api/journal/anything", headers=auth, timeout=5)
            assert response.status_code == 502
            assert response.headers["Content-Type"] == "application/problem+json"
            assert response.json()["service"] == "journal"
    finally:
        stop.set()
        listener.close()
        app.extensions["kabinet.gateway"].close()


def test_jwks_from_upstream_and_access_log(upstream_url, mint, caplog):
    # The real JwksKeySource fetching the upstream's JWKS, not the static key source.
    app = create_app({"database_url": None, "upstreams": {"identity": upstream_url}})
    client = app.test_client()
    token, claims = mint()
    with caplog.at_level(logging.INFO, logger="kabinet.access"):
        response = client.get("/api/identity/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json["account_id"] == claims["sub"]
    record = next(r for r in caplog.records if r.name == "kabinet.access" and r.path == "/api/identity/me")
    assert record.upstream == "identity" and record.status == 200 and record.upstream_status == 200
    from kabinet_kit.logs import JsonFormatter
    line = json.loads(JsonFormatter("gateway").format(record))
    assert {"method", "path", "status", "upstream", "duration_ms"} <= set(line)
    app.extensions["kabinet.gateway"].close()


def test_overview_parallel_with_deadline(gateway, auth):
    started = time.monotonic()
    response = requests.get(f"{gateway}/api/me/overview", headers=auth, timeout=5)
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    body = response.json()
    assert elapsed < 1.5 + 0.6  # the deadline (read_timeout 0.5 s here cuts slow parts even earlier)
    children = {c["child_id"]: c for c in body["children"]}
    assert children["c1"]["diary"] == {"status": "ok", "service": "journal",
                                       "data": {"child_id": "c1", "average": 4.5}}
    assert children["c1"]["recommendations"]["status"] == "ok"
    assert children["c2"]["recommendations"]["status"] == "missing"
    assert children["c2"]["recommendations"]["reason"] == "timeout"
    assert children["c1"]["portfolio_points"] == {"status": "missing", "service": "portfolio",
                                                  "reason": "unavailable"}
    assert body["complete"] is False and body["me"]["children"]


def test_merged_openapi_and_readyz(gateway):
    spec = requests.get(f"{gateway}/api/openapi.json", timeout=5).json()
    assert "/api/identity/me" in spec["paths"] and "/api/journal/me" in spec["paths"]
    assert "/api/me/overview" in spec["paths"]
    assert "identity.Me" in spec["components"]["schemas"]
    assert spec["info"]["x-kabinet-missing-services"] == {"portfolio": "unavailable"}
    ready = requests.get(f"{gateway}/readyz", timeout=5)
    assert ready.status_code == 200, ready.text
    assert ready.json()["upstreams"]["portfolio"] == "unavailable"
    assert ready.json()["upstreams"]["identity"] == "ok"
    docs = requests.get(f"{gateway}/api/docs", timeout=5)
    assert docs.status_code == 200 and "swagger-ui-bundle.js" in docs.text and "http" not in docs.text.split(
        "<body>")[1].replace("http-equiv", "")
    assert requests.get(f"{gateway}/api/docs/static/swagger-ui-bundle.js", timeout=5).status_code == 200


def test_head_keeps_length_and_redirects_stay_under_prefix(gateway, auth):
    head = requests.head(f"{gateway}/api/identity/sized", headers=auth, timeout=5)
    assert head.status_code == 200 and head.headers["Content-Length"] == "1000" and head.content == b""
    moved = requests.get(f"{gateway}/api/identity/moved", headers=auth, timeout=5, allow_redirects=False)
    assert moved.status_code == 302 and moved.headers["Location"] == "/api/identity/echo?from=moved"
