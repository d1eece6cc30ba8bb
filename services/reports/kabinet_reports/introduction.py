"""The diary-introduction report's use cases: the department's schedule of report dates, a
school's report and the city's on a date, the school's own entries, and freezing a date's
reports when it comes.

A report date that has come is frozen: every school's report is stored as it was (figures and
entries) and is read from there ever after — nothing changes it. A date still ahead is a draft
computed on read. A school's entries are one document it keeps editing; each frozen report keeps
a copy, and the next report starts from what was entered for the previous one (annex 3, note).
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.errors import InvalidInput, NotFound
from kabinet_kit.events import utcnow

from .access import Caller, require_department, require_reader, require_school_reader, require_school_writer
from .deps import Deps
from .diary import city_figures, school_figures, target_in_force, target_view
from .facts import school_facts, schools
from .models import Organisation, ReportDate, SchoolEntries, Snapshot

ENTRY_DEFAULTS: dict[str, Any] = {
    "responsible": None, "system_name": None, "plan": None, "local_acts": [], "amended_acts": [],
    "familiarisation": None, "familiarisation_forms": None, "training": None, "site_link": None,
    "additional": None, "problems": [],
}


# -- the schedule ----------------------------------------------------------------------------
def schedule(session: Session) -> dict[str, Any]:
    rows = session.scalars(select(ReportDate).order_by(ReportDate.on))
    return {"dates": [{"on": r.on.isoformat(), "campaign_year": r.campaign_year, "frozen": r.frozen_at is not None}
                      for r in rows]}


def read_schedule(session: Session, caller: Caller) -> dict[str, Any]:
    require_reader(caller)
    return schedule(session)


def check_schedule(held: dict[date, bool], wanted: list[date], today: date) -> None:
    """A frozen date stays in the schedule; a new date cannot be in the past (its report would be
    frozen from figures of another day)."""
    errors = []
    if len(set(wanted)) != len(wanted):
        errors.append("A date is given twice.")
    if [d for d, frozen in held.items() if frozen and d not in wanted]:
        errors.append("A frozen report date cannot be removed.")
    if [d for d in wanted if d not in held and d < today]:
        errors.append("A new report date cannot be in the past.")
    if errors:
        raise InvalidInput("The schedule cannot be changed so.", errors={"dates": errors})


def set_schedule(session: Session, caller: Caller, body: dict[str, Any], today: date) -> dict[str, Any]:
    require_department(caller)
    rows = {r.on: r for r in session.scalars(select(ReportDate).with_for_update())}
    wanted = sorted(body["dates"])
    check_schedule({d: r.frozen_at is not None for d, r in rows.items()}, list(body["dates"]), today)
    for on, row in rows.items():
        if row.frozen_at is None and on not in wanted:
            session.delete(row)
        elif row.frozen_at is None:
            row.campaign_year = body["campaign_year"]
    for on in wanted:
        if on not in rows:
            session.add(ReportDate(on=on, campaign_year=body["campaign_year"]))
    session.flush()
    return schedule(session)


def _campaign_year(session: Session, today: date) -> int:
    latest = session.scalar(select(ReportDate.campaign_year).order_by(ReportDate.on.desc()).limit(1))
    return latest if latest is not None else today.year


# -- a school's entries ----------------------------------------------------------------------
def _school(session: Session, organisation_id: str) -> Organisation:
    org = session.get(Organisation, organisation_id)
    if org is None or org.kind != "school":
        raise NotFound("No such school.")
    return org


def entries(session: Session, organisation_id: str) -> dict[str, Any]:
    row = session.get(SchoolEntries, organisation_id)
    return {**ENTRY_DEFAULTS, **(row.document if row else {})}


def read_entries(session: Session, caller: Caller, organisation_id: str) -> dict[str, Any]:
    require_school_reader(caller, organisation_id)
    _school(session, organisation_id)
    return entries(session, organisation_id)


def save_entries(session: Session, caller: Caller, organisation_id: str, document: dict[str, Any]) -> dict[str, Any]:
    require_school_writer(caller, organisation_id)
    _school(session, organisation_id)
    row = session.get(SchoolEntries, organisation_id, with_for_update=True)
    saved = {**ENTRY_DEFAULTS, **document}
    if row is None:
        session.add(SchoolEntries(organisation_id=organisation_id, document=saved, updated_at=utcnow()))
    else:
        row.document, row.updated_at = saved, utcnow()
    session.flush()
    return saved


# -- reports ---------------------------------------------------------------------------------
def compute(session: Session, org: Organisation, on: date, campaign_year: int,
            counted_to: date | None = None) -> dict[str, Any]:
    """A school's report on ``on`` from what the projections hold now; the 30 days of items 9 and
    13 end on ``counted_to`` (the report date unless given)."""
    facts = school_facts(session, org.id, counted_to or on)
    return {"organisation_id": org.id, "short_name": org.short_name, "on": on.isoformat(),
            "campaign_year": campaign_year, "target": target_view(target_in_force(on, campaign_year)),
            **school_figures(facts, on, campaign_year), "entries": entries(session, org.id)}


def _report_date(session: Session, on: date | None, today: date) -> tuple[date, int, ReportDate | None]:
    """The date asked for: a scheduled one, or today's draft when none is named."""
    if on is None:
        return today, _campaign_year(session, today), None
    row = session.get(ReportDate, on)
    if row is None:
        raise NotFound("No report on this date: it is not in the schedule.")
    return on, row.campaign_year, row


def _school_report(session: Session, org: Organisation, on: date, campaign_year: int, row: ReportDate | None,
                   today: date) -> dict[str, Any] | None:
    if row is not None and row.frozen_at is not None:
        snap = session.get(Snapshot, (on, org.id))
        return None if snap is None else {**snap.report, "status": "frozen"}
    # A draft for a date ahead counts the 30 days up to today: the days after have not happened.
    return {**compute(session, org, on, campaign_year, min(on, today)), "status": "draft", "frozen_at": None}


def school_report(session: Session, caller: Caller, organisation_id: str, on: date | None,
                  today: date) -> dict[str, Any]:
    require_school_reader(caller, organisation_id)
    org = _school(session, organisation_id)
    when, campaign_year, row = _report_date(session, on, today)
    report = _school_report(session, org, when, campaign_year, row, today)
    if report is None:
        raise NotFound("The school had no report frozen on this date.")
    return report


def city_report(session: Session, caller: Caller, on: date | None, today: date) -> dict[str, Any]:
    require_department(caller)
    when, campaign_year, row = _report_date(session, on, today)
    found = [_school_report(session, org, when, campaign_year, row, today) for org in schools(session)]
    reports = [r for r in found if r is not None]
    rows = [{k: r[k] for k in ("organisation_id", "short_name", "pupils", "item8", "item9", "item12", "item13",
                               "item14", "meets_target")} for r in reports]
    return {"on": when.isoformat(), "campaign_year": campaign_year,
            "status": "frozen" if row is not None and row.frozen_at is not None else "draft",
            "target": target_view(target_in_force(when, campaign_year)),
            **city_figures(reports, when, campaign_year), "schools": rows}


def freeze_due(deps: Deps, session: Session, today: date) -> list[str]:
    """Freeze every scheduled date that has come: each school's report stored as it is now; the
    freezing and every school below the step in force told as events (in the same transaction)."""
    frozen = []
    due = list(session.scalars(select(ReportDate).where(ReportDate.on <= today, ReportDate.frozen_at.is_(None))
                               .order_by(ReportDate.on).with_for_update()))
    for row in due:
        now = utcnow()
        reports = [compute(session, org, row.on, row.campaign_year) for org in schools(session)]
        for report in reports:
            session.add(Snapshot(on=row.on, organisation_id=report["organisation_id"], frozen_at=now,
                                 report={**report, "frozen_at": now.isoformat()}))
        row.frozen_at = now
        frozen.append(row.on.isoformat())
        deps.events.record_many(session, freezing_events(row.on, row.campaign_year, reports))
    session.flush()
    return frozen


def freezing_events(on: date, campaign_year: int, reports: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """A date's frozen reports as events: the freezing, then each school that missed the step."""
    step = target_in_force(on, campaign_year)
    events: list[tuple[str, dict[str, Any]]] = [("reports.diary.frozen.v1", {
        "report_date": on.isoformat(), "campaign_year": campaign_year, "target": step.minimum if step else None,
        "schools": len(reports), "schools_meeting": sum(1 for r in reports if r["meets_target"] is True),
        "schools_missing": sum(1 for r in reports if r["meets_target"] is False)})]
    for report in reports:
        if report["meets_target"] is False and step is not None:
            events.append(("reports.diary.target_missed.v1", {
                "organisation_id": report["organisation_id"], "report_date": on.isoformat(), "item": "item14",
                "value": report["item14"]["percent"], "target": step.minimum}))
    return events
