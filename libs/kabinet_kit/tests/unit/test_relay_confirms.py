"""The relay's confirm bookkeeping without a broker: delivery tags settled by acks and nacks
(single and multiple), the confirm deadline, batches in flight one behind the other, and that
the relay marks a row published only once the broker confirmed it. Hand-written fakes stand in
for pika's ioloop and channel; the database is a real SQLite file."""
from __future__ import annotations

import time
import uuid
from collections import namedtuple
from datetime import UTC, datetime
from typing import Any

import pika
import pytest
from sqlalchemy import MetaData, insert, select

from kabinet_kit.db import make_engine
from kabinet_kit.outbox import outbox_table
from kabinet_kit.publisher import BrokerError, ConfirmingPublisher, Confirms, ConfirmTimeout, pika_parameters
from kabinet_kit.publisher import broker_urls as relay_brokers
from kabinet_kit.relay import OutboxRelay, RelayStats

Row = namedtuple("Row", "id event_id event_type exchange routing_key body")
Frame = namedtuple("Frame", "method")


class FakeChannel:
    def __init__(self) -> None:
        self.published: list[tuple[str, str, bytes, Any]] = []

    def basic_publish(self, exchange: str, routing_key: str, body: bytes, properties: Any) -> None:
        self.published.append((exchange, routing_key, body, properties))


class FakeIOLoop:
    """Each poll() delivers the next scripted confirm once its tag has been published
    (``("ack"|"nack", tag, multiple)``, or ``"lost"`` for a dropped connection); with nothing
    to deliver it waits for the next timer, as pika's poll does."""

    def __init__(self, publisher: ConfirmingPublisher, script: list[Any]) -> None:
        self.publisher = publisher
        self.script = list(script)
        self.socket_fds: set[int] = set()
        self.timers: list[list[Any]] = []
        self.polls = 0

    def call_later(self, delay: float, callback: Any) -> list[Any]:
        timer = [time.monotonic() + delay, callback]
        self.timers.append(timer)
        return timer

    def remove_timeout(self, timer: list[Any]) -> None:
        if timer in self.timers:
            self.timers.remove(timer)

    def poll(self) -> None:
        self.polls += 1
        if self.script and (self.script[0] == "lost" or self.script[0][1] < self.publisher.confirms.next_tag):
            item = self.script.pop(0)
            if item == "lost":
                self.publisher._fail(ConnectionResetError("connection reset by peer"))
                return
            kind, tag, multiple = item
            method = (pika.spec.Basic.Ack if kind == "ack" else pika.spec.Basic.Nack)(
                delivery_tag=tag, multiple=multiple)
            self.publisher._on_confirm(Frame(method))
            return
        if self.timers:
            time.sleep(max(0.0, min(t[0] for t in self.timers) - time.monotonic()))

    def process_timeouts(self) -> None:
        now = time.monotonic()
        for timer in [t for t in self.timers if t[0] <= now]:
            self.timers.remove(timer)
            timer[1]()

    def close(self) -> None:
        pass


def make_publisher(script: list[Any] = (), confirm_timeout: float = 5.0) -> tuple[ConfirmingPublisher, FakeChannel,
                                                                                     FakeIOLoop]:
    publisher = ConfirmingPublisher(None, ["kittest.events"], confirm_timeout, connect_timeout=1.0)
    publisher._ioloop.close()  # the real one is never used
    channel, ioloop = FakeChannel(), FakeIOLoop(publisher, list(script))
    publisher._channel, publisher._ioloop = channel, ioloop
    return publisher, channel, ioloop


def rows(n: int, start: int = 101) -> list[Row]:
    return [Row(start + i, str(uuid.uuid4()), "kittest.thing.created.v1", "kittest.events",
                "kittest.thing.created.v1", f'{{"n": {i}}}') for i in range(n)]


# -- settling ------------------------------------------------------------------------------
def confirms_with(*row_ids: int) -> Confirms:
    confirms = Confirms()
    for row_id in row_ids:
        confirms.sent(row_id)
    return confirms


def test_multiple_ack_settles_every_tag_up_to_it():
    confirms = confirms_with(11, 12, 13, 14)
    confirms.settle(3, multiple=True, ack=True)
    assert confirms.pending == {4: 14} and confirms.nacked == set()
    assert confirms.settled_through(3) and not confirms.settled_through(4)


def test_single_ack_settles_only_its_tag():
    confirms = confirms_with(11, 12, 13)
    confirms.settle(2, multiple=False, ack=True)
    assert confirms.pending == {1: 11, 3: 13}
    assert not confirms.settled_through(2)  # tag 1 is still waiting


def test_nacks_mark_rows_single_and_multiple():
    confirms = confirms_with(11, 12, 13, 14, 15)
    confirms.settle(2, multiple=True, ack=False)
    confirms.settle(4, multiple=False, ack=False)
    assert confirms.nacked == {11, 12, 14} and confirms.pending == {3: 13, 5: 15}


def test_multiple_ack_after_single_ones_settles_the_rest():
    confirms = confirms_with(11, 12, 13, 14, 15)
    confirms.settle(3, multiple=False, ack=True)
    confirms.settle(4, multiple=True, ack=True)
    assert confirms.pending == {5: 15}


def test_confirms_for_unknown_or_settled_tags_are_ignored():
    confirms = confirms_with(11, 12, 13, 14, 15)
    confirms.settle(4, multiple=True, ack=True)
    confirms.settle(3, multiple=False, ack=False)
    confirms.settle(4, multiple=True, ack=False)
    confirms.settle(9, multiple=False, ack=False)
    assert confirms.pending == {5: 15} and confirms.nacked == set()


def test_split_hands_back_the_nacks_of_its_batch_only():
    confirms = confirms_with(11, 12, 13, 21, 22)
    confirms.settle(2, multiple=False, ack=False)
    confirms.settle(5, multiple=False, ack=False)
    assert confirms.split([11, 12, 13]) == ([11, 13], [12])
    assert confirms.nacked == {22}


# -- a batch through the publisher -----------------------------------------------------------
def test_batch_acked_by_one_multiple_ack_is_all_confirmed_with_the_outbox_properties():
    batch = rows(5)
    publisher, channel, _ = make_publisher([("ack", 5, True)])
    assert publisher.publish(batch) == ([r.id for r in batch], [])
    assert publisher.confirms.pending == {} and publisher.confirms.next_tag == 6
    assert [p[2] for p in channel.published] == [r.body.encode() for r in batch]  # in claim order
    exchange, routing_key, _, props = channel.published[0]
    assert (exchange, routing_key) == ("kittest.events", "kittest.thing.created.v1")
    assert props.message_id == batch[0].event_id and props.type == batch[0].event_type
    assert props.delivery_mode == 2 and props.content_encoding == "utf-8"
    assert props.content_type == "application/cloudevents+json"
    assert props.headers == {"ce_type": batch[0].event_type}


def test_batch_with_mixed_acks_and_nacks_splits_confirmed_and_nacked():
    batch = rows(6)
    script = [("ack", 2, True), ("nack", 3, False), ("ack", 4, False), ("nack", 6, True)]
    publisher, _, _ = make_publisher(script)
    confirmed, nacked = publisher.publish(batch)
    ids = [r.id for r in batch]
    assert confirmed == [ids[0], ids[1], ids[3]]
    assert nacked == [ids[2], ids[4], ids[5]]
    assert publisher.confirms.nacked == set()  # handed back, not carried into the next batch


def test_delivery_tags_continue_across_batches_on_one_channel():
    publisher, _, ioloop = make_publisher([("ack", 3, True)])
    publisher.publish(rows(3))
    ioloop.script = [("ack", 4, False), ("ack", 5, False)]
    confirmed, _ = publisher.publish(rows(2, start=201))
    assert confirmed == [201, 202] and publisher.confirms.next_tag == 6


def test_a_batch_in_flight_behind_another_is_waited_for_on_its_own():
    publisher, _, ioloop = make_publisher([("ack", 3, True)], confirm_timeout=0.3)
    first = publisher.send(rows(3))
    second = publisher.send(rows(2, start=201))
    assert publisher.wait(first) == ([101, 102, 103], [])  # the second needs no confirm for that
    assert publisher.confirms.pending == {4: 201, 5: 202}
    ioloop.script = [("nack", 4, False), ("ack", 5, False)]
    assert publisher.wait(second) == ([202], [201])


def test_missing_confirms_raise_confirm_timeout_after_the_deadline():
    publisher, _, _ = make_publisher([("ack", 1, False)], confirm_timeout=0.2)
    started = time.monotonic()
    with pytest.raises(ConfirmTimeout, match="2 of 3 messages unconfirmed"):
        publisher.publish(rows(3))
    assert 0.2 <= time.monotonic() - started < 2


def test_connection_lost_while_waiting_is_a_broker_error_at_once():
    publisher, _, _ = make_publisher([("ack", 1, False), "lost"], confirm_timeout=5.0)
    started = time.monotonic()
    with pytest.raises(BrokerError, match="connection reset"):
        publisher.publish(rows(3))
    assert time.monotonic() - started < 1
    with pytest.raises(OSError):  # run() and callers treat it as a broker outage
        publisher.send(rows(1))


def test_large_batches_give_the_ioloop_turns_while_they_are_written():
    publisher, _, ioloop = make_publisher([("ack", 500, True)])
    publisher.publish(rows(500))
    assert ioloop.polls >= 500 // 50


def test_keepalive_runs_the_ioloop_and_reports_a_lost_connection():
    publisher, _, ioloop = make_publisher(["lost"])
    with pytest.raises(BrokerError):
        publisher.keepalive()
    assert ioloop.polls >= 1


# -- the relay marks only what was confirmed --------------------------------------------------
class ScriptedPublisher:
    """Stands in for ConfirmingPublisher: send() records what the relay sent, wait() returns
    the scripted outcome for the batch (a set of row ids to nack) or raises it."""

    def __init__(self, relay_engine: Any, outbox: Any, outcome: Any) -> None:
        self.engine, self.outbox, self.outcome = relay_engine, outbox, outcome
        self.events: list[str] = []
        self.aborted = False

    def send(self, batch_rows: Any) -> list[int]:
        return [r.id for r in batch_rows]

    def wait(self, ids: list[int]) -> tuple[list[int], list[int]]:
        self.events.append("confirms")
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return [i for i in ids if i not in self.outcome], [i for i in ids if i in self.outcome]

    def abort(self) -> None:
        self.aborted = True

    def keepalive(self) -> None:
        pass


@pytest.fixture
def sqlite_outbox(tmp_path: Any) -> Any:
    engine = make_engine(f"sqlite:///{tmp_path}/relay.db")
    metadata = MetaData()
    outbox = outbox_table(metadata)
    metadata.create_all(engine)
    with engine.begin() as conn:
        for i in range(4):
            conn.execute(insert(outbox).values(event_id=str(uuid.uuid4()), event_type="kittest.a.b.v1",
                                               exchange="kittest.events", routing_key="kittest.a.b.v1",
                                               body=f'{{"n": {i}}}', created_at=datetime.now(UTC)))
    yield engine, outbox
    engine.dispose()


def relay_states(engine: Any, outbox: Any) -> list[tuple[int, bool, int, str | None]]:
    with engine.connect() as conn:
        return [(r.id, r.published_at is not None, r.attempts, r.last_error) for r in conn.execute(
            select(outbox.c.id, outbox.c.published_at, outbox.c.attempts, outbox.c.last_error).order_by(outbox.c.id))]


def test_relay_marks_confirmed_rows_only_after_their_confirms_and_records_nacks(sqlite_outbox):
    engine, outbox = sqlite_outbox
    relay = OutboxRelay(engine, outbox, "amqp://unused", ["kittest.events"])
    fake = relay._publisher = ScriptedPublisher(engine, outbox, {2})
    real_mark = relay._mark
    relay._mark = lambda conn, confirmed, nacked: (fake.events.append("mark"), real_mark(conn, confirmed, nacked))
    assert relay.drain_once() == 3
    assert fake.events == ["confirms", "mark"]
    assert relay_states(engine, outbox) == [(1, True, 1, None), (2, False, 1, "nacked by broker"),
                                            (3, True, 1, None), (4, True, 1, None)]
    assert (relay.stats.published, relay.stats.nacked) == (3, 1)


@pytest.mark.parametrize("failure", [ConfirmTimeout("4 of 4 messages unconfirmed"), BrokerError("lost")])
def test_relay_leaves_unconfirmed_rows_unpublished_and_drops_the_connection(sqlite_outbox, failure):
    engine, outbox = sqlite_outbox
    relay = OutboxRelay(engine, outbox, "amqp://unused", ["kittest.events"])
    fake = relay._publisher = ScriptedPublisher(engine, outbox, failure)
    relay._mark = lambda *args: fake.events.append("mark")
    with pytest.raises(type(failure)):
        relay.drain_once()
    assert fake.events == ["confirms"]
    assert relay_states(engine, outbox) == [(i, False, 0, None) for i in range(1, 5)]
    assert fake.aborted and relay._publisher is None  # the next round reconnects
    assert relay.stats.published == 0


# -- connection settings and upkeep ----------------------------------------------------------
def test_pika_parameters_follow_the_kombu_style_url():
    parameters, timeout = pika_parameters("amqp://journal:secret@broker.local:5673/kabinet")
    assert (parameters.host, parameters.port, parameters.virtual_host) == ("broker.local", 5673, "kabinet")
    assert (parameters.credentials.username, parameters.credentials.password) == ("journal", "secret")
    assert parameters.heartbeat == 30 and parameters.connection_attempts == 1 and timeout > 0


def test_error_history_is_bounded():
    stats = RelayStats()
    for i in range(RelayStats.MAX_ERRORS + 50):
        stats.error(OSError(i))
    assert len(stats.errors) == RelayStats.MAX_ERRORS and stats.errors[-1] == repr(OSError(RelayStats.MAX_ERRORS + 49))


def test_relay_killed_after_the_confirms_leaves_the_rows_to_publish_again(sqlite_outbox, monkeypatch):
    from kabinet_kit import faultpoints

    class Died(BaseException):
        pass

    def exit_(code):
        raise Died(code)
    engine, outbox = sqlite_outbox
    monkeypatch.setattr(faultpoints.os, "_exit", exit_)
    monkeypatch.setattr(faultpoints, "_passes", {})
    monkeypatch.setenv(faultpoints.ENV, "relay.after_confirm:exit")
    relay = OutboxRelay(engine, outbox, "amqp://unused", ["kittest.events"])
    fake = relay._publisher = ScriptedPublisher(engine, outbox, set())
    with pytest.raises(Died):
        relay.drain_once()
    assert fake.events == ["confirms"]  # the broker has every row ...
    assert relay_states(engine, outbox) == [(i, False, 0, None) for i in range(1, 5)]  # ... none is marked
    monkeypatch.delenv(faultpoints.ENV)
    restarted = OutboxRelay(engine, outbox, "amqp://unused", ["kittest.events"])
    restarted._publisher = ScriptedPublisher(engine, outbox, set())
    assert restarted.drain_once() == 4  # sent again: consumers deduplicate by event id


# -- several brokers (a cluster): the relay moves to the next when one fails --------------------
def test_relay_connects_to_the_next_broker_of_the_list_when_one_is_down(monkeypatch):
    from kabinet_kit import relay as relay_module
    opened: list[tuple[str, int]] = []
    down = {"node1"}

    class FakePublisher:
        def __init__(self, parameters, exchanges, confirm_timeout, connect_timeout):
            self.where = (parameters.host, parameters.port)

        def open(self):
            opened.append(self.where)
            if self.where[0] in down:
                raise BrokerError(f"{self.where[0]} refused")

        def abort(self):
            pass

        def close(self):
            pass

    monkeypatch.setattr(relay_module, "ConfirmingPublisher", FakePublisher)
    relay = OutboxRelay(make_engine("sqlite://"), outbox_table(MetaData()),
                        "amqp://r:pw@node1:5681/v;amqp://r:pw@node2:5682/v;amqp://r:pw@node3:5683/v", ["x.events"])
    relay._connect()
    assert opened == [("node1", 5681), ("node2", 5682)] and relay._publisher.where == ("node2", 5682)
    relay._drop()  # node2 failed under load: node3 is tried first, node1 stays down
    down.add("node2")
    opened.clear()
    relay._connect()
    assert opened == [("node3", 5683)]
    down.update({"node3"})
    relay._drop()
    opened.clear()
    with pytest.raises(BrokerError):
        relay._connect()
    assert sorted(opened) == [("node1", 5681), ("node2", 5682), ("node3", 5683)]  # each once per round


def test_a_single_broker_url_is_a_list_of_one():
    assert relay_brokers("amqp://a:b@h:1/v") == ["amqp://a:b@h:1/v"]
    assert relay_brokers(" amqp://a:b@h:1/v ; amqp://a:b@g:2/v ") == ["amqp://a:b@h:1/v", "amqp://a:b@g:2/v"]
