"""A TCP proxy that misbehaves on command, for fault tests: processes are given its address
instead of the broker's or the database's, and the test cuts, refuses, delays or stalls what
passes through.

The proxy runs an asyncio loop in a thread of its own; every command is a plain method call
from the test's thread that returns once the loop has applied it::

    with FaultProxy("127.0.0.1", 5672) as proxy:
        url = proxy.route("amqp://journal:secret@127.0.0.1:5672/kabinet")  # host:port rewritten
        ...
        proxy.cut()                # every open connection closed at once (a reset)
        proxy.refuse()             # new connections refused (nothing listens) ...
        proxy.refuse(False)        # ... until this
        proxy.delay(0.3)           # every byte arrives 0.3 s late, both ways
        proxy.blackhole()          # connections accepted, nothing forwarded: peers hang
        proxy.heal()               # back to normal; stalled connections are cut

Only data moves through it; it knows nothing of AMQP or PostgreSQL.
"""
from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

CHUNK = 64 * 1024
T = TypeVar("T")


@dataclass
class ProxyStats:
    accepted: int = 0
    refused: int = 0
    cut: int = 0
    bytes_up: int = 0    # client → target
    bytes_down: int = 0  # target → client


class _Link:
    """One client connection and, unless it arrived during a blackhole, its upstream."""

    def __init__(self, proxy: FaultProxy, client: tuple[asyncio.StreamReader, asyncio.StreamWriter]):
        self.proxy = proxy
        self.client_reader, self.client_writer = client
        self.upstream_writer: asyncio.StreamWriter | None = None
        self.tasks: list[asyncio.Task[None]] = []
        self.stalled = False  # opened or held during a blackhole
        self.closed = False
        self._ended = asyncio.Event()

    async def run(self) -> None:
        proxy = self.proxy
        if proxy._blackhole:
            self.stalled = True
            # Never forwards: heal() or cut() ends it.
            waiters = [asyncio.ensure_future(proxy._flowing.wait()), asyncio.ensure_future(self._ended.wait())]
            try:
                await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waiters:
                    waiter.cancel()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.wait_for(
                asyncio.open_connection(proxy.target_host, proxy.target_port), timeout=10)
        except (TimeoutError, OSError):
            self.abort()
            return
        self.upstream_writer = upstream_writer
        if self.closed:  # cut while it was connecting
            upstream_writer.transport.abort()
            return
        self.tasks = [asyncio.ensure_future(self._pipe(self.client_reader, upstream_writer, up=True)),
                      asyncio.ensure_future(self._pipe(upstream_reader, self.client_writer, up=False))]
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.abort()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, up: bool) -> None:
        # Reading and writing are apart so that a delay is latency, not a throughput limit:
        # each chunk is stamped on arrival and written once its delay has passed.
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        writing = asyncio.ensure_future(self._drain_into(queue, writer, up=up))
        try:
            while not self.closed:
                data = await reader.read(CHUNK)
                if not data:
                    break
                await queue.put((time.monotonic() + self.proxy._delay, data))
            await queue.put((0.0, b""))  # end of stream: half-close after what is queued
            await writing
        finally:
            writing.cancel()
            self.abort()

    async def _drain_into(self, queue: asyncio.Queue[tuple[float, bytes]], writer: asyncio.StreamWriter, *,
                          up: bool) -> None:
        proxy = self.proxy
        while True:
            due, data = await queue.get()
            if not data:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            if not proxy._flowing.is_set():
                self.stalled = True  # held, as a partition holds it, until heal() cuts it
                await proxy._flowing.wait()
                return
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if up:
                proxy.stats.bytes_up += len(data)
            else:
                proxy.stats.bytes_down += len(data)
            writer.write(data)
            await writer.drain()

    def abort(self) -> None:
        """Close both sides at once, without a goodbye (the peers see a reset)."""
        if self.closed:
            return
        self.closed = True
        self._ended.set()
        for writer in (self.client_writer, self.upstream_writer):
            if writer is not None:
                writer.transport.abort()
        for task in self.tasks:
            task.cancel()
        self.proxy._links.discard(self)


class FaultProxy:
    """Forwards ``listen_host:listen_port`` (a free port by default) to ``target_host:target_port``."""

    def __init__(self, target_host: str, target_port: int, *, listen_host: str = "127.0.0.1", listen_port: int = 0):
        self.target_host, self.target_port = target_host, target_port
        self.listen_host, self.port = listen_host, listen_port
        self.stats = ProxyStats()
        self._delay = 0.0
        self._blackhole = False
        self._refusing = False
        self._links: set[_Link] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=f"fault-proxy-{target_port}",
                                        daemon=True)
        self._server: asyncio.Server | None = None
        self._flowing = asyncio.Event()  # set while data may move; binds to the proxy's loop on first use

    # -- life ------------------------------------------------------------------------
    def start(self) -> FaultProxy:
        self._thread.start()
        self._call(self._start())
        return self

    async def _start(self) -> None:
        self._flowing.set()
        await self._listen()

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.listen_host, self.port, reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        try:
            self._call(self._stop())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
            self._loop.close()

    async def _stop(self) -> None:
        await self._close_server()
        for link in list(self._links):
            link.abort()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _call(self, coro: Coroutine[Any, Any, T], timeout: float = 15) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    @property
    def address(self) -> str:
        return f"{self.listen_host}:{self.port}"

    def route(self, url: str) -> str:
        """``url`` (``scheme://user:pass@host:port/path``; several joined by ``;`` as kombu takes
        them) with every host and port replaced by the proxy's."""
        return ";".join(self._route_one(part) for part in url.split(";"))

    def _route_one(self, url: str) -> str:
        parts = urlsplit(url)
        credentials = parts.netloc.rpartition("@")[0]
        netloc = f"{credentials}@{self.address}" if credentials else self.address
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))

    # -- connections -----------------------------------------------------------------
    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._refusing:  # the listener is closing: a connection that slipped in is dropped
            self.stats.refused += 1
            writer.transport.abort()
            return
        self.stats.accepted += 1
        link = _Link(self, (reader, writer))
        self._links.add(link)
        try:
            await link.run()
        finally:
            link.abort()

    async def _close_server(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            await server.wait_closed()

    # -- faults ----------------------------------------------------------------------
    def cut(self) -> int:
        """Close every open connection now; returns how many. New ones are accepted as before."""
        return self._call(self._cut())

    async def _cut(self) -> int:
        links = list(self._links)
        for link in links:
            link.abort()
        self.stats.cut += len(links)
        return len(links)

    def refuse(self, on: bool = True) -> None:
        """Stop listening (connections are refused, as by a host that is down) or listen again.
        Open connections are left alone: ``cut()`` them too for a full outage."""
        self._call(self._refuse(on))

    async def _refuse(self, on: bool) -> None:
        self._refusing = on
        if on:
            await self._close_server()
        elif self._server is None:
            await self._listen()

    def delay(self, seconds: float) -> None:
        """Every chunk, both ways, is forwarded ``seconds`` after it arrived (0: no delay)."""
        self._call(self._set_delay(max(0.0, float(seconds))))

    async def _set_delay(self, seconds: float) -> None:
        self._delay = seconds

    def blackhole(self, on: bool = True) -> None:
        """Accept connections but forward nothing, on new and open connections alike: every
        peer waits for an answer that does not come (a partition, a hung server)."""
        self._call(self._set_blackhole(on))

    async def _set_blackhole(self, on: bool) -> None:
        self._blackhole = on
        if on:
            self._flowing.clear()
        else:
            self._flowing.set()

    def heal(self) -> None:
        """Back to normal: listening, no delay, data flowing. Connections that stalled in a
        blackhole are cut: after a partition their peers' state is unknown, as in a network."""
        self._call(self._heal())

    async def _heal(self) -> None:
        self._delay = 0.0
        await self._refuse(False)
        stalled = [link for link in self._links if link.stalled]
        await self._set_blackhole(False)
        for link in stalled:
            link.abort()
        self.stats.cut += len(stalled)

    @property
    def open_connections(self) -> int:
        return len(self._links)
