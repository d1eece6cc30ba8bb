"""The department's schedule of report dates; each date's reports frozen when it comes, never
changed after; the next report starting from what the school entered for the previous one."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from kabinet_kit.testing import broker_settings
from kabinet_reports.bootstrap import create_relay
from kabinet_reports.config import Settings
from kabinet_reports.diary import target_in_force
from kabinet_reports.jobs import run_once
from kabinet_reports.models import OUTBOX


def schedule_etag(api) -> str:
    response = api.as_("dept", "GET", "/diary/schedule")
    assert response.status_code == 200
    return str(response.headers["ETag"])


def put_schedule(api, dates, status=200, etag=None, login="dept"):
    response = api.as_(login, "PUT", "/diary/schedule",
                       json={"campaign_year": dates[0].year, "dates": [d.isoformat() for d in dates]},
                       headers={"If-Match": etag or schedule_etag(api)})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def entries(api, login="admin1", school="school1"):
    response = api.as_(login, "GET", f"/diary/schools/{api.world.id(school)}/entries")
    assert response.status_code == 200, response.get_json()
    return response.get_json(), response.headers["ETag"]


def save_entries(api, body, login="admin1", school="school1", status=200):
    _, etag = entries(api, "dept", school)
    response = api.as_(login, "PUT", f"/diary/schools/{api.world.id(school)}/entries", json=body,
                       headers={"If-Match": etag})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_a_report_is_frozen_on_its_date_and_the_next_builds_on_it(api, world):
    first, second = world.today + timedelta(days=1), world.today + timedelta(days=20)
    body = put_schedule(api, [second, first])
    assert [d["on"] for d in body["dates"]] == [first.isoformat(), second.isoformat()]
    assert not any(d["frozen"] for d in body["dates"])

    save_entries(api, {"system_name": "Кабинет", "responsible": {"post": "заместитель директора по УВР"},
                       "problems": [{"problem": "Нет доступа к сети в кабинете 12", "solved": "partly"}]})
    world.consent("ivan")
    draft = api.school("admin1", on=first.isoformat())
    assert draft["status"] == "draft" and draft["item8"]["count"] == 1

    assert run_once(api.deps, today=first) == {"frozen": [first.isoformat()]}
    assert run_once(api.deps, today=first) == {"frozen": []}  # once only
    # Told as events: the freezing, and school 1 (Ivan's guardian may use the service and has not
    # activated his account: 0 %) below the step in force, if one is.
    events = api.outbox(OUTBOX, "reports.")
    assert events[0] == ("reports.diary.frozen.v1", {
        "report_date": first.isoformat(), "campaign_year": first.year, "target": step.minimum if (
            step := target_in_force(first, first.year)) else None, "schools": 2,
        "schools_meeting": 0, "schools_missing": 1 if step else 0})
    missed = [data for type_, data in events if type_ == "reports.diary.target_missed.v1"]
    assert missed == ([{"organisation_id": world.id("school1"), "report_date": first.isoformat(), "item": "item14",
                        "value": 0.0, "target": step.minimum}] if step else [])
    frozen = api.school("admin1", on=first.isoformat())
    assert frozen["status"] == "frozen" and frozen["frozen_at"]
    assert frozen["item8"]["count"] == 1 and frozen["entries"]["system_name"] == "Кабинет"

    # After the date nothing changes the frozen report: not the events, not the school's entries.
    world.consent("maria")
    kept, _ = entries(api)
    save_entries(api, {**kept, "site_link": True})
    again = api.school("admin1", on=first.isoformat())
    assert again == frozen
    # The next report starts from what was entered before ("с учетом предыдущей информации").
    following = api.school("admin1", on=second.isoformat())
    assert following["status"] == "draft" and following["item8"]["count"] == 2
    assert following["entries"]["system_name"] == "Кабинет" and following["entries"]["site_link"] is True

    city = api.ok("dept", "GET", "/diary/city/report", query_string={"on": first.isoformat()})
    assert city["status"] == "frozen" and city["totals"]["item8"]["count"] == 1

    # A frozen date stays in the schedule.
    problem = put_schedule(api, [second], status=422)
    assert "dates" in problem["errors"]
    assert [d["frozen"] for d in api.ok("admin1", "GET", "/diary/schedule")["dates"]] == [True, False]


def test_the_schedule_refuses_past_and_twice_given_dates_and_stale_versions(api, world):
    past = put_schedule(api, [world.today - timedelta(days=5)], status=422)
    assert "dates" in past["errors"]
    twice = world.today + timedelta(days=30)
    assert "dates" in put_schedule(api, [twice, twice], status=422)["errors"]
    bad = api.as_("dept", "PUT", "/diary/schedule", json={"campaign_year": "nope", "dates": ["31.02"]},
                  headers={"If-Match": schedule_etag(api)})
    assert bad.status_code == 422 and {"campaign_year", "dates"} <= set(bad.get_json()["errors"])
    stale = api.as_("dept", "PUT", "/diary/schedule", json={"campaign_year": 2026, "dates": [twice.isoformat()]},
                    headers={"If-Match": '"stale"'})
    assert stale.status_code == 412
    unguarded = api.as_("dept", "PUT", "/diary/schedule", json={"campaign_year": 2026, "dates": [twice.isoformat()]})
    assert unguarded.status_code == 428


def test_a_date_off_the_schedule_has_no_report(api, world):
    response = api.as_("admin1", "GET", f"/diary/schools/{world.id('school1')}/report",
                       query_string={"on": (world.today + timedelta(days=3)).isoformat()})
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_the_relay_publishes_the_reports_events_under_its_own_account(api, database_url):
    assert api.outbox(OUTBOX, "reports.diary.frozen")  # frozen by the first test of this module
    relay = create_relay(Settings.load({"database_url": database_url, **broker_settings("reports")}))
    try:
        assert relay.drain() >= 1
    finally:
        relay.close()
    with api.deps.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(OUTBOX).where(OUTBOX.c.published_at.is_(None))) == 0
