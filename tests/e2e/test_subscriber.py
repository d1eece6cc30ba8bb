"""The example outside subscriber (deploy/examples/subscriber.py, pika only, the external
account) receives an identity event caused by a call through the gateway, and is refused on
identity.pd."""
from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
import uuid

import pytest
from kombu import Connection

from kabinet_kit.testing import BROKER_HOST, admin_amqp_url
from kabinet_stack import REPO

SUBSCRIBER = REPO / "deploy" / "examples" / "subscriber.py"


def external_url(vhost: str) -> str:
    return f"amqp://external:kabinet-external@{BROKER_HOST}/{vhost}"


def _lines(stream, sink: queue.Queue):
    for line in iter(stream.readline, ""):
        sink.put(line)
    sink.put(None)


@pytest.fixture
def external_queue(broker):
    name = f"external.e2e-{uuid.uuid4().hex[:8]}"
    yield name
    with Connection(admin_amqp_url(broker), transport="pyamqp") as conn:
        conn.channel().queue_delete(queue=name)


def test_subscriber_receives_logout_caused_through_gateway(stack, external_queue):
    proc = subprocess.Popen([sys.executable, str(SUBSCRIBER), "--url", external_url(stack.vhost), "--queue",
                             external_queue, "identity.account.logged_out.v1", "identity.account.deactivated.v1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = queue.Queue(), queue.Queue()
    threading.Thread(target=_lines, args=(proc.stdout, out), daemon=True).start()
    threading.Thread(target=_lines, args=(proc.stderr, err), daemon=True).start()
    try:
        ready = err.get(timeout=15)
        assert ready and ready.startswith("subscribed:"), ready
        token = stack.token("tutor1")
        account_id = stack.get("/api/identity/me", token).json()["account_id"]
        logout = stack.post("/api/identity/auth/logout", token)
        assert logout.status_code == 204
        deadline = time.monotonic() + 10
        event = None
        while time.monotonic() < deadline:
            try:
                line = out.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                break
            assert line is not None, "the subscriber exited"
            candidate = json.loads(line)
            if candidate["type"] == "identity.account.logged_out.v1" and candidate["data"]["account_id"] == account_id:
                event = candidate
                break
        assert event is not None, "no logout event reached the subscriber"
        assert event["specversion"] == "1.0" and event["source"] == "/kabinet/identity"
        # The gateway's request id of the logout call travels into the event.
        assert event["correlationid"] == logout.headers["X-Request-ID"]
        assert set(event["data"]) == {"account_id", "session_id"}
    finally:
        proc.terminate()
        proc.wait(10)


def test_subscriber_refused_on_personal_data_exchange(broker, external_queue):
    # The queue itself is the external account's own (declared before the refused bind).
    done = subprocess.run([sys.executable, str(SUBSCRIBER), "--url", external_url(broker), "--queue",
                           external_queue, "--exchange", "identity.pd",
                           "identity.person.registered.v1"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2, done.stderr
    assert "ACCESS_REFUSED" in done.stderr and "identity.pd" in done.stderr
    assert done.stdout == ""
