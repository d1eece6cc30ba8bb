"""Helpers for the journal's integration tests and benchmark: access tokens signed with a key
of the test's own, identity-shaped events published to the real broker, and the journal's
consumer running in a thread until they are applied."""
from __future__ import annotations

import threading
import time
import uuid
from datetime import date, timedelta

import jwt
from amqp import Message
from cryptography.hazmat.primitives.asymmetric import rsa
from kombu import Connection

from kabinet_contracts import REGISTRY
from kabinet_kit.consumer import Outcome
from kabinet_kit.events import CloudEvent
from kabinet_kit.testing import admin_amqp_url, service_amqp_url
from kabinet_kit.tokens import ALGORITHM, AUDIENCE, ISSUER

from .bootstrap import create_consumer
from .config import Settings

KID = "journal-test-key"


class TokenMinter:
    """Signs access tokens the way identity does (RS256, kid, aud, iss, typ=access)."""

    def __init__(self):
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.keys = {KID: self.private_key.public_key()}

    def token(self, account_id: str, person_id: str, roles=(), ttl: int = 900, **extra) -> str:
        now = int(time.time())
        claims = {"sub": account_id, "pid": person_id, "sid": str(uuid.uuid4()), "typ": "access", "aud": AUDIENCE,
                  "iss": ISSUER, "iat": now, "exp": now + ttl, "roles": list(roles), **extra}
        return jwt.encode(claims, self.private_key, algorithm=ALGORITHM, headers={"kid": KID})


class IdentityFeed:
    """Publishes identity-shaped events (validated against the contracts) as identity's relay
    would, and waits until the journal's consumer has applied them."""

    def __init__(self, consumer: "RunningConsumer"):
        self.consumer = consumer
        self.conn = Connection(admin_amqp_url(), connect_timeout=5, transport="pyamqp")
        self.channel = self.conn.channel()

    def publish(self, type_: str, data: dict) -> str:
        contract = REGISTRY.get(type_)
        clean = REGISTRY.validate(type_, data)
        event = CloudEvent(type=type_, source="/kabinet/identity", data=clean,
                           subject=str(clean.get(contract.subject_field)) if contract.subject_field else None)
        self.channel.basic_publish(Message(event.to_json().encode(), content_type="application/cloudevents+json",
                                           delivery_mode=2, message_id=event.id),
                                   exchange=contract.exchange, routing_key=type_)
        return event.id

    def send(self, *events: tuple[str, dict]) -> None:
        ids = [self.publish(t, d) for t, d in events]
        self.consumer.wait_for_ids(ids)

    def close(self) -> None:
        self.conn.release()


class RunningConsumer:
    """The journal's consumer of identity's events on its own test queue, in a thread."""

    def __init__(self, database_url: str, session_factory=None, vhost: str | None = None):
        self.name = f"identity-test-{uuid.uuid4().hex[:8]}"
        self.vhost = vhost
        self.outcomes: dict[str, Outcome] = {}
        self._lock = threading.Lock()
        settings = Settings(database_url=database_url, amqp_url=service_amqp_url("journal", vhost))
        self.consumer = create_consumer(settings, name=self.name, session_factory=session_factory,
                                        on_outcome=self._record, base_delay=0.05, max_attempts=3)
        with Connection(service_amqp_url("journal", vhost), connect_timeout=5, transport="pyamqp") as conn:
            self.consumer.declare(conn.channel())
        self.thread = threading.Thread(target=self.consumer.run, kwargs={"safety_interval": 0.2}, daemon=True)
        self.thread.start()

    def _record(self, outcome: Outcome) -> None:
        with self._lock:
            self.outcomes[outcome.event_id] = outcome

    def wait_for_ids(self, ids, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        final = ("applied", "duplicate", "ignored", "dead_lettered")
        while time.monotonic() < deadline:
            with self._lock:
                done = [self.outcomes.get(i) for i in ids]
            if all(o is not None and o.status in final for o in done):
                bad = [o for o in done if o.status == "dead_lettered"]
                assert not bad, f"events dead-lettered: {bad}"
                return
            time.sleep(0.02)
        raise AssertionError(f"consumer did not apply {len(ids)} events in time")

    def wait_for(self, predicate, timeout: float = 30.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")

    def stop(self) -> None:
        self.consumer.should_stop = True
        self.thread.join(15)
        self.consumer.close()
        queue = self.consumer.queue_name
        with Connection(admin_amqp_url(self.vhost), connect_timeout=5, transport="pyamqp") as conn:
            channel = conn.channel()
            for name in (queue, f"{queue}.retry", f"{queue}.dead"):
                channel.queue_delete(queue=name)


def new_id() -> str:
    return str(uuid.uuid4())


class World:
    """A small city told to the journal as identity would tell it: two schools, classes,
    staff with roles, pupils with names, guardians, consents."""

    def __init__(self, feed: IdentityFeed, today: date):
        self.feed = feed
        self.today = today
        self.ids: dict[str, str] = {}
        self.accounts: dict[str, tuple[str, str]] = {}  # login → (account id, person id)

    def id(self, name: str) -> str:
        return self.ids.setdefault(name, new_id())

    def build(self) -> "World":
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
        pupils = [("ivan", "s1-5a", "school1", "Петров", "Иван"), ("maria", "s1-5a", "school1", "Александрова", "Мария"),
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
