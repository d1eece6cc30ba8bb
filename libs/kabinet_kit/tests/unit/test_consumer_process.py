"""EventConsumer.process(): the decision taken for each message (apply, duplicate, ignore,
retry with back-off, dead-letter, requeue), with a fake message and fake apply/retry steps."""
from __future__ import annotations

import json
import uuid

import pytest
from kombu.exceptions import OperationalError as KombuOperationalError
from marshmallow import Schema, fields
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.exc import DisconnectionError, IntegrityError, InterfaceError, OperationalError

from kabinet_contracts import EventRegistry
from kabinet_kit.consumer import (
    ATTEMPTS_HEADER,
    ERROR_HEADER,
    FAILURES_HEADER,
    Binding,
    EventConsumer,
    Outcome,
    is_infrastructure_failure,
)
from kabinet_kit.db import make_engine, make_session_factory
from kabinet_kit.errors import Conflict
from kabinet_kit.events import CloudEvent
from kabinet_kit.outbox import add_messaging_tables

TYPE = "kittest.thing.created.v1"
OTHER = "kittest.thing.deleted.v1"
UNREGISTERED = "kittest.thing.renamed.v1"


class Thing(Schema):
    thing_id = fields.UUID(required=True)
    size = fields.Integer(required=True)


REGISTRY = EventRegistry()
REGISTRY.register(TYPE, Thing, {"thing_id": str(uuid.uuid4()), "size": 1}, "A thing.")
REGISTRY.register(OTHER, Thing, {"thing_id": str(uuid.uuid4()), "size": 1}, "A thing went.")

metadata = MetaData()
_, processed = add_messaging_tables(metadata)


class FakeMessage:
    def __init__(self, body: bytes, headers: dict | None = None):
        self.body = body
        self.headers = headers
        self.settled: list[str] = []

    def ack(self):
        self.settled.append("ack")

    def reject(self, requeue=False):
        self.settled.append(f"reject(requeue={requeue})")

    def requeue(self):
        self.settled.append("requeue")


class ScriptedConsumer(EventConsumer):
    """apply() and the retry publish replaced by scripted fakes."""

    def __init__(self, apply_result=True, retry_fails=False, handlers=None, **options):
        options.setdefault("max_attempts", 5)
        options.setdefault("base_delay", 1.0)
        super().__init__(service="kittest", name="unit", amqp_url="amqp://unit:unit@127.0.0.1:1/unit",
                         bindings=[Binding("kittest.events", "#")],
                         handlers=handlers if handlers is not None else {TYPE: lambda session, event: None},
                         session_factory=None, processed=processed, registry=REGISTRY, **options)
        self.apply_result = apply_result
        self.retry_fails = retry_fails
        self.applied: list[CloudEvent] = []
        self.retries: list[tuple[bytes, dict, float]] = []
        self.dead: list[tuple[bytes, dict, str | None]] = []

    def apply(self, event, handler):
        self.applied.append(event)
        if isinstance(self.apply_result, BaseException):
            raise self.apply_result
        return self.apply_result

    def _publish_retry(self, body, headers, delay, event):
        if self.retry_fails:
            raise ConnectionError("broker gone")
        self.retries.append((body, headers, delay))

    def _publish_dead(self, body, headers, message_id, **options):
        if self.retry_fails:
            raise ConnectionError("broker gone")
        self.dead.append((body, headers, message_id))


def body(type=TYPE, **data) -> bytes:
    data = {"thing_id": str(uuid.uuid4()), "size": 2, **data}
    return CloudEvent(type=type, source="/kabinet/kittest", data=data).to_json().encode()


def test_applied_event_is_acked():
    consumer = ScriptedConsumer(apply_result=True)
    message = FakeMessage(body(size="7"))
    outcome = consumer.process(message.body, {}, message)
    assert outcome.status == "applied" and outcome.event_id == consumer.applied[0].id
    assert message.settled == ["ack"]
    assert consumer.applied[0].data["size"] == 7  # validated against the contract first


def test_duplicate_is_acked_without_retry():
    consumer = ScriptedConsumer(apply_result=False)
    message = FakeMessage(body())
    assert consumer.process(message.body, {}, message).status == "duplicate"
    assert message.settled == ["ack"] and consumer.retries == []


def test_event_without_handler_is_acked_and_ignored():
    consumer = ScriptedConsumer()
    message = FakeMessage(body(type=OTHER))
    outcome = consumer.process(message.body, {}, message)
    assert outcome.status == "ignored" and message.settled == ["ack"]
    assert consumer.applied == []


@pytest.mark.parametrize("raw", [
    b"{not json",
    b"\xff\xfe",
    json.dumps({"specversion": "1.0", "type": TYPE}).encode(),  # no id, source, time, data
    body(size="huge"),        # data violates the contract
    body(thing_id="x"),
])
def test_malformed_message_is_dead_lettered_at_once(raw):
    consumer = ScriptedConsumer()
    message = FakeMessage(raw)
    outcome = consumer.process(raw, {ATTEMPTS_HEADER: 0}, message)
    assert outcome.status == "dead_lettered" and outcome.error
    assert message.settled == ["ack"]  # acked once the copy with the error is in the dead queue
    [(parked, headers, _)] = consumer.dead
    assert parked == raw and headers[ERROR_HEADER]
    assert consumer.applied == [] and consumer.retries == []


def test_handled_type_missing_from_the_registry_is_dead_lettered():
    consumer = ScriptedConsumer(handlers={UNREGISTERED: lambda s, e: None})
    message = FakeMessage(body(type=UNREGISTERED))
    assert consumer.process(message.body, {}, message).status == "dead_lettered"
    assert message.settled == ["ack"] and len(consumer.dead) == 1


def test_first_failure_is_retried_with_the_base_delay():
    consumer = ScriptedConsumer(apply_result=RuntimeError("db down"), base_delay=0.05)
    message = FakeMessage(body(), headers={"x-death": [{"count": 1}], "correlation": "c-1"})
    outcome = consumer.process(message.body, message.headers, message)
    assert outcome.status == "retried" and "db down" in outcome.error
    assert message.settled == ["ack"]  # the copy in the retry queue now carries it
    [(raw, headers, delay)] = consumer.retries
    assert raw == message.body
    assert headers == {"x-death": [{"count": 1}], "correlation": "c-1", ATTEMPTS_HEADER: 1, FAILURES_HEADER: 1}
    assert delay == pytest.approx(0.05)


def test_later_failure_backs_off_exponentially():
    consumer = ScriptedConsumer(apply_result=RuntimeError("still failing"), base_delay=0.5, max_attempts=5)
    message = FakeMessage(body())
    consumer.process(message.body, {ATTEMPTS_HEADER: 3}, message)
    [(_, headers, delay)] = consumer.retries
    assert headers[ATTEMPTS_HEADER] == 4 and delay == pytest.approx(4.0)


def test_last_attempt_dead_letters_instead_of_retrying():
    consumer = ScriptedConsumer(apply_result=RuntimeError("poison"), max_attempts=3)
    message = FakeMessage(body())
    outcome = consumer.process(message.body, {ATTEMPTS_HEADER: 2}, message)
    assert outcome.status == "dead_lettered" and outcome.event_id == consumer.applied[0].id
    assert message.settled == ["ack"] and consumer.retries == []
    [(_, headers, message_id)] = consumer.dead
    assert message_id == consumer.applied[0].id and "poison" in headers[ERROR_HEADER]
    assert headers[ATTEMPTS_HEADER] == 3 and headers[FAILURES_HEADER] == 3


def test_max_attempts_one_never_retries():
    consumer = ScriptedConsumer(apply_result=RuntimeError("poison"), max_attempts=1)
    message = FakeMessage(body())
    assert consumer.process(message.body, {}, message).status == "dead_lettered"


def test_failed_retry_publish_requeues_rather_than_losing_the_message():
    consumer = ScriptedConsumer(apply_result=RuntimeError("handler"), retry_fails=True)
    message = FakeMessage(body())
    outcome = consumer.process(message.body, {}, message)
    assert outcome.status == "requeued"
    assert message.settled == ["requeue"]


def test_retry_delay_doubles_up_to_the_maximum():
    consumer = ScriptedConsumer(base_delay=1.0, max_delay=10.0)
    assert [consumer.retry_delay(a) for a in range(1, 7)] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_on_message_reports_each_outcome():
    seen: list[Outcome] = []
    consumer = ScriptedConsumer(on_outcome=seen.append)
    message = FakeMessage(body(), headers=None)
    consumer._on_message(message)
    assert [o.status for o in seen] == ["applied"] and message.settled == ["ack"]


def test_quorum_queues_dead_letter_at_least_once():
    consumer = ScriptedConsumer(queue_type="quorum")
    assert consumer.queue.queue_arguments == {
        "x-dead-letter-exchange": "kittest.dlx", "x-dead-letter-routing-key": "kittest.unit",
        "x-queue-type": "quorum", "x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"}
    assert consumer.retry_queue.queue_arguments == {
        "x-dead-letter-exchange": "kittest.requeue", "x-dead-letter-routing-key": "kittest.unit",
        "x-queue-type": "quorum", "x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"}
    assert consumer.dead_queue.queue_arguments == {"x-queue-type": "quorum"}
    with pytest.raises(ValueError, match="queue_type"):
        ScriptedConsumer(queue_type="stream")


def test_topology_names():
    consumer = ScriptedConsumer()
    assert consumer.queue.name == "kittest.unit"
    assert consumer.queue.queue_arguments == {"x-dead-letter-exchange": "kittest.dlx",
                                              "x-dead-letter-routing-key": "kittest.unit"}
    assert consumer.dead_queue.name == "kittest.unit.dead"
    assert consumer.retry_queue.name == "kittest.unit.retry"
    assert consumer.retry_queue.queue_arguments["x-dead-letter-exchange"] == "kittest.requeue"


# -- apply(): the inbox record and the handler's writes share one transaction --------------
# (the one place where a real, in-memory database is the simplest honest fake)
things = Table("things", metadata, Column("id", Integer, primary_key=True), Column("event_id", String(36)))


@pytest.fixture
def sessions():
    engine = make_engine("sqlite://")
    metadata.create_all(engine)
    yield make_session_factory(engine)
    engine.dispose()


def real_consumer(sessions, handler) -> EventConsumer:
    return EventConsumer(service="kittest", name="unit", amqp_url="amqp://unit:unit@127.0.0.1:1/unit",
                         bindings=[], handlers={TYPE: handler}, session_factory=sessions, processed=processed,
                         registry=REGISTRY)


def count(sessions, table) -> int:
    with sessions() as s:
        return s.execute(select(func.count()).select_from(table)).scalar()


def test_apply_runs_the_handler_once_per_event_id(sessions):
    calls = []

    def handler(session, event):
        calls.append(event.id)
        session.execute(insert(things).values(event_id=event.id))

    consumer = real_consumer(sessions, handler)
    event = CloudEvent.from_json(body())
    assert consumer.apply(event, handler) is True
    assert consumer.apply(event, handler) is False
    assert calls == [event.id]
    assert count(sessions, things) == 1 and count(sessions, processed) == 1


def test_a_failing_handler_leaves_no_inbox_record(sessions):
    def handler(session, event):
        session.execute(insert(things).values(event_id=event.id))
        raise RuntimeError("half-way failure")

    consumer = real_consumer(sessions, handler)
    event = CloudEvent.from_json(body())
    with pytest.raises(RuntimeError):
        consumer.apply(event, handler)
    assert count(sessions, things) == 0 and count(sessions, processed) == 0
    # so the retry runs it again
    assert consumer.apply(event, lambda s, e: None) is True


def test_failed_dead_letter_publish_leaves_it_to_the_broker():
    """The copy with the error could not be published: the broker dead-letters the original."""
    consumer = ScriptedConsumer(apply_result=RuntimeError("poison"), max_attempts=1, retry_fails=True)
    message = FakeMessage(body())
    assert consumer.process(message.body, {}, message).status == "dead_lettered"
    assert message.settled == ["reject(requeue=False)"]


def _operational():
    return OperationalError("SELECT 1", {}, Exception("could not connect to server"))


@pytest.mark.parametrize("exc", [
    _operational(),
    InterfaceError("SELECT 1", {}, Exception("connection already closed")),
    DisconnectionError("connection invalidated"),
    KombuOperationalError("broker unreachable"),
    ConnectionRefusedError(111, "refused"),
    TimeoutError("socket timed out"),
])
def test_infrastructure_failures_are_recognised(exc):
    """Issue 11, finding 5: the database or the broker failing is not the event's fault."""
    assert is_infrastructure_failure(exc)


def test_a_wrapped_infrastructure_failure_is_recognised():
    try:
        try:
            raise _operational()
        except OperationalError as inner:
            raise RuntimeError("could not load the replica") from inner
    except RuntimeError as outer:
        assert is_infrastructure_failure(outer)


@pytest.mark.parametrize("exc", [
    Conflict("the account is closed"), KeyError("person_id"), ValueError("bad date"),
    IntegrityError("INSERT", {}, Exception("duplicate key")), RuntimeError("bug"),
])
def test_rule_and_data_errors_are_not_infrastructure(exc):
    assert not is_infrastructure_failure(exc)


def test_an_outage_is_retried_without_limit_with_a_capped_back_off():
    """Issue 11, finding 5: many attempts past max_attempts still retry, never dead-letter."""
    consumer = ScriptedConsumer(apply_result=_operational(), max_attempts=3, base_delay=1.0, max_delay=60.0)
    message = FakeMessage(body())
    outcome = consumer.process(message.body, {ATTEMPTS_HEADER: 5000, FAILURES_HEADER: 0}, message)
    assert outcome.status == "retried" and consumer.dead == []
    [(_, headers, delay)] = consumer.retries
    assert headers[ATTEMPTS_HEADER] == 5001 and headers[FAILURES_HEADER] == 0
    assert delay == pytest.approx(60.0)


def test_a_rule_error_after_an_outage_still_gets_its_own_retries():
    consumer = ScriptedConsumer(apply_result=Conflict("closed"), max_attempts=3)
    message = FakeMessage(body())
    assert consumer.process(message.body, {ATTEMPTS_HEADER: 40, FAILURES_HEADER: 1}, message).status == "retried"
    [(_, headers, _)] = consumer.retries
    assert headers[FAILURES_HEADER] == 2


# -- fault points (kabinet_kit.faultpoints): where a process killed mid-way leaves things -----
class Died(BaseException):
    """Stands in for os._exit: the rest of the process's work never happens."""


@pytest.fixture
def dies(monkeypatch):
    from kabinet_kit import faultpoints

    def exit_(code):
        raise Died(code)
    monkeypatch.setattr(faultpoints.os, "_exit", exit_)
    monkeypatch.setattr(faultpoints, "_passes", {})
    return lambda spec: monkeypatch.setenv(faultpoints.ENV, spec)


def _writing_handler(session, event):
    session.execute(insert(things).values(event_id=event.id))


def test_killed_before_commit_leaves_nothing_and_the_redelivery_applies_it(sessions, dies, monkeypatch):
    consumer = real_consumer(sessions, _writing_handler)
    message = FakeMessage(body())
    dies("consumer.before_commit:exit")
    with pytest.raises(Died):
        consumer.process(message.body, {}, message)
    assert message.settled == [] and count(sessions, things) == 0 and count(sessions, processed) == 0
    monkeypatch.delenv("KABINET_FAULT")
    again = FakeMessage(message.body)  # the broker redelivers what was never acked
    assert consumer.process(again.body, {}, again).status == "applied"
    assert again.settled == ["ack"] and count(sessions, things) == 1


def test_killed_after_commit_the_redelivery_is_a_duplicate(sessions, dies, monkeypatch):
    consumer = real_consumer(sessions, _writing_handler)
    message = FakeMessage(body())
    dies("consumer.after_commit:exit")
    with pytest.raises(Died):
        consumer.process(message.body, {}, message)
    assert message.settled == [] and count(sessions, things) == 1 and count(sessions, processed) == 1
    monkeypatch.delenv("KABINET_FAULT")
    again = FakeMessage(message.body)
    assert consumer.process(again.body, {}, again).status == "duplicate"
    assert again.settled == ["ack"] and count(sessions, things) == 1


def test_fault_points_are_inert_without_the_variable(sessions, monkeypatch):
    monkeypatch.delenv("KABINET_FAULT", raising=False)
    consumer = real_consumer(sessions, _writing_handler)
    message = FakeMessage(body())
    assert consumer.process(message.body, {}, message).status == "applied" and message.settled == ["ack"]
