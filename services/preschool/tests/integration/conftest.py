"""Preschool integration fixtures, on the real path: the real identity app (migrated database,
demo city) publishes through its real outbox relay to the real broker (vhost kabinet-test);
this service's consumer builds its replicas from those events; the preschool app verifies the
very tokens identity issues. Databases are SQLite or PostgreSQL by KABINET_TEST_DB."""
from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kabinet_identity.bootstrap import create_app as create_identity_app
from kabinet_identity.bootstrap import create_relay as create_identity_relay
from kabinet_identity.config import SERVICE_DIR as IDENTITY_DIR
from kabinet_identity.config import Settings as IdentitySettings
from kabinet_identity.models import OUTBOX as IDENTITY_OUTBOX
from kabinet_identity.seed import DEMO_PASSWORD, seed
from kabinet_kit.service import app_deps
from kabinet_kit.testing import broker_settings, migrated_database, private_vhost, service_amqp_url
from kabinet_kit.testing.client import ApiClient, signed_client
from kabinet_kit.testing.feed import RunningConsumer, publish_and_wait
from kabinet_kit.tokens import LocalKeySource
from kabinet_preschool import models as m
from kabinet_preschool.bootstrap import create_app, create_consumer
from kabinet_preschool.config import SERVICE_DIR, Settings
from kabinet_preschool.deps import Deps
from kabinet_preschool.replicas import HANDLERS

FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_kib": 1024}



class World:
    """Identity and preschool side by side, joined only by the broker."""

    def __init__(self, identity_app: Flask, preschool_app: Flask, consumer: RunningConsumer, vhost: str):
        self.vhost = vhost
        self.identity_app = identity_app
        self.identity = signed_client(identity_app)
        self.app = preschool_app
        self.api = ApiClient(preschool_app, tokens=self._log_in)
        self.client = self.api.client
        self.consumer = consumer
        self.queue = consumer.queue

    # -- identity side ---------------------------------------------------------------------
    def _log_in(self, login: str) -> str:
        response = self.identity.post("/auth/token", json={"login": login, "password": DEMO_PASSWORD})
        assert response.status_code == 200, response.json
        token: str = response.json["access_token"]
        return token

    def token(self, login: str) -> str:
        return self.api.token(login)

    def idn(self, login: str, method: str, path: str, **kwargs: Any) -> Any:
        return self.identity.open(path, method=method, headers={"Authorization": f"Bearer {self.token(login)}"},
                                  **kwargs)

    def sync(self, timeout: float = 15.0) -> None:
        """Publish identity's outbox and wait until the consumer has applied every event it handles."""
        identity = app_deps(self.identity_app)
        relay = create_identity_relay(IdentitySettings(
            database_url=identity.settings.database_url,
            relay_amqp_url=service_amqp_url("identity", "relay", self.vhost)))
        publish_and_wait(relay, identity.session_factory, IDENTITY_OUTBOX, HANDLERS, self.applied_ids, timeout)

    def applied_ids(self) -> set[str]:
        with self.session() as s:
            return set(s.scalars(select(m.PROCESSED.c.event_id).where(m.PROCESSED.c.consumer == self.queue)))

    def processed(self) -> int:
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(m.PROCESSED)
                                .where(m.PROCESSED.c.consumer == self.queue)) or 0)

    # -- preschool side --------------------------------------------------------------------
    def as_(self, login: str, method: str, path: str, **kwargs: Any) -> Any:
        return self.api.as_(login, method, path, **kwargs)

    def version_of(self, path: str, body: dict[str, Any]) -> str:
        """The read whose ETag a save names: the card of the observation's indicator, or the
        card or route itself."""
        if path == "/observations":
            with self.session() as s:
                code = s.scalar(select(m.Card.code).join(m.Indicator, m.Indicator.card_id == m.Card.id)
                                .where(m.Indicator.id == body["indicator_id"]))
            return f"/children/{body['child_id']}/rounds/{body['round_id']}/cards/{code or 'sport'}"
        return path

    def save(self, login: str, method: str, path: str, **kwargs: Any) -> Any:
        """Read, then save naming that version (If-Match), as every client of a guarded save does."""
        read = self.as_(login, "GET", self.version_of(path, kwargs.get("json") or {}))
        headers = dict(kwargs.pop("headers", {}) or {})
        if "ETag" in read.headers:
            headers["If-Match"] = read.headers["ETag"]
        return self.as_(login, method, path, headers=headers, **kwargs)

    def session(self) -> Session:
        return self.deps.session_factory()

    @property
    def deps(self) -> Deps:
        deps: Deps = self.api.deps
        return deps

    def org(self, short_name: str) -> str:
        with self.session() as s:
            return s.scalar(select(m.Organisation.id).where(m.Organisation.short_name == short_name))

    def group(self, name: str) -> str:
        with self.session() as s:
            return s.scalar(select(m.Group.id).where(m.Group.name == name))

    def year(self) -> str:
        with self.session() as s:
            return s.scalar(select(m.AcademicYear.id).where(m.AcademicYear.name == "2026/2027"))

    def children_of(self, login: str) -> dict[str, str]:
        """identity's view of a guardian's children: first name → child id."""
        return {c["first_name"]: c["child_id"] for c in self.idn(login, "GET", "/me").json["children"]}

    def indicators(self, band: str, card: str | None = None, version: int | None = 1) -> list[dict[str, Any]]:
        query = f"/catalogue?age_band={band}" + (f"&version={version}" if version else "")
        cards = self.as_("educator1", "GET", query).json["cards"]
        return [i for c in cards if card is None or c["code"] == card for i in c["indicators"]]

    def outbox_types(self) -> list[str]:
        return [type_ for type_, _ in self.api.outbox(m.OUTBOX)]

    def count(self, model: Any) -> int:
        return self.api.count(model)


@contextmanager
def build_world() -> Iterator[World]:
    """A fresh identity and preschool pair (own databases, own consumer queue) with the demo
    city seeded in identity and applied here."""
    with ExitStack() as stack:
        try:
            vhost = stack.enter_context(private_vhost("preschool"))
        except Exception as exc:  # noqa: BLE001 - no broker means failure, never a skip
            pytest.fail(f"cannot set up a test vhost with the broker definitions: {exc!r}", pytrace=False)
        identity_url = stack.enter_context(migrated_database(IDENTITY_DIR, "identity"))
        url = stack.enter_context(migrated_database(SERVICE_DIR, "preschool"))
        identity_app = create_identity_app({"database_url": identity_url, **FAST_HASHING})
        keys = app_deps(identity_app).keys
        app = create_app({"database_url": url, "key_source": LocalKeySource(keys.public_key)})
        settings = Settings.load({"database_url": url, **broker_settings("preschool", vhost)})
        # The consumer declares and binds its queue before returning, so every event of the demo
        # city created below reaches it.
        consumer = RunningConsumer(functools.partial(create_consumer, settings), vhost=vhost,
                                   label="identity-test", base_delay=0.2, max_attempts=5)
        try:
            seed(app_deps(identity_app))
            w = World(identity_app, app, consumer, vhost)
            w.sync()
            yield w
        finally:
            consumer.stop()
            app.extensions["kabinet.deps"].session_factory.kw["bind"].dispose()
            app_deps(identity_app).session_factory.kw["bind"].dispose()


@pytest.fixture(scope="session")
def world() -> Iterator[World]:
    with build_world() as w:
        yield w


@pytest.fixture(scope="module")
def fresh_world() -> Iterator[World]:
    """A world of the module's own, for tests that change shared demo state (the seed closes a round)."""
    with build_world() as w:
        yield w


@pytest.fixture(scope="session")
def rounds(world: World) -> dict[int, str]:
    """Rounds 1 and 2 of 2026/2027 for Kindergarten No.1, opened by the department."""
    out = {}
    for number, deadline in ((1, "2026-10-15"), (2, "2027-04-15")):
        response = world.as_("department", "POST", "/rounds", json={
            "organisation_id": world.org("Детский сад № 1"), "academic_year_id": world.year(), "number": number,
            "deadline": deadline})
        assert response.status_code == 201, response.json
        out[number] = response.json["id"]
    return out
