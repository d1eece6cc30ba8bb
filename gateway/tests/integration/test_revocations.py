"""The revocation consumer on the real broker and database: a revoked session, a deactivated
account and a changed password are refused by the gateway within a second."""
from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime

import pytest
from kombu import Connection, Exchange, Producer
from sqlalchemy import func, select

from kabinet_gateway.bootstrap import create_app
from kabinet_gateway.config import SERVICE_DIR, Settings
from kabinet_gateway.consumer import build_consumer
from kabinet_gateway.models import revocations
from kabinet_gateway.revocations import prune
from kabinet_kit import broker_definitions
from kabinet_kit.db import make_engine, make_session_factory
from kabinet_kit.events import CloudEvent
from kabinet_kit.testing import TEST_VHOST, admin_amqp_url, migrated_database, service_amqp_url
from kabinet_kit.testing.http import serve


@pytest.fixture(scope="module")
def broker():
    """The test vhost with the service accounts of deploy/rabbitmq (fails if it cannot be set up)."""
    try:
        broker_definitions.load(TEST_VHOST)
    except Exception as exc:  # noqa: BLE001 - no broker means failure, never a skip
        pytest.fail(f"cannot load broker definitions into {TEST_VHOST}: {exc!r}", pytrace=False)
    return admin_amqp_url()


@pytest.fixture(scope="module")
def database_url():
    with migrated_database(SERVICE_DIR, "gateway") as url:
        yield url


@pytest.fixture(scope="module")
def consumer(broker, database_url):
    name = f"revocations-test-{uuid.uuid4().hex[:8]}"
    settings = Settings.load({"database_url": database_url,
                              "consumer_amqp_url": service_amqp_url("gateway", "consumer")})
    engine = make_engine(database_url)
    consumer = build_consumer(settings, make_session_factory(engine), name=name)
    thread = threading.Thread(target=consumer.run, daemon=True)
    thread.start()
    queue = f"gateway.{name}"
    with Connection(broker, transport="pyamqp") as conn:
        deadline = time.monotonic() + 15
        while True:  # wait until the queue is declared and bound
            try:
                conn.channel().queue_declare(queue=queue, passive=True)
                break
            except Exception:
                if time.monotonic() > deadline:
                    pytest.fail("the revocation consumer did not declare its queue", pytrace=False)
                time.sleep(0.1)
    yield consumer
    consumer.should_stop = True
    thread.join(timeout=5)
    consumer.close()
    with Connection(broker, transport="pyamqp") as conn:
        channel = conn.channel()
        for q in (queue, f"{queue}.retry", f"{queue}.dead"):
            channel.queue_delete(queue=q)
    engine.dispose()


@pytest.fixture(scope="module")
def publish(broker):
    conn = Connection(broker, transport="pyamqp")
    producer = Producer(conn.channel())
    exchange = Exchange("identity.events", type="topic", durable=True)

    def _publish(event_type: str, data: dict, event_id: str | None = None, **options) -> CloudEvent:
        event = CloudEvent(type=event_type, source="/kabinet/identity", data=data,
                           subject=options.get("subject", data.get("account_id")))
        if event_id:
            event.id = event_id
        producer.publish(event.to_json(), exchange=exchange, routing_key=event_type, delivery_mode=2,
                         content_type="application/cloudevents+json", message_id=event.id)
        return event
    yield _publish
    conn.release()


@pytest.fixture(scope="module")
def gateway(database_url, upstream_url, minter):
    app = create_app({"database_url": database_url, "key_source": minter.key_source,
                      "upstreams": {"identity": upstream_url}})
    with serve(app) as url:
        yield app, url
    app.extensions["kabinet.gateway"].close()


def _status(client, token) -> int:
    return client.get("/api/identity/me", headers={"Authorization": f"Bearer {token}"}).status_code


def _time_until_refused(client, token, limit: float = 3.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if _status(client, token) == 401:
            return time.monotonic() - started
        time.sleep(0.02)
    return float("inf")


def test_logout_refuses_the_session_within_a_second(consumer, gateway, publish, mint):
    app, _url = gateway
    client = app.test_client()
    token, claims = mint()
    other_session, _ = mint(sub=claims["sub"])
    assert _status(client, token) == 200
    publish("identity.account.logged_out.v1", {"account_id": claims["sub"], "session_id": claims["sid"]})
    assert _time_until_refused(client, token) < 1.0
    assert _status(client, other_session) == 200  # only that session ended


def test_deactivation_refuses_every_token_of_the_account(consumer, gateway, publish, mint):
    app, _url = gateway
    client = app.test_client()
    token, claims = mint()
    assert _status(client, token) == 200
    publish("identity.account.deactivated.v1", {"account_id": claims["sub"], "person_id": claims["pid"],
                                                "reason": "employment_ended"})
    assert _time_until_refused(client, token) < 1.0
    # Any other token issued before the deactivation is refused too (another device, another session).
    second, _ = mint(sub=claims["sub"], iat=claims["iat"] - 5)
    assert _status(client, second) == 401


def test_password_change_refuses_older_tokens_only(consumer, gateway, publish, mint):
    app, _url = gateway
    client = app.test_client()
    now = int(time.time())
    old, claims = mint(iat=now - 120)
    assert _status(client, old) == 200
    cutoff = datetime.fromtimestamp(now - 60, UTC)
    publish("identity.account.password_changed.v1", {"account_id": claims["sub"],
                                                     "sessions_revoked_before": cutoff.isoformat()})
    assert _time_until_refused(client, old) < 1.0
    newer, _ = mint(sub=claims["sub"], iat=now)
    assert _status(client, newer) == 200


def test_a_password_change_within_a_second_cuts_off_exactly(consumer, gateway, publish, mint):
    """issue 11, finding 4: tokens issued in the same second as the change, before it refused and
    after it accepted; the cut-off kept to the microsecond in the gateway's database too."""
    app, _url = gateway
    client = app.test_client()
    second = float(int(time.time()) - 2)
    before, claims = mint(iat=second + 0.4)
    after, _ = mint(sub=claims["sub"], iat=second + 0.6)
    assert _status(client, before) == 200 and _status(client, after) == 200
    cutoff = datetime.fromtimestamp(second + 0.5, UTC)
    publish("identity.account.password_changed.v1", {"account_id": claims["sub"],
                                                     "sessions_revoked_before": cutoff.isoformat()})
    assert _time_until_refused(client, before) < 1.0
    assert _status(client, after) == 200
    # Another worker, starting from the rows alone, draws the same line.
    other = create_app({"database_url": app.extensions["kabinet.gateway"].settings.database_url, "upstreams": {}})
    try:
        rl = other.extensions["kabinet.gateway"].revocations
        rl.refresh()
        assert rl.is_revoked(claims["sub"], "s", second + 0.499_999)
        assert not rl.is_revoked(claims["sub"], "s", second + 0.5)
    finally:
        other.extensions["kabinet.gateway"].close()


def test_redelivery_is_applied_once_and_every_worker_catches_up(consumer, gateway, publish, mint, database_url):
    app, _url = gateway
    _token, claims = mint()
    event_id = str(uuid.uuid4())
    data = {"account_id": claims["sub"], "session_id": claims["sid"]}
    publish("identity.account.logged_out.v1", data, event_id=event_id)
    publish("identity.account.logged_out.v1", data, event_id=event_id)
    engine = make_engine(database_url)
    try:
        deadline = time.monotonic() + 3
        count = 0
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                count = conn.scalar(select(func.count()).select_from(revocations)
                                    .where(revocations.c.event_id == event_id))
            if count:
                time.sleep(0.3)  # give the duplicate its chance
                with engine.connect() as conn:
                    count = conn.scalar(select(func.count()).select_from(revocations)
                                        .where(revocations.c.event_id == event_id))
                break
            time.sleep(0.05)
        assert count == 1
        # A second app (another gunicorn worker) loads the existing rows on start.
        from kabinet_gateway.bootstrap import create_app as make
        other = make({"database_url": database_url, "upstreams": {}})
        rl = other.extensions["kabinet.gateway"].revocations
        rl.refresh()
        assert claims["sid"] in rl.sessions
        other.extensions["kabinet.gateway"].close()
        # Pruning removes only what no token can outlive.
        assert prune(make_session_factory(engine), retention_seconds=3600) == 0
        assert prune(make_session_factory(engine), retention_seconds=-1) >= 1
    finally:
        engine.dispose()


HEARTBEAT = "identity.revocations.heartbeat.v1"


def _heartbeat(publish, written_at: datetime | None = None) -> None:
    publish(HEARTBEAT, {"written_at": (written_at or datetime.now(UTC)).isoformat()}, subject=None)


def test_a_stale_revocation_feed_closes_every_upstream_but_identity(consumer, publish, mint, minter, database_url,
                                                                    upstream_url):
    """issue 11, finding 4: when identity's heartbeat has not come through the outbox, relay,
    broker and consumer for longer than the bound, revocations may be stuck on the way too: the
    gateway refuses authenticated calls it cannot vouch for (identity checks its own records),
    and /readyz says since when; when heartbeats resume, calls pass again."""
    app = create_app({"database_url": database_url, "key_source": minter.key_source,
                      "upstreams": {"identity": upstream_url, "journal": upstream_url},
                      "revocation_feed_max_age": 1.5})
    client = app.test_client()
    token, _ = mint()
    auth = {"Authorization": f"Bearer {token}"}
    try:
        _heartbeat(publish)
        deadline = time.monotonic() + 3
        while client.get("/api/journal/echo", headers=auth).status_code != 200:
            assert time.monotonic() < deadline, "a fresh heartbeat did not open the journal"
            time.sleep(0.05)
        assert client.get("/readyz").json["checks"]["revocation_feed"] == "ok"

        time.sleep(1.7)  # no heartbeat for longer than the bound
        refused = client.get("/api/journal/echo", headers=auth)
        assert refused.status_code == 503 and refused.headers["Content-Type"].startswith("application/problem+json")
        assert "сведения об отзыве токенов устарели" in refused.json["detail"].lower()
        assert client.get("/api/identity/me", headers=auth).status_code == 200
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json["status"] == "not ready"
        assert ready.json["checks"]["revocation_feed"].startswith("stale since ")
        # The home screen still shows identity's part; the journal's is missing, and says why.
        overview = client.get("/api/me/overview", headers=auth)
        assert overview.status_code == 200 and overview.json["me"]["children"]
        assert overview.json["children"][0]["diary"] == {"status": "missing", "service": "journal",
                                                         "reason": "revocation feed stale"}
        # An old heartbeat arriving late (a backlog draining) does not open anything.
        _heartbeat(publish, datetime.fromtimestamp(time.time() - 60, UTC))
        time.sleep(0.5)
        assert client.get("/api/journal/echo", headers=auth).status_code == 503

        _heartbeat(publish)
        deadline = time.monotonic() + 3
        while client.get("/api/journal/echo", headers=auth).status_code != 200:
            assert time.monotonic() < deadline, "heartbeats resumed but the journal stayed closed"
            time.sleep(0.05)
        assert client.get("/readyz").json["checks"]["revocation_feed"] == "ok"
    finally:
        app.extensions["kabinet.gateway"].close()
