"""Petitions to add an activity to the catalogue (seed 003 §6.1, POR-08): a pupil requests a
missing activity; the school administration forwards it to the department as a petition (or
refuses it); the department includes it in the catalogue or refuses, with a reason. Everyone
involved sees the state."""
from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kabinet_kit.db import new_id
from kabinet_kit.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kabinet_kit.events import utcnow
from kabinet_kit.paging import paginate

from .access import Caller
from .catalogue import add_activity
from .deps import Deps
from .models import Petition, Pupil
from .pupils import reach


def decide(state: str, action: str, *, school_admin: bool, department: bool) -> str:
    """Pure: the next state of a petition."""
    if action in ("forward", "refuse") and state == "requested":
        if not school_admin:
            raise PermissionDenied("The school administration decides on a pupil's request.")
        return "petitioned" if action == "forward" else "refused_by_school"
    if action in ("include", "refuse") and state == "petitioned":
        if not department:
            raise PermissionDenied("The department decides on a petition.")
        return "included" if action == "include" else "refused"
    raise Conflict(f"A petition that is {state} cannot be {action}d now.")


def _event(deps: Deps, session: Session, petition: Petition, type_: str) -> None:
    deps.events.record(session, type_, {"petition_id": petition.id, "organisation_id": petition.organisation_id,
                                        "state": petition.state, "activity_id": petition.activity_id})


def raise_petition(deps: Deps, session: Session, caller: Caller, data: dict[str, Any]) -> Petition:
    """A pupil's request (his school's administration sees it), or an administrator's petition
    straight to the department (``organisation_id`` of his school)."""
    now = utcnow()
    proposal = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()
                if k != "organisation_id"}
    pupil = session.get(Pupil, caller.person_id) if caller.person_id else None
    if pupil is not None and data.get("organisation_id") is None:
        reach(session, caller, pupil.id)  # the consent gate
        if pupil.organisation_id is None:
            raise Conflict("The pupil is not enrolled in a school.")
        petition = Petition(id=new_id(), organisation_id=pupil.organisation_id, requested_by_pupil=pupil.id,
                            proposal=proposal, state="requested", created_at=now, updated_at=now)
        session.add(petition)
        return petition
    org = data.get("organisation_id")
    if org is None or str(org) not in caller.admin_orgs:
        raise InvalidInput("The school the petition comes from.", errors={"organisation_id": ["Your school."]})
    petition = Petition(id=new_id(), organisation_id=str(org), requested_by_pupil=None, proposal=proposal,
                        state="petitioned", created_at=now, updated_at=now)
    session.add(petition)
    session.flush()
    _event(deps, session, petition, "portfolio.petition.raised.v1")
    return petition


def _visible(caller: Caller, petition: Petition) -> bool:
    return (petition.requested_by_pupil == caller.person_id or petition.organisation_id in caller.admin_orgs
            or (caller.is_department and petition.state != "requested" and petition.state != "refused_by_school"))


def get(session: Session, caller: Caller, petition_id: str) -> Petition:
    petition = session.get(Petition, petition_id)
    if petition is None or not _visible(caller, petition):
        raise NotFound("No such petition.")
    return petition


def listed(session: Session, caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    """The caller's own requests, his schools' petitions, the department's share; newest first."""
    state = query.get("state")
    conditions = [Petition.requested_by_pupil == caller.person_id]
    if caller.admin_orgs:
        conditions.append(Petition.organisation_id.in_(caller.admin_orgs))
    if caller.is_department:
        conditions.append(Petition.state.in_(("petitioned", "included", "refused")))
    found = select(Petition).where(or_(*conditions))
    if state:
        found = found.where(Petition.state == state)
    return paginate(session, found.order_by(Petition.created_at.desc(), Petition.id), query)


def act(deps: Deps, session: Session, caller: Caller, petition_id: str, action: str, body: dict[str, Any]) -> Petition:
    petition = get(session, caller, petition_id)
    petition.state = decide(petition.state, action, school_admin=petition.organisation_id in caller.admin_orgs,
                            department=caller.is_department)
    if action == "refuse":
        if not (body.get("reason") or "").strip():
            raise InvalidInput("A reason is required.", errors={"reason": ["Say why."]})
        petition.reason = body["reason"].strip()
    if action == "include":
        values = {**petition.proposal, **{k: v for k, v in body.items() if k != "reason" and v is not None}}
        missing = [f for f in ("title", "organiser", "starts_on", "ends_on", "level", "category", "base_points")
                   if values.get(f) in (None, "")]
        if missing:
            raise InvalidInput("Complete the activity.", errors={f: ["Required to include."] for f in missing})
        from datetime import date
        for f in ("starts_on", "ends_on"):
            values[f] = date.fromisoformat(values[f]) if isinstance(values[f], str) else values[f]
        activity = add_activity(deps, session, caller, {**values, "subsection": values.get("subsection")},
                                petition_id=petition.id)
        petition.activity_id = activity.id
    petition.updated_at = utcnow()
    session.flush()
    if petition.state == "petitioned":
        _event(deps, session, petition, "portfolio.petition.raised.v1")
    elif petition.state in ("included", "refused"):
        _event(deps, session, petition, "portfolio.petition.decided.v1")
    return petition
