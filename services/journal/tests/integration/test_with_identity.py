"""The journal beside the real identity service and behind the real gateway: identity's demo
city travels through identity's outbox relay and the real broker into the journal's replicas;
the journal's demo year is seeded on top (twice, changing nothing the second time); a
teacher keeps the journal and a guardian reads the diary through the gateway with tokens
identity issued; an enrolment in identity reaches the journal, and a consent revoked in
identity ends the guardian's diary."""
from __future__ import annotations

import contextlib
import time
from datetime import date
from functools import partial

import pytest
import requests
from sqlalchemy import func, select

from kabinet_gateway.bootstrap import create_app as create_gateway_app
from kabinet_gateway.config import SERVICE_DIR as GATEWAY_DIR
from kabinet_gateway.revocations import record_heartbeat
from kabinet_identity.bootstrap import create_app as create_identity_app
from kabinet_identity.bootstrap import create_relay as create_identity_relay
from kabinet_identity.config import SERVICE_DIR as IDENTITY_DIR
from kabinet_identity.config import Settings as IdentitySettings
from kabinet_identity.models import OUTBOX as IDENTITY_OUTBOX
from kabinet_identity.seed import DEMO_PASSWORD
from kabinet_identity.seed import seed as seed_identity
from kabinet_journal import models as m
from kabinet_journal.bootstrap import SPEC, create_app, create_consumer
from kabinet_journal.config import Settings
from kabinet_journal.replicas import HANDLERS
from kabinet_journal.seed import seed as seed_journal
from kabinet_kit.events import utcnow
from kabinet_kit.gateway_proof import HEADER, sign
from kabinet_kit.service import app_deps
from kabinet_kit.testing import broker_settings, migrated_database, private_vhost, service_amqp_url
from kabinet_kit.testing.client import signed_client
from kabinet_kit.testing.feed import RunningConsumer
from kabinet_kit.testing.http import serve
from kabinet_kit.tokens import LocalKeySource

FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_kib": 1024}


class City:
    def __init__(self, identity_app, journal_app, consumer: RunningConsumer, gateway_url: str, vhost: str):
        self.identity_app, self.app, self.consumer, self.gateway = identity_app, journal_app, consumer, gateway_url
        self.vhost = vhost
        self.identity = signed_client(identity_app)
        self._tokens: dict[str, str] = {}

    def token(self, login: str) -> str:
        if login not in self._tokens:
            r = self.identity.post("/auth/token", json={"login": login, "password": DEMO_PASSWORD})
            assert r.status_code == 200, r.json
            self._tokens[login] = r.json["access_token"]
        return self._tokens[login]

    def idn(self, login, method, path, **kwargs):
        r = self.identity.open(path, method=method, headers={"Authorization": f"Bearer {self.token(login)}"}, **kwargs)
        assert r.status_code < 300, (r.status_code, r.json)
        return r.json

    def via_gateway(self, login, method, path, **kwargs) -> requests.Response:
        return self.via_gateway_with(self.token(login), method, path, **kwargs)

    def via_gateway_with(self, token, method, path, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.gateway}/api/journal{path}", timeout=10,
                                headers={"Authorization": f"Bearer {token}"}, **kwargs)

    def session(self):
        return app_deps(self.app).session_factory()

    def sync(self, timeout: float = 20.0) -> None:
        """Publish identity's outbox; wait until the journal's consumer has applied all it handles."""
        identity_deps = app_deps(self.identity_app)
        relay = create_identity_relay(IdentitySettings(
            database_url=identity_deps.settings.database_url,
            relay_amqp_url=service_amqp_url("identity", "relay", self.vhost)))
        try:
            relay.drain()
        finally:
            relay.close()
        with identity_deps.session_factory() as s:
            expected = set(s.scalars(select(IDENTITY_OUTBOX.c.event_id)
                                     .where(IDENTITY_OUTBOX.c.event_type.in_(list(HANDLERS)))))
        # By event id: the consumer must have applied these very events.
        queue = self.consumer.consumer.queue_name
        deadline = time.monotonic() + timeout
        while True:
            with self.session() as s:
                done = set(s.scalars(select(m.PROCESSED.c.event_id).where(m.PROCESSED.c.consumer == queue)))
            missing = expected - done
            if not missing:
                return
            assert time.monotonic() < deadline, f"the journal has not applied {len(missing)} of {len(expected)} events"
            time.sleep(0.05)

    def count(self, model, *where) -> int:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(model).where(*where))

    def scalar(self, query):
        with self.session() as s:
            return s.scalar(query)


def feed_heard_now(gateway) -> None:
    """No revocation feed runs here: its heartbeat as the gateway's consumer would record it."""
    with gateway.extensions["kabinet.gateway"].session_factory.begin() as session:
        record_heartbeat(session, utcnow())


@pytest.fixture(scope="module")
def vhost():
    # A vhost of its own: on the shared one the consumer would also get other tests' demo cities.
    with contextlib.ExitStack() as stack:
        try:
            name = stack.enter_context(private_vhost("journal"))
        except Exception as exc:  # noqa: BLE001 - no broker is a failure, never a skip
            pytest.fail(f"cannot set up a test vhost with the broker definitions: {exc!r}", pytrace=False)
        yield name


@pytest.fixture(scope="module")
def city(vhost):
    with migrated_database(IDENTITY_DIR, "identity") as identity_url, \
            migrated_database(SPEC.directory, "journal") as url, \
            migrated_database(GATEWAY_DIR, "gateway") as gateway_db:
        identity_app = create_identity_app({"database_url": identity_url, **FAST_HASHING})
        keys = app_deps(identity_app).keys
        app = create_app({"database_url": url, "key_source": LocalKeySource(keys.public_key)})
        # The queue is bound before identity says anything, so every event reaches it.
        settings = Settings.load({"database_url": url, **broker_settings("journal", vhost)})
        consumer = RunningConsumer(partial(create_consumer, settings), vhost=vhost, label="identity-test")
        try:
            with serve(app) as journal_url:
                gateway = create_gateway_app({
                    "database_url": gateway_db, "upstreams": {"journal": journal_url},
                    "key_source": LocalKeySource(keys.public_key), "revocation_feed_max_age": 3600})
                feed_heard_now(gateway)
                with serve(gateway) as gateway_url:
                    c = City(identity_app, app, consumer, gateway_url, vhost)
                    seed_identity(app_deps(identity_app))
                    c.sync()
                    yield c
                gateway.extensions["kabinet.gateway"].close()
        finally:
            consumer.stop()
            app_deps(app).session_factory.kw["bind"].dispose()
            app_deps(identity_app).session_factory.kw["bind"].dispose()


def _q1(city) -> m.Term:
    with city.session() as s:
        school = s.scalar(select(m.Organisation.id).where(m.Organisation.short_name == "Школа № 1"))
        return s.scalar(select(m.Term).where(m.Term.organisation_id == school, m.Term.number == 1))


def test_the_demo_year_is_seeded_once(city):
    deps = app_deps(city.app)
    assert seed_journal(deps) is True
    tables = (m.Term, m.Subject, m.CurriculumHours, m.TeachingLoad, m.TimetableSlot, m.Holiday, m.Lesson, m.Mark,
              m.Attendance, m.TermMark, m.MarkChange, m.TermAudit, m.OUTBOX)
    counts = [city.count(t) for t in tables]
    names = [t.__name__ if hasattr(t, "__name__") else t.name for t in tables]
    assert all(counts[:-1]), dict(zip(names, counts, strict=True))
    assert seed_journal(deps) is False
    assert [city.count(t) for t in tables] == counts
    with city.session() as s:
        kinds = dict(s.execute(select(m.Organisation.short_name, m.Term.kind).join(
            m.Term, m.Term.organisation_id == m.Organisation.id).distinct()).all())
    assert kinds == {"Школа № 1": "quarter", "Гимназия № 2": "half"}
    assert _q1(city).closed_at is not None


def test_teacher1s_grid_and_guardian1s_diary_through_the_gateway(city):
    loads = city.via_gateway("teacher1", "GET", "/loads?mine=true")
    assert loads.status_code == 200, loads.text
    q1 = _q1(city)
    grids = {}
    for load in loads.json():
        r = city.via_gateway("teacher1", "GET", f"/loads/{load['id']}/grid?term_id={q1.id}")
        assert r.status_code == 200, r.text
        grids[load["id"]] = r.json()
    maths_5a = next(g for g in grids.values() if g["pupils"] and any(p["last_name"] == "Петров" for p in g["pupils"])
                    and g["load"]["scale"] == "five")
    ivan = next(p for p in maths_5a["pupils"] if p["last_name"] == "Петров")
    assert ivan["first_name"] == "Иван" and ivan["marks"] and ivan["term_mark"]
    assert all(les["topic"] for les in maths_5a["lessons"]) and maths_5a["term"]["closed"] is True
    load_id = maths_5a["load"]["id"]

    # Marks and attendance through the gateway on a second-quarter lesson.
    lessons = city.via_gateway("teacher1", "GET", f"/loads/{load_id}/lessons").json()
    q2_lesson = next(les for les in lessons if les["term_id"] != q1.id and les["date"] > "2026-11-20")
    saved = city.via_gateway("teacher1", "POST", f"/loads/{load_id}/grid", json={
        "marks": [{"lesson_id": q2_lesson["id"], "child_id": ivan["child_id"], "value": 5, "kind": "test"}],
        "attendance": [{"lesson_id": q2_lesson["id"], "child_id": ivan["child_id"], "status": "present"}]})
    assert saved.status_code == 200, saved.text
    bad = city.via_gateway("teacher1", "POST", f"/loads/{load_id}/grid", json={
        "marks": [{"lesson_id": q2_lesson["id"], "child_id": ivan["child_id"], "value": 5},
                  {"lesson_id": q2_lesson["id"], "child_id": ivan["child_id"], "value": "отлично"}]})
    assert bad.status_code == 422 and bad.headers["Content-Type"].startswith("application/problem+json")
    assert list(bad.json()["errors"]["marks"]) == ["1"]
    # Another teacher's journal by its id, through the gateway: answered as a missing one.
    assert city.via_gateway("teacher2", "GET", f"/loads/{load_id}/grid?term_id={q1.id}").status_code == 404

    diary = city.via_gateway("guardian1", "GET", f"/diary/{ivan['child_id']}?term_id={q1.id}")
    assert diary.status_code == 200, diary.text
    subjects = {s["subject"]: s for s in diary.json()["subjects"]}
    assert subjects["Математика"]["marks"] and subjects["Математика"]["term_mark"] == ivan["term_mark"]
    assert diary.json()["homework"]
    summary = city.via_gateway("pupil1", "GET", f"/diary/{ivan['child_id']}/summary")
    assert summary.status_code == 200 and summary.json()["latest_marks"][0]["value"] == "5"
    olga = next(p for g in grids.values() for p in g["pupils"] if p["last_name"] == "Смирнова")
    assert city.via_gateway("guardian1", "GET", f"/diary/{olga['child_id']}").status_code == 404


def test_an_enrolment_in_identity_reaches_the_journal(city):
    with city.session() as s:
        school1 = s.scalar(select(m.Organisation.id).where(m.Organisation.short_name == "Школа № 1"))
        group_5a = s.scalar(select(m.Group.id).where(m.Group.organisation_id == school1, m.Group.name == "5А"))
    child = city.idn("school1-admin", "POST", "/people", json={
        "kind": "child", "organisation_id": school1, "last_name": "Новиков", "first_name": "Денис",
        "middle_name": "Павлович", "birth_date": "2015-04-01"})["person_id"]
    city.idn("school1-admin", "POST", "/movements", json={
        "kind": "enrol", "child_id": child, "group_id": group_5a, "order_number": "131-у",
        "order_date": "2026-11-16", "effective_on": "2026-11-16"})
    city.sync()
    stay = city.scalar(select(m.Membership).where(m.Membership.child_id == child))
    assert (stay.group_id, stay.starts_on, stay.ends_on) == (group_5a, date(2026, 11, 16), None)
    assert city.scalar(select(m.PersonName.last_name).where(m.PersonName.person_id == child)) == "Новиков"
    with city.session() as s:
        q2 = s.scalar(select(m.Term.id).where(m.Term.organisation_id == school1, m.Term.number == 2))
        maths = s.scalar(select(m.TeachingLoad.id).join(m.Subject, m.Subject.id == m.TeachingLoad.subject_id)
                         .where(m.TeachingLoad.group_id == group_5a, m.Subject.name == "Математика"))
    grid = city.via_gateway("teacher1", "GET", f"/loads/{maths}/grid?term_id={q2}").json()
    assert {(p["last_name"], p["first_name"]) for p in grid["pupils"]
            if p["child_id"] == child} == {("Новиков", "Денис")}


def test_a_consent_revoked_in_identity_ends_the_guardians_diary(city):
    children = {c["first_name"]: c["child_id"] for c in city.idn("guardian1", "GET", "/me")["children"]}
    ivan = children["Иван"]
    assert city.via_gateway("guardian1", "GET", f"/diary/{ivan}/summary").status_code == 200
    city.idn("guardian1", "POST", f"/children/{ivan}/consents/e_diary/revoke", json={"reason": "отзыв"})
    city.sync()
    refused = city.via_gateway("guardian1", "GET", f"/diary/{ivan}/summary")
    assert refused.status_code == 403 and "согласие" in refused.json()["detail"]
    assert city.via_gateway("guardian1", "GET", f"/diary/{ivan}").status_code == 403
    # The pupil keeps their own diary.
    assert city.via_gateway("pupil1", "GET", f"/diary/{ivan}?term_id={_q1(city).id}").status_code == 200


def test_a_person_erased_in_identity_is_dropped_by_the_journal(city):
    """IDN-08 on the real path: identity erases, its relay publishes, the journal's consumer drops
    the name and the access; identity's outbox, once published, holds the name nowhere."""
    with city.session() as s:
        school1 = s.scalar(select(m.Organisation.id).where(m.Organisation.short_name == "Школа № 1"))
    person = city.idn("school1-admin", "POST", "/people", json={
        "kind": "staff", "organisation_id": school1, "last_name": "Стиркина", "first_name": "Эльвира"})["person_id"]
    account = city.idn("school1-admin", "POST", "/accounts", json={
        "person_id": person, "login": "stirkina", "password": "Str0ng-pass-word",
        "roles": [{"role": "teacher", "organisation_id": school1}]})["account_id"]
    city.sync()
    assert city.scalar(select(m.PersonName.last_name).where(m.PersonName.person_id == person)) == "Стиркина"
    assert city.scalar(select(m.Account.active).where(m.Account.id == account)) is True

    city.idn("school1-admin", "POST", f"/people/{person}/erasure", json={"basis": "Приказ № 7-к от 01.10.2026"})
    city.sync()
    assert city.count(m.PersonName, m.PersonName.person_id == person) == 0
    assert city.scalar(select(m.Account.active).where(m.Account.id == account)) is False
    assert city.count(m.Account, m.Account.id == account) == 1  # the id stays, for what she recorded
    with app_deps(city.identity_app).session_factory() as s:
        bodies = s.scalars(select(IDENTITY_OUTBOX.c.body)).all()
    assert bodies and not any("Стиркина" in body or "Эльвира" in body for body in bodies)


def test_a_logged_out_token_sent_straight_to_the_journal_is_refused(city):
    """issue 11, finding 4: the journal answers only requests the gateway vouches for, so a token
    the gateway refuses (logged out) gets nothing by going round it."""
    login = city.identity.post("/auth/token", json={"login": "teacher1", "password": DEMO_PASSWORD})
    token = login.json["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert city.via_gateway_with(token, "GET", "/loads?mine=true").status_code == 200
    assert city.identity.post("/auth/logout", headers=auth).status_code == 204

    direct = city.app.test_client()  # unsigned: a caller that bypasses the gateway
    secret = app_deps(city.app).settings.gateway_proof
    other = f"Bearer {city.token('teacher2')}"
    mine, bearer = "/loads?mine=true", auth["Authorization"]
    refused = [
        direct.get(mine, headers=auth),
        # a proof the gateway made for another token, or this token with another one's proof
        direct.get(mine, headers={**auth, HEADER: sign(secret, "GET", mine, other)}),
        direct.get(mine, headers={"Authorization": other, HEADER: sign(secret, "GET", mine, bearer)}),
        # a proof for another request line, a stale one, one signed with another secret
        direct.get(mine, headers={**auth, HEADER: sign(secret, "GET", "/loads", bearer)}),
        direct.get(mine, headers={**auth, HEADER: sign(secret, "GET", mine, bearer, now=time.time() - 120)}),
        direct.get(mine, headers={**auth, HEADER: sign("guessed", "GET", mine, bearer)}),
        direct.get("/no-such-path", headers=auth),
    ]
    for response in refused:
        assert response.status_code == 401, response.json
        assert response.headers["Content-Type"].startswith("application/problem+json")
    # The proof is what decides: the same request line signed for a live token is answered.
    signed = direct.get(mine, headers={"Authorization": other, HEADER: sign(secret, "GET", mine, other)})
    assert signed.status_code == 200
    assert direct.get("/healthz").status_code == 200  # the probes keep their own rules
