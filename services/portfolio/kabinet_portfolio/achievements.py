"""Achievements (seed 003 §2.5, §2.7, §7.1–7.3): created by the pupil against a catalogue
activity with an evidence document, submitted, then approved, returned for revision with a
reason (an unreadable document is deleted, §2.7) or deleted with a reason by the tutor or the
school administrator. An approved achievement is locked; only approved ones score.

Each use case loads, decides (pure functions below, unit-tested) and applies.
"""
from __future__ import annotations

import re
from datetime import date
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.db import new_id
from kabinet_kit.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kabinet_kit.events import utcnow

from .access import Caller, can_review
from .deps import Deps
from .documents import note
from .models import LIVE, Achievement, AchievementHistory, Activity, Pupil
from .pupils import reach
from .scoring import recompute_pupil

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
EDITABLE = ("activity_id", "participation", "individuality", "result", "date", "register_url")
CATEGORISATION = ("activity_id", "participation", "individuality", "result")


# -- pure decisions ---------------------------------------------------------------------------
def partial_date(text: str) -> tuple[date, date]:
    """Seed 003 §2.7: a document's incomplete date is completed with the first values —
    ``2020`` → 2020-01-01, ``2020-05`` → 2020-05-01. Returns the date and the last day the
    given text could mean (for the check against the activity's dates)."""
    match = _PARTIAL.match(text.strip())
    if not match:
        raise InvalidInput("Bad date.", errors={"date": ["YYYY, YYYY-MM or YYYY-MM-DD."]})
    year, month, day = int(match[1]), int(match[2] or 0), int(match[3] or 0)
    try:
        if not month:
            return date(year, 1, 1), date(year, 12, 31)
        if not day:
            first = date(year, month, 1)
            following = date(year + (month == 12), month % 12 + 1, 1)
            return first, date.fromordinal(following.toordinal() - 1)
        exact = date(year, month, day)
        return exact, exact
    except ValueError:
        raise InvalidInput("Bad date.", errors={"date": ["No such day."]}) from None


def check_date(first: date, last: date, activity: Activity, today: date) -> None:
    if first > today:
        raise InvalidInput("The date is in the future.", errors={"date": ["Not after today."]})
    if last < activity.starts_on or first > activity.ends_on:
        raise InvalidInput("The date is outside the activity's dates.", errors={
            "date": [f"Within {activity.starts_on.isoformat()} – {activity.ends_on.isoformat()}."]})


def decide_transition(state: str, action: str, how: str | None) -> str:
    """The next state, or the error a person would see."""
    if action in ("approve", "return"):
        if not can_review(how):
            raise PermissionDenied("Only the tutor of the class or the school administration reviews achievements.")
        if state != "submitted":
            raise Conflict(f"Only a submitted achievement can be {'approved' if action == 'approve' else 'returned'}; "
                           f"this one is {state}.")
        return "approved" if action == "approve" else "returned"
    if action == "delete":
        if not can_review(how):
            raise PermissionDenied("Only the tutor of the class or the school administration deletes achievements.")
        if state == "deleted":
            raise Conflict("The achievement is deleted already.")
        return "deleted"
    if action == "submit":
        if how != "self":
            raise PermissionDenied("The pupil submits his own achievements.")
        if state not in ("draft", "returned"):
            raise Conflict(f"Only a draft or returned achievement can be submitted; this one is {state}.")
        return "submitted"
    if action == "edit":
        if how == "self" and state in ("draft", "returned"):
            return state
        if can_review(how) and state == "submitted":
            return state  # §7.1: the reviewer corrects the categorisation
        if how not in ("self", "tutor", "admin"):
            raise PermissionDenied("Not yours to edit.")
        raise Conflict(f"This achievement cannot be edited now ({state}); an approved one is locked.")
    raise ValueError(action)


# -- apply ----------------------------------------------------------------------------------------
def _activity(session: Session, activity_id: str) -> Activity:
    activity = session.get(Activity, activity_id)
    if activity is None or not activity.active:
        raise InvalidInput("The activity is not in the catalogue.",
                           errors={"activity_id": ["Not in the catalogue; request it as a petition."]})
    return activity


def _duplicate(session: Session, pupil_id: str, *, exclude: str | None = None, activity_id: str | None = None,
               achieved_on: date | None = None, sha256: str | None = None) -> None:
    base = select(Achievement.id).where(Achievement.pupil_id == pupil_id, Achievement.state.in_(LIVE))
    if exclude:
        base = base.where(Achievement.id != exclude)
    if activity_id and achieved_on:
        found = session.scalar(base.where(Achievement.activity_id == activity_id,
                                          Achievement.achieved_on == achieved_on))
        if found:
            raise Conflict("The same achievement is in the portfolio already.", existing_achievement_id=found,
                           errors={"activity_id": [f"Duplicate of achievement {found}."]})
    if sha256:
        found = session.scalar(base.where(Achievement.document_sha256 == sha256))
        if found:
            raise Conflict("This document is attached to another achievement already.", existing_achievement_id=found,
                           errors={"document": [f"Duplicate of achievement {found}."]})


def _history(session: Session, achievement: Achievement, caller: Caller, reason: str | None = None) -> None:
    session.add(AchievementHistory(achievement_id=achievement.id, state=achievement.state, reason=reason,
                                   by_account=caller.account_id, at=utcnow()))


def _event(deps: Deps, session: Session, achievement: Achievement, pupil: Pupil, activity: Activity) -> None:
    deps.events.record(session, f"portfolio.achievement.{achievement.state}.v1", {
        "achievement_id": achievement.id, "pupil_id": pupil.id, "organisation_id": pupil.organisation_id,
        "group_id": pupil.group_id, "activity_id": activity.id, "category": activity.category,
        "level": activity.level, "result": achievement.result, "achieved_on": achievement.achieved_on,
        "state": achievement.state, "sequence": achievement.sequence})


def _attach(deps: Deps, session: Session, achievement: Achievement, document: IO[bytes]) -> None:
    stored = deps.store.ingest(document, deps.settings.max_document_bytes)
    note(stored.sha256)
    note(achievement.document_sha256)  # the one replaced, if any
    _duplicate(session, achievement.pupil_id, exclude=achievement.id, sha256=stored.sha256)
    achievement.document_sha256, achievement.document_type = stored.sha256, stored.content_type
    achievement.document_size = stored.size


def create(deps: Deps, session: Session, caller: Caller, pupil_id: str, data: dict[str, Any],
           document: IO[bytes] | None, today: date) -> Achievement:
    pupil, how = reach(session, caller, pupil_id)
    if how != "self":
        raise PermissionDenied("The pupil creates his own achievements (§6.3).")
    activity = _activity(session, data["activity_id"])
    first, last = partial_date(data["date"])
    check_date(first, last, activity, today)
    if document is None:
        raise InvalidInput("The evidence document is required.", errors={"document": ["A JPG or PDF of at most 2 MB."]})
    _duplicate(session, pupil.id, activity_id=activity.id, achieved_on=first)
    now = utcnow()
    achievement = Achievement(id=new_id(), pupil_id=pupil.id, activity_id=activity.id,
                              participation=data["participation"], individuality=data["individuality"],
                              result=data["result"], achieved_on=first, date_given=data["date"].strip(),
                              register_url=data.get("register_url"), state="draft", sequence=1,
                              created_at=now, updated_at=now)
    _attach(deps, session, achievement, document)
    session.add(achievement)
    session.flush()
    _history(session, achievement, caller)
    if data.get("submit"):
        return submit(deps, session, caller, achievement.id)
    return achievement


def load(session: Session, caller: Caller, achievement_id: str, *,
         for_update: bool = False) -> tuple[Achievement, Pupil, str]:
    query = select(Achievement).where(Achievement.id == achievement_id)
    achievement = session.scalar(query.with_for_update() if for_update else query)
    if achievement is None:
        raise NotFound("No such achievement.")
    try:
        pupil, how = reach(session, caller, achievement.pupil_id)
    except NotFound:
        raise NotFound("No such achievement.") from None
    return achievement, pupil, how


def edit(deps: Deps, session: Session, caller: Caller, achievement_id: str, changes: dict[str, Any],
         document: IO[bytes] | None, today: date) -> Achievement:
    achievement, pupil, how = load(session, caller, achievement_id, for_update=True)
    decide_transition(achievement.state, "edit", how)
    if how != "self":
        outside = [f for f in changes if f not in CATEGORISATION]
        if outside or document is not None:
            raise InvalidInput("The reviewer corrects the categorisation only.",
                               errors={f: ["Not the reviewer's to change."] for f in outside or ["document"]})
    activity = _activity(session, changes.get("activity_id", achievement.activity_id))
    if "date" in changes:
        first, last = partial_date(changes["date"])
        achievement.achieved_on, achievement.date_given = first, changes["date"].strip()
    else:
        first, last = achievement.achieved_on, achievement.achieved_on
    check_date(first, last, activity, today)
    _duplicate(session, pupil.id, exclude=achievement.id, activity_id=activity.id, achieved_on=first)
    achievement.activity_id = activity.id
    for name in ("participation", "individuality", "result", "register_url"):
        if name in changes:
            setattr(achievement, name, changes[name])
    if document is not None:
        _attach(deps, session, achievement, document)
    achievement.updated_at = utcnow()
    return achievement


def submit(deps: Deps, session: Session, caller: Caller, achievement_id: str) -> Achievement:
    achievement, pupil, how = load(session, caller, achievement_id, for_update=True)
    achievement.state = decide_transition(achievement.state, "submit", how)
    if achievement.document_sha256 is None:
        raise InvalidInput("Attach the evidence document first.", errors={"document": ["Required to submit."]})
    return _apply(deps, session, caller, achievement, pupil, None)


def review(deps: Deps, session: Session, caller: Caller, achievement_id: str, action: str,
           reason: str | None, unreadable: bool, today: date) -> Achievement:
    achievement, pupil, how = load(session, caller, achievement_id, for_update=True)
    was = achievement.state
    achievement.state = decide_transition(was, action, how)
    if action in ("return", "delete") and not (reason or "").strip():
        raise InvalidInput("A reason is required.", errors={"reason": ["Say why."]})
    if action == "return" and unreadable:
        # §2.7: an unreadable document is deleted and the achievement goes back for revision.
        note(achievement.document_sha256)
        achievement.document_sha256 = achievement.document_type = None
        achievement.document_size = None
    achievement.reason = reason.strip() if reason else None
    achievement.decided_by, achievement.decided_at = caller.account_id, utcnow()
    _apply(deps, session, caller, achievement, pupil, achievement.reason)
    if "approved" in (was, achievement.state):
        recompute_pupil(deps, session, pupil, today,
                        "achievement_approved" if achievement.state == "approved" else "achievement_deleted")
    return achievement


def _apply(deps: Deps, session: Session, caller: Caller, achievement: Achievement, pupil: Pupil,
           reason: str | None) -> Achievement:
    achievement.sequence += 1
    achievement.updated_at = utcnow()
    session.flush()
    _history(session, achievement, caller, reason)
    _event(deps, session, achievement, pupil, session.get_one(Activity, achievement.activity_id))
    return achievement


def document_of(session: Session, caller: Caller, achievement_id: str) -> Achievement:
    """The evidence document is streamed only to those who reach the pupil (never the department)."""
    achievement, _pupil, _how = load(session, caller, achievement_id)
    if achievement.document_sha256 is None or achievement.state == "deleted":
        raise NotFound("The achievement has no document.")
    return achievement
