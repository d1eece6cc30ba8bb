"""Journal integration fixtures: a real database built by the migrations (SQLite or
PostgreSQL by KABINET_TEST_DB), replicas built by the journal's own consumer from
identity-shaped events on the real broker, and tokens signed with a key of the test's own."""
from __future__ import annotations

import json
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from kabinet_journal.bootstrap import create_app
from kabinet_journal.config import SERVICE_DIR
from kabinet_journal.models import OUTBOX
from kabinet_journal.services import local_today
from kabinet_journal.testing import IdentityFeed, RunningConsumer, TokenMinter, World
from kabinet_kit.testing import migrated_database


class Api:
    def __init__(self, app, world: World, minter: TokenMinter):
        self.app, self.world, self.minter = app, world, minter
        self.client = app.test_client()
        self._tokens: dict[str, str] = {}

    def token(self, login: str) -> str:
        if login not in self._tokens:
            account, person = self.world.accounts[login]
            self._tokens[login] = self.minter.token(account, person)
        return self._tokens[login]

    def as_(self, login: str, method: str, path: str, **kwargs):
        headers = kwargs.pop("headers", {})
        headers["Authorization"] = f"Bearer {self.token(login)}"
        return self.client.open(path, method=method, headers=headers, **kwargs)

    @property
    def deps(self):
        return self.app.extensions["journal.deps"]

    def session(self):
        return self.deps.session_factory()

    def events(self, prefix: str = "journal.") -> list[tuple[str, dict]]:
        """The journal's outbox, oldest first: (type, data)."""
        with self.session() as s:
            rows = s.execute(select(OUTBOX.c.event_type, OUTBOX.c.body).where(OUTBOX.c.event_type.like(f"{prefix}%"))
                             .order_by(OUTBOX.c.id)).all()
        return [(t, json.loads(b)["data"]) for t, b in rows]

    def count(self, model, *where) -> int:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(model).where(*where))

    def problem(self, login, method, path, status, **kwargs) -> dict:
        """A refusal: the status wanted and a problem+json body."""
        response = self.as_(login, method, path, **kwargs)
        assert response.status_code == status, (response.status_code, response.get_json())
        assert response.headers["Content-Type"].startswith("application/problem+json")
        return response.get_json()

    def ok(self, login, method, path, status=(200, 201, 204), **kwargs):
        response = self.as_(login, method, path, **kwargs)
        assert response.status_code in ((status,) if isinstance(status, int) else status), \
            (response.status_code, response.get_json(silent=True))
        return None if response.status_code == 204 else response.get_json()


@pytest.fixture(scope="module")
def database_url():
    with migrated_database(SERVICE_DIR, "journal") as url:
        yield url


@pytest.fixture(scope="module")
def app(database_url):
    minter = TokenMinter()
    app = create_app({"database_url": database_url, "static_keys": minter.keys})
    app.extensions["test.minter"] = minter
    yield app
    app.extensions["journal.deps"].session_factory.kw["bind"].dispose()


@pytest.fixture(scope="module")
def consumer(app, database_url):
    running = RunningConsumer(database_url)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def feed(consumer):
    f = IdentityFeed(consumer)
    yield f
    f.close()


@pytest.fixture(scope="module")
def world(app, feed) -> World:
    return World(feed, local_today(app.extensions["journal.deps"])).build()


@pytest.fixture(scope="module")
def api(app, world) -> Api:
    return Api(app, world, app.extensions["test.minter"])


@pytest.fixture(scope="module")
def school(api, world):
    """School 1's year as its administration sets it up through the API: three trimesters
    around today, subjects, and teaching loads (5А maths by teacher1, 5А Russian by the tutor,
    5Б maths by teacher1); school 2's 5А maths by teacher2."""
    w, today = world, world.today
    year_start = today - timedelta(days=120)
    terms = {}
    bounds = [(year_start, today - timedelta(days=61)), (today - timedelta(days=60), today + timedelta(days=29)),
              (today + timedelta(days=30), today + timedelta(days=160))]
    for n, (start, end) in enumerate(bounds, start=1):
        terms[n] = api.ok("admin1", "POST", "/terms", json={
            "organisation_id": w.id("school1"), "academic_year_id": w.id("year"), "kind": "trimester", "number": n,
            "starts_on": start.isoformat(), "ends_on": end.isoformat()})["id"]
    s2_term = api.ok("admin2", "POST", "/terms", json={
        "organisation_id": w.id("school2"), "academic_year_id": w.id("year"), "kind": "half", "number": 1,
        "starts_on": year_start.isoformat(), "ends_on": (today + timedelta(days=60)).isoformat()})["id"]
    maths = api.ok("admin1", "POST", "/subjects", json={"organisation_id": w.id("school1"), "name": "Математика"})["id"]
    russian = api.ok("admin1", "POST", "/subjects", json={"organisation_id": w.id("school1"), "name": "Русский язык"})["id"]
    s2_maths = api.ok("admin2", "POST", "/subjects", json={"organisation_id": w.id("school2"), "name": "Математика"})["id"]

    def load(login, group, subject, teacher, scale="five"):
        return api.ok(login, "POST", "/loads", json={"group_id": w.id(group), "subject_id": subject,
                                                     "teacher_account_id": w.account(teacher), "scale": scale})["id"]
    return SimpleNamespace(
        terms=terms, s2_term=s2_term, maths=maths, russian=russian, today=today,
        maths_5a=load("admin1", "s1-5a", maths, "teacher1"), russian_5a=load("deputy1", "s1-5a", russian, "tutor1"),
        maths_5b=load("admin1", "s1-5b", maths, "teacher1"), maths_s2=load("admin2", "s2-5a", s2_maths, "teacher2"))


@pytest.fixture()
def lesson_on(api, school):
    """Make a lesson of a load on a day (as its teacher)."""
    def make(load_id: str, on: date, login: str = "teacher1", **fields) -> dict:
        return api.ok(login, "POST", f"/loads/{load_id}/lessons", json={"date": on.isoformat(), **fields})
    return make
