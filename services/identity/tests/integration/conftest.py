"""Identity integration fixtures: a real database built by the migrations (SQLite or
PostgreSQL by KABINET_TEST_DB), seeded with the demo city, and the app on top of it."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.test import TestResponse

from kabinet_identity.bootstrap import create_app
from kabinet_identity.config import SERVICE_DIR
from kabinet_identity.models import OUTBOX, AuditRecord
from kabinet_identity.seed import DEMO_PASSWORD, seed
from kabinet_kit.service import app_deps
from kabinet_kit.testing import migrated_database
from kabinet_kit.testing.client import ApiClient

FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_kib": 1024}


class Api(ApiClient):
    """The kit's client, logged in for real at /auth/token as the demo users, plus what
    identity's tests read back: the outbox's types and the audit."""

    def __init__(self, app: Flask):
        super().__init__(app, tokens=self._real_login)

    def _real_login(self, login: str) -> str:
        response = self.login(login)
        assert response.status_code == 200, response.json
        token: str = response.json["access_token"]
        return token

    def login(self, login: str, password: str = DEMO_PASSWORD) -> TestResponse:
        return self.client.post("/auth/token", json={"login": login, "password": password})

    def me(self, login: str) -> dict[str, Any]:
        body: dict[str, Any] = self.as_(login, "GET", "/me").json
        return body

    def outbox_count(self) -> int:
        return self.count(OUTBOX)

    def outbox_types(self) -> list[str]:
        return [type_ for type_, _ in self.outbox(OUTBOX)]

    def audit(self, **where: Any) -> list[AuditRecord]:
        with self.deps.session_factory() as s:
            query = select(AuditRecord).where(*(getattr(AuditRecord, k) == v for k, v in where.items()))
            return list(s.scalars(query.order_by(AuditRecord.id)))


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    with migrated_database(SERVICE_DIR, "identity") as url:
        yield url


@pytest.fixture(scope="module")
def api(database_url: str) -> Api:
    app = create_app({"database_url": database_url, **FAST_HASHING, "redeem_attempts_per_window": 5})
    seed(app_deps(app))
    return Api(app)


@pytest.fixture()
def fresh_api() -> Iterator[Api]:
    """An unseeded database of its own, for tests that count every row."""
    with migrated_database(SERVICE_DIR, "identity") as url:
        app = create_app({"database_url": url, **FAST_HASHING, "max_failed_logins": 3})
        seed(app_deps(app))
        yield Api(app)
        app_deps(app).session_factory.kw["bind"].dispose()
