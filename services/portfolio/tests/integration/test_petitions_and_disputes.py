"""POR-08: a pupil's request becomes a petition and a catalogue activity; POR-24..26: a dispute
is due in five working days and goes overdue on the sixth (a holiday in between); a dispute by
someone else's guardian is refused like a missing achievement."""
from datetime import UTC, date, datetime

from kabinet_portfolio.disputes import is_overdue
from kabinet_portfolio.jobs import run_once
from kabinet_portfolio.models import Dispute

from .conftest import pdf_bytes

PROPOSAL = {"title": "Краевой конкурс «Юный эколог»", "organiser": "Министерство природных ресурсов края",
            "starts_on": "2026-04-01", "ends_on": "2026-04-30", "level": "regional", "category": "social",
            "subsection": None}


def test_a_pupils_request_becomes_a_catalogue_activity(world):
    ivan = world.person_of("pupil1")
    requested = world.as_("pupil1", "POST", "/petitions", json=PROPOSAL)
    assert requested.status_code == 201 and requested.json["state"] == "requested"
    pid = requested.json["id"]
    # The department does not see a request the school has not forwarded; another school neither.
    assert world.as_("department", "GET", f"/petitions/{pid}").status_code == 404
    assert world.as_("school2-admin", "GET", f"/petitions/{pid}").status_code == 404
    assert world.as_("pupil1", "POST", f"/petitions/{pid}/forward", json={}).status_code == 403
    forwarded = world.as_("school1-admin", "POST", f"/petitions/{pid}/forward", json={})
    assert forwarded.json["state"] == "petitioned"
    assert world.as_("school1-admin", "POST", f"/petitions/{pid}/include", json={"base_points": 8}).status_code == 403
    no_points = world.as_("department", "POST", f"/petitions/{pid}/include", json={})
    assert no_points.status_code == 422 and "base_points" in no_points.json["errors"]
    included = world.as_("department", "POST", f"/petitions/{pid}/include", json={"base_points": 8})
    assert included.status_code == 200 and included.json["state"] == "included"
    activity = world.as_("pupil1", "GET", f"/activities/{included.json['activity_id']}").json
    assert (activity["title"], activity["level"], activity["base_points"], activity["petition_id"]) == (
        PROPOSAL["title"], "regional", 8.0, pid)
    assert world.as_("pupil1", "GET", f"/petitions/{pid}").json["state"] == "included"
    types = [t for t, d in world.outbox() if d.get("petition_id") == pid]
    assert types == ["portfolio.petition.raised.v1", "portfolio.petition.decided.v1"]
    # And the pupil can now record the achievement against it.
    made = world.upload("pupil1", ivan, activity["id"], pdf_bytes("ecolog"), date="2026-04")
    assert made.status_code == 201


def test_a_refused_petition_carries_its_reason(world):
    pid = world.as_("school1-admin", "POST", "/petitions", json={
        **PROPOSAL, "title": "Школьный турнир", "organisation_id": _school1(world)}).json["id"]
    no_reason = world.as_("department", "POST", f"/petitions/{pid}/refuse", json={})
    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]
    refused = world.as_("department", "POST", f"/petitions/{pid}/refuse", json={"reason": "Нет официального реестра"})
    assert (refused.json["state"], refused.json["reason"]) == ("refused", "Нет официального реестра")
    assert world.as_("school1-admin", "GET", f"/petitions/{pid}").json["state"] == "refused"


def _school1(world):
    from sqlalchemy import select

    from kabinet_portfolio.models import Organisation
    with world.session() as s:
        return s.scalar(select(Organisation.id).where(Organisation.short_name == "Школа № 1"))


def test_a_dispute_is_due_in_five_working_days_and_overdue_on_the_sixth(world, monkeypatch):
    ivan = world.person_of("pupil1")
    activity = world.activity("Математический бой", level="inter_school")
    a = world.upload("pupil1", ivan, activity, pdf_bytes("boi"), date="2026-02-10", submit=True).json
    world.as_("tutor1", "POST", f"/achievements/{a['id']}/return", json={"reason": "Не тот уровень"})
    # Someone else's guardian: like a missing achievement; staff do not dispute.
    assert world.as_("guardian2", "POST", f"/achievements/{a['id']}/disputes",
                     json={"subject": "refusal", "text": "Не согласны"}).status_code == 404
    assert world.as_("tutor1", "POST", f"/achievements/{a['id']}/disputes",
                     json={"subject": "refusal", "text": "x"}).status_code == 403
    # Opened on Monday 2 Nov 2026 (Perm): 4 Nov is Unity Day, so the fifth working day is Tue 10 Nov.
    monkeypatch.setattr("kabinet_portfolio.clock.utcnow", lambda: datetime(2026, 11, 2, 6, 0, tzinfo=UTC))
    opened = world.as_("guardian1", "POST", f"/achievements/{a['id']}/disputes",
                       json={"subject": "categorisation", "text": "Уровень указан в дипломе"})
    monkeypatch.undo()
    assert opened.status_code == 201, opened.json
    assert (opened.json["opened_on"], opened.json["due_on"]) == ("2026-11-02", "2026-11-10")
    did = opened.json["id"]
    with world.session() as s:
        d = s.get(Dispute, did)
        assert not is_overdue(d, date(2026, 11, 10)) and is_overdue(d, date(2026, 11, 11))
    events_before = len(world.outbox())
    assert run_once(world.deps, today=date(2026, 11, 10))["overdue_disputes"] == 0
    assert run_once(world.deps, today=date(2026, 11, 11))["overdue_disputes"] == 1
    assert run_once(world.deps, today=date(2026, 11, 12))["overdue_disputes"] == 0  # reported once
    assert [t for t, dd in world.outbox()[events_before:] if dd.get("dispute_id") == did] == [
        "portfolio.dispute.overdue.v1"]
    listed = world.as_("department", "GET", "/disputes?overdue=true").json["items"]
    assert did in [x["id"] for x in listed]
    assert did in [x["id"] for x in world.as_("school1-admin", "GET", "/disputes?overdue=true").json["items"]]
    assert world.as_("school2-admin", "GET", f"/disputes/{did}").status_code == 404
    # The administrator answers citing the catalogue.
    assert world.as_("tutor1", "POST", f"/disputes/{did}/answer",
                     json={"answer": "x", "cited_activity_id": activity}).status_code == 403
    uncited = world.as_("school1-admin", "POST", f"/disputes/{did}/answer",
                        json={"answer": "Уровень верен", "cited_activity_id": "no-such"})
    assert uncited.status_code == 422 and "cited_activity_id" in uncited.json["errors"]
    answered = world.as_("school1-admin", "POST", f"/disputes/{did}/answer",
                         json={"answer": "Уровень межшкольный по каталогу", "cited_activity_id": activity})
    assert answered.json["state"] == "answered" and answered.json["overdue"] is False
    assert world.as_("guardian1", "GET", f"/disputes/{did}").json["answer"] == "Уровень межшкольный по каталогу"
