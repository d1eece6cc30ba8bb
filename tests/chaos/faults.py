"""The faults, one function each: inject, hold, heal; each returns when the system is whole again
(the moment recovery is measured from). They act through the rig: the fault proxies between the
processes and the broker / the database, the processes themselves (restarted with a fault point
set, see kabinet_kit.faultpoints), and ``rabbitmqctl`` on the broker."""
from __future__ import annotations

import json
import re
import subprocess
import time
import uuid
from dataclasses import dataclass

from kombu import Connection, Producer

from kabinet_kit.faultpoints import FAULT_EXIT_CODE

CONSUMERS = ("journal-consumer", "preschool-consumer", "portfolio-consumer")


@dataclass(frozen=True)
class Scenario:
    name: str
    fault: str  # the function below that does it
    #: ``short`` runs in `make test` too; ``long`` in `make chaos` only.
    length: str = "short"
    #: Needs a proxy in front of the database (PostgreSQL only: SQLite is a file).
    database: bool = False
    #: Touches the whole broker (every vhost, other test runs too): once, briefly, `make chaos` only.
    broker_wide: bool = False


SINGLE_BROKER = [
    Scenario("broker connections cut", "broker_cut"),
    Scenario("broker unreachable 5 s", "broker_outage"),
    Scenario("broker traffic delayed 0.4 s", "broker_delay"),
    Scenario("database connections cut", "database_cut", database=True),
    Scenario("database traffic delayed 0.2 s", "database_delay", database=True),
    Scenario("consumer killed before commit", "consumer_before_commit"),
    Scenario("consumer killed after commit", "consumer_after_commit"),
    Scenario("relay killed after confirm", "relay_after_confirm"),
    Scenario("poison message", "poison"),
    Scenario("slow handler", "slow_handler"),
    Scenario("broker stopped and restarted", "broker_restart", length="long", broker_wide=True),
    Scenario("broker memory alarm", "memory_alarm", length="long", broker_wide=True),
    Scenario("broker disk alarm", "disk_alarm", length="long", broker_wide=True),
    Scenario("database unreachable 65 s", "database_outage", length="long", database=True),
]


def rabbitmqctl(ctl: list[str], *args: str, timeout: float = 60) -> str:
    done = subprocess.run([*ctl, "-q", *args], capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"rabbitmqctl {' '.join(args)}: {done.stderr or done.stdout}"
    return done.stdout.strip()


def nothing(rig) -> float:
    """No fault: the check's own test."""
    time.sleep(3)
    return time.monotonic()


# -- the proxies ---------------------------------------------------------------------------
def broker_cut(rig) -> float:
    for _ in range(3):
        rig.broker.cut()
        time.sleep(1)
    return time.monotonic()


def broker_outage(rig) -> float:
    rig.broker.refuse()
    rig.broker.cut()
    time.sleep(5)
    rig.broker.heal()
    return time.monotonic()


def broker_delay(rig) -> float:
    rig.broker.delay(0.4)
    time.sleep(5)
    rig.broker.heal()
    return time.monotonic()


def database_cut(rig) -> float:
    for _ in range(3):
        rig.database.cut()
        time.sleep(1)
    return time.monotonic()


def database_delay(rig) -> float:
    rig.database.delay(0.2)
    time.sleep(5)
    rig.database.heal()
    return time.monotonic()


def database_outage(rig) -> float:
    """Longer than a minute: open connections hang, new ones are accepted and hang too."""
    rig.database.blackhole()
    time.sleep(65)
    rig.database.heal()
    return time.monotonic()


# -- processes killed at a fault point -------------------------------------------------------
def _die_at(rig, names: tuple[str, ...], spec: str, within: float = 60) -> float:
    """Restart ``names`` with the fault point set, wait until each has died there, start them
    again without it."""
    rig.stack.restart(*names, env={"KABINET_FAULT": spec})
    deadline, waiting, failed = time.monotonic() + within, set(names), []
    while waiting and time.monotonic() < deadline:
        for name in sorted(waiting):
            code = rig.stack.processes[name].wait_exit(0)
            if code is not None:
                waiting.discard(name)
                if code != FAULT_EXIT_CODE:
                    failed.append(f"{name} exited with {code}:\n{rig.stack.processes[name].tail()}")
                rig.stack.restart(name, drop=("KABINET_FAULT",))
        time.sleep(0.1)
    for name in waiting:  # never without the fault point afterwards, whatever happened
        failed.append(f"{name} did not reach {spec} in {within:.0f} s")
        rig.stack.restart(name, drop=("KABINET_FAULT",))
    assert not failed, "\n".join(failed)
    return time.monotonic()


def consumer_before_commit(rig) -> float:
    return _die_at(rig, CONSUMERS, "consumer.before_commit:exit")


def consumer_after_commit(rig) -> float:
    return _die_at(rig, CONSUMERS, "consumer.after_commit:exit")


def relay_after_confirm(rig) -> float:
    return _die_at(rig, ("identity-relay", "journal-relay", "preschool-relay"), "relay.after_confirm:exit")


def slow_handler(rig) -> float:
    rig.stack.restart(*CONSUMERS, env={"KABINET_FAULT": "consumer.before_commit:sleep=0.7"})
    time.sleep(5)
    rig.stack.restart(*CONSUMERS, drop=("KABINET_FAULT",))
    return time.monotonic()


def poison(rig) -> float:
    """Two messages no consumer can apply, among the load's: each parked in every consuming
    service's dead-letter queue, and everything else applied."""
    ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    envelope = {"specversion": "1.0", "id": ids[1], "source": "/kabinet/identity", "type": "identity.consent.given.v1",
                "time": "2026-01-01T00:00:00+00:00", "data": {"consent_id": "x", "child_id": "not-a-uuid"}}
    with Connection(rig.admin_url, transport="pyamqp", connect_timeout=5) as conn:
        producer = Producer(conn.channel())
        for message_id, body in ((ids[0], b"{not json"), (ids[1], json.dumps(envelope).encode())):
            producer.publish(body, exchange="identity.events", routing_key="identity.consent.given.v1",
                             message_id=message_id, content_type="application/cloudevents+json",
                             content_encoding="utf-8", delivery_mode=2)
    healed = time.monotonic()
    for service in ("journal", "preschool", "portfolio", "reports"):
        dead = f"{service}.{rig.stack.consumer_queue}.dead"
        assert _wait_dead_letters(rig, dead, set(ids)), f"the poison did not reach {dead}"
    return healed


def _wait_dead_letters(rig, queue: str, ids: set[str], within: float = 30) -> bool:
    seen: set[str] = set()
    deadline = time.monotonic() + within
    with Connection(rig.admin_url, transport="pyamqp", connect_timeout=5) as conn:
        channel = conn.channel()
        while time.monotonic() < deadline and not ids <= seen:
            message = channel.basic_get(queue=queue, no_ack=True)
            if message is None:
                time.sleep(0.2)
                continue
            seen.add(message.properties.get("message_id"))
    return ids <= seen


# -- the broker itself ----------------------------------------------------------------------
def broker_restart(rig) -> float:
    rabbitmqctl(rig.ctl, "stop_app")
    time.sleep(5)
    rabbitmqctl(rig.ctl, "start_app")
    rabbitmqctl(rig.ctl, "await_startup")
    return time.monotonic()


def _erlang_number(ctl: list[str], expression: str) -> str:
    out = rabbitmqctl(ctl, "eval", expression)
    match = re.search(r"[\d.]+", out)
    assert match, f"{expression} gave {out!r}"
    return match.group(0)


def _await_alarm(ctl: list[str], within: float = 15) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if rabbitmqctl(ctl, "eval", "rabbit_alarm:get_alarms().") not in ("[]", ""):
            return
        time.sleep(0.2)
    raise AssertionError("the broker raised no alarm")


def memory_alarm(rig) -> float:
    """Publishers blocked for a few seconds: writes are still accepted into the outboxes."""
    before = _erlang_number(rig.ctl, "vm_memory_monitor:get_vm_memory_high_watermark().")
    rabbitmqctl(rig.ctl, "set_vm_memory_high_watermark", "0.0001")
    try:
        _await_alarm(rig.ctl)
        rig.fault_window_starts()
        time.sleep(6)
    finally:
        rabbitmqctl(rig.ctl, "set_vm_memory_high_watermark", before)
    return time.monotonic()


def disk_alarm(rig) -> float:
    before = _erlang_number(rig.ctl, "rabbit_disk_monitor:get_disk_free_limit().")
    rabbitmqctl(rig.ctl, "set_disk_free_limit", "100000GB")
    try:
        _await_alarm(rig.ctl)
        rig.fault_window_starts()
        time.sleep(6)
    finally:
        rabbitmqctl(rig.ctl, "set_disk_free_limit", before)
    return time.monotonic()


# -- a cluster node ---------------------------------------------------------------------------
def node_killed(rig) -> float:
    """The node every client tries first (the first of each URL list) dies at once and stays
    dead; the load goes on against the others. Recovery counts from the kill."""
    rig.cluster.nodes[0].kill()
    killed = time.monotonic()
    rig.fault_window_starts()
    time.sleep(10)
    return killed
