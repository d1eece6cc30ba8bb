"""Events told to a service's consumer the way another service's relay would tell them.

:class:`RunningConsumer` runs a service's real consumer in a thread on a test queue of its
own; :class:`EventFeed` publishes contract-validated events to the real broker and waits until
that consumer has applied them.
"""
from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from amqp import Message
from kombu.connection import Connection
from sqlalchemy import select

from ..consumer import EventConsumer, Outcome
from ..events import CONTENT_TYPE, CloudEvent
from ..outbox import ContractRegistry
from . import admin_amqp_url

FINAL = ("applied", "duplicate", "ignored", "dead_lettered")
ConsumerFactory = Callable[..., EventConsumer]


class RunningConsumer:
    """``factory(name=..., on_outcome=..., **options)`` builds the service's consumer (usually a
    partial of its bootstrap's ``create_consumer``); it runs here until :meth:`stop`."""

    def __init__(self, factory: ConsumerFactory, *, vhost: str | None = None, label: str = "test", **options: Any):
        self.name = f"{label}-{uuid.uuid4().hex[:8]}"
        self.vhost = vhost
        self.outcomes: dict[str | None, Outcome] = {}
        self._lock = threading.Lock()
        options.setdefault("base_delay", 0.05)
        options.setdefault("max_attempts", 3)
        self.consumer = factory(name=self.name, on_outcome=self._record, **options)
        with self.consumer.connection.clone() as conn:
            self.consumer.declare(conn.channel())
        self.thread = threading.Thread(target=self.consumer.run, kwargs={"safety_interval": 0.2}, daemon=True)
        self.thread.start()

    @property
    def queue(self) -> str:
        return self.consumer.queue_name

    def _record(self, outcome: Outcome) -> None:
        with self._lock:
            self.outcomes[outcome.event_id] = outcome

    def outcome(self, event_id: str) -> Outcome | None:
        with self._lock:
            return self.outcomes.get(event_id)

    def wait_for_ids(self, ids: Iterable[str], timeout: float = 20.0, *, allow_dead: bool = False) -> list[Outcome]:
        wanted = list(ids)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                done = [self.outcomes.get(i) for i in wanted]
            if all(o is not None and o.status in FINAL for o in done):
                finished = [o for o in done if o is not None]
                bad = [o for o in finished if o.status == "dead_lettered"]
                assert allow_dead or not bad, f"events dead-lettered: {bad}"
                return finished
            time.sleep(0.02)
        raise AssertionError(f"consumer did not handle {len(wanted)} events in time")

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")

    def stop(self) -> None:
        self.consumer.should_stop = True
        self.thread.join(15)
        self.consumer.close()
        with Connection(admin_amqp_url(self.vhost), connect_timeout=5, transport="pyamqp") as conn:
            channel = conn.channel()
            for name in (self.queue, f"{self.queue}.retry", f"{self.queue}.dead"):
                channel.queue_delete(queue=name)


class EventFeed:
    """Publishes events of ``source`` (a service name) as its relay would: validated against the
    contracts, persistent, on the contract's exchange; then waits for ``consumer``."""

    def __init__(self, registry: ContractRegistry, consumer: RunningConsumer, *, source: str = "identity",
                 vhost: str | None = None):
        self.registry = registry
        self.consumer = consumer
        self.source = source
        self.conn = Connection(admin_amqp_url(vhost or consumer.vhost), connect_timeout=5, transport="pyamqp")
        self.channel = self.conn.channel()

    def publish(self, type_: str, data: dict[str, Any], *, extra: dict[str, Any] | None = None) -> str:
        """Publish one event; ``extra`` adds fields the contract does not know (a newer minor)."""
        contract = self.registry.get(type_)
        clean = {**self.registry.validate(type_, data), **(extra or {})}
        subject = clean.get(contract.subject_field) if contract.subject_field else None
        event = CloudEvent(type=type_, source=f"/kabinet/{self.source}", data=clean,
                           subject=None if subject is None else str(subject))
        self.channel.basic_publish(Message(event.to_json().encode(), content_type=CONTENT_TYPE, delivery_mode=2,
                                           message_id=event.id),
                                   exchange=contract.exchange, routing_key=type_)
        return event.id

    def send(self, *events: tuple[str, dict[str, Any]]) -> list[Outcome]:
        ids = [self.publish(t, d) for t, d in events]
        return self.consumer.wait_for_ids(ids)

    def close(self) -> None:
        self.conn.release()


def publish_and_wait(relay: Any, source_sessions: Callable[[], Any], outbox: Any, handled: Iterable[str],
                     applied: Callable[[], set[str]], timeout: float = 15.0) -> None:
    """Publish a source service's outbox with its real ``relay`` (closed afterwards) and wait until
    the consumer has applied every event of the ``handled`` types in it (``applied`` answers the
    ids the consumer has recorded) — these very events, not a count: nothing else may be
    mistaken for them."""
    try:
        relay.drain()
    finally:
        relay.close()
    with source_sessions() as s:
        expected = set(s.scalars(select(outbox.c.event_id).where(outbox.c.event_type.in_(list(handled)))))
    deadline = time.monotonic() + timeout
    while missing := expected - applied():
        assert time.monotonic() < deadline, f"consumer has not applied {len(missing)} of {len(expected)} events"
        time.sleep(0.05)
