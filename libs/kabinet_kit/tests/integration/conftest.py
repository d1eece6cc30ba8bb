"""Fixtures for the kit's integration tests: a real broker (vhost ``kabinet-test``) and a real
database (``KABINET_TEST_DB``: ``sqlite`` or a PostgreSQL server URL) built by the migrations
of a tiny test-only service in ``sample_service/``.

Nothing here skips: a missing broker, ``rabbitmqctl`` or database server makes the tests fail.

Isolation from other test runs on the same vhost: every session publishes its own event type
(``kittest.<token>.recorded.v1`` on ``kittest.events``), and every queue a test creates has a
unique name and is deleted when the test ends.
"""
from __future__ import annotations

import random
import string
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kombu import Connection, Exchange, Queue
from marshmallow import Schema, fields
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, func, insert, select

from kabinet_contracts import EventRegistry
from kabinet_kit import broker_definitions
from kabinet_kit.consumer import Binding, EventConsumer, Outcome
from kabinet_kit.db import BigId, make_engine, make_session_factory
from kabinet_kit.events import CloudEvent
from kabinet_kit.outbox import EventRecorder, add_messaging_tables
from kabinet_kit.relay import OutboxRelay
from kabinet_kit.testing import TEST_VHOST, admin_amqp_url, migrated_database, test_db_kind
from kabinet_kit.testing.broker_accounts import Accounts

SAMPLE_SERVICE = Path(__file__).parent / "sample_service"
EXCHANGE = "kittest.events"
SERVICE = "kittest"
# One event type per session, so that a concurrent run on the same vhost never feeds our queues.
TOKEN = "run_" + "".join(random.choices(string.ascii_lowercase, k=10))
EVENT_TYPE = f"kittest.{TOKEN}.recorded.v1"


class EntryRecorded(Schema):
    entry_id = fields.UUID(required=True)
    account = fields.String(required=True)
    amount = fields.Integer(required=True)


REGISTRY = EventRegistry()
REGISTRY.register(EVENT_TYPE, EntryRecorded,
                  {"entry_id": "6fa459ea-ee8a-3ca4-894e-db77e160355e", "account": "a-1", "amount": 5},
                  "A ledger entry was recorded (kit integration tests only).", subject_field="entry_id")


# -- broker ---------------------------------------------------------------------------
@pytest.fixture(scope="session")
def amqp_url() -> str:
    """The administrator on the test vhost (definitions loaded), and ``kittest.events`` declared."""
    try:
        broker_definitions.load(TEST_VHOST)
    except RuntimeError as exc:
        pytest.fail(f"cannot load the broker definitions into {TEST_VHOST}: {exc}", pytrace=False)
    url = admin_amqp_url()
    with Connection(url, connect_timeout=5, transport="pyamqp") as conn:
        try:
            conn.ensure_connection(max_retries=0)
        except Exception as exc:  # noqa: BLE001 - any failure here means no broker: fail loudly
            pytest.fail(f"RabbitMQ is not reachable at {url.rpartition('@')[2]}: {exc!r}", pytrace=False)
        Exchange(EXCHANGE, type="topic", durable=True)(conn.default_channel).declare()
    return url


@pytest.fixture(scope="session")
def definitions_loaded():
    """The definitions imported into the test vhost (a missing broker fails here)."""
    return broker_definitions.load(TEST_VHOST)


@pytest.fixture
def accounts(definitions_loaded):
    """Connections as each broker account; what a test declared is deleted afterwards."""
    b = Accounts()
    yield b
    b.close()


class Broker:
    """Admin-side helpers: unique queues bound to ``kittest.events``, reading and clean-up."""

    def __init__(self, url: str):
        self.url = url
        self.conn = Connection(url, connect_timeout=5, transport="pyamqp")
        self.channel = self.conn.channel()
        self.queues: list[str] = []

    def unique(self, prefix: str = "q") -> str:
        return f"{prefix}{uuid.uuid4().hex[:10]}"

    def track(self, *names: str) -> None:
        self.queues.extend(names)

    def tap(self) -> str:
        """A queue receiving a copy of every event of this session's type."""
        name = f"kittest.tap-{uuid.uuid4().hex[:10]}"
        Queue(name, exchange=Exchange(EXCHANGE, type="topic", durable=True), routing_key=EVENT_TYPE,
              durable=False, auto_delete=False)(self.channel).declare()
        self.track(name)
        return name

    def message_count(self, queue: str) -> int:
        return self.channel.queue_declare(queue=queue, passive=True).message_count

    def read_ids(self, queue: str, expected: int, timeout: float = 30.0, settle: float = 0.5) -> Counter:
        """Consume a queue until ``expected`` messages came and ``settle`` s passed with no more
        (so that duplicates beyond ``expected`` are seen too); returns message ids with counts."""
        seen: Counter = Counter()
        last = [time.monotonic()]

        def on_message(message):
            seen[message.properties.get("message_id")] += 1
            last[0] = time.monotonic()

        with Connection(self.url, connect_timeout=5, transport="pyamqp") as conn:
            channel = conn.channel()
            channel.basic_qos(0, 1000, False)
            channel.basic_consume(queue=queue, no_ack=True, callback=lambda m: on_message(m))
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if sum(seen.values()) >= expected and time.monotonic() - last[0] >= settle:
                    break
                try:
                    conn.drain_events(timeout=0.2)
                except TimeoutError:
                    pass
        return seen

    def get(self, queue: str, timeout: float = 5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self.channel.basic_get(queue=queue, no_ack=True)
            if message is not None:
                return message
            time.sleep(0.05)
        return None

    def publish_raw(self, body: bytes, routing_key: str = EVENT_TYPE, message_id: str | None = None) -> None:
        from amqp import Message
        self.channel.basic_publish(Message(body, content_type="application/cloudevents+json",
                                           delivery_mode=2, message_id=message_id),
                                   exchange=EXCHANGE, routing_key=routing_key)

    def close(self) -> None:
        try:
            for name in self.queues:
                self.channel.queue_delete(queue=name)
        finally:
            self.conn.release()


@pytest.fixture
def broker(amqp_url):
    b = Broker(amqp_url)
    yield b
    b.close()


# -- database -------------------------------------------------------------------------
metadata = MetaData()
ledger = Table(
    "ledger_entries", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("account", String(64), nullable=False),
    Column("amount", Integer, nullable=False),
    Column("event_id", String(36), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
outbox, processed = add_messaging_tables(metadata)


class SampleService:
    """The sample service on a fresh migrated database: writes entries with their events."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url, pool_size=10) if not url.startswith("sqlite") else make_engine(url)
        self.sessions = make_session_factory(self.engine)
        self.recorder = EventRecorder(SERVICE, outbox, REGISTRY)

    def write(self, n: int, account: str = "acc", commit: bool = True) -> list[str]:
        """One transaction: n ledger entries, each with its event. Returns the event ids."""
        ids = []
        with self.sessions() as session:
            with session.begin():
                for i in range(n):
                    session.execute(insert(ledger).values(account=account, amount=i,
                                                          created_at=datetime.now(UTC)))
                    event = self.recorder.record(session, EVENT_TYPE,
                                                 {"entry_id": str(uuid.uuid4()), "account": account, "amount": i})
                    ids.append(event.id)
                if not commit:
                    session.rollback()
        return ids

    def unpublished(self) -> int:
        with self.engine.connect() as conn:
            waiting = select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            return conn.execute(waiting).scalar()

    def count(self, table: Table, *where) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(table).where(*where)).scalar()

    def relay(self, amqp_url: str, **options) -> OutboxRelay:
        options.setdefault("confirm_timeout", 10.0)
        return OutboxRelay(self.engine, outbox, amqp_url, [EXCHANGE], **options)

    def dispose(self) -> None:
        self.engine.dispose()


@pytest.fixture
def sample():
    with migrated_database(SAMPLE_SERVICE, "kit") as url:
        service = SampleService(url)
        try:
            yield service
        finally:
            service.dispose()


@pytest.fixture
def db_kind() -> str:
    return "sqlite" if test_db_kind() == "sqlite" else "postgresql"


# -- consumer -------------------------------------------------------------------------
def ledger_handler(session, event: CloudEvent) -> None:
    session.execute(insert(ledger).values(account=event.data["account"], amount=event.data["amount"],
                                          event_id=event.id, created_at=datetime.now(UTC)))


class RunningConsumer:
    """An EventConsumer of the sample service, run in a thread; records every outcome."""

    def __init__(self, broker: Broker, sample: SampleService, handler=ledger_handler, **options):
        self.name = f"t{uuid.uuid4().hex[:10]}"
        self.outcomes: list[Outcome] = []
        self._lock = threading.Lock()
        options.setdefault("session_factory", sample.sessions)
        self.consumer = EventConsumer(
            service=SERVICE, name=self.name, amqp_url=broker.url, bindings=[Binding(EXCHANGE, EVENT_TYPE)],
            handlers={EVENT_TYPE: handler}, processed=processed,
            registry=REGISTRY, on_outcome=self._record, **options)
        self.queue = self.consumer.queue_name
        broker.track(self.queue, f"{self.queue}.retry", f"{self.queue}.dead")
        # Declare the topology before anything is published, so that nothing is unroutable.
        self.consumer.declare(broker.channel)
        # safety_interval: how often the loop looks at should_stop (kombu's default is 1 s)
        self.thread = threading.Thread(target=self.consumer.run, kwargs={"safety_interval": 0.2},
                                       name=f"consumer-{self.name}", daemon=True)

    def _record(self, outcome: Outcome) -> None:
        with self._lock:
            self.outcomes.append(outcome)

    def start(self) -> RunningConsumer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.consumer.should_stop = True
        self.thread.join(15)
        assert not self.thread.is_alive(), "consumer thread did not stop"
        self.consumer.close()

    def counts(self, ids=None) -> Counter:
        """Outcome statuses, for the given event ids only (None: all, incl. malformed)."""
        with self._lock:
            return Counter(o.status for o in self.outcomes if ids is None or o.event_id in ids)

    def by_id(self, status: str) -> Counter:
        with self._lock:
            return Counter(o.event_id for o in self.outcomes if o.status == status)

    def errors(self) -> list[str]:
        with self._lock:
            return sorted({o.error for o in self.outcomes if o.error})

    def wait_for(self, predicate, timeout: float = 30.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}; outcomes: {self.counts()}; errors: {self.errors()}")


@pytest.fixture
def start_consumer(broker, sample):
    started: list[RunningConsumer] = []

    def start(handler=ledger_handler, **options) -> RunningConsumer:
        consumer = RunningConsumer(broker, sample, handler, **options).start()
        started.append(consumer)
        return consumer

    yield start
    for consumer in started:
        consumer.stop()


@contextmanager
def running(relay: OutboxRelay):
    """The relay's run loop in a thread until the block ends."""
    stop = threading.Event()
    thread = threading.Thread(target=relay.run, args=(stop,), name="relay", daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        stop.set()
        thread.join(30)
        assert not thread.is_alive(), "relay thread did not stop"


@pytest.fixture(scope="session")
def kit():
    """This module's helpers for the test modules (importlib mode cannot import a conftest)."""
    from types import SimpleNamespace
    return SimpleNamespace(EVENT_TYPE=EVENT_TYPE, EXCHANGE=EXCHANGE, SERVICE=SERVICE, REGISTRY=REGISTRY,
                           ledger=ledger, outbox=outbox, processed=processed, running=running,
                           ledger_handler=ledger_handler)
