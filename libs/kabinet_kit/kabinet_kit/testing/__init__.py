"""Helpers for the services' integration tests: fresh real databases and the test vhost.

The database kind comes from ``KABINET_TEST_DB``: ``sqlite`` (default) or a PostgreSQL
server URL such as ``postgresql://postgres@127.0.0.1:5432``. Nothing here skips: a missing
database server or broker makes the tests fail, as it must in CI.
"""
from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

from ..broker_definitions import ADMIN_USER, admin_password
from ..migrations import upgrade

TEST_VHOST = os.environ.get("KABINET_TEST_VHOST", "kabinet-test")
BROKER_HOST = os.environ.get("KABINET_TEST_BROKER", "127.0.0.1:5672")


def test_db_kind() -> str:
    return os.environ.get("KABINET_TEST_DB", "sqlite")


test_db_kind.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test, when imported into a test module


def admin_amqp_url(vhost: str | None = None) -> str:
    """The broker administrator (``kabinet-admin``, never guest) on the test vhost: for set-up and
    inspection only. Its password: ``KABINET_BROKER_ADMIN_PASSWORD`` or ~/.config/kabinet (see
    deploy/rabbitmq/README.md); ``broker_definitions load`` gives it its rights on a vhost."""
    if not vhost and os.environ.get("KABINET_TEST_AMQP_URL"):
        return os.environ["KABINET_TEST_AMQP_URL"]
    return f"amqp://{ADMIN_USER}:{quote(admin_password(), safe='')}@{BROKER_HOST}/{vhost or TEST_VHOST}"


def service_amqp_url(service: str, process: str, vhost: str | None = None) -> str:
    """The broker account of one of a service's processes (``relay``, ``consumer``; the gateway's
    ``web``), development password, on the test vhost (see deploy/rabbitmq/definitions.json)."""
    account = f"{service}-{process}"
    return f"amqp://{account}:kabinet-{account}@{BROKER_HOST}/{vhost or TEST_VHOST}"


def broker_settings(service: str, vhost: str | None = None) -> dict[str, str]:
    """Settings overrides giving a service's relay and consumer their own accounts."""
    return {f"{process}_amqp_url": service_amqp_url(service, process, vhost) for process in ("relay", "consumer")}


def broker_env(service: str, vhost: str | None = None) -> dict[str, str]:
    """The same as environment variables (``JOURNAL_RELAY_AMQP_URL``, ...) for a started process."""
    return {f"{service.upper()}_{name.upper()}": url for name, url in broker_settings(service, vhost).items()}


@contextmanager
def private_vhost(label: str) -> Iterator[str]:
    """A vhost of the caller's own, with the broker definitions loaded, deleted afterwards.

    For a test world in which a service consumes identity's events: on the shared test vhost its
    queue would also receive the identity events of every other test (they all publish to
    ``identity.events``), and its replicas would fill with strangers of the same names.
    """
    from .. import broker_definitions
    vhost = f"{TEST_VHOST}-{label}-{uuid.uuid4().hex[:8]}"
    broker_definitions.load(vhost)
    try:
        yield vhost
    finally:
        try:
            broker_definitions.delete_vhost(vhost)
        except RuntimeError:
            pass  # the broker is gone: nothing left to clean


@contextmanager
def fresh_database(name: str) -> Iterator[str]:
    """An empty database that exists for the duration of the block; yields its URL."""
    kind = test_db_kind()
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix=f"kabinet-{name}-") as tmp:
            yield f"sqlite:///{tmp}/{name}.db"
        return
    server = kind.rstrip("/")
    db_name = f"kt_{name}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{db_name}"'))
        try:
            yield f"{server}/{db_name}"
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def migrated_database(service_dir: Path, name: str) -> Iterator[str]:
    """A fresh database built by the service's Alembic migrations (never create_all)."""
    with fresh_database(name) as url:
        upgrade(service_dir, url)
        yield url
