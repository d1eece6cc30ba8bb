"""Keeping each pupil's points (POR-18..20): after an approval or deletion for one pupil, and
for everyone when the coefficient table changes or a year passes (the jobs process). Only
approved achievements score (§7.3). Every change of a total is a ``portfolio.points.changed.v1``."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from .catalogue import current_table
from .deps import Deps
from .models import Achievement, Activity, Pupil
from .points import Scored, points_cents

_SCORED = (Achievement.pupil_id, Activity.base_points, Activity.level, Achievement.participation,
           Achievement.individuality, Achievement.result, Achievement.achieved_on)


def _scored(row: Any) -> Scored:
    return Scored(row.base_points, row.level, row.participation, row.individuality, row.result, row.achieved_on)


def recompute_pupil(deps: Deps, session: Session, pupil: Pupil, today: date, reason: str) -> int:
    table = current_table(session)
    rows = session.execute(select(*_SCORED).join(Activity, Activity.id == Achievement.activity_id)
                           .where(Achievement.pupil_id == pupil.id, Achievement.state == "approved"))
    total = sum(points_cents(table.coefficients, _scored(r), today) for r in rows)
    _set_total(deps, session, pupil.id, pupil.organisation_id, pupil.points_cents, total, table.version, reason)
    pupil.points_cents, pupil.points_version, pupil.points_on = total, table.version, today
    return total


def _set_total(deps: Deps, session: Session, pupil_id: str, organisation_id: str | None, before: int, after: int,
               version: int, reason: str, batch: list[tuple[str, dict[str, Any]]] | None = None) -> None:
    if before == after:
        return
    data = {"pupil_id": pupil_id, "organisation_id": organisation_id, "total": after / 100,
            "previous_total": before / 100, "table_version": version, "reason": reason}
    if batch is None:
        deps.events.record(session, "portfolio.points.changed.v1", data)
    else:
        batch.append(("portfolio.points.changed.v1", data))


def recompute_all(deps: Deps, session: Session, today: date, *, only_stale: bool = False,
                  chunk: int = 5000) -> dict[str, int]:
    """Every pupil's total from the achievements' history under the current table, streamed in
    pupil order; totals written in batches, changes recorded as events in batches."""
    table = current_table(session)
    reason = "table_changed"
    pupils_query = select(Pupil.id, Pupil.organisation_id, Pupil.points_cents, Pupil.points_version)
    if only_stale:
        stale = session.execute(pupils_query.where(Pupil.points_version != table.version)).all()
        if not stale:
            return {"pupils": 0, "changed": 0, "version": table.version}
    held = {p.id: p for p in session.execute(pupils_query)}
    totals: dict[str, int] = defaultdict(int)
    rows = session.execute(select(*_SCORED).join(Activity, Activity.id == Achievement.activity_id)
                           .where(Achievement.state == "approved")
                           .execution_options(yield_per=20000))
    coefficients = table.coefficients
    for r in rows:
        totals[r.pupil_id] += points_cents(coefficients, _scored(r), today)
    changed = 0
    updates: list[dict[str, Any]] = []
    events: list[tuple[str, dict[str, Any]]] = []
    for pupil_id, pupil in held.items():
        after = totals.get(pupil_id, 0)
        if pupil.points_cents != after:
            changed += 1
            updates.append({"pid": pupil_id, "cents": after})
            _set_total(deps, session, pupil_id, pupil.organisation_id, pupil.points_cents, after, table.version,
                       reason if pupil.points_version != table.version else "year_passed", events)
        if len(updates) >= chunk:
            _flush(deps, session, updates, events)
    _flush(deps, session, updates, events)
    session.execute(update(Pupil).values(points_version=table.version, points_on=today))
    return {"pupils": len(held), "changed": changed, "version": table.version}


def _flush(deps: Deps, session: Session, updates: list[dict[str, Any]],
           events: list[tuple[str, dict[str, Any]]]) -> None:
    if updates:
        table = Pupil.__table__
        session.connection().execute(update(table).where(table.c.id == bindparam("pid"))  # type: ignore[arg-type]
                                     .values(points_cents=bindparam("cents")), updates)
        updates.clear()
    if events:
        deps.events.record_many(session, events)
        events.clear()
