"""``python -m kabinet_reports.seed``: the demo schedule of the diary-introduction report and
School No. 1's own entries.

The schedule is the order's (No. 256 of 26.03.2012, §3.6): 15.05, 20.09, 15.10, 15.11 and 25.12
of this year's campaign, the annex 1 steps counted from it. Dates already past are frozen by the
first round of ``python -m kabinet_reports.jobs``. School No. 1's entries wait for its replica
(``REPORTS_SEED_WAIT`` seconds; the schedule is set regardless). Idempotent: a second run finds
the schedule and the entries and changes nothing.
"""
from __future__ import annotations

import os
import sys
import time
from datetime import date
from typing import Any

from sqlalchemy import select

from . import introduction
from .access import Caller, Grant
from .clock import local_today
from .config import Settings
from .deps import Deps
from .models import Organisation, ReportDate, SchoolEntries

ORDER_DATES = ((5, 15), (9, 20), (10, 15), (11, 15), (12, 25))
DEMO_SCHOOL = "Школа № 1"
DEMO_ENTRIES: dict[str, Any] = {
    "responsible": {"post": "заместитель директора по учебно-воспитательной работе",
                    "order": "приказ от 02.04.2026 № 45-о"},
    "system_name": "Кабинет",
    "plan": "утверждён приказом от 15.04.2026 № 52-о",
    "local_acts": [{"title": "Положение об электронном журнале и электронном дневнике",
                    "requisites": "приказ от 10.05.2026 № 61-о"}],
    "familiarisation": {"teachers": 100, "parents": 75, "pupils": 80},
    "familiarisation_forms": "педагогический совет, родительские собрания, классные часы",
    "site_link": True,
    "problems": [{"problem": "Нет доступа к сети в кабинетах 12 и 14", "solution": "Установлены точки доступа",
                  "solved": "partly"}],
}


def campaign_year(today: date) -> int:
    """The campaign of the school year under way: it starts with the May report."""
    return today.year if today.month >= 5 else today.year - 1


def seed_schedule(deps: Deps, today: date) -> int:
    with deps.session_factory.begin() as session:
        if session.scalar(select(ReportDate.on).limit(1)) is not None:
            return 0
        year = campaign_year(today)
        for month, day in ORDER_DATES:
            session.add(ReportDate(on=date(year, month, day), campaign_year=year))
        return len(ORDER_DATES)


def seed_entries(deps: Deps) -> int | None:
    """None while School No. 1 is not replicated yet."""
    with deps.session_factory.begin() as session:
        school = session.scalar(select(Organisation).where(Organisation.short_name == DEMO_SCHOOL))
        if school is None:
            return None
        if session.get(SchoolEntries, school.id) is not None:
            return 0
        admin = Caller("seed", "", grants=(Grant("institution_admin", school.id),))
        introduction.save_entries(session, admin, school.id, DEMO_ENTRIES)
        return 1


def main() -> int:
    from .bootstrap import build_deps
    deps = build_deps(Settings.load())
    dates = seed_schedule(deps, local_today(deps.settings.timezone))
    deadline = time.monotonic() + float(os.environ.get("REPORTS_SEED_WAIT", "60"))
    while (entries := seed_entries(deps)) is None:
        if time.monotonic() > deadline:
            print("reports: cannot seed School No. 1's entries: it is not replicated; run identity's seed, its "
                  "relay and this service's consumer first", file=sys.stderr)
            return 1
        time.sleep(1)
    print(f"reports: demo schedule +{dates} dates, School No. 1's entries +{entries}")
    print("reports: department sees the city (GET /api/reports/diary/city/report), school1-admin its school")
    return 0


if __name__ == "__main__":
    sys.exit(main())
