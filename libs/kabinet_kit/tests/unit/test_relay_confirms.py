"""OutboxRelay's broker side without a broker: how confirms settle a batch (acks and nacks,
single and multiple), the confirm deadline, and the frames it writes (byte-identical to
py-amqp's own). Hand-written fakes stand in for the channel, transport and connection."""
from __future__ import annotations

import socket
import time
import uuid
from collections import namedtuple
from contextlib import contextmanager

import amqp
import pytest
from amqp import spec
from amqp.method_framing import frame_writer
from amqp.serialization import dumps

from kabinet_kit.relay import ConfirmTimeout, OutboxRelay, RelayStats, message_properties, publish_frames

Row = namedtuple("Row", "id event_id event_type exchange routing_key body")


class FakeTransport:
    def __init__(self):
        self.writes: list[bytes] = []
        self.timeouts: list[float | None] = []

    @contextmanager
    def having_timeout(self, timeout):
        self.timeouts.append(timeout)
        yield

    def write(self, data):
        self.writes.append(bytes(data))


class FakeAmqpConnection:
    frame_max = 131072

    def __init__(self):
        self.transport = FakeTransport()
        self.bytes_sent = 0


class FakeChannel:
    channel_id = 1

    def __init__(self):
        self.connection = FakeAmqpConnection()


class FakeBroker:
    """Stands in for the kombu connection: each drain_events() delivers the next scripted
    confirm (``("ack"|"nack", tag, multiple)``) to the relay, or times out when none is left."""

    def __init__(self, relay: OutboxRelay, script):
        self.relay = relay
        self.script = list(script)
        self.drains = 0
        self.heartbeat_checks = 0

    def drain_events(self, timeout=None):
        self.drains += 1
        if not self.script:
            time.sleep(min(timeout or 0, 0.01))
            raise socket.timeout()
        kind, tag, multiple = self.script.pop(0)
        (self.relay._on_ack if kind == "ack" else self.relay._on_nack)(tag, multiple)

    def heartbeat_check(self, rate=2):
        self.heartbeat_checks += 1


def make_relay(script=(), **options) -> tuple[OutboxRelay, FakeBroker, FakeChannel]:
    relay = OutboxRelay(None, None, "amqp://unused", ["kittest.events"], **options)
    broker = FakeBroker(relay, script)
    channel = FakeChannel()
    relay._connection, relay._channel = broker, channel
    return relay, broker, channel


def rows(n: int, start: int = 101) -> list[Row]:
    return [Row(start + i, str(uuid.uuid4()), "kittest.thing.created.v1", "kittest.events",
                "kittest.thing.created.v1", '{"n": %d}' % i) for i in range(n)]


# -- settling ------------------------------------------------------------------------------
def test_multiple_ack_settles_every_tag_up_to_it():
    relay, _, _ = make_relay()
    relay._pending.update({1: 11, 2: 12, 3: 13, 4: 14})
    relay._on_ack(3, True)
    assert relay._pending == {4: 14} and relay._nacked == set()


def test_single_ack_settles_only_its_tag():
    relay, _, _ = make_relay()
    relay._pending.update({1: 11, 2: 12, 3: 13})
    relay._on_ack(2, False)
    assert relay._pending == {1: 11, 3: 13}


def test_nacks_mark_rows_single_and_multiple():
    relay, _, _ = make_relay()
    relay._pending.update({1: 11, 2: 12, 3: 13, 4: 14, 5: 15})
    relay._on_nack(2, True)
    relay._on_nack(4, False)
    assert relay._nacked == {11, 12, 14} and relay._pending == {3: 13, 5: 15}


def test_confirms_for_unknown_or_settled_tags_are_ignored():
    relay, _, _ = make_relay()
    relay._pending.update({5: 15})
    relay._on_ack(3, False)
    relay._on_ack(4, True)
    relay._on_nack(9, False)
    assert relay._pending == {5: 15} and relay._nacked == set()


# -- a batch -------------------------------------------------------------------------------
def test_batch_acked_by_one_multiple_ack_is_all_confirmed():
    batch = rows(5)
    relay, broker, channel = make_relay([("ack", 5, True)])
    confirmed, nacked = relay._publish_batch(batch)
    assert confirmed == [r.id for r in batch] and nacked == []
    assert relay._pending == {} and relay._next_tag == 6
    written = b"".join(channel.connection.transport.writes)
    positions = [written.index(r.event_id.encode()) for r in batch]
    assert positions == sorted(positions)  # published in claim order
    assert channel.connection.bytes_sent == len(channel.connection.transport.writes) == 1
    assert channel.connection.transport.timeouts == [relay.confirm_timeout]  # writes are bounded


def test_batch_with_mixed_acks_and_nacks_splits_confirmed_and_nacked():
    batch = rows(6)
    script = [("ack", 2, True), ("nack", 3, False), ("ack", 4, False), ("nack", 6, True)]
    relay, _, _ = make_relay(script)
    confirmed, nacked = relay._publish_batch(batch)
    ids = [r.id for r in batch]
    assert confirmed == [ids[0], ids[1], ids[3]]
    assert nacked == [ids[2], ids[4], ids[5]]
    assert relay._nacked == set()  # handed back, not carried into the next batch


def test_delivery_tags_continue_across_batches_on_one_channel():
    relay, broker, _ = make_relay([("ack", 3, True)])
    relay._publish_batch(rows(3))
    broker.script = [("ack", 4, False), ("ack", 5, False)]
    confirmed, _ = relay._publish_batch(rows(2, start=201))
    assert confirmed == [201, 202] and relay._next_tag == 6


def test_missing_confirms_raise_confirm_timeout_after_the_deadline():
    relay, broker, _ = make_relay([("ack", 1, False)], confirm_timeout=0.1)
    started = time.monotonic()
    with pytest.raises(ConfirmTimeout, match="2 of 3 messages unconfirmed"):
        relay._publish_batch(rows(3))
    assert 0.1 <= time.monotonic() - started < 2


def test_large_batches_are_written_in_chunks():
    batch = [r._replace(body="x" * 20_000) for r in rows(40)]
    relay, _, channel = make_relay([("ack", 40, True)])
    relay._publish_batch(batch)
    writes = channel.connection.transport.writes
    assert len(writes) > 1 and all(len(w) < 512 * 1024 for w in writes)
    assert channel.connection.bytes_sent == len(writes)
    assert sum(b"".join(writes).count(r.event_id.encode()) for r in batch) == 40


# -- frames --------------------------------------------------------------------------------
class _CaptureTransport:
    def __init__(self):
        self.data = b""

    def write(self, data):
        self.data += bytes(data)


class _FramingConnection:
    bytes_sent = 0

    def __init__(self, frame_max):
        self.frame_max = frame_max


@pytest.mark.parametrize("body_size,frame_max", [(120, 131072), (0, 131072), (5000, 4096), (4088, 4096)])
def test_frames_are_byte_identical_to_py_amqp(body_size, frame_max):
    event_id = str(uuid.uuid4())
    event_type = "journal.mark.recorded.v1"
    body = ("ы" * body_size).encode()[:body_size]
    args = dumps("Bssbb", (0, "journal.events", event_type, False, False))
    transport = _CaptureTransport()
    write = frame_writer(_FramingConnection(frame_max), transport)
    write(1, 3, spec.Basic.Publish, args, amqp.Message(body, **message_properties(event_type, event_id)))

    relay = OutboxRelay(None, None, "amqp://unused", [])
    ours = publish_frames(3, args, relay._properties(event_type, event_id), body, frame_max)
    assert ours == transport.data


def test_properties_are_serialised_once_per_event_type():
    relay = OutboxRelay(None, None, "amqp://unused", [])
    a = relay._properties("kittest.a.b.v1", str(uuid.uuid4()))
    relay._properties("kittest.a.b.v1", str(uuid.uuid4()))
    relay._properties("kittest.c.d.v1", str(uuid.uuid4()))
    assert len(relay._templates) == 2
    odd = relay._properties("kittest.a.b.v1", "short-id")  # ids of another length still work
    assert b"short-id" in odd and len(a) - len(odd) == 36 - 8


# -- connection upkeep ---------------------------------------------------------------------
def test_keepalive_reads_heartbeats_and_sends_ours():
    relay, broker, _ = make_relay()
    relay._keepalive()
    assert broker.drains == 1 and broker.heartbeat_checks == 1


class _Collectable:
    def __init__(self, fail=False):
        self.collected = self.released = False
        self.fail = fail

    def collect(self):
        self.collected = True

    def release(self):
        self.released = True
        if self.fail:
            raise OSError("socket already dead")


def test_drop_forgets_the_connection_without_a_close_handshake():
    relay, _, _ = make_relay()
    conn = relay._connection = _Collectable()
    relay._drop()
    assert conn.collected and not conn.released
    assert relay._connection is None and relay._channel is None


def test_close_never_raises_on_a_dead_connection():
    relay, _, _ = make_relay()
    conn = relay._connection = _Collectable(fail=True)
    relay.close()
    assert conn.released and relay._connection is None
    relay.close()  # twice is harmless


def test_error_history_is_bounded():
    stats = RelayStats()
    for i in range(RelayStats.MAX_ERRORS + 50):
        stats.error(OSError(i))
    assert len(stats.errors) == RelayStats.MAX_ERRORS and stats.errors[-1] == repr(OSError(RelayStats.MAX_ERRORS + 49))
