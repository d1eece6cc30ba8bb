"""Outbox relay: publishes unpublished outbox rows to RabbitMQ with batched publisher confirms.

Each round claims a batch of rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL so that several
relays can run; ``BEGIN IMMEDIATE`` on SQLite, which serialises them), publishes every row,
waits for the broker's confirms for the whole batch with a deadline, marks the confirmed rows
published and commits. Anything not confirmed stays unpublished and is sent again by the
next round, after a reconnect if the connection was lost: delivery is at-least-once, and
consumers deduplicate by event id.
"""
from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass, field

import amqp
from kombu import Exchange
from kombu.exceptions import KombuError
from sqlalchemy import Table, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .bus import connect
from .db import is_sqlite
from .events import CONTENT_TYPE, utcnow

log = logging.getLogger("kabinet.relay")


class ConfirmTimeout(Exception):
    """The broker did not confirm a batch in time; the connection is treated as lost."""


@dataclass
class RelayStats:
    published: int = 0
    nacked: int = 0
    rounds: int = 0
    reconnects: int = 0
    errors: list[str] = field(default_factory=list)


class OutboxRelay:
    def __init__(self, engine: Engine, outbox: Table, amqp_url: str, exchanges: list[str], *,
                 batch_size: int = 1000, confirm_timeout: float = 10.0, idle_sleep: float = 0.2,
                 max_backoff: float = 15.0):
        self.engine = engine
        self.outbox = outbox
        self.amqp_url = amqp_url
        self.exchanges = exchanges
        self.batch_size = batch_size
        self.confirm_timeout = confirm_timeout
        self.idle_sleep = idle_sleep
        self.max_backoff = max_backoff
        self.stats = RelayStats()
        self._connection = None
        self._channel = None
        self._next_tag = 1
        self._pending: dict[int, int] = {}
        self._nacked: set[int] = set()

    # -- broker side -----------------------------------------------------------------
    def _connect(self) -> None:
        self.close()
        connection = connect(self.amqp_url)
        connection.ensure_connection(max_retries=1, timeout=connection.connect_timeout)
        channel = connection.channel()
        for name in self.exchanges:
            Exchange(name, type="topic", durable=True)(channel).declare()
        channel.confirm_select()
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)
        self._connection, self._channel = connection, channel
        self._next_tag = 1
        self._pending.clear()
        self._nacked.clear()

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # a dead socket may fail to close; it is being dropped anyway
                pass
        self._connection = self._channel = None

    def _settle(self, tag: int, multiple: bool) -> list[int]:
        if multiple:
            done = [t for t in self._pending if t <= tag]
        else:
            done = [tag] if tag in self._pending else []
        return [self._pending.pop(t) for t in done]

    def _on_ack(self, tag: int, multiple: bool) -> None:
        self._settle(tag, multiple)

    def _on_nack(self, tag: int, multiple: bool) -> None:
        self._nacked.update(self._settle(tag, multiple))

    def _publish_batch(self, rows) -> tuple[list[int], list[int]]:
        """Publish rows and wait for all their confirms. Returns (confirmed ids, nacked ids)."""
        channel = self._channel
        ids = []
        for row in rows:
            message = channel.prepare_message(
                row.body.encode("utf-8"), content_type=CONTENT_TYPE, content_encoding="utf-8",
                headers={"ce_type": row.event_type},
                properties={"delivery_mode": 2, "message_id": row.event_id, "type": row.event_type},
            )
            channel.basic_publish(message, exchange=row.exchange, routing_key=row.routing_key)
            self._pending[self._next_tag] = row.id
            self._next_tag += 1
            ids.append(row.id)
        deadline = time.monotonic() + self.confirm_timeout
        while self._pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ConfirmTimeout(f"{len(self._pending)} of {len(ids)} messages unconfirmed")
            try:
                self._connection.drain_events(timeout=min(remaining, 1.0))
            except socket.timeout:
                continue
        nacked = [i for i in ids if i in self._nacked]
        self._nacked.difference_update(nacked)
        nacked_set = set(nacked)
        return [i for i in ids if i not in nacked_set], nacked

    # -- database side ---------------------------------------------------------------
    def _claim_query(self):
        t = self.outbox
        query = (select(t.c.id, t.c.event_id, t.c.event_type, t.c.exchange, t.c.routing_key, t.c.body)
                 .where(t.c.published_at.is_(None)).order_by(t.c.id).limit(self.batch_size))
        if not is_sqlite(self.engine):
            query = query.with_for_update(skip_locked=True)
        return query

    def drain_once(self) -> int:
        """One round: claim, publish, confirm, mark. Returns how many rows were published."""
        if self._channel is None:
            self._connect()
        t = self.outbox
        options = {"sqlite_begin": "IMMEDIATE"} if is_sqlite(self.engine) else {}
        with self.engine.connect().execution_options(**options) as conn, conn.begin():
            rows = conn.execute(self._claim_query()).all()
            if not rows:
                return 0
            confirmed, nacked = self._publish_batch(rows)
            self._mark(conn, confirmed, nacked)
        self.stats.published += len(confirmed)
        self.stats.nacked += len(nacked)
        self.stats.rounds += 1
        return len(confirmed)

    def _mark(self, conn, confirmed: list[int], nacked: list[int]) -> None:
        t = self.outbox
        now = utcnow()
        for start in range(0, len(confirmed), 1000):
            chunk = confirmed[start:start + 1000]
            conn.execute(update(t).where(t.c.id.in_(chunk)).values(published_at=now, attempts=t.c.attempts + 1))
        if nacked:
            conn.execute(update(t).where(t.c.id.in_(nacked))
                         .values(attempts=t.c.attempts + 1, last_error="nacked by broker"))

    def drain(self, stop: threading.Event | None = None) -> int:
        """Publish until the outbox is empty (used by tests and the benchmark)."""
        total = 0
        while stop is None or not stop.is_set():
            n = self.drain_once()
            total += n
            if n == 0:
                break
        return total

    def run(self, stop: threading.Event) -> None:
        backoff = 0.5
        log.info("relay started", extra={"exchanges": self.exchanges})
        while not stop.is_set():
            try:
                published = self.drain_once()
                backoff = 0.5
                if published:
                    log.info("published", extra={"count": published})
                else:
                    stop.wait(self.idle_sleep)
            except (OSError, amqp.exceptions.AMQPError, KombuError, ConfirmTimeout) as exc:
                # Unconfirmed rows were rolled back to unpublished; reconnect and resend them.
                self.stats.reconnects += 1
                self.stats.errors.append(repr(exc))
                log.warning("broker unavailable, will retry", extra={"error": repr(exc), "retry_in": backoff})
                self.close()
                stop.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff)
            except SQLAlchemyError as exc:
                self.stats.errors.append(repr(exc))
                log.warning("database unavailable, will retry", extra={"error": repr(exc), "retry_in": backoff})
                stop.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff)
        self.close()
        log.info("relay stopped", extra={"published": self.stats.published})
