"""Disputes (seed 003 §8, POR-24..26): the pupil or a guardian disputes an achievement's
categorisation or a refusal; it is due in five working days by the Russian production calendar;
the school administrator answers citing the catalogue; overdue disputes are listed for the
administration and the department (and reported once as an event by the jobs process)."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.db import new_id
from kabinet_kit.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kabinet_kit.events import utcnow
from kabinet_kit.paging import paginate

from .access import Caller
from .achievements import load
from .deps import Deps
from .models import Activity, Dispute
from .pupils import reach
from .workdays import add_working_days

ANSWER_DAYS = 5


def _event(deps: Deps, session: Session, dispute: Dispute, type_: str) -> None:
    deps.events.record(session, type_, {"dispute_id": dispute.id, "achievement_id": dispute.achievement_id,
                                        "organisation_id": dispute.organisation_id, "opened_on": dispute.opened_on,
                                        "due_on": dispute.due_on, "state": dispute.state})


def open_dispute(deps: Deps, session: Session, caller: Caller, achievement_id: str, data: dict[str, Any],
                 today: date) -> Dispute:
    achievement, pupil, how = load(session, caller, achievement_id)
    if how not in ("self", "guardian"):
        raise PermissionDenied("The author of the achievement or his parent disputes it (§8.1).")
    if achievement.state == "draft":
        raise Conflict("A draft has not been categorised or refused yet.")
    dispute = Dispute(id=new_id(), achievement_id=achievement.id, pupil_id=pupil.id,
                      organisation_id=pupil.organisation_id, opened_by=caller.account_id, subject=data["subject"],
                      text=data["text"], opened_on=today, due_on=add_working_days(today, ANSWER_DAYS), state="open",
                      overdue_reported=False)
    session.add(dispute)
    session.flush()
    _event(deps, session, dispute, "portfolio.dispute.opened.v1")
    return dispute


def answer(deps: Deps, session: Session, caller: Caller, dispute_id: str, data: dict[str, Any]) -> Dispute:
    dispute = session.get(Dispute, dispute_id)
    if dispute is None or dispute.organisation_id not in caller.admin_orgs:
        if dispute is not None and _may_read(session, caller, dispute):
            raise PermissionDenied("The school administrator answers a dispute (§8.1).")
        raise NotFound("No such dispute.")
    if dispute.state != "open":
        raise Conflict("The dispute is answered already.")
    activity = session.get(Activity, data["cited_activity_id"])
    if activity is None:
        raise InvalidInput("Cite a catalogue activity.", errors={"cited_activity_id": ["Not in the catalogue."]})
    dispute.state, dispute.answer, dispute.cited_activity_id = "answered", data["answer"], activity.id
    dispute.answered_by, dispute.answered_at = caller.account_id, utcnow()
    _event(deps, session, dispute, "portfolio.dispute.answered.v1")
    return dispute


def _may_read(session: Session, caller: Caller, dispute: Dispute) -> bool:
    try:
        reach(session, caller, dispute.pupil_id)
        return True
    except (NotFound, PermissionDenied):
        return caller.is_department


def get(session: Session, caller: Caller, dispute_id: str) -> Dispute:
    dispute = session.get(Dispute, dispute_id)
    if dispute is None or not _may_read(session, caller, dispute):
        raise NotFound("No such dispute.")
    return dispute


def listed(session: Session, caller: Caller, query: dict[str, Any], today: date) -> dict[str, Any]:
    """The administration: its schools'; the department: the city's; pupil and family: with
    ``pupil_id``, theirs. ``overdue``: only those past their due date. The earliest due first."""
    pupil_id = str(query["pupil_id"]) if query.get("pupil_id") else None
    found = select(Dispute)
    if pupil_id:
        reach(session, caller, pupil_id)
        found = found.where(Dispute.pupil_id == pupil_id)
    elif caller.admin_orgs:
        found = found.where(Dispute.organisation_id.in_(caller.admin_orgs))
    elif not caller.is_department:
        raise NotFound("No disputes for you here.")
    if query.get("state"):
        found = found.where(Dispute.state == query["state"])
    if query.get("overdue"):
        found = found.where(Dispute.state == "open", Dispute.due_on < today)
    return paginate(session, found.order_by(Dispute.due_on, Dispute.id), query)


def is_overdue(dispute: Dispute, today: date) -> bool:
    return dispute.state == "open" and today > dispute.due_on


def report_overdue(deps: Deps, session: Session, today: date) -> int:
    """The jobs process: each dispute past its due date reported once."""
    found = list(session.scalars(select(Dispute).where(Dispute.state == "open", Dispute.due_on < today,
                                                       Dispute.overdue_reported.is_(False))))
    for dispute in found:
        dispute.overdue_reported = True
        _event(deps, session, dispute, "portfolio.dispute.overdue.v1")
    return len(found)
