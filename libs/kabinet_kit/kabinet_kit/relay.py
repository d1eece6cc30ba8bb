"""Outbox relay: publishes unpublished outbox rows to RabbitMQ with batched publisher confirms.

Each round claims a batch of rows, publishes every row, waits for the broker's confirms for the
whole batch with a deadline, marks the confirmed rows published and commits. On PostgreSQL the
claim is ``FOR UPDATE SKIP LOCKED`` in the transaction that marks, so several relays can run. On
SQLite no write lock may be held while the broker is awaited (every write of the service would
wait with it): the batch is read in a short read transaction and marked in a short write
transaction after the confirms, and relays on one database take turns by an advisory file lock
next to it (one relay per SQLite database is the supported setup). Anything not confirmed
stays unpublished and is sent again by the next round, after a reconnect if the connection
was lost: delivery is at-least-once (a crash between publishing and marking publishes again),
and consumers deduplicate by event id.
"""
from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pika
from sqlalchemy import BigInteger, Table, any_, bindparam, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection, Engine, RootTransaction
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql import ColumnElement, Select

from .db import is_sqlite
from .events import utcnow
from .faultpoints import fault_point
from .outbox import scrubbed_body
from .periodic import PeriodicWrite
from .publisher import (
    BrokerError,
    ConfirmingPublisher,
    ConfirmTimeout,
    OutboxRow,
    SentBatch,
    broker_urls,
    message_properties,
    pika_parameters,
)
from .turn_lock import TurnLock

__all__ = ["BrokerError", "ConfirmTimeout", "OutboxRelay", "RelayStats", "main", "message_properties"]

log = logging.getLogger("kabinet.relay")

PIPELINE_DEPTH = 2  # batches in flight at once on PostgreSQL
ROUND_BATCHES = 10  # batches per round of drain() and run(), which check their stop flag between rounds
BROKER_ERRORS = (OSError, pika.exceptions.AMQPError, ConfirmTimeout)  # BrokerError is an OSError


@dataclass
class _Batch:
    """Claimed rows and their publication; on PostgreSQL also the open transaction that holds
    them, on SQLite the relay's turn."""
    rows: Sequence[Any]
    conn: Connection | None = None
    transaction: RootTransaction | None = None
    turn: TurnLock | None = None
    sent: SentBatch | None = None

    def abandon(self) -> None:
        try:
            if self.transaction is not None:
                self.transaction.rollback()
        except Exception:  # a database that is gone has rolled back anyway
            pass
        try:
            if self.conn is not None:
                self.conn.close()
        except Exception:
            pass
        if self.turn is not None:
            self.turn.release()


@dataclass
class RelayStats:
    published: int = 0
    nacked: int = 0
    rounds: int = 0
    reconnects: int = 0
    errors: list[str] = field(default_factory=list)  # the most recent ones (MAX_ERRORS)

    MAX_ERRORS: ClassVar[int] = 100

    def error(self, exc: BaseException) -> None:
        self.errors.append(repr(exc))
        del self.errors[:-self.MAX_ERRORS]  # a relay waiting out a long outage must not grow forever


class OutboxRelay:
    # Batches of 2000: measured 7,800-8,300 events/s against 6,800-7,200 with 1000 on the same
    # machine and run (tests/perf/relay_throughput.py); a batch is one claim, one mark, one commit.
    def __init__(self, engine: Engine, outbox: Table, amqp_url: str, exchanges: list[str], *,
                 batch_size: int = 2000, confirm_timeout: float = 10.0, idle_sleep: float = 0.2,
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
        self._publisher: ConfirmingPublisher | None = None
        self._turn = TurnLock(engine) if is_sqlite(engine) else None
        self._brokers = broker_urls(amqp_url)
        self._broker = 0  # the one tried first: the last that worked, or the next after a failure

    # -- broker side -----------------------------------------------------------------
    def _connect(self) -> None:
        """One attempt on each broker of the list from the current one on; the first that opens is kept."""
        self.close()
        failure: BaseException | None = None
        for step in range(len(self._brokers)):
            index = (self._broker + step) % len(self._brokers)
            parameters, connect_timeout = pika_parameters(self._brokers[index])
            publisher = ConfirmingPublisher(parameters, self.exchanges, self.confirm_timeout, connect_timeout)
            try:
                publisher.open()
            except BROKER_ERRORS as exc:
                failure = exc
                if len(self._brokers) > 1:
                    log.warning("broker unavailable, trying the next", extra={"error": repr(exc)})
                continue
            self._broker = index
            self._publisher = publisher
            return
        assert failure is not None
        raise failure

    def close(self) -> None:
        """Close the broker connection; bounded in time even if the broker stopped answering."""
        publisher, self._publisher = self._publisher, None
        if publisher is not None:
            publisher.close()

    def _drop(self) -> None:
        """Forget a connection that failed, without the close handshake (which could hang); the
        next connection tries the next broker of the list first."""
        publisher, self._publisher = self._publisher, None
        if publisher is not None:
            publisher.abort()
            self._broker = (self._broker + 1) % len(self._brokers)

    def _keepalive(self) -> None:
        """Between batches, read the broker's heartbeats and send ours.

        Without this an idle relay never touches its socket, the broker closes the connection
        after two missed heartbeats, and the first batch after a quiet period fails.
        """
        if self._publisher is not None:
            self._publisher.keepalive()

    def _publish_batch(self, rows: Sequence[OutboxRow]) -> SentBatch:
        """Publish rows; their confirms are awaited by _confirmed()."""
        if self._publisher is None:
            raise BrokerError("not connected")
        return self._publisher.send(rows)

    def _confirmed(self, sent: SentBatch) -> tuple[list[int], list[int]]:
        """Wait for a published batch's confirms. Returns (confirmed ids, nacked ids)."""
        if self._publisher is None:
            raise BrokerError("not connected")
        return self._publisher.wait(sent)

    # -- database side ---------------------------------------------------------------
    def _claim_query(self) -> Select[Any]:
        t = self.outbox
        query = (select(t.c.id, t.c.event_id, t.c.event_type, t.c.exchange, t.c.routing_key, t.c.body, t.c.personal)
                 .where(t.c.published_at.is_(None)).order_by(t.c.id).limit(self.batch_size))
        if not is_sqlite(self.engine):
            query = query.with_for_update(skip_locked=True)
        return query

    def drain_once(self) -> int:
        """One round: claim one batch, publish, confirm, mark. Returns how many rows were published."""
        return self._round(1)

    def _round(self, batches: int) -> int:
        """Up to ``batches`` batches, each claimed, published, confirmed and marked in its own
        transaction. Returns how many rows were published.

        On PostgreSQL the next batch is claimed (SKIP LOCKED passes over the rows still locked
        by the one before) and published while the broker confirms the previous one, so the
        broker is kept busy instead of idling while the relay marks and claims. On SQLite
        batches follow each other, each in the relay's turn.
        """
        if self._publisher is None:
            self._connect()
        sqlite = is_sqlite(self.engine)
        depth = 1 if sqlite else PIPELINE_DEPTH
        in_flight: deque[_Batch] = deque()
        published = claimed = 0
        try:
            for _ in range(batches):
                batch = self._claim(sqlite)
                if batch is None:
                    break
                in_flight.append(batch)
                claimed += len(batch.rows)
                batch.sent = self._publish_batch(batch.rows)
                if len(in_flight) >= depth:
                    published += self._finish(in_flight[0])
                    in_flight.popleft()
                if len(batch.rows) < self.batch_size:
                    break
            while in_flight:
                published += self._finish(in_flight[0])
                in_flight.popleft()
        except BaseException:
            # Whatever was not confirmed and marked stays unpublished (its transaction rolls
            # back); the connection is in an unknown state, so the next round opens a new one
            # instead of reusing it.
            for batch in in_flight:
                batch.abandon()
            if in_flight:
                self._drop()
            raise
        if not claimed:
            self._keepalive()
        return published

    def _claim(self, sqlite: bool) -> _Batch | None:
        if sqlite:
            return self._claim_sqlite()
        conn = self.engine.connect()
        try:
            transaction = conn.begin()
            rows = conn.execute(self._claim_query()).all()
            if not rows:
                transaction.commit()
                conn.close()
                return None
        except BaseException:
            conn.close()
            raise
        return _Batch(rows, conn, transaction)

    def _claim_sqlite(self) -> _Batch | None:
        """Read the batch in a deferred (read-only) transaction: in WAL mode it blocks no writer."""
        assert self._turn is not None
        self._turn.acquire()
        try:
            with self.engine.connect().execution_options(sqlite_begin="DEFERRED") as conn, conn.begin():
                rows = conn.execute(self._claim_query()).all()
        except BaseException:
            self._turn.release()
            raise
        if not rows:
            self._turn.release()
            return None
        return _Batch(rows, turn=self._turn)

    def _finish(self, batch: _Batch) -> int:
        """Wait for a batch's confirms, mark it and commit (on SQLite in a write transaction of
        its own, opened only now)."""
        assert batch.sent is not None
        confirmed, nacked = self._confirmed(batch.sent)
        fault_point("relay.after_confirm")
        if batch.conn is None or batch.transaction is None:
            with self.engine.begin() as conn:
                self._mark(conn, confirmed, nacked)
                self._scrub(conn, batch.rows, confirmed)
            assert batch.turn is not None
            batch.turn.release()
            batch.turn = None
        else:
            self._mark(batch.conn, confirmed, nacked)
            self._scrub(batch.conn, batch.rows, confirmed)
            batch.transaction.commit()
            batch.conn.close()
        self.stats.published += len(confirmed)
        self.stats.nacked += len(nacked)
        self.stats.rounds += 1
        return len(confirmed)

    def _mark(self, conn: Connection, confirmed: list[int], nacked: list[int]) -> None:
        t = self.outbox
        now = utcnow()
        for start in range(0, len(confirmed), 1000):
            chunk = confirmed[start:start + 1000]
            conn.execute(update(t).where(self._id_in(chunk)).values(published_at=now, attempts=t.c.attempts + 1))
        if nacked:
            conn.execute(update(t).where(self._id_in(nacked))
                         .values(attempts=t.c.attempts + 1, last_error="nacked by broker"))

    def _scrub(self, conn: Connection, rows: Sequence[Any], confirmed: list[int]) -> None:
        """Drop the data of the confirmed rows that carry personal data, in the transaction that
        marks them: the broker has them now, and the outbox must not keep them for ever. A row not
        confirmed keeps its body for the next round."""
        done = set(confirmed)
        scrubbed = [{"row_id": row.id, "scrubbed": scrubbed_body(row.body)}
                    for row in rows if row.personal and row.id in done]
        if scrubbed:
            t = self.outbox
            conn.execute(update(t).where(t.c.id == bindparam("row_id")).values(body=bindparam("scrubbed")), scrubbed)

    def _id_in(self, ids: list[int]) -> ColumnElement[bool]:
        if is_sqlite(self.engine):
            return self.outbox.c.id.in_(ids)
        # One array parameter instead of a thousand: PostgreSQL drivers spend longer
        # rewriting a long IN list than the server spends on the update.
        return self.outbox.c.id == any_(bindparam("relay_ids", ids, type_=ARRAY(BigInteger)))

    def drain(self, stop: threading.Event | None = None) -> int:
        """Publish until the outbox is empty (used by tests and the benchmark)."""
        total = 0
        while stop is None or not stop.is_set():
            n = self._round(ROUND_BATCHES)
            total += n
            if n == 0:
                break
        return total

    def run(self, stop: threading.Event) -> None:
        backoff = 0.5
        log.info("relay started", extra={"exchanges": self.exchanges})
        while not stop.is_set():
            try:
                published = self._round(ROUND_BATCHES)
                backoff = 0.5
                if published:
                    log.info("published", extra={"count": published})
                else:
                    stop.wait(self.idle_sleep)
            except BROKER_ERRORS as exc:
                # Unconfirmed rows were rolled back to unpublished; reconnect and resend them.
                self.stats.reconnects += 1
                self.stats.error(exc)
                log.warning("broker unavailable, will retry", extra={"error": repr(exc), "retry_in": backoff})
                self._drop()
                stop.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff)
            except SQLAlchemyError as exc:
                self.stats.error(exc)
                log.warning("database unavailable, will retry", extra={"error": repr(exc), "retry_in": backoff})
                stop.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff)
        self.close()
        log.info("relay stopped", extra={"published": self.stats.published})


def main(relay: OutboxRelay, argv: list[str] | None = None, periodic: Sequence[PeriodicWrite] = ()) -> None:
    """The relay's command line: run until stopped, or ``--drain`` what is in the outbox now
    and exit (``make run`` does it after seeding, so replicas are current before services seed).
    ``periodic`` writes run beside a running relay only."""
    import argparse

    from .serve import stop_event_on_signals
    parser = argparse.ArgumentParser(description="publishes the service's outbox to RabbitMQ")
    parser.add_argument("--drain", action="store_true", help="publish every unpublished event, then exit")
    args = parser.parse_args(argv)
    if args.drain:
        try:
            log.info("outbox drained", extra={"published": relay.drain()})
        finally:
            relay.close()
    else:
        stop = stop_event_on_signals()
        for write in periodic:
            write.start(stop)
        relay.run(stop)
