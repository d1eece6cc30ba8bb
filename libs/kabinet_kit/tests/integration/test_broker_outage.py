"""The relay against a broker that goes away: writes never depend on the broker, relay rounds
fail fast instead of hanging, and everything written is delivered once the broker is back.

The outage is a TCP proxy (below) between the relay and RabbitMQ that can be switched off
(connections are reset at once), stalled (the proxy stops forwarding without closing anything,
like a network partition) or cut (every open connection is reset in the middle of a drain).
"""
from __future__ import annotations

import socket
import struct
import threading
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
from amqp.exceptions import AMQPError
from kombu.exceptions import KombuError

from kabinet_kit import bus
from kabinet_kit.relay import ConfirmTimeout
from kabinet_kit.testing import BROKER_HOST, admin_amqp_url

BROKER_ERRORS = (OSError, AMQPError, KombuError, ConfirmTimeout)


class TcpProxy:
    """A threaded TCP proxy to the broker with an on/off/stall switch."""

    def __init__(self, target: str = BROKER_HOST):
        host, _, port = target.partition(":")
        self.target = (host, int(port or 5672))
        self.mode = "up"  # up | down (reset every connection) | stall (accept/keep, forward nothing)
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._closed = False
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept_loop, name="proxy-accept", daemon=True).start()

    def url(self) -> str:
        """The administrator's URL, through the proxy."""
        parts = urlsplit(admin_amqp_url())
        return urlunsplit(parts._replace(netloc=f"{parts.netloc.rpartition('@')[0]}@127.0.0.1:{self.port}"))

    @staticmethod
    def _reset(sock: socket.socket) -> None:
        try:  # SO_LINGER 0: close with RST, as a dead broker host's network stack would
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        try:
            sock.close()
        except OSError:
            pass

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.mode == "down":
                self._reset(client)
                continue
            with self._lock:
                self._sockets.add(client)
            if self.mode == "stall":
                continue  # keep it open, never answer
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                self._reset(client)
                continue
            with self._lock:
                self._sockets.add(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), name="proxy-pipe", daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                while self.mode == "stall" and not self._closed:
                    time.sleep(0.05)  # hold the bytes: nothing gets through, nothing is closed
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                self._reset(s)

    def _reset_all(self) -> None:
        with self._lock:
            sockets, self._sockets = list(self._sockets), set()
        for s in sockets:
            self._reset(s)

    def down(self) -> None:
        """Broker unreachable: open connections are reset, new ones are reset at once."""
        self.mode = "down"
        self._reset_all()

    def stall(self) -> None:
        """Broker silent: connections stay open but nothing is forwarded either way."""
        self.mode = "stall"

    def up(self) -> None:
        if self.mode == "stall":
            self._reset_all()  # a partition that heals does not revive what timed out
        self.mode = "up"

    def close(self) -> None:
        self._closed = True
        self.listener.close()
        self._reset_all()


@pytest.fixture
def proxy(amqp_url):
    p = TcpProxy()
    yield p
    p.close()


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def test_writes_succeed_during_an_outage_and_are_relayed_once_the_broker_is_back(sample, broker, proxy, kit):
    tap = broker.tap()
    proxy.down()
    ids = sample.write(40) + sample.write(10, account="later")  # the request path never needs the broker
    assert sample.unpublished() == 50

    relay = sample.relay(proxy.url(), max_backoff=0.5)
    started = time.monotonic()
    with pytest.raises(BROKER_ERRORS):
        relay.drain_once()
    assert time.monotonic() - started < 15, "a relay round must fail fast when the broker is down"
    assert sample.unpublished() == 50

    with kit.running(relay):
        wait_until(lambda: relay.stats.reconnects >= 2, 15, "failing relay rounds")
        assert sample.unpublished() == 50
        proxy.up()
        wait_until(lambda: sample.unpublished() == 0, 20, "the backlog to drain")
    received = broker.read_ids(tap, expected=50)
    assert set(received) == set(ids)
    assert set(received.values()) == {1}  # nothing was confirmed during the outage: no resends


def test_relay_round_against_a_silent_broker_fails_within_the_connect_timeout(sample, proxy, monkeypatch):
    monkeypatch.setattr(bus, "CONNECT_TIMEOUT", 2.0)
    proxy.stall()
    sample.write(3)
    relay = sample.relay(proxy.url())
    started = time.monotonic()
    with pytest.raises(BROKER_ERRORS):
        relay.drain_once()
    elapsed = time.monotonic() - started
    relay.close()
    # one connection attempt, bounded by the connect timeout (no hidden retry, no hang)
    assert elapsed < bus.CONNECT_TIMEOUT + 3, elapsed
    assert sample.unpublished() == 3


def test_broker_going_silent_mid_batch_times_out_and_nothing_is_lost(sample, broker, proxy, kit):
    tap = broker.tap()
    ids = sample.write(200)
    relay = sample.relay(proxy.url(), batch_size=50, confirm_timeout=2.0)
    assert relay.drain_once() == 50  # connected and publishing
    proxy.stall()
    started = time.monotonic()
    with pytest.raises(BROKER_ERRORS):
        relay.drain_once()
    assert time.monotonic() - started < 15, "a stalled broker must not hang the relay"
    assert sample.unpublished() == 150
    proxy.up()
    try:
        assert relay.drain() >= 150
    finally:
        relay.close()
    assert sample.unpublished() == 0
    received = broker.read_ids(tap, expected=200)
    assert set(received) == set(ids)  # duplicates allowed: the stalled batch may have reached the broker


def test_cutting_the_connection_in_the_middle_of_a_large_drain_loses_nothing(sample, broker, proxy, kit):
    tap = broker.tap()
    ids = []
    for _ in range(6):
        ids += sample.write(500)
    relay = sample.relay(proxy.url(), batch_size=100, max_backoff=0.5)
    with kit.running(relay):
        wait_until(lambda: relay.stats.published >= 300, 30, "the drain to get going")
        proxy.down()
        cut_at = relay.stats.published
        time.sleep(0.5)
        proxy.up()
        wait_until(lambda: sample.unpublished() == 0, 60, "the backlog to drain after the cut")
    assert cut_at < 3000, "the cut came after the drain had finished; nothing was tested"
    assert relay.stats.reconnects >= 1
    received = broker.read_ids(tap, expected=3000, timeout=60)
    assert set(ids) - set(received) == set(), "events lost"
    assert set(received) == set(ids)


def test_idle_relay_keeps_its_connection_alive(sample, broker, amqp_url, kit, monkeypatch):
    """An idle relay services heartbeats, so the broker does not drop it as dead and the first
    batch after a quiet spell goes out on the same connection."""
    import functools

    import kabinet_kit.publisher as publisher_module  # pika_parameters() reads the policy there
    monkeypatch.setattr(publisher_module, "connect", functools.partial(bus.connect, heartbeat=1))
    tap = broker.tap()
    relay = sample.relay(amqp_url, idle_sleep=0.1)
    first = sample.write(1)
    with kit.running(relay):
        wait_until(lambda: sample.unpublished() == 0, 10, "the first event")
        time.sleep(4)  # > 2 heartbeat intervals with nothing to publish
        second = sample.write(1)
        wait_until(lambda: sample.unpublished() == 0, 10, "the event after the quiet spell")
    assert relay.stats.reconnects == 0, relay.stats.errors
    assert set(broker.read_ids(tap, expected=2)) == set(first + second)
