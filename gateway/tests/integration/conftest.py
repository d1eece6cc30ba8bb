"""Integration fixtures: real HTTP servers on loopback (werkzeug in threads), a fake upstream
with a JWKS, the gateway in front of it, a real database and the real broker.

Nothing here skips: a missing broker, rabbitmqctl or database server fails the tests.
"""
from __future__ import annotations

import hashlib
import threading
import time

import pytest
from flask import Flask, Response, jsonify, request, stream_with_context

from kabinet_kit.testing.http import serve


class Signals:
    """Handshakes between a test and the fake upstream, to prove streaming."""

    def __init__(self):
        self.upload_first_chunk = threading.Event()
        self.download_first_chunk_seen = threading.Event()
        self.last_headers: dict = {}


def make_upstream_app(jwks: dict, signals: Signals) -> Flask:
    app = Flask("fake_upstream")

    @app.get("/.well-known/jwks.json")
    def keys():
        return jsonify(jwks)

    @app.get("/me")
    def me():
        signals.last_headers = dict(request.headers)
        return jsonify({"account_id": request.headers.get("X-Kabinet-Account-Id"),
                        "person_id": request.headers.get("X-Kabinet-Person-Id"),
                        "roles": [{"role": "guardian"}],
                        "children": [{"child_id": "c1", "first_name": "Маша"},
                                     {"child_id": "c2", "first_name": "Петя"}]})

    @app.route("/echo", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    def echo():
        signals.last_headers = dict(request.headers)
        return jsonify({"method": request.method, "args": request.args, "body": request.get_data(as_text=True),
                        "headers": dict(request.headers)})

    @app.post("/upload")
    def upload():
        digest, total = hashlib.sha256(), 0
        while True:
            chunk = request.stream.read(64 * 1024)
            if not chunk:
                break
            if total == 0:
                signals.upload_first_chunk.set()
            total += len(chunk)
            digest.update(chunk)
        return jsonify({"bytes": total, "sha256": digest.hexdigest()})

    @app.get("/download")
    def download():
        size = int(request.args.get("size", 1024))
        block = bytes(range(256)) * 256  # 64 KiB

        def body():
            sent = 0
            yield block
            sent += len(block)
            # With a handshake: wait until the client got the first block through the gateway.
            if request.args.get("handshake") and not signals.download_first_chunk_seen.wait(10):
                return
            while sent < size:
                part = block[: min(len(block), size - sent)]
                yield part
                sent += len(part)
        return Response(stream_with_context(body()), mimetype="application/octet-stream")

    @app.get("/moved")
    def moved():
        return "", 302, {"Location": "/echo?from=moved"}

    @app.get("/sized")
    def sized():
        return Response(b"z" * 1000, mimetype="application/octet-stream")

    @app.get("/slow")
    def slow():
        time.sleep(float(request.args.get("s", "2")))
        return jsonify({"slow": True})

    @app.get("/openapi.json")
    def spec():
        return jsonify({"openapi": "3.0.3", "info": {"title": "fake", "version": "1"},
                        "paths": {"/me": {"get": {"operationId": "me", "tags": ["Auth"], "responses": {
                            "200": {"description": "ok", "content": {"application/json": {
                                "schema": {"$ref": "#/components/schemas/Me"}}}}}}}},
                        "components": {"schemas": {"Me": {"type": "object"}}}})

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get("/diary/<child>/summary")
    def diary(child):
        return jsonify({"child_id": child, "average": 4.5})

    @app.get("/children/<child>/recommendations")
    def recommendations(child):
        time.sleep(float(request.args.get("delay", "0")) or (3.0 if child == "c2" else 0))
        return jsonify({"child_id": child, "items": []})

    return app


@pytest.fixture(scope="module")
def signals():
    return Signals()


@pytest.fixture(scope="module")
def upstream_url(jwks, signals):
    with serve(make_upstream_app(jwks, signals)) as url:
        yield url
