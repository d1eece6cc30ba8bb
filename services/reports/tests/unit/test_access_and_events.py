"""Who may read and write the reports (pure rules) and what a freezing tells."""
from datetime import date

import pytest

from kabinet_kit.errors import PermissionDenied
from kabinet_reports.access import (
    Caller,
    Grant,
    require_department,
    require_reader,
    require_school_reader,
    require_school_writer,
)
from kabinet_reports.introduction import freezing_events

DEPT = Caller("a", "p", grants=(Grant("department_officer", "dept"),))
ADMIN = Caller("a", "p", grants=(Grant("institution_admin", "s1"),))
DEPUTY = Caller("a", "p", grants=(Grant("deputy_director", "s1"),))
TEACHER = Caller("a", "p", grants=(Grant("teacher", "s1"), Grant("tutor", "s1", "g1")))
GUARDIAN = Caller("a", "p", grants=(Grant("guardian"),))


@pytest.mark.parametrize(("caller", "school", "reads", "writes"), [
    (DEPT, "s1", True, False), (ADMIN, "s1", True, True), (ADMIN, "s2", False, False),
    (DEPUTY, "s1", True, False), (DEPUTY, "s2", False, False), (TEACHER, "s1", False, False),
    (GUARDIAN, "s1", False, False)])
def test_a_school_is_read_by_its_administration_and_the_department_and_written_by_its_administrator(
        caller, school, reads, writes):
    for rule, allowed in ((require_school_reader, reads), (require_school_writer, writes)):
        if allowed:
            rule(caller, school)
        else:
            with pytest.raises(PermissionDenied):
                rule(caller, school)


def test_the_city_is_the_departments_and_the_schedule_is_read_by_school_administrations():
    require_department(DEPT)
    require_reader(DEPT)
    require_reader(DEPUTY)
    for caller in (ADMIN, DEPUTY, TEACHER, GUARDIAN):
        with pytest.raises(PermissionDenied):
            require_department(caller)
    for caller in (TEACHER, GUARDIAN):
        with pytest.raises(PermissionDenied):
            require_reader(caller)


def report(org: str, meets: bool | None, percent: float | None) -> dict:
    return {"organisation_id": org, "meets_target": meets, "item14": {"count": 0, "of": 0, "percent": percent}}


def test_a_freezing_tells_the_date_and_every_school_below_the_step():
    events = freezing_events(date(2026, 10, 15), 2026, [report("s1", True, 50.0), report("s2", False, 12.5),
                                                        report("s3", None, None)])
    assert events == [
        ("reports.diary.frozen.v1", {"report_date": "2026-10-15", "campaign_year": 2026, "target": 41,
                                     "schools": 3, "schools_meeting": 1, "schools_missing": 1}),
        ("reports.diary.target_missed.v1", {"organisation_id": "s2", "report_date": "2026-10-15", "item": "item14",
                                            "value": 12.5, "target": 41})]
    before_any_step = freezing_events(date(2026, 5, 15), 2026, [report("s1", None, 10.0)])
    assert [t for t, _ in before_any_step] == ["reports.diary.frozen.v1"] and before_any_step[0][1]["target"] is None
