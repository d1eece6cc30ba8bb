"""Outbox relay throughput benchmark (a script, not a pytest test).

    .venv/bin/python tests/perf/relay_throughput.py [--events 50000] [--batch-size 1000]

Prints, in one run:

(a) raw kombu publishing with publisher confirms, waiting for each confirm (msgs/s);
(b) raw pika publishing with publisher confirms, one confirm per message (msgs/s);
(c) the kit's OutboxRelay draining a backlog of ``--events`` outbox rows on PostgreSQL (a fresh
    database built by the kit tests' sample-service migrations), in events/s, then checks with
    a consumer that every event id arrived (none lost).

Everything goes to the ``kittest.events`` exchange of the test vhost (``kabinet-test``) as the
broker administrator; each phase binds its own durable queue, so messages are persisted as in
production, and deletes it at the end. Needs RabbitMQ and PostgreSQL running.
"""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_SERVICE = ROOT / "libs" / "kabinet_kit" / "tests" / "integration" / "sample_service"
EXCHANGE = "kittest.events"
EVENT_TYPE = "kittest.bench.recorded.v1"
BODY_DATA = {"entry_id": "6fa459ea-ee8a-3ca4-894e-db77e160355e", "account": "bench-account", "amount": 42}
GOAL = 5000.0


def ensure_vhost(vhost: str) -> None:
    """Idempotently create the test vhost (needs rabbitmqctl; harmless if it already exists)."""
    for args in (["add_vhost", vhost], ["set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"]):
        try:
            subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            pass


def sample_body(event_id: str | None = None) -> bytes:
    from kabinet_kit.events import CloudEvent
    event = CloudEvent(type=EVENT_TYPE, source="/kabinet/kittest", data=BODY_DATA, subject=BODY_DATA["entry_id"])
    if event_id:
        event.id = event_id
    return event.to_json().encode()


def bench_queue(channel, tag: str) -> str:
    from kombu import Exchange, Queue
    name = f"kittest.bench-{tag}-{uuid.uuid4().hex[:8]}"
    Queue(name, exchange=Exchange(EXCHANGE, type="topic", durable=True), routing_key=EVENT_TYPE,
          durable=True)(channel).declare()
    return name


# -- (a) kombu, one confirm per message -----------------------------------------------------
def raw_kombu(url: str, n: int) -> float:
    from kombu import Connection, Producer
    body = sample_body()
    with Connection(url, transport="pyamqp", transport_options={"confirm_publish": True}) as conn:
        channel = conn.channel()
        queue = bench_queue(channel, "kombu")
        try:
            producer = Producer(channel)
            start = time.perf_counter()
            for _ in range(n):
                # with confirm_publish, each publish returns only once the broker confirmed it
                producer.publish(body, exchange=EXCHANGE, routing_key=EVENT_TYPE, delivery_mode=2,
                                 content_type="application/cloudevents+json", content_encoding="utf-8",
                                 message_id=str(uuid.uuid4()))
            elapsed = time.perf_counter() - start
            arrived = channel.queue_declare(queue=queue, passive=True).message_count
        finally:
            channel.queue_delete(queue=queue)
    assert arrived == n, f"kombu: {arrived} of {n} arrived"
    return n / elapsed


# -- (b) pika, one confirm per message ------------------------------------------------------
def raw_pika(url: str, n: int) -> float:
    import pika
    from kombu import Connection
    body = sample_body()
    with Connection(url, transport="pyamqp") as admin:
        queue = bench_queue(admin.channel(), "pika")
        try:
            conn = pika.BlockingConnection(pika.URLParameters(url))
            try:
                channel = conn.channel()
                channel.confirm_delivery()
                start = time.perf_counter()
                for _ in range(n):
                    channel.basic_publish(
                        EXCHANGE, EVENT_TYPE, body,
                        pika.BasicProperties(delivery_mode=2, content_type="application/cloudevents+json",
                                             content_encoding="utf-8", message_id=str(uuid.uuid4())))
                elapsed = time.perf_counter() - start
            finally:
                conn.close()
            arrived = admin.default_channel.queue_declare(queue=queue, passive=True).message_count
        finally:
            admin.default_channel.queue_delete(queue=queue)
    assert arrived == n, f"pika: {arrived} of {n} arrived"
    return n / elapsed


# -- (c) the relay on PostgreSQL -------------------------------------------------------------
def fill_outbox(engine, outbox, n: int) -> list[str]:
    from sqlalchemy import insert
    now = datetime.now(timezone.utc)
    placeholder = "00000000-0000-4000-8000-000000000000"
    template = sample_body(placeholder).decode()  # one real envelope; each row gets its own id
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


def read_all_ids(url: str, queue: str, expected: int, timeout: float = 120.0) -> Counter:
    from kombu import Connection
    seen: Counter = Counter()
    with Connection(url, transport="pyamqp") as conn:
        channel = conn.channel()
        channel.basic_qos(0, 2000, False)
        channel.basic_consume(queue=queue, no_ack=True,
                              callback=lambda m: seen.update([m.properties.get("message_id")]))
        deadline = time.monotonic() + timeout
        quiet_since = None
        while time.monotonic() < deadline:
            before = sum(seen.values())
            try:
                conn.drain_events(timeout=0.5)
            except socket.timeout:
                pass
            if sum(seen.values()) == before:
                quiet_since = quiet_since or time.monotonic()
                if before >= expected and time.monotonic() - quiet_since > 1.0:
                    break
            else:
                quiet_since = None
    return seen


def relay_phase(url: str, db_server: str, n: int, batch_size: int) -> tuple[float, dict]:
    os.environ["KABINET_TEST_DB"] = db_server  # kabinet_kit.testing reads it when called
    from kombu import Connection
    from sqlalchemy import MetaData, func, select

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
    missing = set(ids) - set(seen)
    info = {"published": published, "rounds": relay.stats.rounds, "unpublished_left": left,
            "received": sum(seen.values()), "distinct": len(seen), "missing": len(missing),
            "duplicates": sum(c - 1 for c in seen.values() if c > 1), "unexpected": len(set(seen) - set(ids))}
    return n / elapsed, info


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=50_000, help="outbox backlog for the relay (default 50000)")
    parser.add_argument("--batch-size", type=int, default=1000, help="relay batch size (default 1000)")
    parser.add_argument("--raw-messages", type=int, default=3000,
                        help="messages for the per-message-confirm baselines (a) and (b) (default 3000)")
    parser.add_argument("--db", default=os.environ.get("KABINET_BENCH_DB", "postgresql://postgres@127.0.0.1:5432"),
                        help="PostgreSQL server URL for the relay's database")
    parser.add_argument("--skip-raw", action="store_true", help="run only the relay phase (c)")
    args = parser.parse_args(argv)

    from kabinet_kit.testing import TEST_VHOST, admin_amqp_url
    ensure_vhost(TEST_VHOST)
    url = admin_amqp_url()
    from kombu import Connection, Exchange
    with Connection(url, transport="pyamqp", connect_timeout=5) as conn:
        Exchange(EXCHANGE, type="topic", durable=True)(conn.default_channel).declare()

    print(f"relay throughput benchmark: broker {url.rsplit('@', 1)[-1]}, persistent messages to a durable queue")
    if not args.skip_raw:
        rate = raw_kombu(url, args.raw_messages)
        print(f"(a) raw kombu, confirm per message: {rate:,.0f} msgs/s ({args.raw_messages} messages)")
        rate = raw_pika(url, args.raw_messages)
        print(f"(b) raw pika,  confirm per message: {rate:,.0f} msgs/s ({args.raw_messages} messages)")
    rate, info = relay_phase(url, args.db, args.events, args.batch_size)
    print(f"(c) OutboxRelay on PostgreSQL, batch {args.batch_size}: {rate:,.0f} events/s "
          f"({args.events} events, {info['rounds']} rounds)")
    print(f"    verification: published={info['published']} unpublished_left={info['unpublished_left']} "
          f"received={info['received']} distinct={info['distinct']} missing={info['missing']} "
          f"duplicates={info['duplicates']} unexpected={info['unexpected']}")
    ok = info["missing"] == 0 and info["unpublished_left"] == 0 and info["published"] == args.events
    print(f"    {'OK: all events arrived' if ok else 'FAILED: events lost or left unpublished'}; "
          f"goal >= {GOAL:,.0f} events/s: {'met' if rate >= GOAL else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
