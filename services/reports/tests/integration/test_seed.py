"""``make run``'s demo: the order's schedule, School No. 1's entries, past dates frozen by the
first jobs round with the annex 1 step in force on each."""
from __future__ import annotations

from datetime import date

from kabinet_reports.jobs import run_once
from kabinet_reports.seed import campaign_year, seed_entries, seed_schedule


def test_the_demo_schedule_is_the_orders_and_past_dates_freeze(api, world):
    year = campaign_year(world.today)
    assert seed_schedule(api.deps, world.today) == 5
    assert seed_entries(api.deps) == 1
    assert (seed_schedule(api.deps, world.today), seed_entries(api.deps)) == (0, 0)  # idempotent
    dates = api.ok("dept", "GET", "/diary/schedule")["dates"]
    assert [d["on"] for d in dates] == [f"{year}-05-15", f"{year}-09-20", f"{year}-10-15", f"{year}-11-15",
                                        f"{year}-12-25"]
    today = date(year, 11, 20)
    assert run_once(api.deps, today=today)["frozen"] == [d["on"] for d in dates[:4]]
    may = api.school("admin1", on=f"{year}-05-15")
    assert may["status"] == "frozen" and may["target"] is None and may["meets_target"] is None
    november = api.school("admin1", on=f"{year}-11-15")
    assert november["target"] == {"since": f"{year}-11-15", "minimum": 61, "maximum": 100}
    assert november["entries"]["system_name"] == "Кабинет"
    december = api.ok("dept", "GET", "/diary/city/report", query_string={"on": f"{year}-12-25"})
    assert december["status"] == "draft" and december["target"]["minimum"] == 61
