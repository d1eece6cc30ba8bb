"""Loading the broker definitions: guest gets nothing, the administrator ``kabinet-admin`` gets
every right (password from the environment or a private file, never in the committed file), an
earlier load's grants are taken away, the committed file is current and loads into any vhost.
"""
from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pika
import pytest

from kabinet_kit import broker_definitions as defs
from kabinet_kit.testing import TEST_VHOST
from kabinet_kit.testing.broker_accounts import (
    Accounts,
    assert_cannot_open_vhost,
    assert_refused,
    connect,
    consumer,
    get_one,
    publish,
    relay,
)

ADMIN = defs.ADMIN_USER
PUBLISHERS = defs.configured_topology().publishers


# -- guest, the administrator --------------------------------------------------------------
def test_guest_cannot_open_a_kabinet_vhost(definitions_loaded):
    assert_cannot_open_vhost("guest")


def test_loading_takes_away_what_an_earlier_load_gave(definitions_loaded):
    """A vhost loaded by an older version: guest and the accounts of the one-account-per-service
    scheme had rights there. Loading again leaves them nothing."""
    vhost = f"kabinet-defs-{uuid.uuid4().hex[:8]}"
    # A machine that never ran the old scheme has no such account: the test makes it.
    made_legacy = "journal\t" not in defs._run("list_users")
    if made_legacy:
        defs._run("add_user", "journal", "kabinet-journal")
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
        if made_legacy:
            defs._run("delete_user", "journal")


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
