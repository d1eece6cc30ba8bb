"""Portfolio integration fixtures, on the real path: the real identity app (migrated database,
demo city) publishes through its real outbox relay to the real broker (a vhost of the run's
own); this service's consumer builds its replicas from those events; the portfolio app
verifies the very tokens identity issues. Databases are SQLite or PostgreSQL by
KABINET_TEST_DB; documents go to a temporary store of the world's own."""
from __future__ import annotations

import functools
import io
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
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
from kabinet_portfolio import models as m
from kabinet_portfolio.bootstrap import create_app, create_consumer
from kabinet_portfolio.config import SERVICE_DIR, Settings
from kabinet_portfolio.deps import Deps
from kabinet_portfolio.replicas import HANDLERS

FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_kib": 1024}


def pdf_bytes(text: str = "Диплом победителя", pages: int = 1) -> bytes:
    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, invariant=1)  # the same bytes every time: a duplicate is a duplicate
    for n in range(pages):
        c.drawString(72, 720, f"Certificate {text.encode('ascii', 'ignore').decode()} page {n + 1}")
        c.showPage()
    c.save()
    return buffer.getvalue()


def jpeg_bytes(size: tuple[int, int] = (64, 48), seed: int = 1, quality: int = 85) -> bytes:
    import random

    from PIL import Image
    rng = random.Random(seed)
    image = Image.new("RGB", size)
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(size[0] * size[1])])
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


class World:
    """Identity and portfolio side by side, joined only by the broker."""

    def __init__(self, identity_app: Flask, app: Flask, consumer: RunningConsumer, vhost: str, store_dir: Path):
        self.vhost = vhost
        self.identity_app = identity_app
        self.identity = signed_client(identity_app)
        self.app = app
        self.api = ApiClient(app, tokens=self._log_in)
        self.client = self.api.client
        self.consumer = consumer
        self.queue = consumer.queue
        self.store_dir = store_dir

    def _log_in(self, login: str) -> str:
        response = self.identity.post("/auth/token", json={"login": login, "password": DEMO_PASSWORD})
        assert response.status_code == 200, response.json
        token: str = response.json["access_token"]
        return token

    def idn(self, login: str, method: str, path: str, **kwargs: Any) -> Any:
        return self.identity.open(path, method=method, headers={"Authorization": f"Bearer {self.api.token(login)}"},
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

    def as_(self, login: str, method: str, path: str, **kwargs: Any) -> Any:
        return self.api.as_(login, method, path, **kwargs)

    def session(self) -> Session:
        return self.deps.session_factory()

    @property
    def deps(self) -> Deps:
        deps: Deps = self.api.deps
        return deps

    def children_of(self, login: str) -> dict[str, str]:
        return {c["first_name"]: c["child_id"] for c in self.idn(login, "GET", "/me").json["children"]}

    def person_of(self, login: str) -> str:
        return str(self.idn(login, "GET", "/me").json["person_id"])

    def group(self, name: str, school: str = "Школа № 1") -> str:
        with self.session() as s:
            org = s.scalar(select(m.Organisation.id).where(m.Organisation.short_name == school))
            return str(s.scalar(select(m.Group.id).where(m.Group.name == name, m.Group.organisation_id == org)))

    def pupils_of(self, group_id: str) -> list[str]:
        with self.session() as s:
            return list(s.scalars(select(m.Pupil.id).where(m.Pupil.group_id == group_id).order_by(m.Pupil.id)))

    def outbox_types(self) -> list[str]:
        return [type_ for type_, _ in self.api.outbox(m.OUTBOX)]

    def outbox(self) -> list[tuple[str, dict[str, Any]]]:
        return self.api.outbox(m.OUTBOX)

    def count(self, model: Any, *where: Any) -> int:
        return self.api.count(model, *where)

    def files(self) -> set[str]:
        return {p.name for p in self.store_dir.glob("??/*")} if self.store_dir.exists() else set()

    def activity(self, title: str = "Городская олимпиада по математике", **overrides: Any) -> str:
        body = {"title": title, "organiser": "Департамент образования", "starts_on": "2025-01-01",
                "ends_on": "2026-12-31", "level": "municipal", "category": "intellect",
                "subsection": "physics_mathematics", "base_points": 10, **overrides}
        made = self.as_("department", "POST", "/activities", json=body)
        assert made.status_code == 201, made.json
        return str(made.json["id"])

    def upload(self, login: str, pupil_id: str, activity_id: str, document: bytes | None, *,
               filename: str = "diploma.pdf", date: str = "2026-05-17", result: str = "winner",
               submit: bool = False, **fields: Any) -> Any:
        data: dict[str, Any] = {"activity_id": activity_id, "participation": "in_person", "individuality": "individual",
                                "result": result, "date": date, "submit": "true" if submit else "false", **fields}
        if document is not None:
            data["document"] = (io.BytesIO(document), filename)
        return self.as_(login, "POST", f"/pupils/{pupil_id}/achievements", data=data,
                        content_type="multipart/form-data")

    def pupil_account(self, first_name: str, login: str, group: str = "5А") -> str:
        """An account for a pupil of School No. 1 (the demo city has only pupil1)."""
        groups = self.idn("school1-admin", "GET", "/groups").json["items"]
        gid = next(g["group_id"] for g in groups if g["name"] == group)
        reader = "tutor1" if group == "5А" else "school1-admin"
        members = self.idn(reader, "GET", f"/groups/{gid}/members").json["items"]
        person = next(p for p in members if p["first_name"] == first_name)["person_id"]
        made = self.idn("school1-admin", "POST", "/accounts",
                        json={"person_id": person, "login": login, "password": DEMO_PASSWORD})
        assert made.status_code == 201, made.json
        self.sync()
        return str(person)

    def consent(self, login: str, pupil_id: str) -> None:
        given = self.idn(login, "POST", f"/children/{pupil_id}/consents", json={"purpose": "portfolio"})
        assert given.status_code == 201, given.json
        self.sync()


@contextmanager
def build_world() -> Iterator[World]:
    with ExitStack() as stack:
        try:
            vhost = stack.enter_context(private_vhost("portfolio"))
        except Exception as exc:  # noqa: BLE001 - no broker means failure, never a skip
            pytest.fail(f"cannot set up a test vhost with the broker definitions: {exc!r}", pytrace=False)
        identity_url = stack.enter_context(migrated_database(IDENTITY_DIR, "identity"))
        url = stack.enter_context(migrated_database(SERVICE_DIR, "portfolio"))
        store_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kabinet-portfolio-docs-"))) / "docs"
        identity_app = create_identity_app({"database_url": identity_url, **FAST_HASHING})
        keys = app_deps(identity_app).keys
        app = create_app({"database_url": url, "key_source": LocalKeySource(keys.public_key),
                          "document_dir": str(store_dir)})
        settings = Settings.load({"database_url": url, **broker_settings("portfolio", vhost)})
        consumer = RunningConsumer(functools.partial(create_consumer, settings), vhost=vhost,
                                   label="identity-test", base_delay=0.2, max_attempts=5)
        try:
            seed(app_deps(identity_app))
            w = World(identity_app, app, consumer, vhost, store_dir)
            w.sync(timeout=90)  # the whole demo city, on a machine that may be busy
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
    with build_world() as w:
        yield w
