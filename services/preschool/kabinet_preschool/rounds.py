"""Monitoring rounds: the department opens one per kindergarten and year with its deadline,
moves the deadline, closes it; a closed round's figures are final (PRE-08)."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kabinet_kit.events import utcnow
from kabinet_kit.paging import paginate

from .access import Caller, require_department
from .catalogue import current_version
from .deps import Deps
from .models import AcademicYear, CatalogueVersion, Organisation, Round


def _round_event(r: Round, version_number: int) -> dict[str, Any]:
    return {"round_id": r.id, "organisation_id": r.organisation_id, "academic_year_id": r.academic_year_id,
            "number": r.number, "deadline": r.deadline, "catalogue_version": version_number}


def _check_deadline(year: AcademicYear, deadline: Any) -> None:
    if not year.starts_on <= deadline <= year.ends_on:
        raise InvalidInput("Deadline outside the year.", errors={"deadline": ["Must fall within the academic year."]})


def open_round(deps: Deps, session: Session, caller: Caller, data: dict[str, Any]) -> Round:
    """The department opens a monitoring round for a kindergarten with its deadline (PRE-08)."""
    require_department(caller)
    org = session.get(Organisation, str(data["organisation_id"]))
    if org is None or org.kind != "kindergarten":
        raise InvalidInput("Unknown kindergarten.", errors={"organisation_id": ["Not a known kindergarten."]})
    year = session.get(AcademicYear, str(data["academic_year_id"]))
    if year is None:
        raise InvalidInput("Unknown academic year.", errors={"academic_year_id": ["Not a known academic year."]})
    _check_deadline(year, data["deadline"])
    if session.scalar(select(Round.id).where(Round.organisation_id == org.id, Round.academic_year_id == year.id,
                                             Round.number == data["number"])):
        raise Conflict(f"Round {data['number']} of this year is already open for this kindergarten.")
    version = current_version(session)
    r = Round(id=str(uuid.uuid4()), organisation_id=org.id, academic_year_id=year.id, number=data["number"],
              title=data.get("title") or f"Мониторинг № {data['number']}", deadline=data["deadline"],
              catalogue_version_id=version.id, status="open", opened_at=utcnow())
    session.add(r)
    session.flush()
    deps.events.record(session, "preschool.round.opened.v1", _round_event(r, version.number))
    return r


def get_round(session: Session, round_id: str) -> Round:
    r = session.get(Round, round_id)
    if r is None:
        raise NotFound("No such round.")
    return r


def _version_number(session: Session, r: Round) -> int:
    version = session.get(CatalogueVersion, r.catalogue_version_id)
    assert version is not None  # a foreign key
    return version.number


def round_out(session: Session, r: Round) -> dict[str, Any]:
    return {"id": r.id, "organisation_id": r.organisation_id, "academic_year_id": r.academic_year_id,
            "number": r.number, "title": r.title, "deadline": r.deadline, "status": r.status,
            "catalogue_version": _version_number(session, r), "opened_at": r.opened_at, "closed_at": r.closed_at}


def list_rounds(session: Session, caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    """A page of rounds by kindergarten, year and number (natural keys, stable order)."""
    stmt = select(Round)
    organisation_id = query.get("organisation_id")
    if not caller.is_department:
        orgs = caller.staff_orgs
        if organisation_id and organisation_id not in orgs:
            raise PermissionDenied("Not your kindergarten.")
        stmt = stmt.where(Round.organisation_id.in_(orgs))
    for column, key in ((Round.organisation_id, "organisation_id"), (Round.academic_year_id, "academic_year_id"),
                        (Round.number, "number"), (Round.status, "status")):
        if query.get(key) is not None:
            stmt = stmt.where(column == query[key])
    found = paginate(session, stmt.order_by(Round.organisation_id, Round.academic_year_id, Round.number, Round.id),
                     query)
    return {**found, "items": [round_out(session, r) for r in found["items"]]}


def change_round(deps: Deps, session: Session, caller: Caller, round_id: str, data: dict[str, Any]) -> Round:
    r = get_round(session, round_id)
    if not caller.is_department and r.organisation_id not in caller.staff_orgs:
        raise NotFound("No such round.")  # another kindergarten's round: as a missing one
    require_department(caller)
    if "deadline" in data:
        year = session.get(AcademicYear, r.academic_year_id)
        assert year is not None  # replicated before any round of it was opened
        _check_deadline(year, data["deadline"])
        r.deadline = data["deadline"]
    if data.get("status") == "closed" and r.status == "open":
        r.status, r.closed_at = "closed", utcnow()
        deps.events.record(session, "preschool.round.closed.v1", _round_event(r, _version_number(session, r)))
    elif data.get("status") == "open" and r.status == "closed":
        raise Conflict("A closed round is not reopened; its figures are final.")
    return r
