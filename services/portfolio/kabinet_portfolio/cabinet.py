"""The pupil's cabinet (seed 003 §5.2.1, §5.2.3, §6.3): «Селфи» (personal data under the
consent, five goals with an achieved mark, five significant achievements as text, the latest
five confirmed electives or career trials, points and places, the «Профстратегия» link),
«Профи» (electives, career trials, practices, agreements, enterprise reviews, university
olympiads), the rating opt-out, and the electives a school runs (§6.1)."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kabinet_kit.db import new_id
from kabinet_kit.errors import InvalidInput, NotFound, PermissionDenied
from kabinet_kit.events import utcnow
from kabinet_kit.paging import paginate

from .access import Caller, can_review, sees_school
from .catalogue import settings_of
from .models import Elective, Goal, Group, Highlight, Organisation, ProfiEntry, Pupil
from .pupils import names_of, reach
from .ratings import place_of

PROFI_KINDS = ("elective", "career_trial", "practice", "agreement", "review", "olympiad")
SELFIE_KINDS = ("elective", "career_trial")


def selfie(session: Session, caller: Caller, pupil_id: str) -> dict[str, Any]:
    pupil, _how = reach(session, caller, pupil_id)
    name = names_of(session, [pupil.id]).get(pupil.id)
    org = session.get(Organisation, pupil.organisation_id) if pupil.organisation_id else None
    group = session.get(Group, pupil.group_id) if pupil.group_id else None
    goals = list(session.scalars(select(Goal).where(Goal.pupil_id == pupil.id).order_by(Goal.position)))
    highlights = list(session.scalars(select(Highlight).where(Highlight.pupil_id == pupil.id)
                                      .order_by(Highlight.position)))
    latest = list(session.scalars(select(ProfiEntry).where(
        ProfiEntry.pupil_id == pupil.id, ProfiEntry.kind.in_(SELFIE_KINDS), ProfiEntry.confirmed.is_(True))
        .order_by(ProfiEntry.confirmed_at.desc()).limit(5)))
    return {
        "pupil_id": pupil.id,
        "last_name": name.last_name if name else None, "first_name": name.first_name if name else None,
        "middle_name": name.middle_name if name else None, "birth_date": name.birth_date if name else None,
        "email": name.email if name else None,
        "school": org.short_name if org else None, "class_name": group.name if group else None,
        "goals": [{"position": g.position, "text": g.text, "achieved": g.achieved} for g in goals],
        "highlights": [{"position": h.position, "text": h.text} for h in highlights],
        "latest_courses": [_entry(e) for e in latest],
        "points": pupil.points_cents / 100, "taking_part": not pupil.opted_out, "places": place_of(session, pupil),
        "profstrategy_url": settings_of(session)["profstrategy_url"],
    }


def _own(session: Session, caller: Caller, pupil_id: str) -> Pupil:
    pupil, how = reach(session, caller, pupil_id, for_update=True)
    if how != "self":
        raise PermissionDenied("The pupil fills in his own Selfie and Profi (§6.3).")
    return pupil


def set_goals(session: Session, caller: Caller, pupil_id: str, goals: list[dict[str, Any]]) -> dict[str, Any]:
    pupil = _own(session, caller, pupil_id)
    if len(goals) > 5:
        raise InvalidInput("At most five goals.", errors={"goals": ["At most five (§5.2.1)."]})
    session.execute(delete(Goal).where(Goal.pupil_id == pupil.id))
    session.add_all(Goal(pupil_id=pupil.id, position=n, text=g["text"], achieved=g["achieved"])
                    for n, g in enumerate(goals, start=1))
    session.flush()
    return selfie(session, caller, pupil_id)


def set_highlights(session: Session, caller: Caller, pupil_id: str, texts: list[str]) -> dict[str, Any]:
    pupil = _own(session, caller, pupil_id)
    if len(texts) > 5:
        raise InvalidInput("At most five.", errors={"highlights": ["At most five (§5.2.1)."]})
    session.execute(delete(Highlight).where(Highlight.pupil_id == pupil.id))
    session.add_all(Highlight(pupil_id=pupil.id, position=n, text=t) for n, t in enumerate(texts, start=1))
    session.flush()
    return selfie(session, caller, pupil_id)


def set_taking_part(session: Session, caller: Caller, pupil_id: str, taking_part: bool) -> dict[str, Any]:
    """§6.3: the pupil marks the portfolio as taking part in the ratings or not (POR-23)."""
    pupil = _own(session, caller, pupil_id)
    pupil.opted_out = not taking_part
    pupil.rated = pupil.consent and not pupil.opted_out
    session.flush()
    return {"pupil_id": pupil.id, "taking_part": taking_part, "places": place_of(session, pupil)}


# -- Profi -------------------------------------------------------------------------------------
def _entry(e: ProfiEntry) -> dict[str, Any]:
    return {"id": e.id, "kind": e.kind, "title": e.title, "organisation": e.organisation, "elective_id": e.elective_id,
            "happened_on": e.happened_on, "details": e.details, "confirmed": e.confirmed}


def profi(session: Session, caller: Caller, pupil_id: str) -> dict[str, Any]:
    pupil, _how = reach(session, caller, pupil_id)
    entries = list(session.scalars(select(ProfiEntry).where(ProfiEntry.pupil_id == pupil.id)
                                   .order_by(ProfiEntry.happened_on.desc())))
    return {"pupil_id": pupil.id, "profstrategy_url": settings_of(session)["profstrategy_url"],
            "sections": {kind: [_entry(e) for e in entries if e.kind == kind] for kind in PROFI_KINDS}}


def add_profi(session: Session, caller: Caller, pupil_id: str, data: dict[str, Any], today: date) -> dict[str, Any]:
    pupil = _own(session, caller, pupil_id)
    if data["happened_on"] > today:
        raise InvalidInput("The date is in the future.", errors={"happened_on": ["Not after today."]})
    elective_id = data.get("elective_id")
    if elective_id:
        elective = session.get(Elective, elective_id)
        if elective is None or elective.organisation_id != pupil.organisation_id or data["kind"] != "elective":
            raise InvalidInput("Not an elective of the pupil's school.", errors={"elective_id": ["Unknown elective."]})
    entry = ProfiEntry(id=new_id(), pupil_id=pupil.id, kind=data["kind"], title=data["title"],
                       organisation=data.get("organisation"), elective_id=elective_id, happened_on=data["happened_on"],
                       details=data.get("details"), confirmed=False, created_at=utcnow())
    session.add(entry)
    session.flush()
    return _entry(entry)


def confirm_profi(session: Session, caller: Caller, entry_id: str) -> dict[str, Any]:
    """The tutor or the school administration confirms an entry (the Selfie shows confirmed ones)."""
    entry = session.get(ProfiEntry, entry_id)
    if entry is None:
        raise NotFound("No such entry.")
    try:
        _pupil, how = reach(session, caller, entry.pupil_id)
    except NotFound:
        raise NotFound("No such entry.") from None
    if not can_review(how):
        raise PermissionDenied("The tutor or the school administration confirms.")
    entry.confirmed, entry.confirmed_by, entry.confirmed_at = True, caller.account_id, utcnow()
    return _entry(entry)


# -- electives a school runs (§6.1) -----------------------------------------------------------
def electives(session: Session, caller: Caller, organisation_id: str, query: dict[str, Any]) -> dict[str, Any]:
    """Another school's list is answered as a missing school's (issue 11)."""
    family = {caller.person_id, *caller.children} - {""}
    schools = {org for org in session.scalars(select(Pupil.organisation_id).where(Pupil.id.in_(family)))
               if org is not None} if family else set()
    if session.get(Organisation, organisation_id) is None or not sees_school(caller, organisation_id, schools):
        raise NotFound("No such school.")
    return paginate(session, select(Elective).where(Elective.organisation_id == organisation_id,
                                                    Elective.active.is_(True)).order_by(Elective.title, Elective.id),
                    query)


def add_elective(session: Session, caller: Caller, organisation_id: str, data: dict[str, Any]) -> Elective:
    if organisation_id not in caller.admin_orgs:
        raise NotFound("No such school.")
    elective = Elective(id=new_id(), organisation_id=organisation_id, title=data["title"], hours=data.get("hours"),
                        active=True)
    session.add(elective)
    session.flush()
    return elective
