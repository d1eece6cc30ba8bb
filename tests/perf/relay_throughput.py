"""Outbox relay throughput benchmark (a script, not a pytest test).

    .venv/bin/python tests/perf/relay_throughput.py [--events 50000] [--batch-size 2000]

Prints, in one run:

(a) raw pika asynchronous publishing (SelectConnection) with pipelined publisher confirms:
    ``--events`` persistent messages of a real event's size, at most ``--window`` unconfirmed
    at a time, in msgs/s;
(b) the kit's OutboxRelay draining a backlog of ``--events`` outbox rows on PostgreSQL (a fresh
    database built by the kit tests' sample-service migrations), in events/s;
then the ratio (b)/(a) and, for each phase, a count of the distinct message ids consumed from
its queue: none missing, no duplicates.

Everything goes to the ``kittest.events`` exchange of the test vhost (``KABINET_TEST_VHOST``,
default ``kabinet-test``) as the broker administrator; each phase binds its own durable queue,
so messages are persisted as in production, and deletes it at the end. Needs RabbitMQ and
PostgreSQL running.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_SERVICE = ROOT / "libs" / "kabinet_kit" / "tests" / "integration" / "sample_service"
EXCHANGE = "kittest.events"
EVENT_TYPE = "kittest.bench.recorded.v1"
BODY_DATA = {"entry_id": "6fa459ea-ee8a-3ca4-894e-db77e160355e", "account": "bench-account", "amount": 42,
             "note": "a payload of about the size of a real event " * 6}
GOAL_RATE = 8000.0
GOAL_RATIO = 0.6


def sample_body(event_id: str | None = None) -> str:
    from kabinet_kit.events import CloudEvent
    event = CloudEvent(type=EVENT_TYPE, source="/kabinet/kittest", data=BODY_DATA, subject=BODY_DATA["entry_id"])
    if event_id:
        event.id = event_id
    return event.to_json()


def bench_queue(channel: Any, tag: str) -> str:
    from kombu import Exchange, Queue
    name = f"kittest.bench-{tag}-{uuid.uuid4().hex[:8]}"
    Queue(name, exchange=Exchange(EXCHANGE, type="topic", durable=True), routing_key=EVENT_TYPE,
          durable=True)(channel).declare()
    return name


def read_all_ids(url: str, queue: str, expected: int, timeout: float = 180.0) -> Counter[str]:
    """Consume the queue until ``expected`` messages came and a second passed with no more."""
    from kombu import Connection
    seen: Counter[str] = Counter()
    received = [0]  # a running count: summing the Counter per message made the check quadratic

    def on_message(message: Any) -> None:
        seen[message.properties.get("message_id")] += 1
        received[0] += 1

    with Connection(url, transport="pyamqp") as conn:
        channel = conn.channel()
        channel.basic_qos(0, 2000, False)
        channel.basic_consume(queue=queue, no_ack=True, callback=on_message)
        deadline = time.monotonic() + timeout
        quiet_since = None
        while time.monotonic() < deadline:
            before = received[0]
            try:
                conn.drain_events(timeout=0.5)
            except TimeoutError:
                pass
            if received[0] == before:
                quiet_since = quiet_since or time.monotonic()
                if before >= expected and time.monotonic() - quiet_since > 1.0:
                    break
            else:
                quiet_since = None
    return seen


def verify(ids: list[str], seen: Counter[str]) -> dict[str, int]:
    return {"received": sum(seen.values()), "distinct": len(seen), "missing": len(set(ids) - set(seen)),
            "duplicates": sum(c - 1 for c in seen.values() if c > 1), "unexpected": len(set(seen) - set(ids))}


# -- (a) raw pika, asynchronous, pipelined confirms ------------------------------------------
class PipelinedPublisher:
    """pika's asynchronous publisher pattern: publish while fewer than ``window`` messages are
    unconfirmed, publish more as (multiple) acks arrive, stop when all are confirmed."""

    def __init__(self, url: str, messages: list[tuple[str, bytes]], window: int):
        import pika
        self.pika = pika
        self.parameters = pika.URLParameters(url)
        self.messages = messages
        self.window = window
        self.sent = 0
        self.confirmed = 0
        self.nacked = 0
        self.error: BaseException | None = None
        self.started = self.finished = 0.0
        self.channel: Any = None
        self.connection = pika.SelectConnection(self.parameters, on_open_callback=self._on_open,
                                                on_open_error_callback=self._on_error,
                                                on_close_callback=self._on_closed)

    def run(self) -> float:
        self.connection.ioloop.start()
        if self.error is not None and self.confirmed < len(self.messages):
            raise RuntimeError(f"raw pika publisher failed: {self.error!r}")
        return self.finished - self.started

    def _on_error(self, _conn: Any, exc: BaseException) -> None:
        self.error = exc
        self.connection.ioloop.stop()

    def _on_closed(self, _conn: Any, exc: BaseException) -> None:
        self.error = self.error or exc
        self.connection.ioloop.stop()

    def _on_open(self, conn: Any) -> None:
        conn.channel(on_open_callback=self._on_channel)

    def _on_channel(self, channel: Any) -> None:
        self.channel = channel
        channel.confirm_delivery(self._on_confirm, callback=self._on_selected)

    def _on_selected(self, _frame: Any) -> None:
        self.started = time.perf_counter()
        self._fill()

    def _fill(self) -> None:
        publish, props = self.channel.basic_publish, self.pika.BasicProperties
        limit = min(len(self.messages), self.confirmed + self.nacked + self.window)
        while self.sent < limit:
            message_id, body = self.messages[self.sent]
            publish(EXCHANGE, EVENT_TYPE, body,
                    props(content_type="application/cloudevents+json", content_encoding="utf-8",
                          headers={"ce_type": EVENT_TYPE}, delivery_mode=2, message_id=message_id,
                          type=EVENT_TYPE))
            self.sent += 1

    def _on_confirm(self, frame: Any) -> None:
        method = frame.method
        settled = (method.delivery_tag - (self.confirmed + self.nacked)) if method.multiple else 1
        if isinstance(method, self.pika.spec.Basic.Ack):
            self.confirmed += settled
        else:
            self.nacked += settled
        if self.confirmed + self.nacked == len(self.messages):
            self.finished = time.perf_counter()
            self.connection.close()
        else:
            self._fill()


def raw_pika(url: str, n: int, window: int) -> tuple[float, dict[str, int]]:
    from kombu import Connection
    template = sample_body("00000000-0000-4000-8000-000000000000")
    ids = [str(uuid.uuid4()) for _ in range(n)]
    messages = [(i, template.replace("00000000-0000-4000-8000-000000000000", i).encode()) for i in ids]
    with Connection(url, transport="pyamqp") as admin:
        queue = bench_queue(admin.channel(), "pika")
        try:
            publisher = PipelinedPublisher(url, messages, window)
            elapsed = publisher.run()
            seen = read_all_ids(url, queue, n)
        finally:
            admin.default_channel.queue_delete(queue=queue)
    info = verify(ids, seen)
    info.update(nacked=publisher.nacked, size=len(messages[0][1]))
    return n / elapsed, info


# -- (b) the relay on PostgreSQL -------------------------------------------------------------
def fill_outbox(engine: Any, outbox: Any, n: int) -> list[str]:
    from sqlalchemy import insert
    now = datetime.now(UTC)
    placeholder = "00000000-0000-4000-8000-000000000000"
    template = sample_body(placeholder)  # one real envelope; each row gets its own id
    ids = []
    rows = []
    for _ in range(n):
        event_id = str(uuid.uuid4())
        ids.append(event_id)
        rows.append({"event_id": event_id, "event_type": EVENT_TYPE, "exchange": EXCHANGE,
                     "routing_key": EVENT_TYPE, "body": template.replace(placeholder, event_id),
                     "created_at": now})
    with engine.begin() as conn:
        for start in range(0, n, 5000):
            conn.execute(insert(outbox), rows[start:start + 5000])
    return ids


def relay_phase(url: str, db_server: str, n: int, batch_size: int) -> tuple[float, dict[str, int]]:
    os.environ["KABINET_TEST_DB"] = db_server  # kabinet_kit.testing reads it when called
    from kombu import Connection
    from sqlalchemy import MetaData, func, select, text

    from kabinet_kit.db import make_engine
    from kabinet_kit.outbox import add_messaging_tables
    from kabinet_kit.relay import OutboxRelay
    from kabinet_kit.testing import migrated_database

    outbox, _ = add_messaging_tables(MetaData())
    with migrated_database(SAMPLE_SERVICE, "bench") as db_url, Connection(url, transport="pyamqp") as admin:
        engine = make_engine(db_url)
        queue = bench_queue(admin.channel(), "relay")
        try:
            t0 = time.perf_counter()
            ids = fill_outbox(engine, outbox, n)
            with engine.connect() as conn:
                conn.execute(text("ANALYZE outbox_events"))  # as autovacuum would for a grown backlog
                conn.commit()
            print(f"    backlog of {n} outbox rows written in {time.perf_counter() - t0:.1f} s")
            relay = OutboxRelay(engine, outbox, url, [EXCHANGE], batch_size=batch_size)
            try:
                start = time.perf_counter()
                published = relay.drain()
                elapsed = time.perf_counter() - start
            finally:
                relay.close()
            with engine.connect() as conn:
                left = conn.execute(select(func.count()).select_from(outbox)
                                    .where(outbox.c.published_at.is_(None))).scalar()
            seen = read_all_ids(url, queue, n)
        finally:
            admin.default_channel.queue_delete(queue=queue)
            engine.dispose()
    info = verify(ids, seen)
    info.update(published=published, rounds=relay.stats.rounds, unpublished_left=int(left or 0),
                nacked=relay.stats.nacked)
    return n / elapsed, info


def report(label: str, info: dict[str, int]) -> bool:
    print(f"    {label} check: received={info['received']} distinct={info['distinct']} "
          f"missing={info['missing']} duplicates={info['duplicates']} unexpected={info['unexpected']}")
    return info["missing"] == 0 and info["duplicates"] == 0 and info["unexpected"] == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--events", type=int, default=50_000, help="messages for (a), outbox rows for (b)")
    parser.add_argument("--batch-size", type=int, default=2000, help="relay batch size (default 2000, as the relay)")
    parser.add_argument("--window", type=int, default=1000, help="raw publisher's unconfirmed window (default 1000)")
    parser.add_argument("--db", default=os.environ.get("KABINET_BENCH_DB", "postgresql://postgres@127.0.0.1:5432"),
                        help="PostgreSQL server URL for the relay's database")
    args = parser.parse_args(argv)

    from kabinet_kit import broker_definitions
    from kabinet_kit.testing import TEST_VHOST, admin_amqp_url
    broker_definitions.load(TEST_VHOST)  # the vhost, its accounts, the administrator's rights
    url = admin_amqp_url()
    from kombu import Connection, Exchange
    with Connection(url, transport="pyamqp", connect_timeout=5) as conn:
        Exchange(EXCHANGE, type="topic", durable=True)(conn.default_channel).declare()

    print(f"relay throughput benchmark: broker {url.rsplit('@', 1)[-1]}, persistent messages to a durable queue")
    raw, raw_info = raw_pika(url, args.events, args.window)
    print(f"(a) raw pika SelectConnection, pipelined confirms (window {args.window}): {raw:,.0f} msgs/s "
          f"({args.events} messages of {raw_info['size']} bytes, {raw_info['nacked']} nacked)")
    ok = report("(a)", raw_info)
    rate, info = relay_phase(url, args.db, args.events, args.batch_size)
    print(f"(b) OutboxRelay on PostgreSQL, batch {args.batch_size}: {rate:,.0f} events/s "
          f"({args.events} events, {info['rounds']} rounds, {info['nacked']} nacked)")
    print(f"    published={info['published']} unpublished_left={info['unpublished_left']}")
    ok = report("(b)", info) and ok
    ok = ok and info["unpublished_left"] == 0 and info["published"] == args.events
    ratio = rate / raw
    print(f"ratio (b)/(a): {ratio:.2f}")
    print(f"{'OK: every message arrived exactly once' if ok else 'FAILED: messages lost, duplicated or left'}; "
          f"goal >= {GOAL_RATE:,.0f} events/s: {'met' if rate >= GOAL_RATE else 'NOT met'}; "
          f"goal ratio >= {GOAL_RATIO}: {'met' if ratio >= GOAL_RATIO else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
