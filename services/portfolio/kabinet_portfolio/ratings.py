"""Ratings by class, school and city (seed 003 §6.2–6.3, §7.3, POR-21..23): approved
achievements' points, ties ranked equally (1, 1, 3), pupils who opted out or have no portfolio
consent left out. Names only to those who may see those pupils (the tutor: own class; the
administration: own school); everyone else sees places and points without names or ids."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kabinet_kit.errors import NotFound

from .access import Caller, sees_names_of
from .models import Achievement, Activity, Group, Organisation, Pupil
from .pupils import full_name, names_of, reach

SCOPES = ("class", "school", "city")


def _scope_filter(scope: str, key: str | None) -> Any:
    if scope == "class":
        return Pupil.group_id == key
    if scope == "school":
        return Pupil.organisation_id == key
    return None


def rating(session: Session, caller: Caller, scope: str, key: str | None, limit: int, offset: int) -> dict[str, Any]:
    missing = (scope == "class" and session.get(Group, key) is None
               or scope == "school" and session.get(Organisation, key) is None)
    if missing:
        raise NotFound(f"No such {scope}.")
    where = [Pupil.rated.is_(True)]
    extra = _scope_filter(scope, key)
    if extra is not None:
        where.append(extra)
    total = session.scalar(select(func.count()).select_from(Pupil).where(*where)) or 0
    rows = _page(session, where, total, limit, offset)
    ahead = _ahead(session, where, total, offset, rows[0].points_cents) if rows and offset else 0
    places = places_on_page([r.points_cents for r in rows], offset, ahead)
    named = [r.id for r in rows if r.id == caller.person_id or sees_names_of(caller, r.organisation_id, r.group_id)]
    names = names_of(session, named)
    classes = {} if scope == "city" else {
        g.id: g.name for g in session.scalars(select(Group).where(Group.id.in_({r.group_id for r in rows})))}
    items = []
    for n, r in enumerate(rows):
        item: dict[str, Any] = {"place": places[n], "points": r.points_cents / 100, "me": r.id == caller.person_id,
                                "class_name": classes.get(r.group_id) if scope != "city" else None}
        if r.id in names:
            item.update(pupil_id=r.id, name=full_name(names[r.id]))
        items.append(item)
    return {"scope": scope, "key": key, "items": items, "total": total, "limit": limit, "offset": offset}


def places_on_page(points: list[int], offset: int, ahead: int) -> list[int]:
    """Places of a page of a rating in descending order of points, ties ranked equally
    (1, 1, 3): ``ahead`` is how many are strictly ahead of the page's first row."""
    places: list[int] = []
    for n, value in enumerate(points):
        places.append(ahead + 1 if n == 0 else places[-1] if value == points[n - 1] else offset + n + 1)
    return places


def _page(session: Session, where: list[Any], total: int, limit: int, offset: int) -> list[Any]:
    """The page in rating order (points down, then id). A page in the back half is read from
    the other end of the index, so no page walks more than half the rating."""
    columns = (Pupil.id, Pupil.organisation_id, Pupil.group_id, Pupil.points_cents)
    if offset <= total // 2 or offset >= total:
        return list(session.execute(select(*columns).where(*where).order_by(Pupil.points_cents.desc(), Pupil.id)
                                    .limit(limit).offset(offset)))
    upto = min(total, offset + limit)
    backwards = session.execute(select(*columns).where(*where).order_by(Pupil.points_cents, Pupil.id.desc())
                                .limit(upto - offset).offset(total - upto))
    return list(reversed(list(backwards)))


def _ahead(session: Session, where: list[Any], total: int, offset: int, points: int) -> int:
    """How many have strictly more points, counted from the nearer end of the index."""
    def count(*condition: Any) -> int:
        return session.scalar(select(func.count()).select_from(Pupil).where(*where, *condition)) or 0
    if offset <= total // 2:
        return count(Pupil.points_cents > points)
    return total - count(Pupil.points_cents <= points)


def place_of(session: Session, pupil: Pupil) -> dict[str, int | None]:
    """The pupil's place in each rating: one more than those strictly ahead (ties share it)."""
    if not pupil.rated:
        return {"class": None, "school": None, "city": None}
    out: dict[str, int | None] = {}
    for scope, key in (("class", pupil.group_id), ("school", pupil.organisation_id), ("city", None)):
        if scope != "city" and key is None:
            out[scope] = None
            continue
        where = [Pupil.rated.is_(True), Pupil.points_cents > pupil.points_cents]
        extra = _scope_filter(scope, key)
        if extra is not None:
            where.append(extra)
        out[scope] = 1 + (session.scalar(select(func.count()).select_from(Pupil).where(*where)) or 0)
    return out


def points(session: Session, caller: Caller, pupil_id: str) -> dict[str, Any]:
    """The home screen's portfolio part (the gateway's ``/api/me/overview``): points and places."""
    pupil, _how = reach(session, caller, pupil_id)
    return {"pupil_id": pupil.id, "points": pupil.points_cents / 100, "table_version": pupil.points_version,
            "taking_part": not pupil.opted_out, "places": place_of(session, pupil)}


def statistics(session: Session, caller: Caller, organisation_id: str | None) -> dict[str, Any]:
    """Approved achievements by category and level: the department for the city or a school, a
    school's administration for its own school. Counts only, no pupils."""
    if organisation_id is None and not caller.is_department:
        raise NotFound("No statistics for you here.")
    if organisation_id is not None and not (caller.is_department or organisation_id in caller.admin_orgs):
        raise NotFound("No such school.")
    query = (select(Activity.category, Activity.level, func.count(Achievement.id))
             .join(Activity, Activity.id == Achievement.activity_id).join(Pupil, Pupil.id == Achievement.pupil_id)
             .where(Achievement.state == "approved").group_by(Activity.category, Activity.level))
    if organisation_id:
        query = query.where(Pupil.organisation_id == organisation_id)
    cells = [{"category": c, "level": lv, "achievements": n} for c, lv, n in session.execute(query)]
    pupils_q = select(func.count()).select_from(Pupil).where(Pupil.rated.is_(True))
    if organisation_id:
        pupils_q = pupils_q.where(Pupil.organisation_id == organisation_id)
    return {"organisation_id": organisation_id, "cells": cells, "rated_pupils": session.scalar(pupils_q) or 0}
