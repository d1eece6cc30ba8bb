"""Journal integration fixtures: a real database built by the migrations (SQLite or
PostgreSQL by KABINET_TEST_DB), replicas built by the journal's own consumer from
identity-shaped events on the real broker, and tokens signed with a key of the test's own."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from functools import partial
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask

from kabinet_contracts import REGISTRY
from kabinet_journal.bootstrap import SPEC, create_app, create_consumer
from kabinet_journal.config import Settings
from kabinet_journal.deps import local_today
from kabinet_journal.models import OUTBOX
from kabinet_kit.service import app_deps
from kabinet_kit.testing import broker_settings, migrated_database
from kabinet_kit.testing.client import ApiClient
from kabinet_kit.testing.feed import EventFeed, RunningConsumer
from kabinet_kit.testing.tokens import TokenMinter


def new_id() -> str:
    return str(uuid.uuid4())


class World:
    """A small city told to the journal as identity would tell it: two schools, classes,
    staff with roles, pupils with names, guardians, consents."""

    def __init__(self, feed: EventFeed, today: date):
        self.feed = feed
        self.today = today
        self.ids: dict[str, str] = {}
        self.accounts: dict[str, tuple[str, str]] = {}  # login → (account id, person id)

    def id(self, name: str) -> str:
        return self.ids.setdefault(name, new_id())

    def build(self) -> World:
        f, i = self.feed, self.id
        year_start = self.today - timedelta(days=120)
        events = [("identity.academic_year.created.v1", {"academic_year_id": i("year"), "name": "test-year",
                                                          "starts_on": year_start,
                                                          "ends_on": year_start + timedelta(days=364)})]
        for org, kind in (("department", "department"), ("school1", "school"), ("school2", "school")):
            events.append(("identity.organisation.created.v1", {"organisation_id": i(org), "kind": kind,
                                                                 "name": org, "short_name": org, "parent_id": None}))
        for group, org, name in (("s1-5a", "school1", "5А"), ("s1-5b", "school1", "5Б"), ("s2-5a", "school2", "5А")):
            events.append(("identity.group.created.v1", {"group_id": i(group), "organisation_id": i(org),
                                                          "academic_year_id": i("year"), "kind": "school_class",
                                                          "name": name, "grade_level": 5, "age_band": None}))
        staff = [("admin1", [("institution_admin", "school1", None)]),
                 ("deputy1", [("deputy_director", "school1", None)]),
                 ("teacher1", [("teacher", "school1", None)]),
                 ("teacher3", [("teacher", "school1", None)]),
                 ("tutor1", [("teacher", "school1", None), ("tutor", "school1", "s1-5a")]),
                 ("admin2", [("institution_admin", "school2", None)]),
                 ("teacher2", [("teacher", "school2", None)]),
                 ("dept", [("department_officer", "department", None)])]
        for login, roles in staff:
            events += self.account_events(login, "staff", roles, last_name=login.capitalize())
        pupils = [("ivan", "s1-5a", "school1", "Петров", "Иван"),
                  ("maria", "s1-5a", "school1", "Александрова", "Мария"),
                  ("artem", "s1-5a", "school1", "Борисов", "Артём"), ("olga", "s1-5b", "school1", "Смирнова", "Ольга"),
                  ("eva", "s2-5a", "school2", "Никитина", "Ева")]
        for child, group, org, last, first in pupils:
            events.append(("identity.person.registered.v1", {"person_id": i(child), "kind": "child", "last_name": last,
                                                              "first_name": first, "middle_name": None}))
            events.append(self.movement("enrolled", child, org, group, year_start))
        for guardian, child, consent in (("guardian1", "ivan", True), ("guardian2", "olga", True),
                                         ("guardian3", "maria", False)):
            events += self.account_events(guardian, "guardian", [], last_name=guardian)
            events.append(("identity.guardianship.created.v1", {"guardianship_id": new_id(),
                                                                 "guardian_person_id": self.person(guardian),
                                                                 "child_id": i(child)}))
            if consent:
                events.append(self.consent("given", child))
        events.append(("identity.account.created.v1", {"account_id": i("pupil1-account"), "person_id": i("ivan"),
                                                        "person_kind": "child", "organisation_id": i("school1")}))
        events.append(("identity.role.assigned.v1", {"assignment_id": new_id(), "account_id": i("pupil1-account"),
                                                      "person_id": i("ivan"), "role": "pupil",
                                                      "organisation_id": i("school1"), "group_id": None}))
        self.accounts["pupil1"] = (i("pupil1-account"), i("ivan"))
        f.send(*events)
        return self

    def person(self, login: str) -> str:
        return self.accounts[login][1]

    def account(self, login: str) -> str:
        return self.accounts[login][0]

    def account_events(self, login: str, kind: str, roles, last_name: str) -> list:
        account_id, person_id = new_id(), new_id()
        self.accounts[login] = (account_id, person_id)
        events = [("identity.person.registered.v1", {"person_id": person_id, "kind": kind, "last_name": last_name,
                                                      "first_name": "Тест", "middle_name": None}),
                  ("identity.account.created.v1", {"account_id": account_id, "person_id": person_id,
                                                    "person_kind": kind, "organisation_id": None})]
        for role, org, group in roles:
            events.append(("identity.role.assigned.v1", {
                "assignment_id": self.id(f"assignment-{login}-{role}"), "account_id": account_id,
                "person_id": person_id, "role": role, "organisation_id": self.id(org),
                "group_id": self.id(group) if group else None}))
        return events

    def movement(self, action: str, child: str, org: str, group: str | None, on: date) -> tuple:
        return (f"identity.child.{action}.v1", {
            "movement_id": new_id(), "child_id": self.id(child), "organisation_id": self.id(org),
            "group_id": self.id(group) if group else None, "from_organisation_id": None, "from_group_id": None,
            "order_number": "1-у", "order_date": on, "effective_on": on})

    def consent(self, action: str, child: str) -> tuple:
        return (f"identity.consent.{action}.v1", {"consent_id": self.id(f"consent-{child}"), "child_id": self.id(child),
                                                   "purpose": "e_diary", "registration_number": "ЭД-1",
                                                   "registration_date": self.today})


class Api(ApiClient):
    """The kit's client calling as the world's logins, with the journal's outbox at hand."""

    def __init__(self, app: Flask, world: World, minter: TokenMinter):
        super().__init__(app, tokens=lambda login: minter.token(*world.accounts[login]))
        self.world, self.minter = world, minter

    def session(self) -> Any:
        return self.deps.session_factory()

    def events(self, prefix: str = "journal.") -> list[tuple[str, dict[str, Any]]]:
        """The journal's outbox, oldest first: (type, data)."""
        return self.outbox(OUTBOX, prefix)

    def ok(self, login: str, method: str, path: str, status: int | tuple[int, ...] = (200, 201, 204),
           **kwargs: Any) -> Any:
        response = self.as_(login, method, path, **kwargs)
        assert response.status_code in ((status,) if isinstance(status, int) else status), \
            (response.status_code, response.get_json(silent=True))
        return None if response.status_code == 204 else response.get_json()


    def _version(self, login: str, path: str) -> str:
        read = self.as_(login, "GET", path)
        return read.headers["ETag"] if read.status_code == 200 else "*"

    def save_grid(self, login: str, load: str, term: str, body: dict[str, Any], status: int = 200) -> Any:
        """Read one term's grid as ``login``, then save ``body`` over that version (If-Match; any
        version when ``login`` may not read the grid: the save's own refusal is what is tested)."""
        path = f"/loads/{load}/grid?term_id={term}"
        response = self.as_(login, "POST", path, json=body, headers={"If-Match": self._version(login, path)})
        assert response.status_code == status, (response.status_code, response.get_json(silent=True))
        return response.get_json()

    def save_day(self, login: str, path: str, body: dict[str, Any], status: int = 200) -> Any:
        """Read the month's attendance sheet of the day in ``body`` as ``login``, then save the
        day over that version (If-Match)."""
        month = str(body["date"])[:7]
        response = self.as_(login, "PUT", path, json=body,
                            headers={"If-Match": self._version(login, f"{path}?month={month}")})
        assert response.status_code == status, (response.status_code, response.get_json(silent=True))
        return response.get_json()

    def save_plan(self, login: str, load: str, body: dict[str, Any], status: int = 200) -> Any:
        """Read the load's plan as ``login``, then save ``body`` over that version (If-Match)."""
        path = f"/loads/{load}/plan"
        response = self.as_(login, "PUT", path, json=body, headers={"If-Match": self._version(login, path)})
        assert response.status_code == status, (response.status_code, response.get_json(silent=True))
        return response.get_json()


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    with migrated_database(SPEC.directory, "journal") as url:
        yield url


@pytest.fixture(scope="module")
def minter() -> TokenMinter:
    return TokenMinter()


@pytest.fixture(scope="module")
def app(database_url: str, minter: TokenMinter) -> Iterator[Flask]:
    app = create_app({"database_url": database_url, "key_source": minter.key_source})
    yield app
    app_deps(app).session_factory.kw["bind"].dispose()


@pytest.fixture(scope="module")
def consumer(app: Flask, database_url: str) -> Iterator[RunningConsumer]:
    settings = Settings.load({"database_url": database_url, **broker_settings("journal")})
    running = RunningConsumer(partial(create_consumer, settings), label="identity-test")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def feed(consumer: RunningConsumer) -> Iterator[EventFeed]:
    f = EventFeed(REGISTRY, consumer)
    yield f
    f.close()


@pytest.fixture(scope="module")
def world(app: Flask, feed: EventFeed) -> World:
    return World(feed, local_today(app_deps(app))).build()


@pytest.fixture(scope="module")
def api(app: Flask, world: World, minter: TokenMinter) -> Api:
    return Api(app, world, minter)


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
    def subject(login: str, school_name: str, name: str) -> str:
        return api.ok(login, "POST", "/subjects", json={"organisation_id": w.id(school_name), "name": name})["id"]
    maths = subject("admin1", "school1", "Математика")
    russian = subject("admin1", "school1", "Русский язык")
    s2_maths = subject("admin2", "school2", "Математика")

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
