"""The fault proxy (kabinet_kit.testing.faults) between a client socket and an echo server on
loopback: it forwards, and on command cuts, refuses, delays and blackholes."""
from __future__ import annotations

import socket
import socketserver
import threading
import time
from collections.abc import Iterator

import pytest

from kabinet_kit.testing.faults import FaultProxy


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(65536):
            self.request.sendall(data)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture
def echo() -> Iterator[int]:
    server = _Server(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def proxy(echo) -> Iterator[FaultProxy]:
    with FaultProxy("127.0.0.1", echo) as p:
        yield p


def _connect(proxy: FaultProxy, timeout: float = 2.0) -> socket.socket:
    return socket.create_connection(("127.0.0.1", proxy.port), timeout=timeout)


def _round_trip(sock: socket.socket, payload: bytes) -> bytes:
    sock.sendall(payload)
    got = b""
    while len(got) < len(payload):
        chunk = sock.recv(65536)
        if not chunk:
            break
        got += chunk
    return got


def _closed_by_peer(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True


def test_forwards_both_ways_and_counts_bytes(proxy):
    with _connect(proxy) as sock:
        payload = b"x" * 200_000
        assert _round_trip(sock, payload) == payload
    assert proxy.stats.accepted == 1
    assert proxy.stats.bytes_up == proxy.stats.bytes_down == 200_000


def test_cut_closes_every_open_connection_and_new_ones_still_work(proxy):
    first, second = _connect(proxy), _connect(proxy)
    assert _round_trip(first, b"a") == b"a" and _round_trip(second, b"b") == b"b"
    assert proxy.cut() == 2
    assert _closed_by_peer(first) and _closed_by_peer(second)
    first.close()
    second.close()
    with _connect(proxy) as again:
        assert _round_trip(again, b"c") == b"c"


def test_refuse_stops_listening_until_told_otherwise(proxy):
    with _connect(proxy) as open_before:
        assert _round_trip(open_before, b"up") == b"up"  # accepted by the proxy, not just the kernel
        proxy.refuse()
        with pytest.raises(ConnectionRefusedError):
            _connect(proxy)
        assert _round_trip(open_before, b"still") == b"still"  # open connections are left alone
        proxy.refuse(False)
        with _connect(proxy) as again:
            assert _round_trip(again, b"back") == b"back"


def test_delay_is_latency_in_each_direction(proxy):
    with _connect(proxy) as sock:
        assert _round_trip(sock, b"warm") == b"warm"
        proxy.delay(0.3)
        started = time.monotonic()
        assert _round_trip(sock, b"slow") == b"slow"
        assert time.monotonic() - started >= 0.55  # 0.3 there and 0.3 back
        proxy.delay(0)
        started = time.monotonic()
        assert _round_trip(sock, b"fast") == b"fast"
        assert time.monotonic() - started < 0.25


def test_blackhole_accepts_but_answers_nothing_and_heal_cuts_the_stalled(proxy):
    with _connect(proxy, timeout=0.5) as idle, _connect(proxy, timeout=0.5) as busy:
        assert _round_trip(busy, b"ok") == b"ok"
        proxy.blackhole()
        with _connect(proxy, timeout=0.5) as new:  # accepted ...
            new.sendall(b"hello")
            with pytest.raises(TimeoutError):      # ... but nothing comes back
                new.recv(10)
            busy.sendall(b"lost")
            with pytest.raises(TimeoutError):
                busy.recv(10)
            proxy.heal()
            new.settimeout(2)
            busy.settimeout(2)
            assert _closed_by_peer(new) and _closed_by_peer(busy)
        # A connection that sent nothing during the partition survives it, as in a network.
        idle.settimeout(2)
        assert _round_trip(idle, b"idle") == b"idle"
    with _connect(proxy) as fresh:
        assert _round_trip(fresh, b"fresh") == b"fresh"


def test_route_rewrites_every_host_of_a_url_list(proxy):
    port = proxy.port
    assert proxy.route("amqp://journal:pw@127.0.0.1:5672/kabinet-test") == f"amqp://journal:pw@127.0.0.1:{port}/kabinet-test"
    assert proxy.route("postgresql://postgres@127.0.0.1:5432/db") == f"postgresql://postgres@127.0.0.1:{port}/db"
    assert proxy.route("amqp://a:b@h1:1/v;amqp://a:b@h2:2/v") == (
        f"amqp://a:b@127.0.0.1:{port}/v;amqp://a:b@127.0.0.1:{port}/v")


def test_stop_closes_the_listener_and_the_connections(echo):
    proxy = FaultProxy("127.0.0.1", echo).start()
    sock = _connect(proxy)
    assert _round_trip(sock, b"x") == b"x"
    proxy.stop()
    assert _closed_by_peer(sock)
    sock.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", proxy.port), timeout=1)
