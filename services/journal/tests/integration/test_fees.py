"""Kindergartens and associations (JRN-08, JRN-09): attendance per day, and the monthly parent
fee from attended days, the daily rate and exemptions; who may see and do what."""
from datetime import timedelta

import pytest

from kabinet_journal.models import DayAttendance, FeeExemption, FeeRate


@pytest.fixture(scope="module")
def kg(api, world, feed):
    """A kindergarten told to the journal as identity would: two groups, their educators, an
    administrator, three children and a guardian."""
    w, i = world, world.id
    year_start = w.today - timedelta(days=120)
    events = [("identity.organisation.created.v1", {"organisation_id": i("kg1"), "kind": "kindergarten",
                                                     "name": "Детский сад № 1", "short_name": "ДС 1",
                                                     "parent_id": None})]
    for group, name in (("kg-sun", "Солнышко"), ("kg-stars", "Звёздочки")):
        events.append(("identity.group.created.v1", {"group_id": i(group), "organisation_id": i("kg1"),
                                                      "academic_year_id": i("year"), "kind": "kindergarten_group",
                                                      "name": name, "grade_level": None, "age_band": "senior"}))
    for login, roles in (("kg-admin", [("institution_admin", "kg1", None)]),
                         ("educator1", [("educator", "kg1", "kg-sun")]),
                         ("educator2", [("educator", "kg1", "kg-stars")])):
        events += w.account_events(login, "staff", roles, last_name=login)
    for child, group, last, first in (("anna", "kg-sun", "Соколова", "Анна"), ("boris", "kg-sun", "Белов", "Борис"),
                                      ("vera", "kg-stars", "Волкова", "Вера")):
        events.append(("identity.person.registered.v1", {"person_id": i(child), "kind": "child", "last_name": last,
                                                          "first_name": first, "middle_name": None}))
        events.append(w.movement("enrolled", child, "kg1", group, year_start))
    events += w.account_events("kg-guardian", "guardian", [], last_name="Соколов")
    events.append(("identity.guardianship.created.v1", {"guardianship_id": i("g-anna"),
                                                         "guardian_person_id": w.person("kg-guardian"),
                                                         "child_id": i("anna")}))
    feed.send(*events)
    first = (w.today - timedelta(days=60)).replace(day=1)
    return {"first": first, "month": first.strftime("%Y-%m"), "day": lambda n: first + timedelta(days=n)}


def test_the_educator_marks_the_groups_day_and_bad_entries_write_nothing(api, world, kg):
    d, i = kg["day"], world.id
    saved = api.save_day("educator1", f"/groups/{i('kg-sun')}/day-attendance", body={
        "date": d(0).isoformat(), "entries": [{"child_id": i("anna"), "status": "present"},
                                              {"child_id": i("boris"), "status": "absent_ill", "reason": "ОРВИ"}]})
    assert {(r["child_id"], r["status"], r["reason"]) for r in saved} == {(i("anna"), "present", None),
                                                                        (i("boris"), "absent_ill", "ОРВИ")}
    before = api.count(DayAttendance)
    path = f"/groups/{i('kg-sun')}/day-attendance"
    other_group = api.save_day("educator1", path, status=422, body={"date": d(1).isoformat(), "entries": [
        {"child_id": i("anna"), "status": "present"}, {"child_id": i("vera"), "status": "present"}]})
    assert "not in the group" in other_group["errors"]["entries"]["1"]["child_id"][0]
    future = api.save_day("educator1", path, status=422, body={
        "date": (world.today + timedelta(days=1)).isoformat(),
        "entries": [{"child_id": i("anna"), "status": "present"}]})
    assert "date" in future["errors"]
    bad_status = api.save_day("educator1", path, status=422, body={"date": d(1).isoformat(), "entries": [
        {"child_id": i("anna"), "status": "sleeping"}]})
    assert "status" in bad_status["errors"]["entries"]["0"]
    twice = api.save_day("educator1", path, status=422, body={"date": d(1).isoformat(), "entries": [
        {"child_id": i("anna"), "status": "present"}, {"child_id": i("anna"), "status": "absent_ill"}]})
    assert "twice" in twice["errors"]["entries"]["1"]["child_id"][0]
    assert api.count(DayAttendance) == before
    # A correction replaces the day's entry.
    api.save_day("educator1", path, body={"date": d(0).isoformat(), "entries": [
        {"child_id": i("boris"), "status": "absent_ill", "reason": "ОРВИ, справка"}]})
    month = api.ok("kg-admin", "GET", f"{path}?month={kg['month']}")
    boris = next(c for c in month["children"] if c["child_id"] == i("boris"))
    assert boris["last_name"] == "Белов" and boris["days"][d(0).isoformat()] == {"status": "absent_ill",
                                                                               "reason": "ОРВИ, справка"}
    assert api.problem("kg-admin", "GET", f"{path}?month=2026-13", 422)["errors"]


def test_a_day_is_saved_over_the_month_sheet_read_and_a_stale_save_gets_412(api, world, kg):
    i, d = world.id, kg["day"]
    sheet = f"/groups/{i('kg-sun')}/day-attendance"
    read = api.as_("educator1", "GET", f"{sheet}?month={kg['month']}")
    version = read.headers["ETag"]
    first = api.as_("kg-admin", "PUT", sheet, headers={"If-Match": version}, json={
        "date": d(2).isoformat(), "entries": [{"child_id": i("anna"), "status": "absent_valid", "reason": "отпуск"}]})
    assert first.status_code == 200 and first.headers["ETag"] != version
    assert api.as_("educator1", "GET", f"{sheet}?month={kg['month']}").headers["ETag"] == first.headers["ETag"]
    before = api.count(DayAttendance)
    stale = api.problem("educator1", "PUT", sheet, 412, headers={"If-Match": version}, json={
        "date": d(2).isoformat(), "entries": [{"child_id": i("anna"), "status": "present"}]})
    anna = next(c for c in stale["current"]["children"] if c["child_id"] == i("anna"))
    assert anna["days"][d(2).isoformat()]["status"] == "absent_valid"
    assert "If-Match" in api.problem("educator1", "PUT", sheet, 428, json={
        "date": d(2).isoformat(), "entries": [{"child_id": i("anna"), "status": "present"}]})["errors"]
    assert api.count(DayAttendance) == before


def test_only_the_groups_staff_and_the_administrator_keep_its_days(api, world, kg):
    i, d = world.id, kg["day"]
    path = f"/groups/{i('kg-sun')}/day-attendance"
    entry = {"date": d(1).isoformat(), "entries": [{"child_id": i("anna"), "status": "present"}]}
    # A group the caller neither keeps nor manages is answered as a missing one (issue 11, Low 3).
    for login in ("educator2", "teacher1", "admin1", "kg-guardian", "dept"):
        api.save_day(login, path, status=404, body=entry)
        api.problem(login, "GET", f"{path}?month={kg['month']}", 404)
        api.problem(login, "GET", f"/groups/{i('kg-sun')}/fees?month={kg['month']}", 404)
    api.save_day("kg-admin", path, body=entry)
    # A school class keeps attendance per lesson, not per day.
    school_class = api.save_day("admin1", f"/groups/{i('s1-5a')}/day-attendance", status=422, body={
        "date": d(1).isoformat(), "entries": [{"child_id": i("ivan"), "status": "present"}]})
    assert "group_id" in school_class["errors"]
    api.save_day("kg-admin", "/groups/00000000-0000-4000-8000-000000000000/day-attendance", status=404, body=entry)


def test_rates_and_exemptions_are_the_administrators_and_bad_ones_are_named(api, world, kg):
    i = world.id
    rate = {"organisation_id": i("kg1"), "starts_on": (world.today - timedelta(days=120)).isoformat(),
            "daily_rate": "150.00"}
    for login in ("educator1", "admin1", "kg-guardian"):
        api.problem(login, "POST", "/fee-rates", 403, json=rate)
    before = api.count(FeeRate), api.count(FeeExemption)
    assert "daily_rate" in str(api.problem("kg-admin", "POST", "/fee-rates", 422, json={**rate, "daily_rate": "-5"}))
    assert "group_id" in api.problem("kg-admin", "POST", "/fee-rates", 422,
                                     json={**rate, "group_id": i("s1-5a")})["errors"]
    exemption = {"organisation_id": i("kg1"), "child_id": i("anna"), "kind": "large_family",
                 "starts_on": kg["day"](10).isoformat(), "basis": "Удостоверение многодетной семьи № 123"}
    assert "child_id" in api.problem("kg-admin", "POST", "/fee-exemptions", 422,
                                     json={**exemption, "child_id": i("ivan")})["errors"]
    assert "percent" in api.problem("kg-admin", "POST", "/fee-exemptions", 422,
                                    json={**exemption, "kind": "other"})["errors"]
    assert "ends_on" in api.problem("kg-admin", "POST", "/fee-exemptions", 422,
                                    json={**exemption, "ends_on": kg["day"](1).isoformat()})["errors"]
    for login in ("educator1", "admin1"):
        api.problem(login, "POST", "/fee-exemptions", 403, json=exemption)
    assert (api.count(FeeRate), api.count(FeeExemption)) == before
    api.problem("educator1", "GET", f"/fee-exemptions?organisation_id={i('kg1')}", 403)


def test_the_monthly_fee_counts_charged_days_rate_and_exemption(api, world, kg):
    i, d = world.id, kg["day"]
    path = f"/groups/{i('kg-sun')}/day-attendance"
    for n, status in ((0, "present"), (1, "present"), (2, "absent_valid"), (3, "absent_unexcused"),
                      (11, "present"), (12, "absent_ill")):
        api.save_day("educator1", path, body={"date": d(n).isoformat(),
                                                "entries": [{"child_id": i("anna"), "status": status}]})
    api.save_day("educator1", path, body={"date": d(1).isoformat(),
                                            "entries": [{"child_id": i("boris"), "status": "present"}]})
    # No rate yet: the fee cannot be computed, and says so.
    before_rate = api.ok("educator1", "GET", f"/groups/{i('kg-sun')}/fees?month={kg['month']}")["children"]
    assert all(r["amount"] is None and r["days_without_rate"] > 0 for r in before_rate if r["charged_days"])
    api.ok("kg-admin", "POST", "/fee-rates", json={"organisation_id": i("kg1"), "daily_rate": "150.00",
                                                    "starts_on": (world.today - timedelta(days=120)).isoformat()})
    ex = api.ok("kg-admin", "POST", "/fee-exemptions", json={
        "organisation_id": i("kg1"), "child_id": i("anna"), "kind": "large_family", "starts_on": d(10).isoformat(),
        "basis": "Удостоверение многодетной семьи № 123"})
    assert ex["percent"] == 50
    fees = {r["child_id"]: r for r in api.ok("educator1", "GET",
                                             f"/groups/{i('kg-sun')}/fees?month={kg['month']}")["children"]}
    anna = fees[i("anna")]
    # Charged: days 0, 1, 3 (unexcused) at 150 and day 11 at 75 (large family); 2 (valid) and 12 (ill) free.
    assert (anna["days_present"], anna["days_absent_valid"], anna["days_absent_unexcused"], anna["days_absent_ill"],
            anna["charged_days"]) == (3, 1, 1, 1, 4)
    assert (anna["full_amount"], anna["amount"], anna["exemption_kind"]) == ("600.00", "525.00", "large_family")
    assert anna["last_name"] == "Соколова"
    assert fees[i("boris")]["amount"] == "150.00"

    # The guardian sees their own child's fee only; other families and groups are refused.
    own = api.ok("kg-guardian", "GET", f"/children/{i('anna')}/fees?month={kg['month']}")
    assert [g["amount"] for g in own["groups"]] == ["525.00"]
    api.problem("kg-guardian", "GET", f"/children/{i('boris')}/fees?month={kg['month']}", 404)
    api.problem("guardian1", "GET", f"/children/{i('anna')}/fees?month={kg['month']}", 404)
    api.problem("educator2", "GET", f"/children/{i('anna')}/fees?month={kg['month']}", 404)
    api.problem("admin1", "GET", f"/children/{i('anna')}/fees?month={kg['month']}", 404)
    assert api.ok("kg-admin", "GET", f"/children/{i('anna')}/fees?month={kg['month']}")["groups"][0]["amount"] == \
        "525.00"

    # A full exemption (disability) outweighs the partial one on the days both cover.
    api.ok("kg-admin", "POST", "/fee-exemptions", json={
        "organisation_id": i("kg1"), "child_id": i("anna"), "kind": "disability", "starts_on": d(11).isoformat(),
        "ends_on": d(11).isoformat(), "basis": "Справка МСЭ № 77"})
    assert api.ok("kg-guardian", "GET", f"/children/{i('anna')}/fees?month={kg['month']}")["groups"][0]["amount"] \
        == "450.00"
    listed = api.ok("kg-admin", "GET", f"/fee-exemptions?organisation_id={i('kg1')}")["items"]
    # Exemptions are the administrator's alone to see: to anyone else, as a missing one.
    api.problem("educator1", "DELETE", f"/fee-exemptions/{listed[-1]['id']}", 404)
    api.ok("kg-admin", "DELETE", f"/fee-exemptions/{listed[-1]['id']}")
    assert api.ok("kg-guardian", "GET", f"/children/{i('anna')}/fees?month={kg['month']}")["groups"][0]["amount"] \
        == "525.00"
    rates = api.ok("educator1", "GET", f"/fee-rates?organisation_id={i('kg1')}")["items"]
    assert [r["daily_rate"] for r in rates] == ["150.00"]


def test_a_closed_year_freezes_the_groups_days(api, world, kg):
    i, d = world.id, kg["day"]
    api.problem("educator1", "POST", f"/years/{i('year')}/close", 403, json={"organisation_id": i("kg1")})
    closed = api.ok("kg-admin", "POST", f"/years/{i('year')}/close", json={"organisation_id": i("kg1")})
    assert closed["closing"]["terms_closed"] == 0  # a kindergarten's year has no terms
    before = api.count(DayAttendance)
    frozen = api.save_day("educator1", f"/groups/{i('kg-sun')}/day-attendance", status=409, body={
        "date": d(4).isoformat(), "entries": [{"child_id": i("anna"), "status": "present"}]})
    assert "academic_year_id" in frozen["errors"] and api.count(DayAttendance) == before
    # The fees stay readable.
    assert api.ok("kg-guardian", "GET", f"/children/{i('anna')}/fees?month={kg['month']}")["groups"][0]["amount"] \
        == "525.00"

