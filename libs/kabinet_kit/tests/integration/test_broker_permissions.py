"""The broker's accounts and permissions (deploy/rabbitmq/definitions.json) hold on a real broker.

Every check connects as the account in question (pika, as an outside system would) to the
test vhost after the definitions were loaded there. Accounts: ``<service>-relay`` (publishes
the service's own exchanges, reads nothing), ``<service>-consumer`` (its own queues and
retry/dead-letter exchanges), ``gateway-web`` (connects, may do nothing), ``external``, and the
administrator ``kabinet-admin`` (set-up and inspection; not in the committed file). ``guest``
has nothing. Nothing skips: without a broker or rabbitmqctl these tests fail.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

import pika
import pytest
from amqp.exceptions import AccessRefused
from pika.exceptions import ChannelClosedByBroker
from sqlalchemy import MetaData, insert

from kabinet_kit import broker_definitions as defs
from kabinet_kit.consumer import Binding, EventConsumer
from kabinet_kit.db import make_engine
from kabinet_kit.events import CloudEvent
from kabinet_kit.outbox import outbox_table
from kabinet_kit.relay import OutboxRelay
from kabinet_kit.testing import BROKER_HOST, TEST_VHOST, service_amqp_url

HOST, _, PORT = BROKER_HOST.partition(":")
ACCESS_REFUSED = 403
ADMIN = "kabinet-admin"
PUBLISHERS = defs.configured_topology().publishers


def relay(service: str) -> str:
    return f"{service}-relay"


def consumer(service: str) -> str:
    return f"{service}-consumer"


@pytest.fixture(scope="session")
def definitions_loaded():
    """The definitions imported into the test vhost (a missing broker fails here)."""
    return defs.load(TEST_VHOST)


def connect(user: str, vhost: str = TEST_VHOST, password: str | None = None) -> pika.BlockingConnection:
    if password is None:
        password = {"guest": "guest", ADMIN: defs.admin_password()}.get(user, f"kabinet-{user}")
    params = pika.ConnectionParameters(
        host=HOST, port=int(PORT or 5672), virtual_host=vhost,
        credentials=pika.PlainCredentials(user, password),
        connection_attempts=1, socket_timeout=5, blocked_connection_timeout=5)
    return pika.BlockingConnection(params)


class Accounts:
    """Connections as each account, unique names, and clean-up of what a test created."""

    def __init__(self, vhost: str = TEST_VHOST):
        self.vhost = vhost
        self.uid = uuid.uuid4().hex[:8]
        self._connections: dict[str, pika.BlockingConnection] = {}
        self._queues: list[str] = []

    def channel(self, user: str):
        """A fresh channel (a refusal closes the channel it happened on) with publisher confirms."""
        conn = self._connections.get(user)
        if conn is None or conn.is_closed:
            conn = self._connections[user] = connect(user, self.vhost)
        ch = conn.channel()
        ch.confirm_delivery()
        return ch

    def name(self, owner: str, template: str = "{owner}.perm-{uid}") -> str:
        """A unique queue name (``<owner>.perm-<uid>`` by default), deleted by the admin after the test."""
        queue = template.format(owner=owner, uid=self.uid)
        self._queues.append(queue)
        return queue

    def own_queue(self, service: str, template: str = "{owner}.perm-{uid}",
                  bind_to: tuple[str, str] | None = None) -> str:
        """A queue ``<service>.…`` declared (and bound) by the service's consumer account."""
        queue = self.name(service, template)
        ch = self.channel(consumer(service))
        ch.queue_declare(queue, durable=True)
        if bind_to:
            ch.queue_bind(queue, bind_to[0], routing_key=bind_to[1])
        return queue

    def close(self) -> None:
        for conn in self._connections.values():
            if conn.is_open:
                conn.close()
        if self._queues:
            admin = connect(ADMIN, self.vhost)
            try:
                ch = admin.channel()
                for queue in self._queues:
                    ch.queue_delete(queue)
            finally:
                admin.close()


@pytest.fixture
def accounts(definitions_loaded):
    b = Accounts()
    yield b
    b.close()


def publish(ch, exchange: str, routing_key: str, body: bytes = b"{}") -> None:
    """Publish with a confirm, so that a refusal surfaces here and not later."""
    ch.basic_publish(exchange, routing_key, body, pika.BasicProperties(delivery_mode=2))


def get_one(ch, queue: str, timeout: float = 3.0) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        method, _props, body = ch.basic_get(queue, auto_ack=True)
        if method is not None:
            return body
        assert time.monotonic() < deadline, f"nothing arrived in {queue}"
        time.sleep(0.02)


def assert_refused(action, *args, **kwargs) -> None:
    with pytest.raises(ChannelClosedByBroker) as info:
        action(*args, **kwargs)
    assert info.value.reply_code == ACCESS_REFUSED, info.value


def assert_cannot_open_vhost(user: str, vhost: str = TEST_VHOST, password: str | None = None) -> None:
    """The broker refuses the connection to the vhost itself (no permissions there at all)."""
    with pytest.raises(pika.exceptions.ProbableAccessDeniedError) as info:
        connect(user, vhost, password).close()
    assert "access to vhost" in str(info.value) and "refused" in str(info.value)


# -- relays publish only to their own exchanges, and read nothing -------------------------
@pytest.mark.parametrize("service", PUBLISHERS)
def test_relay_declares_and_publishes_to_its_own_events_exchange(accounts, service):
    ch = accounts.channel(relay(service))
    # Re-declaring as the relay does is equivalent to the file's declaration (no 406).
    ch.exchange_declare(f"{service}.events", exchange_type="topic", durable=True)
    queue = accounts.own_queue(service, bind_to=(f"{service}.events", "#"))
    publish(ch, f"{service}.events", f"{service}.thing.happened.v1", b'{"n": 1}')
    assert get_one(accounts.channel(consumer(service)), queue) == b'{"n": 1}'


@pytest.mark.parametrize("service", PUBLISHERS)
def test_relay_cannot_read_or_make_any_queue(accounts, service):
    # Its own service's queue, with a message waiting, and another service's.
    for owner in (service, "gateway"):
        queue = accounts.own_queue(owner, bind_to=("identity.events", "#"))
        publish(accounts.channel(relay("identity")), "identity.events", "identity.x.y.v1", b"q")
        assert_refused(accounts.channel(relay(service)).basic_get, queue, auto_ack=True)
        assert_refused(accounts.channel(relay(service)).basic_consume, queue, lambda *a: None)
        assert_refused(accounts.channel(relay(service)).queue_purge, queue)
        assert get_one(accounts.channel(consumer(owner)), queue) == b"q"  # still there, unread
    assert_refused(accounts.channel(relay(service)).queue_declare, accounts.name(service), durable=True)
    assert_refused(accounts.channel(relay(service)).queue_declare, accounts.name("relay"), durable=True)


@pytest.mark.parametrize("user, exchange", [
    ("journal-relay", "identity.events"),
    ("journal-relay", "identity.pd"),
    ("portfolio-relay", "journal.events"),
    ("reports-relay", "preschool.events"),
    ("identity-relay", "reports.events"),
    ("journal-relay", "journal.requeue"),   # its own service's consumer's paths
    ("journal-relay", "journal.dlx"),
    ("journal-relay", ""),                  # the default exchange would reach any queue by name
    ("journal-consumer", "identity.events"),
    ("journal-consumer", "identity.pd"),
    ("journal-consumer", "journal.events"),  # only the relay publishes the service's events
    ("identity-consumer", "identity.pd"),
    ("journal-consumer", "identity.retry"),  # another consumer's retry path
    ("journal-consumer", ""),
    ("gateway-consumer", "identity.events"),
    ("gateway-web", "identity.events"),
    ("gateway-web", "gateway.requeue"),
    ("gateway-web", ""),
])
def test_account_cannot_publish_to_an_exchange_not_its_own(accounts, user, exchange):
    assert_refused(publish, accounts.channel(user), exchange, "portfolio.journal")


@pytest.mark.parametrize("user, exchange", [
    ("journal-consumer", "identity.events"), ("journal-consumer", "journal.events"),
    ("journal-relay", "identity.events"), ("journal-relay", "journal.dlx"), ("identity-relay", "identity.dlx"),
    ("gateway-consumer", "identity.pd"), ("gateway-web", "gateway.dlx"), ("external", "journal.events")])
def test_account_cannot_declare_an_exchange_not_its_own(accounts, user, exchange):
    assert_refused(accounts.channel(user).exchange_declare, exchange,
                   exchange_type="direct" if exchange.endswith(".dlx") else "topic", durable=True)


# -- forged events: nobody but identity's relay speaks for identity -----------------------
@pytest.mark.parametrize("forger", ["journal-consumer", "journal-relay", "preschool-consumer",
                                    "gateway-consumer", "gateway-web", "external"])
def test_a_forged_identity_event_is_refused_and_reaches_no_consumer(accounts, forger):
    # journal's own consumer queue for role events, as the journal consumer declares it.
    queue = accounts.own_queue("journal", bind_to=("identity.events", "identity.role.#"))
    forged = CloudEvent(source="identity", type="identity.role.assigned.v1",
                        data={"account_id": "00000000-0000-0000-0000-000000000001", "role": "department"})
    ch = accounts.channel(forger)
    with pytest.raises(ChannelClosedByBroker) as info:
        ch.basic_publish("identity.events", "identity.role.assigned.v1", forged.to_json().encode(),
                         pika.BasicProperties(delivery_mode=2, message_id=forged.id, type=forged.type))
    assert info.value.reply_code == ACCESS_REFUSED
    assert "ACCESS_REFUSED" in info.value.reply_text and "identity.events" in info.value.reply_text
    # Nothing arrived; identity's own relay still gets through to the same queue.
    reader = accounts.channel(consumer("journal"))
    time.sleep(0.2)
    assert reader.basic_get(queue, auto_ack=True)[0] is None
    publish(accounts.channel(relay("identity")), "identity.events", "identity.role.assigned.v1", b"genuine")
    assert get_one(reader, queue) == b"genuine"


# -- personal data: internal services' consumers only -------------------------------------
@pytest.mark.parametrize("service", ["journal", "preschool", "portfolio", "reports"])
def test_internal_consumer_receives_personal_data(accounts, service):
    queue = accounts.own_queue(service, bind_to=("identity.pd", "identity.person.#"))
    publish(accounts.channel(relay("identity")), "identity.pd", "identity.person.updated.v1", b'{"name": "x"}')
    assert get_one(accounts.channel(consumer(service)), queue) == b'{"name": "x"}'


def test_gateway_consumer_reads_identity_events_but_not_personal_data(accounts):
    queue = accounts.own_queue("gateway", bind_to=("identity.events", "identity.account.#"))
    assert_refused(accounts.channel(consumer("gateway")).queue_bind, queue, "identity.pd", routing_key="#")
    publish(accounts.channel(relay("identity")), "identity.events", "identity.account.revoked.v1", b"r")
    assert get_one(accounts.channel(consumer("gateway")), queue) == b"r"


@pytest.mark.parametrize("user", ["gateway-consumer", "gateway-web"])
def test_gateway_accounts_cannot_read_personal_data(accounts, user):
    # Neither by binding a queue of its own, nor from a queue that carries it.
    if user == "gateway-consumer":
        queue = accounts.own_queue("gateway")
        assert_refused(accounts.channel(user).queue_bind, queue, "identity.pd", routing_key="#")
    carrier = accounts.own_queue("journal", bind_to=("identity.pd", "#"))
    publish(accounts.channel(relay("identity")), "identity.pd", "identity.person.created.v1", b"pd")
    assert_refused(accounts.channel(user).basic_get, carrier, auto_ack=True)
    assert_refused(accounts.channel(user).basic_consume, carrier, lambda *a: None)
    assert get_one(accounts.channel(consumer("journal")), carrier) == b"pd"


def test_web_probe_account_connects_but_may_do_nothing(accounts):
    ch = accounts.channel("gateway-web")  # the gateway's /readyz: the broker answers
    assert_refused(ch.queue_declare, accounts.name("gateway"), durable=True)
    assert_refused(accounts.channel("gateway-web").queue_declare, "", exclusive=True)
    queue = accounts.own_queue("gateway", bind_to=("identity.events", "#"))
    assert_refused(accounts.channel("gateway-web").basic_get, queue)


# -- one service cannot touch another's queues -------------------------------------------
@pytest.mark.parametrize("template", [
    "{owner}.perm-{uid}",
    # Names that contain a readable exchange's name: the regexes must be anchored at both
    # ends for these queues to stay the owner's alone.
    "{owner}.perm-{uid}.journal.events",
    "{owner}.perm-{uid}.identity.pd",
    "{owner}.events-perm-{uid}",
    "{owner}.identity-events-{uid}",
])
@pytest.mark.parametrize("intruder", ["portfolio-consumer", "gateway-consumer", "journal-relay", "external"])
def test_service_cannot_consume_from_another_services_queue(accounts, intruder, template):
    queue = accounts.own_queue("journal", template, bind_to=("identity.pd", "#"))
    publish(accounts.channel(relay("identity")), "identity.pd", "identity.person.created.v1", b"pd")
    assert_refused(accounts.channel(intruder).basic_get, queue, auto_ack=True)
    assert_refused(accounts.channel(intruder).basic_consume, queue, lambda *a: None)
    assert get_one(accounts.channel(consumer("journal")), queue) == b"pd"  # still there, unread


@pytest.mark.parametrize("intruder", ["portfolio-consumer", "journal-relay"])
@pytest.mark.parametrize("action", ["bind", "purge", "delete", "redeclare"])
def test_service_cannot_alter_another_services_queue(accounts, action, intruder):
    queue = accounts.own_queue("journal")
    ch = accounts.channel(intruder)
    operation = {
        "bind": lambda: ch.queue_bind(queue, "portfolio.events", routing_key="#"),  # inject messages
        "purge": lambda: ch.queue_purge(queue),
        "delete": lambda: ch.queue_delete(queue),
        "redeclare": lambda: ch.queue_declare(queue, durable=True),
    }[action]
    assert_refused(operation)


# -- the external municipal system --------------------------------------------------------
def test_external_subscribes_to_events_with_its_own_queue(accounts):
    ch = accounts.channel("external")
    queue = accounts.name("external")
    ch.queue_declare(queue, durable=True)
    ch.queue_bind(queue, "identity.events", routing_key="identity.#")
    ch.queue_bind(queue, "journal.events", routing_key="journal.#")
    publish(accounts.channel(relay("identity")), "identity.events", "identity.group.created.v1", b'{"id": 1}')
    publish(accounts.channel(relay("journal")), "journal.events", "journal.lesson.held.v1", b'{"id": 2}')
    assert get_one(ch, queue) == b'{"id": 1}'
    assert get_one(ch, queue) == b'{"id": 2}'


def test_external_cannot_bind_to_personal_data(accounts):
    queue = accounts.name("external")
    accounts.channel("external").queue_declare(queue, durable=True)
    assert_refused(accounts.channel("external").queue_bind, queue, "identity.pd", routing_key="#")


def test_external_cannot_read_a_queue_that_carries_personal_data(accounts):
    queue = accounts.own_queue("journal", bind_to=("identity.pd", "#"))
    assert_refused(accounts.channel("external").basic_get, queue)
    assert_refused(accounts.channel("external").basic_consume, queue, lambda *a: None)


@pytest.mark.parametrize("name", ["journal.identity", "identity.pd", "spy", "externalspy", "external"])
def test_external_may_declare_only_external_queues(accounts, name):
    assert_refused(accounts.channel("external").queue_declare, name, durable=True)


@pytest.mark.parametrize("exchange", ["identity.events", "identity.pd", "journal.events", "journal.requeue", ""])
def test_external_cannot_publish(accounts, exchange):
    assert_refused(publish, accounts.channel("external"), exchange, "identity.account.created.v1")


# -- the kit's own relay and consumer work under their accounts ----------------------------
def test_kit_relay_and_consumer_run_under_their_accounts(accounts, tmp_path):
    # identity's relay declares its exchanges (equivalently to the file) and publishes.
    engine = make_engine(f"sqlite:///{tmp_path}/identity.db")
    metadata = MetaData()
    outbox = outbox_table(metadata)
    metadata.create_all(engine)

    # journal's consumer declares its queues, dead-letter and retry exchanges, and binds
    # to identity.events and identity.pd.
    name = f"perm-{accounts.uid}"
    for q in (f"journal.{name}", f"journal.{name}.retry", f"journal.{name}.dead"):
        accounts._queues.append(q)
    journal = EventConsumer(service="journal", name=name, amqp_url=service_amqp_url("journal", "consumer"),
                            bindings=[Binding("identity.events", "identity.#"),
                                      Binding("identity.pd", "identity.person.#")],
                            handlers={}, session_factory=None, processed=None, registry=None)
    try:
        journal.declare(journal.connection.default_channel)
    finally:
        journal.close()

    with engine.begin() as conn:
        for exchange, key in (("identity.pd", "identity.person.created.v1"),
                              ("identity.events", "identity.account.created.v1")):
            conn.execute(insert(outbox).values(event_id=str(uuid.uuid4()), event_type=key, exchange=exchange,
                                               routing_key=key, body=json.dumps({"key": key}),
                                               created_at=datetime.now(UTC)))
    outbox_relay = OutboxRelay(engine, outbox, service_amqp_url("identity", "relay"),
                               ["identity.events", "identity.pd"])
    try:
        assert outbox_relay.drain() == 2
    finally:
        outbox_relay.close()
        engine.dispose()
    ch = accounts.channel(consumer("journal"))
    received = {json.loads(get_one(ch, f"journal.{name}"))["key"] for _ in range(2)}
    assert received == {"identity.person.created.v1", "identity.account.created.v1"}


def test_kit_consumer_of_gateway_is_refused_personal_data(accounts):
    name = f"perm-{accounts.uid}"
    for q in (f"gateway.{name}", f"gateway.{name}.retry", f"gateway.{name}.dead"):
        accounts._queues.append(q)
    gateway = EventConsumer(service="gateway", name=name, amqp_url=service_amqp_url("gateway", "consumer"),
                            bindings=[Binding("identity.events", "identity.account.#"),
                                      Binding("identity.pd", "#")],
                            handlers={}, session_factory=None, processed=None, registry=None)
    try:
        with pytest.raises(AccessRefused):
            gateway.declare(gateway.connection.default_channel)
    finally:
        gateway.close()


# -- guest, the administrator --------------------------------------------------------------
def test_guest_cannot_open_a_kabinet_vhost(definitions_loaded):
    assert_cannot_open_vhost("guest")


def test_loading_takes_away_what_an_earlier_load_gave(definitions_loaded):
    """A vhost loaded by an older version: guest and the accounts of the one-account-per-service
    scheme had rights there. Loading again leaves them nothing."""
    vhost = f"kabinet-defs-{uuid.uuid4().hex[:8]}"
    try:
        defs.ensure_vhost(vhost)
        defs._run("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        defs._run("set_permissions", "-p", vhost, "journal", "^journal\\..+$", "^journal\\..+$", ".*")
        connect("guest", vhost).close()  # the old state: guest may open it
        defs.load(vhost)
        assert_cannot_open_vhost("guest", vhost)
        assert_cannot_open_vhost("journal", vhost, "kabinet-journal")
        connect(consumer("journal"), vhost).close()
    finally:
        defs.delete_vhost(vhost)


def test_admin_has_every_right_on_the_vhost(accounts):
    ch = accounts.channel(ADMIN)
    queue = accounts.name("anything")
    ch.queue_declare(queue)
    ch.queue_bind(queue, "identity.pd", routing_key="#")
    publish(ch, "identity.pd", "x", b"g")
    assert get_one(ch, queue) == b"g"


def test_admin_password_is_a_private_file_or_the_environment(definitions_loaded, monkeypatch):
    path = defs.admin_password_path()
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o077 == 0
    assert defs.admin_password() == path.read_text().strip() and len(defs.admin_password()) >= 32
    monkeypatch.setenv("KABINET_BROKER_ADMIN_PASSWORD", "from-the-environment")
    assert defs.admin_password() == "from-the-environment"


def test_loading_with_another_admin_password_is_refused_and_changes_nothing(definitions_loaded):
    with pytest.raises(RuntimeError, match="KABINET_BROKER_ADMIN_PASSWORD"):
        defs.load(TEST_VHOST, admin_secret="not-the-admins-password")
    connect(ADMIN).close()  # the administrator's password is unchanged


def test_wrong_password_is_refused(definitions_loaded):
    with pytest.raises(pika.exceptions.ProbableAuthenticationError):
        connect("external", password="kabinet-journal-consumer")


# -- the file, the loader ------------------------------------------------------------------
def test_committed_definitions_file_is_current():
    assert json.loads(defs.DEFAULT_PATH.read_text(encoding="utf-8")) == defs.build()
    done = subprocess.run([sys.executable, "-m", "kabinet_kit.broker_definitions", "check"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_committed_file_names_neither_guest_nor_the_administrator():
    document = json.loads(defs.DEFAULT_PATH.read_text(encoding="utf-8"))
    names = {u["name"] for u in document["users"]} | {p["user"] for p in document["permissions"]}
    assert "guest" not in names and ADMIN not in names
    assert {relay(s) for s in PUBLISHERS} | {consumer(s) for s in (*PUBLISHERS, "gateway")} <= names
    assert not set(defs.configured_topology().consumers) & names  # the old one-account-per-service logins


def test_check_detects_a_stale_file(tmp_path):
    path = tmp_path / "definitions.json"
    assert defs.main(["check", "--path", str(path)]) == 1  # missing
    assert defs.main(["write", "--path", str(path)]) == 0
    assert defs.main(["check", "--path", str(path)]) == 0
    doc = json.loads(path.read_text())
    doc["permissions"][0]["read"] = ".*"
    path.write_text(defs.render(doc))
    assert defs.main(["check", "--path", str(path)]) == 1


def test_loading_twice_is_harmless(accounts):
    queue = accounts.own_queue("journal", bind_to=("identity.events", "#"))
    publish(accounts.channel(relay("identity")), "identity.events", "identity.x.y.v1", b"kept")
    defs.load(TEST_VHOST)
    # What existed survives, the accounts still log in and the rules still hold.
    assert get_one(accounts.channel(consumer("journal")), queue) == b"kept"
    assert_refused(publish, accounts.channel(consumer("journal")), "identity.events", "x")
    with connect(ADMIN) as admin:
        admin.channel().exchange_declare("identity.pd", exchange_type="topic", durable=True, passive=True)


def test_committed_file_loads_into_any_vhost(definitions_loaded):
    vhost = f"kabinet-defs-{uuid.uuid4().hex[:8]}"
    document = json.loads(defs.DEFAULT_PATH.read_text(encoding="utf-8"))
    try:
        defs.load(vhost, document)
        other = Accounts(vhost)
        try:
            queue = other.own_queue("journal", bind_to=("identity.pd", "#"))
            publish(other.channel(relay("identity")), "identity.pd", "identity.person.created.v1", b"v")
            assert get_one(other.channel(consumer("journal")), queue) == b"v"
            spy = other.name("external")
            other.channel("external").queue_declare(spy, durable=True)
            assert_refused(other.channel("external").queue_bind, spy, "identity.pd", routing_key="#")
        finally:
            other.close()
        assert_cannot_open_vhost("guest", vhost)
    finally:
        defs.delete_vhost(vhost)
