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
import struct
import threading
import time
from dataclasses import dataclass, field

import amqp
from amqp import spec
from amqp.serialization import dumps
from kombu import Exchange
from kombu.exceptions import KombuError
from sqlalchemy import BigInteger, Table, any_, bindparam, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from .bus import connect
from .db import is_sqlite
from .events import CONTENT_TYPE, utcnow

log = logging.getLogger("kabinet.relay")

CLOSE_TIMEOUT = 2.0  # seconds the AMQP close handshake may take before the socket is dropped


_FRAME_END = b"\xce"
_PUBLISH_METHOD = struct.pack(">HH", *spec.Basic.Publish)
_WRITE_CHUNK = 256 * 1024  # bytes of frames handed to the socket at once


def message_properties(event_type: str, event_id: str) -> dict:
    """The AMQP properties of an outbox message (persistent, CloudEvents structured mode)."""
    return {"content_type": CONTENT_TYPE, "content_encoding": "utf-8", "application_headers": {"ce_type": event_type},
            "delivery_mode": 2, "message_id": event_id, "type": event_type}


def _properties_template(event_type: str, id_length: int) -> tuple[bytes, bytes]:
    """(bytes before, bytes after) the message id in the serialised properties of a message."""
    serialised = [amqp.Message(b"", **message_properties(event_type, filler * id_length))._serialize_properties()
                  for filler in ("\x01", "\x02")]
    start = next(i for i, (a, b) in enumerate(zip(*serialised)) if a != b)
    end = start + id_length
    if serialised[0][start:end] != b"\x01" * id_length or serialised[0][end:] != serialised[1][end:]:
        raise RuntimeError("cannot locate message_id in serialised AMQP properties")
    return serialised[0][:start], serialised[0][end:]


def publish_frames(channel_id: int, publish_args: bytes, properties: bytes, body: bytes, frame_max: int) -> bytes:
    """The AMQP 0-9-1 frames of one basic.publish: method, content header, body frame(s).

    Byte for byte what py-amqp's frame writer sends; built here so that a whole batch goes to
    the socket in a few writes instead of one write (and one lock, promise, ...) per message.
    """
    method = _PUBLISH_METHOD + publish_args
    header = struct.pack(">HHQ", spec.Basic.Publish[0], 0, len(body)) + properties
    frames = [struct.pack(">BHI", 1, channel_id, len(method)), method, _FRAME_END,
              struct.pack(">BHI", 2, channel_id, len(header)), header, _FRAME_END]
    chunk = frame_max - 8
    for start in range(0, len(body), chunk):
        piece = body[start:start + chunk]
        frames += [struct.pack(">BHI", 3, channel_id, len(piece)), piece, _FRAME_END]
    return b"".join(frames)


def _drop_connection(connection) -> None:
    try:
        connection.collect()  # closes the socket without the AMQP close handshake
    except Exception:
        pass


class ConfirmTimeout(Exception):
    """The broker did not confirm a batch in time; the connection is treated as lost."""


@dataclass
class RelayStats:
    published: int = 0
    nacked: int = 0
    rounds: int = 0
    reconnects: int = 0
    errors: list[str] = field(default_factory=list)  # the most recent ones (MAX_ERRORS)

    MAX_ERRORS = 100

    def error(self, exc: BaseException) -> None:
        self.errors.append(repr(exc))
        del self.errors[:-self.MAX_ERRORS]  # a relay waiting out a long outage must not grow forever


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
        self._templates: dict[tuple[str, int], tuple[bytes, bytes]] = {}
        self._args: dict[tuple[str, str], bytes] = {}

    # -- broker side -----------------------------------------------------------------
    def _connect(self) -> None:
        self.close()
        connection = connect(self.amqp_url)
        try:
            # One attempt only: run() has its own back-off, and kombu's retry would add a 2 s
            # sleep and a second connect timeout to every failed round.
            connection.ensure_connection(max_retries=0, timeout=connection.connect_timeout)
            channel = connection.channel()
            for name in self.exchanges:
                Exchange(name, type="topic", durable=True)(channel).declare()
            channel.confirm_select()
        except BaseException:
            _drop_connection(connection)  # e.g. a refused declare must not leak the connection
            raise
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)
        self._connection, self._channel = connection, channel
        self._next_tag = 1
        self._pending.clear()
        self._nacked.clear()

    def close(self) -> None:
        """Close the broker connection; bounded in time even if the broker stopped answering."""
        connection, channel = self._connection, self._channel
        self._connection = self._channel = None
        if connection is None:
            return
        try:
            # The AMQP close handshake waits for Close-Ok with no timeout of its own.
            channel.connection.transport.sock.settimeout(CLOSE_TIMEOUT)
        except Exception:  # no socket any more: release() below just drops the objects
            pass
        try:
            connection.release()
        except Exception:  # a dead socket may fail to close; it is being dropped anyway
            pass

    def _drop(self) -> None:
        """Forget a connection that failed, without the close handshake (which could hang)."""
        connection = self._connection
        self._connection = self._channel = None
        if connection is not None:
            _drop_connection(connection)

    def _keepalive(self) -> None:
        """Between batches, read the broker's heartbeats and send ours.

        Without this an idle relay never touches its socket, the broker closes the connection
        after two missed heartbeats, and the first batch after a quiet period fails.
        """
        try:
            self._connection.drain_events(timeout=0.01)
        except socket.timeout:
            pass
        self._connection.heartbeat_check()

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
        connection = channel.connection  # py-amqp's
        ids = []
        # The frames are built here and written in large chunks: going through kombu's
        # prepare_message and amqp's basic_publish (which also polls the socket before every
        # message) costs more per message than the broker takes to store it. Every write is
        # bounded, so a broker that stops reading cannot block the relay.
        buffer: list[bytes] = []
        size = 0
        with connection.transport.having_timeout(self.confirm_timeout):
            for row in rows:
                body = row.body.encode("utf-8")
                frames = publish_frames(channel.channel_id, self._publish_args(row.exchange, row.routing_key),
                                        self._properties(row.event_type, row.event_id), body, connection.frame_max)
                buffer.append(frames)
                size += len(frames)
                self._pending[self._next_tag] = row.id
                self._next_tag += 1
                ids.append(row.id)
                if size >= _WRITE_CHUNK:
                    connection.transport.write(b"".join(buffer))
                    connection.bytes_sent += 1  # what py-amqp's heartbeat check counts
                    buffer, size = [], 0
            if buffer:
                connection.transport.write(b"".join(buffer))
                connection.bytes_sent += 1
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

    def _publish_args(self, exchange: str, routing_key: str) -> bytes:
        key = (exchange, routing_key)
        args = self._args.get(key)
        if args is None:
            # reserved, exchange, routing key, mandatory=False, immediate=False
            args = self._args[key] = dumps("Bssbb", (0, exchange, routing_key, False, False))
        return args

    def _properties(self, event_type: str, event_id: str) -> bytes:
        """The serialised AMQP properties of an outbox message.

        They differ between messages only by ``message_id``, so they are serialised once per
        event type (and id length) with a placeholder id that is then replaced.
        """
        raw_id = event_id.encode("utf-8")
        key = (event_type, len(raw_id))
        template = self._templates.get(key)
        if template is None:
            template = self._templates[key] = _properties_template(event_type, len(raw_id))
        return template[0] + raw_id + template[1]

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
        options = {"sqlite_begin": "IMMEDIATE"} if is_sqlite(self.engine) else {}
        with self.engine.connect().execution_options(**options) as conn, conn.begin():
            rows = conn.execute(self._claim_query()).all()
            if rows:
                try:
                    confirmed, nacked = self._publish_batch(rows)
                except BaseException:
                    # Whatever was not confirmed stays unpublished (this transaction rolls
                    # back); the connection is in an unknown state, so the next round opens a
                    # new one instead of reusing it.
                    self._drop()
                    raise
                self._mark(conn, confirmed, nacked)
        if not rows:
            self._keepalive()
            return 0
        self.stats.published += len(confirmed)
        self.stats.nacked += len(nacked)
        self.stats.rounds += 1
        return len(confirmed)

    def _mark(self, conn, confirmed: list[int], nacked: list[int]) -> None:
        t = self.outbox
        now = utcnow()
        for start in range(0, len(confirmed), 1000):
            chunk = confirmed[start:start + 1000]
            conn.execute(update(t).where(self._id_in(chunk)).values(published_at=now, attempts=t.c.attempts + 1))
        if nacked:
            conn.execute(update(t).where(self._id_in(nacked))
                         .values(attempts=t.c.attempts + 1, last_error="nacked by broker"))

    def _id_in(self, ids: list[int]):
        if is_sqlite(self.engine):
            return self.outbox.c.id.in_(ids)
        # One array parameter instead of a thousand: PostgreSQL drivers spend longer
        # rewriting a long IN list than the server spends on the update.
        return self.outbox.c.id == any_(bindparam("relay_ids", ids, type_=ARRAY(BigInteger)))

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


def main(relay: OutboxRelay, argv: list[str] | None = None) -> None:
    """The relay's command line: run until stopped, or ``--drain`` what is in the outbox now
    and exit (``make run`` does it after seeding, so replicas are current before services seed)."""
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
        relay.run(stop_event_on_signals())
