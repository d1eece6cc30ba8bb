"""The relay's broker side: pika's asynchronous SelectConnection with publisher confirms, driven
from the relay's own thread.

The relay thread also holds the database transaction of a batch, so instead of handing rows
to an I/O thread it runs pika's ioloop itself, in bounded slices: while publishing (so frames
leave and confirms arrive as the batch is written), while waiting for the batch's confirms
(until a deadline) and between batches (heartbeats). Nothing ever waits without a deadline:
a broker that stops reading or answering (a partition, a resource alarm that blocks
publishers) costs one ``confirm_timeout`` and a new connection.
"""
from __future__ import annotations

import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import pika
from pika.adapters.select_connection import IOLoop

from .bus import connect
from .events import CONTENT_TYPE

CLOSE_TIMEOUT = 2.0  # seconds the AMQP close handshake may take before the socket is shut
ABORT_TIMEOUT = 0.5  # seconds for pika to notice a socket we shut and release it
_TCP_CORK: int | None = getattr(socket, "TCP_CORK", None)  # Linux only
FLUSH_EVERY = 50  # messages buffered before the ioloop gets a turn to send them and read confirms


class BrokerError(ConnectionError):
    """The broker connection could not be opened, was lost, or a declaration was refused."""


class ConfirmTimeout(Exception):
    """The broker did not confirm a batch in time; the connection is treated as lost."""


class OutboxRow(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def event_id(self) -> str: ...
    @property
    def event_type(self) -> str: ...
    @property
    def exchange(self) -> str: ...
    @property
    def routing_key(self) -> str: ...
    @property
    def body(self) -> str: ...


def message_properties(event_type: str, event_id: str) -> Any:
    """The AMQP properties of an outbox message (persistent, CloudEvents structured mode)."""
    return pika.BasicProperties(content_type=CONTENT_TYPE, content_encoding="utf-8", headers={"ce_type": event_type},
                                delivery_mode=2, message_id=event_id, type=event_type)


def broker_urls(amqp_url: str) -> list[str]:
    """The brokers of a URL list (``amqp://a;amqp://b``, kombu's failover spelling), in order."""
    return [url.strip() for url in amqp_url.split(";") if url.strip()]


def pika_parameters(amqp_url: str) -> tuple[Any, float]:
    """pika connection parameters for a kombu-style URL (``amqp://user:pass@host:5672/vhost``),
    with the kit's connection policy (bus.connect: heartbeat, connect timeout); and that timeout.

    kombu parses the URL so that it means the same vhost for the relay as for the consumers.
    """
    settings = connect(amqp_url)  # kombu connects lazily: this opens nothing
    timeout = float(settings.connect_timeout)
    parameters = pika.ConnectionParameters(
        host=settings.hostname, port=settings.port or 5672, virtual_host=settings.virtual_host,
        credentials=pika.PlainCredentials(settings.userid, settings.password),
        heartbeat=max(1, round(settings.heartbeat)) if settings.heartbeat else 0, connection_attempts=1,
        socket_timeout=timeout,
        stack_timeout=timeout + 1)  # the relay's own deadline comes first
    return parameters, timeout


class Confirms:
    """Delivery-tag bookkeeping of one confirm-mode channel: tags count up from 1 per channel,
    and a multiple ack or nack settles every outstanding tag up to its own."""

    def __init__(self) -> None:
        self.next_tag = 1
        self.pending: dict[int, int] = {}  # delivery tag -> outbox row id
        self.nacked: set[int] = set()  # row ids
        self._low = 1  # every tag below it is settled

    def sent(self, row_id: int) -> None:
        self.pending[self.next_tag] = row_id
        self.next_tag += 1

    def settle(self, tag: int, multiple: bool, ack: bool) -> None:
        if multiple:
            settled = [self.pending.pop(t) for t in range(self._low, tag + 1) if t in self.pending]
            self._low = max(self._low, tag + 1)
        else:
            row = self.pending.pop(tag, None)
            settled = [] if row is None else [row]
        if not ack:
            self.nacked.update(settled)

    def settled_through(self, tag: int) -> bool:
        """No tag up to ``tag`` is waiting (pending is in tag order: its first key is the oldest)."""
        return not self.pending or next(iter(self.pending)) > tag

    def outstanding_through(self, tag: int) -> int:
        return sum(1 for t in self.pending if t <= tag)

    def split(self, ids: Sequence[int]) -> tuple[list[int], list[int]]:
        """(confirmed, nacked) among ``ids``, once none of them is pending; forgets the nacks."""
        if not self.nacked:
            return list(ids), []
        nacked = [i for i in ids if i in self.nacked]
        self.nacked.difference_update(nacked)
        settled = set(nacked)
        return [i for i in ids if i not in settled], nacked


@dataclass
class SentBatch:
    """Rows published and awaiting their confirms: their ids, the last delivery tag among them
    and the deadline for the confirms."""
    ids: list[int]
    last_tag: int
    deadline: float


class _SocketTrackingIOLoop(IOLoop):  # type: ignore[misc]
    """pika's IOLoop, remembering the sockets pika registers: pika has no public way to drop a
    connection without the close handshake, but shutting its socket makes pika close it."""

    def __init__(self) -> None:
        super().__init__()
        self.socket_fds: set[int] = set()

    def add_handler(self, fd: int, handler: Callable[[int, int], None], events: int) -> None:
        self.socket_fds.add(fd)
        super().add_handler(fd, handler, events)

    def remove_handler(self, fd: int) -> None:
        self.socket_fds.discard(fd)
        super().remove_handler(fd)


def _noop() -> None:
    pass


class ConfirmingPublisher:
    """One connection and one confirm-mode channel; single-threaded, used by one relay."""

    def __init__(self, parameters: Any, exchanges: Sequence[str], confirm_timeout: float, connect_timeout: float):
        self.parameters = parameters
        self.exchanges = list(exchanges)
        self.confirm_timeout = confirm_timeout
        self.connect_timeout = connect_timeout
        self.confirms = Confirms()
        self.failure: BaseException | None = None
        self._ioloop = _SocketTrackingIOLoop()
        self._ioloop.activate_poller()  # what IOLoop.start() does first; poll() is driven here
        self._connection: Any = None
        self._channel: Any = None
        self._declared = 0
        self._selected = False
        self._closing = False

    # -- driving the ioloop ----------------------------------------------------------
    def _run_until(self, done: Callable[[], bool], deadline: float) -> bool:
        """Let pika work until ``done()``, a failure or the deadline. Returns ``done()``."""
        ioloop = self._ioloop
        timer = None
        try:
            while not done() and self.failure is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0 and timer is not None:
                    break
                if timer is None:  # bounds every poll below, which otherwise waits for I/O
                    timer = ioloop.call_later(max(remaining, 0.0), _noop)
                ioloop.poll()
                ioloop.process_timeouts()
        finally:
            if timer is not None:
                ioloop.remove_timeout(timer)
        return done()

    def _expect(self, done: Callable[[], bool], deadline: float, what: str) -> None:
        if not self._run_until(done, deadline):
            if self.failure is not None:
                raise BrokerError(f"{what}: {self.failure!r}") from self.failure
            raise BrokerError(f"{what}: no answer from the broker in time")

    def _fail(self, reason: BaseException) -> None:
        # While we close, the channel's and connection's close callbacks report our own close:
        # taking that for a failure would cut the handshake short and shut the socket under it.
        if self.failure is None and not self._closing:
            self.failure = reason

    # -- connecting ------------------------------------------------------------------
    def open(self) -> None:
        """Connect, open a channel, declare the exchanges and select confirms."""
        try:
            self._connection = pika.SelectConnection(
                self.parameters, on_open_callback=_noop_callback,
                on_open_error_callback=lambda _c, exc: self._fail(exc),
                on_close_callback=lambda _c, exc: self._fail(exc), custom_ioloop=self._ioloop)
            deadline = time.monotonic() + self.connect_timeout
            self._expect(lambda: bool(self._connection.is_open), deadline, "cannot connect to the broker")
            deadline = time.monotonic() + self.confirm_timeout
            self._channel = self._connection.channel(on_open_callback=_noop_callback)
            self._channel.add_on_close_callback(lambda _ch, exc: self._fail(exc))
            self._expect(lambda: bool(self._channel.is_open), deadline, "cannot open a channel")
            for name in self.exchanges:
                self._channel.exchange_declare(name, exchange_type="topic", durable=True,
                                               callback=self._on_declared)
            self._expect(lambda: self._declared == len(self.exchanges), deadline, "cannot declare the exchanges")
            self._channel.confirm_delivery(self._on_confirm, callback=self._on_selected)
            self._expect(lambda: self._selected, deadline, "cannot select publisher confirms")
        except BaseException:
            self.abort()  # e.g. a refused declare must not leak the connection
            raise

    def _on_declared(self, _frame: Any) -> None:
        self._declared += 1

    def _on_selected(self, _frame: Any) -> None:
        self._selected = True

    def _on_confirm(self, frame: Any) -> None:
        method = frame.method
        self.confirms.settle(method.delivery_tag, method.multiple, isinstance(method, pika.spec.Basic.Ack))

    # -- publishing ------------------------------------------------------------------
    def _check(self) -> None:
        if self.failure is not None or self._channel is None:
            raise BrokerError(f"connection lost: {self.failure!r}") from self.failure

    def send(self, rows: Sequence[OutboxRow]) -> SentBatch:
        """Publish rows without waiting for their confirms (see wait())."""
        self._check()
        deadline = time.monotonic() + self.confirm_timeout
        self._cork(True)
        try:
            return self._send(rows, deadline)
        finally:
            self._cork(False)  # uncorking sends what the kernel still holds

    def _send(self, rows: Sequence[OutboxRow], deadline: float) -> SentBatch:
        confirms, publish, ioloop = self.confirms, self._channel.basic_publish, self._ioloop
        ids = []
        for n, row in enumerate(rows, 1):
            publish(row.exchange, row.routing_key, row.body.encode("utf-8"),
                    message_properties(row.event_type, row.event_id))
            confirms.sent(row.id)
            ids.append(row.id)
            if n % FLUSH_EVERY == 0:
                # A turn for the ioloop without waiting: writes go out while the batch is
                # being built and confirms are read as they come, instead of all at the end.
                ioloop.call_later(0, _noop)
                ioloop.poll()
                ioloop.process_timeouts()
                self._check()
        ioloop.call_later(0, _noop)
        ioloop.poll()
        ioloop.process_timeouts()
        return SentBatch(ids, confirms.next_tag - 1, deadline)

    def _cork(self, on: bool) -> None:
        """TCP_CORK while a batch is written: pika sends every frame (three per message) with
        its own send() on a TCP_NODELAY socket, and one packet per frame costs more in the
        kernel, on both ends, than building the frame; corked, they leave as full segments."""
        if _TCP_CORK is None:
            return
        for fd in self._ioloop.socket_fds:
            sock = socket.socket(fileno=fd)
            try:
                sock.setsockopt(socket.IPPROTO_TCP, _TCP_CORK, int(on))
            except OSError:
                pass
            finally:
                sock.detach()

    def wait(self, batch: SentBatch) -> tuple[list[int], list[int]]:
        """Wait for the confirms of a sent batch. Returns (confirmed ids, nacked ids)."""
        confirms = self.confirms
        if not self._run_until(lambda: confirms.settled_through(batch.last_tag), batch.deadline):
            self._check()
            raise ConfirmTimeout(f"{confirms.outstanding_through(batch.last_tag)} of {len(batch.ids)} "
                                 "messages unconfirmed")
        return confirms.split(batch.ids)

    def publish(self, rows: Sequence[OutboxRow]) -> tuple[list[int], list[int]]:
        """Publish rows and wait for all their confirms. Returns (confirmed ids, nacked ids)."""
        return self.wait(self.send(rows))

    def keepalive(self) -> None:
        """Between batches: read the broker's heartbeats and send ours (pika's timers)."""
        self._run_until(lambda: False, time.monotonic() + 0.01)
        if self.failure is not None:
            raise BrokerError(f"connection lost: {self.failure!r}") from self.failure

    # -- closing ---------------------------------------------------------------------
    def close(self) -> None:
        """The AMQP close handshake, bounded by CLOSE_TIMEOUT; then the socket is shut."""
        connection = self._connection
        if connection is not None and connection.is_open:
            self._closing = True
            try:
                connection.close()
                self._run_until(lambda: bool(connection.is_closed), time.monotonic() + CLOSE_TIMEOUT)
            except Exception:  # a connection that failed meanwhile is dropped below
                pass
            finally:
                self._closing = False
        self.abort()

    def abort(self) -> None:
        """Drop the connection without the close handshake (which could hang)."""
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and not connection.is_closed:
            for fd in list(self._ioloop.socket_fds):
                sock = socket.socket(fileno=fd)
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                finally:
                    sock.detach()  # pika owns the descriptor and closes it
            self.failure = None
            try:
                self._run_until(lambda: bool(connection.is_closed), time.monotonic() + ABORT_TIMEOUT)
            except Exception:
                pass
        self._ioloop.close()


def _noop_callback(_arg: Any) -> None:
    pass
