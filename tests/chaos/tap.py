"""A tap on the bus: one durable queue bound to every service's events exchange, read by a
thread of the test (straight to the broker, never through a fault proxy) into memory, event by
event id. What the relays published, however often, is here exactly as many distinct ids as
there were events."""
from __future__ import annotations

import json
import logging
import threading
import uuid
from collections import Counter
from typing import Any

from kombu import Connection, Consumer, Queue

EXCHANGES = ("identity.events", "journal.events", "preschool.events")
log = logging.getLogger("chaos.tap")


class Tap:
    def __init__(self, admin_url: str, *, quorum: bool = False):
        self.admin_url = admin_url
        self.queue = Queue(f"chaos-tap-{uuid.uuid4().hex[:8]}", durable=True, auto_delete=False,
                           queue_arguments={"x-queue-type": "quorum"} if quorum else None)
        self.events: dict[str, dict[str, Any]] = {}  # event id -> envelope
        self.deliveries: Counter[str] = Counter()      # event id -> times delivered
        self.lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="chaos-tap", daemon=True)

    def start(self) -> Tap:
        with Connection(self.admin_url, transport="pyamqp", connect_timeout=5) as conn:
            channel = conn.channel()
            self.queue(channel).declare()
            for exchange in EXCHANGES:
                channel.queue_bind(queue=self.queue.name, exchange=exchange, routing_key="#")
        self._thread.start()
        return self

    def stop(self, delete: bool = True) -> None:
        self._stop.set()
        self._thread.join(15)
        if delete:
            try:
                with Connection(self.admin_url, transport="pyamqp", connect_timeout=5) as conn:
                    conn.channel().queue_delete(queue=self.queue.name)
            except Exception:  # the vhost goes anyway
                pass

    def _on_message(self, message: Any) -> None:
        raw = message.body
        try:
            event = json.loads(raw)
            event_id = event["id"]
        except (ValueError, KeyError, TypeError):  # a poison message: not an event of ours
            message.ack()
            return
        with self.lock:
            self.events.setdefault(event_id, event)
            self.deliveries[event_id] += 1
        message.ack()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                with Connection(self.admin_url, transport="pyamqp", connect_timeout=5, heartbeat=10) as conn:
                    conn.ensure_connection(max_retries=1)
                    with Consumer(conn.channel(), queues=[self.queue], on_message=self._on_message, accept=None,
                                  prefetch_count=500):
                        while not self._stop.is_set():
                            try:
                                conn.drain_events(timeout=0.5)
                            except TimeoutError:
                                conn.heartbeat_check()
            except Exception as exc:  # the broker restarts or a node dies: read again when it is back
                log.info("tap reconnecting: %r", exc)
                self._stop.wait(0.5)

    def matching(self, type_: str, **data: Any) -> list[dict[str, Any]]:
        """Distinct events of this type whose data has these values."""
        with self.lock:
            return [e for e in self.events.values()
                    if e.get("type") == type_ and all(e.get("data", {}).get(k) == v for k, v in data.items())]

    def of_type(self, *types: str) -> list[dict[str, Any]]:
        with self.lock:
            return [e for e in self.events.values() if e.get("type") in types]

    def redeliveries(self) -> int:
        with self.lock:
            return sum(n - 1 for n in self.deliveries.values())
