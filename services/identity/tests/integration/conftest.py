"""Identity integration fixtures: a real database built by the migrations (SQLite or
PostgreSQL by KABINET_TEST_DB), seeded with the demo city, and the app on top of it."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kabinet_identity.bootstrap import create_app
from kabinet_identity.config import SERVICE_DIR
from kabinet_identity.models import OUTBOX, AuditRecord
from kabinet_identity.seed import DEMO_PASSWORD, seed
from kabinet_kit.testing import migrated_database

FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_kib": 1024}


class Api:
    """A thin client that logs in as demo users and speaks JSON."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self._tokens: dict[str, str] = {}

    def login(self, login: str, password: str = DEMO_PASSWORD):
        return self.client.post("/auth/token", json={"login": login, "password": password})

    def token(self, login: str) -> str:
        if login not in self._tokens:
            response = self.login(login)
            assert response.status_code == 200, response.json
            self._tokens[login] = response.json["access_token"]
        return self._tokens[login]

    def as_(self, login: str, method: str, path: str, **kwargs):
        headers = kwargs.pop("headers", {})
        headers["Authorization"] = f"Bearer {self.token(login)}"
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def me(self, login: str) -> dict:
        return self.as_(login, "GET", "/me").json

    @property
    def deps(self):
        return self.app.extensions["identity.deps"]

    def outbox_count(self) -> int:
        with self.deps.session_factory() as s:
            return s.scalar(select(func.count()).select_from(OUTBOX))

    def outbox_types(self) -> list[str]:
        with self.deps.session_factory() as s:
            return list(s.scalars(select(OUTBOX.c.event_type).order_by(OUTBOX.c.id)))

    def audit(self, **where) -> list[AuditRecord]:
        with self.deps.session_factory() as s:
            query = select(AuditRecord)
            for key, value in where.items():
                query = query.where(getattr(AuditRecord, key) == value)
            return list(s.scalars(query.order_by(AuditRecord.id)))


@pytest.fixture(scope="module")
def database_url():
    with migrated_database(SERVICE_DIR, "identity") as url:
        yield url


@pytest.fixture(scope="module")
def api(database_url) -> Api:
    app = create_app({"database_url": database_url, **FAST_HASHING, "redeem_attempts_per_window": 5})
    seed(app.extensions["identity.deps"])
    return Api(app)


@pytest.fixture()
def fresh_api():
    """An unseeded database of its own, for tests that count every row."""
    with migrated_database(SERVICE_DIR, "identity") as url:
        app = create_app({"database_url": url, **FAST_HASHING, "max_failed_logins": 3})
        seed(app.extensions["identity.deps"])
        yield Api(app)
        app.extensions["identity.deps"].session_factory.kw["bind"].dispose()
