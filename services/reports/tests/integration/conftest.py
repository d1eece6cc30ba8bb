"""Reports integration fixtures: a real database built by the migrations (SQLite or PostgreSQL by
KABINET_TEST_DB), projections built by the service's own consumer from identity- and
journal-shaped events on the real broker, and tokens signed with a key of the test's own."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from functools import partial
from typing import Any

import pytest
from flask import Flask

from kabinet_contracts import REGISTRY
from kabinet_kit.service import app_deps
from kabinet_kit.testing import broker_settings, migrated_database
from kabinet_kit.testing.client import ApiClient
from kabinet_kit.testing.feed import EventFeed, RunningConsumer
from kabinet_kit.testing.tokens import TokenMinter
from kabinet_reports.bootstrap import SPEC, create_app, create_consumer
from kabinet_reports.clock import local_today
from kabinet_reports.config import Settings


def new_id() -> str:
    return str(uuid.uuid4())


class World:
    """A small city told to the reports service as identity and the journal would tell it:
    two schools with classes, their administration, teachers, pupils and guardians."""

    def __init__(self, identity: EventFeed, journal: EventFeed, today: date):
        self.identity, self.journal, self.today = identity, journal, today
        self.ids: dict[str, str] = {}
        self.accounts: dict[str, tuple[str, str]] = {}  # login → (account id, person id)

    def id(self, name: str) -> str:
        return self.ids.setdefault(name, new_id())

    def build(self) -> World:
        i = self.id
        events: list[tuple[str, dict[str, Any]]] = []
        for org, kind, short in (("department", "department", "Управление"), ("school1", "school", "Школа № 1"),
                                 ("school2", "school", "Школа № 2"), ("kg1", "kindergarten", "Детский сад № 1")):
            events.append(("identity.organisation.created.v1", {"organisation_id": i(org), "kind": kind,
                                                                 "name": short, "short_name": short}))
        for group, org, name in (("s1-5a", "school1", "5А"), ("s1-5b", "school1", "5Б"), ("s2-5a", "school2", "5А")):
            events.append(("identity.group.created.v1", {"group_id": i(group), "organisation_id": i(org),
                                                          "academic_year_id": i("year"), "kind": "school_class",
                                                          "name": name, "grade_level": 5}))
        for login, roles in (("admin1", [("institution_admin", "school1")]),
                             ("deputy1", [("deputy_director", "school1")]), ("teacher1", [("teacher", "school1")]),
                             ("teacher3", [("teacher", "school1")]),
                             ("admin2", [("institution_admin", "school2")]), ("teacher2", [("teacher", "school2")]),
                             ("dept", [("department_officer", "department")])):
            events += self.account_events(login, "staff", roles)
        for child, group, org in (("ivan", "s1-5a", "school1"), ("maria", "s1-5a", "school1"),
                                  ("olga", "s1-5b", "school1"), ("eva", "s2-5a", "school2")):
            events.append(self.movement(child, org, group))
        for guardian, child in (("guardian1", "ivan"), ("guardian2", "maria"), ("guardian3", "olga"),
                                ("guardian4", "eva")):
            events += self.account_events(guardian, "guardian", [])
            events.append(("identity.guardianship.created.v1", {"guardianship_id": new_id(),
                                                                 "guardian_person_id": self.person(guardian),
                                                                 "child_id": i(child)}))
        self.identity.send(*events)
        return self

    def person(self, login: str) -> str:
        return self.accounts[login][1]

    def account(self, login: str) -> str:
        return self.accounts[login][0]

    def account_events(self, login: str, kind: str, roles: list[tuple[str, str]]) -> list[tuple[str, dict[str, Any]]]:
        account_id, person_id = new_id(), new_id()
        self.accounts[login] = (account_id, person_id)
        events = [("identity.account.created.v1", {"account_id": account_id, "person_id": person_id,
                                                    "person_kind": kind, "organisation_id": None})]
        for role, org in roles:
            events.append(("identity.role.assigned.v1", {
                "assignment_id": self.id(f"assignment-{login}-{role}"), "account_id": account_id,
                "person_id": person_id, "role": role, "organisation_id": self.id(org), "group_id": None}))
        return events

    def movement(self, child: str, org: str, group: str | None, action: str = "enrolled") -> tuple[str, dict[str, Any]]:
        return (f"identity.child.{action}.v1", {
            "movement_id": new_id(), "child_id": self.id(child), "organisation_id": self.id(org),
            "group_id": self.id(group) if group else None, "order_number": "1-у",
            "order_date": self.today, "effective_on": self.today})

    # -- what identity and the journal tell later ----------------------------------------------
    def consent(self, child: str, action: str = "given", purpose: str = "e_diary") -> None:
        self.identity.send((f"identity.consent.{action}.v1", {
            "consent_id": self.id(f"consent-{child}"), "child_id": self.id(child), "purpose": purpose,
            "registration_number": "ЭД-1", "registration_date": self.today}))

    def activate(self, login: str) -> None:
        kind = "staff" if login.startswith(("teacher", "admin")) else "guardian"
        self.identity.send(("identity.account.activated.v1", {"account_id": self.account(login),
                                                               "person_id": self.person(login), "person_kind": kind}))

    def access_code(self, child: str) -> None:
        self.identity.send(("identity.access_code.issued.v1", {
            "access_code_id": new_id(), "child_id": self.id(child), "channel": "in_person",
            "expires_at": "2030-01-01T00:00:00+00:00"}))

    def lesson(self, teacher: str, group: str, org: str, on: date, *, has_topic: bool = True,
               lesson_id: str | None = None, updated: bool = False) -> str:
        lesson_id = lesson_id or new_id()
        self.journal.send((f"journal.lesson.{'updated' if updated else 'conducted'}.v1", {
            "load_id": new_id(), "organisation_id": self.id(org), "group_id": self.id(group),
            "subject_id": new_id(), "lesson_id": lesson_id, "term_id": new_id(), "date": on, "kind": "lesson",
            "has_topic": has_topic, "has_homework": False, "topic_late": False,
            "author_account_id": self.account(teacher)}))
        return lesson_id


class Api(ApiClient):
    def __init__(self, app: Flask, world: World, minter: TokenMinter):
        super().__init__(app, tokens=lambda login: minter.token(*world.accounts[login]))
        self.world = world

    def school(self, login: str, school: str = "school1", **query: Any) -> dict[str, Any]:
        body: dict[str, Any] = self.ok(login, "GET", f"/diary/schools/{self.world.id(school)}/report",
                                       query_string=query)
        return body

    def klass(self, report: dict[str, Any], group: str) -> dict[str, Any]:
        return next(c for c in report["classes"] if c["group_id"] == self.world.id(group))


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    with migrated_database(SPEC.directory, "reports") as url:
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
    settings = Settings.load({"database_url": database_url, **broker_settings("reports")})
    running = RunningConsumer(partial(create_consumer, settings), label="events-test")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def world(app: Flask, consumer: RunningConsumer) -> Iterator[World]:
    identity = EventFeed(REGISTRY, consumer, source="identity")
    journal = EventFeed(REGISTRY, consumer, source="journal")
    yield World(identity, journal, local_today(app_deps(app).settings.timezone)).build()
    identity.close()
    journal.close()


@pytest.fixture(scope="module")
def api(app: Flask, world: World, minter: TokenMinter) -> Api:
    return Api(app, world, minter)


def days_ago(world: World, n: int) -> date:
    return world.today - timedelta(days=n)
