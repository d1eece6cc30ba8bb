"""Reading achievements: one pupil's (the «Капитал» section, §5.2.2: by category and level),
one achievement, and the reviewer's queue (the tutor's class, the administrator's school)."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kabinet_kit.errors import PermissionDenied
from kabinet_kit.paging import paginate

from .access import Caller
from .catalogue import CATEGORIES, LEVEL_NAMES, current_table
from .models import Achievement, Activity, Pupil
from .points import LEVELS, Scored, points_cents
from .pupils import reach


def present(session: Session, items: list[Achievement], today: date) -> list[dict[str, Any]]:
    activities = {a.id: a for a in session.scalars(select(Activity).where(
        Activity.id.in_({i.activity_id for i in items})))} if items else {}
    table = current_table(session).coefficients if items else {}
    out = []
    for item in items:
        activity = activities[item.activity_id]
        points = None
        if item.state == "approved":
            points = points_cents(table, Scored(activity.base_points, activity.level, item.participation,
                                                item.individuality, item.result, item.achieved_on), today) / 100
        out.append({**{c: getattr(item, c) for c in (
            "id", "pupil_id", "activity_id", "participation", "individuality", "result", "achieved_on", "date_given",
            "register_url", "document_type", "document_size", "state", "reason", "created_at", "updated_at")},
            "activity": activity, "has_document": item.document_sha256 is not None, "points": points})
    return out


def pupil_achievements(session: Session, caller: Caller, pupil_id: str, state: str | None, limit: int, offset: int,
                       today: date) -> dict[str, Any]:
    pupil, how = reach(session, caller, pupil_id)
    query = select(Achievement).where(Achievement.pupil_id == pupil.id)
    if state:
        query = query.where(Achievement.state == state)
    elif how != "self":
        query = query.where(Achievement.state != "draft")  # a draft is the pupil's own until submitted
    found = paginate(session, query.order_by(Achievement.achieved_on.desc(), Achievement.id),
                     {"limit": limit, "offset": offset})
    return {**found, "items": present(session, found["items"], today)}


def capital(session: Session, caller: Caller, pupil_id: str, today: date) -> dict[str, Any]:
    """Approved and pending achievements grouped by category (with subsection) and level."""
    pupil, how = reach(session, caller, pupil_id)
    items = list(session.scalars(select(Achievement).where(
        Achievement.pupil_id == pupil.id, Achievement.state.in_(("submitted", "approved", "returned")))
        .order_by(Achievement.achieved_on.desc())))
    shown = present(session, items, today)
    categories = []
    for code, (title, subsections) in CATEGORIES.items():
        mine = [a for a in shown if a["activity"].category == code]
        levels = [{"level": lv, "title": LEVEL_NAMES[lv],
                   "achievements": [a for a in mine if a["activity"].level == lv]} for lv in LEVELS]
        categories.append({"category": code, "title": title, "subsections": subsections,
                           "count": len(mine), "levels": [lv for lv in levels if lv["achievements"]]})
    return {"pupil_id": pupil.id, "categories": categories}


def review_queue(session: Session, caller: Caller, group_id: str | None, limit: int, offset: int,
                 today: date) -> dict[str, Any]:
    """Submitted achievements awaiting the caller: the tutor's classes, the administrator's schools."""
    groups, orgs = caller.tutor_groups, caller.admin_orgs
    if group_id:
        groups, orgs = groups & {group_id}, orgs
    if not groups and not orgs:
        raise PermissionDenied("Only tutors and school administrators review achievements.")
    scope = or_(Pupil.group_id.in_(groups or {""}), Pupil.organisation_id.in_(orgs or {""}))
    query = select(Achievement).join(Pupil, Pupil.id == Achievement.pupil_id).where(
        Achievement.state == "submitted", scope)
    if group_id:
        query = query.where(Pupil.group_id == group_id)
    found = paginate(session, query.order_by(Achievement.updated_at, Achievement.id),
                     {"limit": limit, "offset": offset})
    return {**found, "items": present(session, found["items"], today)}
