"""Keeping each pupil's points (POR-18..20): after an approval or deletion for one pupil, and
for everyone when the coefficient table changes or a year passes (the jobs process). Only
approved achievements score (§7.3). Every change of a total is a ``portfolio.points.changed.v1``."""
from __future__ import annotations

from datetime import date
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Integer,
    String,
    Table,
    and_,
    case,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.orm import Session

from kabinet_kit.db import Id, scratch_table

from .catalogue import current_table
from .deps import Deps
from .models import Achievement, Activity, Pupil
from .points import INDIVIDUALITY, LEVELS, PARTICIPATION, RESULTS, Scored, anniversaries, cents_of, points_cents

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
    """Every pupil's total from the achievements' history under the current table, set-based:
    the points of each combination of activity base and level, participation, individuality,
    result and time coefficient are computed in Python (the same :func:`cents_of` as for one
    pupil, so the figures are exactly those), the database sums them per pupil and writes every
    total in one statement; each changed total is an event, recorded in batches."""
    table = current_table(session)
    coefficients = table.coefficients
    pupils = cast(Table, Pupil.__table__)
    if only_stale and session.scalar(select(Pupil.id).where(Pupil.points_version != table.version).limit(1)) is None:
        return {"pupils": 0, "changed": 0, "version": table.version}
    bases = session.execute(select(Activity.base_points, Activity.level).distinct()).all()
    combos = [{"base_points": b, "level": lv, "participation": p, "individuality": i, "result": r, "bucket": k,
               "cents": cents_of(coefficients, b, lv, p, i, r, k)}
              for b, lv in bases if lv in LEVELS for p in PARTICIPATION for i in INDIVIDUALITY for r in RESULTS
              for k in range(len(coefficients["time"]))]
    with scratch_table(session, "portfolio_point_combos", _combo_columns(), combos) as points, \
            scratch_table(session, "portfolio_new_totals", (Column("pupil_id", Id, primary_key=True),
                                                            Column("cents", BigInteger))) as totals:
        years = anniversaries(coefficients, today)
        bucket = case(*[(Achievement.achieved_on > day, k) for k, day in enumerate(years)],
                      else_=len(years)) if years else literal(0)
        summed = (select(Achievement.pupil_id, func.sum(points.c.cents))
                  .join(Activity, Activity.id == Achievement.activity_id)
                  .join(points, and_(points.c.base_points == Activity.base_points, points.c.level == Activity.level,
                                     points.c.participation == Achievement.participation,
                                     points.c.individuality == Achievement.individuality,
                                     points.c.result == Achievement.result, points.c.bucket == bucket))
                  .where(Achievement.state == "approved").group_by(Achievement.pupil_id))
        session.execute(insert(totals).from_select(["pupil_id", "cents"], summed))
        after = func.coalesce(totals.c.cents, 0)
        changes = session.execute(
            select(pupils.c.id, pupils.c.organisation_id, pupils.c.points_cents, pupils.c.points_version,
                   after.label("after"))
            .select_from(pupils.outerjoin(totals, totals.c.pupil_id == pupils.c.id))
            .where(pupils.c.points_cents != after)).all()
        events: list[tuple[str, dict[str, Any]]] = []
        for row in changes:
            _set_total(deps, session, row.id, row.organisation_id, row.points_cents, row.after, table.version,
                       "table_changed" if row.points_version != table.version else "year_passed", events)
            if len(events) >= chunk:
                deps.events.record_many(session, events)
                events.clear()
        if events:
            deps.events.record_many(session, events)
        new_total = select(totals.c.cents).where(totals.c.pupil_id == pupils.c.id).scalar_subquery()
        held = session.connection().execute(update(pupils).values(points_cents=func.coalesce(new_total, 0),
                                                     points_version=table.version, points_on=today)).rowcount
    return {"pupils": held or 0, "changed": len(changes), "version": table.version}


def _combo_columns() -> list[Column[Any]]:
    return [Column("base_points", Float), Column("level", String(20)), Column("participation", String(20)),
            Column("individuality", String(20)), Column("result", String(20)), Column("bucket", Integer),
            Column("cents", BigInteger)]
