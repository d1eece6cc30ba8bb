"""Idempotent event consumer on kombu, with retries by back-off and dead-lettering.

Topology for a consumer queue ``Q`` of service ``S`` (all durable):

* ``Q`` bound to the producers' exchanges; dead-letters to ``S.dlx`` with routing key ``Q``;
* ``S.dlx`` (direct) → ``Q.dead``: where poison and exhausted messages are parked;
* ``S.retry`` (direct) → ``Q.retry``: a failed message is published here with a per-message
  TTL (the back-off); on expiry it dead-letters to ``S.requeue`` (direct) → back into ``Q``.

``queue_type`` is ``classic`` (one node) or ``quorum`` (replicated on a cluster: the queues
survive the loss of a node). Quorum queues dead-letter at least once (``Q``'s and ``Q.retry``'s
dead letters are kept until the target queue has them), which needs ``reject-publish`` overflow;
a queue's type is fixed when it is first declared, so switching means new queues.

Failures are of two kinds. An infrastructure failure (the database unreachable, a lost
connection, a lock timeout, the broker) says nothing about the event: it is retried without
limit, the back-off capped at ``max_delay``, so an outage of any length loses nothing. Any other
failure (a rule error, bad data) is retried ``max_attempts`` times, then dead-lettered with the
error in the ``x-kabinet-error`` header; ``python -m kabinet_kit.dead_letters`` lists and
replays them.

A handled event's id is stored in ``processed_events`` in the same transaction as the
handler's writes, and the message is acked only after that commit: a redelivery after a
crash finds the id and is acked without being applied again.
"""
from __future__ import annotations

import logging
import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.connection import Connection
from kombu.entity import Exchange, Queue
from kombu.exceptions import OperationalError as BrokerError
from kombu.messaging import Consumer, Producer
from kombu.mixins import ConsumerMixin
from marshmallow import ValidationError
from sqlalchemy import Table, insert, select
from sqlalchemy.exc import DisconnectionError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from .bus import connect
from .events import CONTENT_TYPE, CloudEvent, utcnow
from .faultpoints import fault_point
from .outbox import ContractRegistry

log = logging.getLogger("kabinet.consumer")

#: Every failed attempt so far; FAILURES_HEADER: only those that were not infrastructure.
ATTEMPTS_HEADER = "x-kabinet-attempts"
FAILURES_HEADER = "x-kabinet-failures"
ERROR_HEADER = "x-kabinet-error"
MAX_ERROR_LENGTH = 2000
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError, InterfaceError, DisconnectionError, PoolTimeout,  # database gone, locks, pool
    BrokerError, AmqpConnectionError, ConnectionError, TimeoutError)    # broker and sockets
Handler = Callable[[Session, CloudEvent], None]
QUEUE_TYPES = ("classic", "quorum")


def queue_arguments(queue_type: str, dead_letter_exchange: str | None = None,
                    dead_letter_routing_key: str | None = None) -> dict[str, Any]:
    """The declare arguments of a consumer's queue of this type (classic: exactly as before)."""
    if queue_type not in QUEUE_TYPES:
        raise ValueError(f"queue_type must be one of {', '.join(QUEUE_TYPES)}, not {queue_type!r}")
    arguments: dict[str, Any] = {}
    if dead_letter_exchange is not None:
        arguments["x-dead-letter-exchange"] = dead_letter_exchange
        arguments["x-dead-letter-routing-key"] = dead_letter_routing_key
    if queue_type == "quorum":
        arguments["x-queue-type"] = "quorum"
        if dead_letter_exchange is not None:
            # The default (at most once) drops a dead letter the target did not take, e.g. a
            # retry coming back to Q while Q's leader moves: at least once never does.
            arguments.update({"x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"})
    return arguments


@dataclass(frozen=True)
class Binding:
    exchange: str
    routing_key: str


@dataclass
class Outcome:
    """What happened to one message: applied, duplicate, ignored, retried or dead_lettered."""
    status: str
    event_id: str | None = None
    error: str | None = None


def is_infrastructure_failure(exc: BaseException) -> bool:
    """True if ``exc`` (or what it was raised from) is the database or the broker failing, not the
    event: such a failure must be waited out, never dead-lettered."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, INFRASTRUCTURE_ERRORS):
            return True
        seen.add(id(current))
        current = current.__cause__
    return False


class EventConsumer(ConsumerMixin):
    def __init__(self, *, service: str, name: str, amqp_url: str, bindings: list[Binding],
                 handlers: Mapping[str, Handler], session_factory: sessionmaker[Session], processed: Table,
                 registry: ContractRegistry,
                 max_attempts: int = 5, base_delay: float = 1.0, max_delay: float = 300.0, prefetch: int = 32,
                 on_outcome: Callable[[Outcome], None] | None = None, queue_type: str = "classic"):
        self.service = service
        self.queue_name = f"{service}.{name}"
        self.connection = connect(amqp_url)
        self.amqp_url = amqp_url
        self.bindings = bindings
        self.handlers = handlers
        self.session_factory = session_factory
        self.processed = processed
        self.registry = registry
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.prefetch = prefetch
        self.on_outcome = on_outcome
        self._retry_connection: Connection | None = None

        self.dlx = Exchange(f"{service}.dlx", type="direct", durable=True)
        self.retry_exchange = Exchange(f"{service}.retry", type="direct", durable=True)
        self.requeue_exchange = Exchange(f"{service}.requeue", type="direct", durable=True)
        self.queue_type = queue_type
        self.queue = Queue(self.queue_name, exchange=self.requeue_exchange, routing_key=self.queue_name,
                           durable=True, queue_arguments=queue_arguments(queue_type, self.dlx.name, self.queue_name))
        self.dead_queue = Queue(f"{self.queue_name}.dead", exchange=self.dlx, routing_key=self.queue_name,
                                durable=True, queue_arguments=queue_arguments(queue_type) or None)
        self.retry_queue = Queue(f"{self.queue_name}.retry", exchange=self.retry_exchange,
                                 routing_key=self.queue_name, durable=True,
                                 queue_arguments=queue_arguments(queue_type, self.requeue_exchange.name,
                                                                 self.queue_name))

    # -- topology --------------------------------------------------------------------
    def declare(self, channel: Any) -> None:
        for queue in (self.dead_queue, self.retry_queue, self.queue):
            queue(channel).declare()
        for b in self.bindings:
            # Producers' exchanges come from deploy/rabbitmq/definitions.json; a consumer may
            # read from them but has no right to declare them.
            channel.queue_bind(queue=self.queue_name, exchange=b.exchange, routing_key=b.routing_key)

    def get_consumers(self, Consumer: Any, channel: Any) -> list[Any]:
        self.declare(channel)
        consumer = Consumer(queues=[self.queue], on_message=self._on_message, accept=None,
                            prefetch_count=self.prefetch)
        return [consumer]

    def on_connection_error(self, exc: BaseException, interval: float) -> None:
        log.warning("broker connection lost, reconnecting", extra={"error": repr(exc), "retry_in": interval})

    # -- message handling ------------------------------------------------------------
    def _on_message(self, message: Any) -> None:
        outcome = self.process(message.body, message.headers or {}, message)
        if self.on_outcome:
            self.on_outcome(outcome)

    def process(self, body: bytes, headers: dict[str, Any], message: Any) -> Outcome:
        try:
            event = CloudEvent.from_json(body)
            event.data = self.registry.read(event.type, event.data) if event.type in self.handlers else event.data
        except (ValidationError, LookupError) as exc:
            # Retrying cannot repair a malformed message: park it for a person to look at.
            log.error("malformed event dead-lettered", extra={"queue": self.queue_name, "error": str(exc)})
            self._dead_letter(body, headers, message, None, repr(exc))
            return Outcome("dead_lettered", error=str(exc))
        handler = self.handlers.get(event.type)
        if handler is None:
            message.ack()
            return Outcome("ignored", event.id)
        try:
            applied = self.apply(event, handler)
        except Exception as exc:  # any handler failure is retried; only a rule error is dead-lettered
            return self._retry_or_dead_letter(body, headers, message, event, exc)
        if applied:
            fault_point("consumer.after_commit")
        message.ack()
        return Outcome("applied" if applied else "duplicate", event.id)

    def apply(self, event: CloudEvent, handler: Handler) -> bool:
        """Run the handler and record the event id in one transaction. False if seen before."""
        p = self.processed
        try:
            with self.session_factory() as session, session.begin():
                # On SQLite take the write lock up front (BEGIN IMMEDIATE): a deferred
                # transaction that reads and then writes fails at once with "database is
                # locked" when another connection (the relay, the web process) wrote meanwhile.
                # Other databases ignore the option.
                session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
                seen = session.execute(select(p.c.id).where(p.c.consumer == self.queue_name,
                                                            p.c.event_id == event.id)).first()
                if seen:
                    return False
                session.execute(insert(p).values(consumer=self.queue_name, event_id=event.id,
                                                 event_type=event.type, processed_at=utcnow()))
                handler(session, event)
                fault_point("consumer.before_commit")
            return True
        except IntegrityError:
            # A concurrent delivery of the same event committed first.
            with self.session_factory() as session:
                if session.execute(select(p.c.id).where(p.c.consumer == self.queue_name,
                                                        p.c.event_id == event.id)).first():
                    return False
            raise

    def retry_delay(self, attempt: int) -> float:
        # The exponent is capped: attempts never end during an outage, and 2**n would overflow.
        return float(min(self.base_delay * (2 ** min(attempt - 1, 32)), self.max_delay))

    def _retry_or_dead_letter(self, body: bytes, headers: dict[str, Any], message: Any, event: CloudEvent,
                              exc: BaseException) -> Outcome:
        attempt = int(headers.get(ATTEMPTS_HEADER, 0)) + 1
        # A message retried before failures were counted apart: its attempts were all failures.
        failures = int(headers.get(FAILURES_HEADER, headers.get(ATTEMPTS_HEADER, 0)))
        if not is_infrastructure_failure(exc):
            failures += 1
            if failures >= self.max_attempts:
                log.error("event dead-lettered after retries", extra={
                    "queue": self.queue_name, "event_id": event.id, "event_type": event.type,
                    "attempts": attempt, "error": repr(exc)})
                self._dead_letter(body, {**headers, ATTEMPTS_HEADER: attempt, FAILURES_HEADER: failures},
                                  message, event.id, repr(exc))
                return Outcome("dead_lettered", event.id, repr(exc))
        delay = self.retry_delay(attempt)
        log.warning("event handling failed, will retry", extra={
            "queue": self.queue_name, "event_id": event.id, "attempt": attempt, "retry_in": delay,
            "error": repr(exc)})
        try:
            self._publish_retry(body, {**headers, ATTEMPTS_HEADER: attempt, FAILURES_HEADER: failures},
                                delay, event)
        except Exception as publish_exc:
            # Could not park it for later: hand it back to the queue rather than lose it.
            log.error("retry publish failed, requeueing", extra={"error": repr(publish_exc)})
            message.requeue()
            return Outcome("requeued", event.id, repr(exc))
        message.ack()
        return Outcome("retried", event.id, repr(exc))

    def _dead_letter(self, body: bytes, headers: dict[str, Any], message: Any, message_id: str | None,
                     error: str) -> None:
        """Park the message in ``Q.dead`` with the error recorded; acked only after the broker
        confirmed the copy. If that fails the broker dead-letters it itself (without the error)."""
        # The copy keeps the original's id and encoding: a malformed body may not even be text.
        properties = getattr(message, "properties", None) or {}
        options = {"content_type": properties.get("content_type") or CONTENT_TYPE,
                   "content_encoding": properties.get("content_encoding") or "binary"}
        try:
            self._publish_dead(body, {**headers, ERROR_HEADER: error[:MAX_ERROR_LENGTH]},
                               message_id or properties.get("message_id"), **options)
        except Exception as publish_exc:
            log.error("dead-letter publish failed, rejecting", extra={"error": repr(publish_exc)})
            message.reject(requeue=False)
            return
        message.ack()

    def _publish_dead(self, body: bytes, headers: dict[str, Any], message_id: str | None, **options: Any) -> None:
        self._publish(body, self.dlx, headers, message_id, **options)

    def _publish_retry(self, body: bytes, headers: dict[str, Any], delay: float, event: CloudEvent) -> None:
        self._publish(body, self.retry_exchange, headers, event.id, expiration=delay,
                      content_type=CONTENT_TYPE, content_encoding="utf-8")

    def _publish(self, body: bytes, exchange: Exchange, headers: dict[str, Any], message_id: str | None,
                 **options: Any) -> None:
        if self._retry_connection is None:
            # No heartbeats: this connection is used only now and then, and nothing services
            # heartbeats between uses, so the broker would drop it as dead after two intervals.
            # A dead connection is still noticed: the publish waits at most 5 s for its confirm.
            self._retry_connection = connect(self.amqp_url, heartbeat=0, confirm_publish=True)
        conn = self._retry_connection
        producer = Producer(conn.default_channel)
        publish = conn.ensure(producer, producer.publish, max_retries=2)
        publish(body, exchange=exchange, routing_key=self.queue_name, headers=headers, delivery_mode=2, timeout=5,
                **({"message_id": message_id} if message_id else {}), **options)

    def stop(self, *_args: Any) -> None:
        self.should_stop = True

    def close(self) -> None:
        if self._retry_connection is not None:
            self._retry_connection.release()
            self._retry_connection = None
        self.connection.release()


def declare_topology(consumer: EventConsumer) -> None:
    """Declare the consumer's queues and bindings and return: run before producers first
    publish (``make run`` does it before seeding) so that no event finds its queue missing."""
    with consumer.connection.clone() as conn:
        consumer.declare(conn.default_channel)


def consume_until_idle(consumer: EventConsumer, idle_seconds: float = 2.0) -> int:
    """Handle messages until the queue has been quiet for ``idle_seconds``; returns how many
    were handled. For set-up steps (seeding) that need the replicas current before going on."""
    handled = 0

    def count(_outcome: Outcome) -> None:
        nonlocal handled
        handled += 1

    previous, consumer.on_outcome = consumer.on_outcome, count
    try:
        with consumer.connection.clone() as conn:
            channel = conn.channel()
            consumer.declare(channel)
            with Consumer(channel, queues=[consumer.queue], on_message=consumer._on_message, accept=None,
                          prefetch_count=consumer.prefetch):
                while True:
                    try:
                        conn.drain_events(timeout=idle_seconds)
                    except TimeoutError:
                        return handled
    finally:
        consumer.on_outcome = previous
        consumer.close()


def main(consumer: EventConsumer, argv: list[str] | None = None) -> None:
    """The consumer's command line: run forever, or ``--declare`` the topology and exit, or
    ``--until-idle [SECONDS]`` to handle what is queued and exit."""
    import argparse
    parser = argparse.ArgumentParser(description=f"consumer of queue {consumer.queue_name}")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--declare", action="store_true", help="declare queues and bindings, then exit")
    mode.add_argument("--until-idle", type=float, nargs="?", const=2.0, metavar="SECONDS",
                      help="handle queued events until the queue is idle this long, then exit")
    args = parser.parse_args(argv)
    if args.declare:
        declare_topology(consumer)
        consumer.close()
        log.info("consumer topology declared", extra={"queue": consumer.queue_name})
    elif args.until_idle is not None:
        handled = consume_until_idle(consumer, args.until_idle)
        log.info("queued events handled", extra={"queue": consumer.queue_name, "handled": handled})
    else:
        run_forever(consumer)


def run_forever(consumer: EventConsumer) -> None:
    signal.signal(signal.SIGTERM, consumer.stop)
    signal.signal(signal.SIGINT, consumer.stop)
    log.info("consumer started", extra={"queue": consumer.queue_name})
    try:
        consumer.run()  # type: ignore[no-untyped-call]
    finally:
        consumer.close()
