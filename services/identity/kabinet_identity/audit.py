"""Audit of personal-data reads: the record of each read and refusal, and reading it back."""
from __future__ import annotations

from typing import NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.errors import InvalidInput, NotFound, PermissionDenied
from kabinet_kit.events import utcnow
from kabinet_kit.paging import paginate
from kabinet_kit.web import write_regardless

from .access import Caller
from .deps import Deps
from .models import AuditRecord


def audit(session: Session, caller: Caller | None, action: str, resource: str, *, outcome: str = "allowed",
          person_id: str | None = None, organisation_id: str | None = None, request_id: str | None = None) -> None:
    session.add(AuditRecord(at=utcnow(), actor_account_id=caller.account_id if caller else None, action=action,
                            outcome=outcome, person_id=person_id, organisation_id=organisation_id,
                            resource=resource, request_id=request_id))


def deny(deps: Deps, caller: Caller, action: str, resource: str, *, person_id: str | None = None,
         organisation_id: str | None = None, request_id: str | None = None, not_found: bool = True) -> NoReturn:
    """Record a refused attempt in its own transaction, then refuse. Objects the caller may not
    see answer 404, so that ids cannot be probed for existence."""
    write_regardless(deps.session_factory, lambda s: audit(
        s, caller, action, resource, outcome="denied", person_id=person_id, organisation_id=organisation_id,
        request_id=request_id))
    if not_found:
        raise NotFound("No such object, or it is not yours to see.")
    raise PermissionDenied("Your role does not allow this.")


def list_audit(session: Session, caller: Caller, query: dict) -> dict:
    organisation_id = query["organisation_id"]
    if not caller.is_department:
        if not caller.has("institution_admin"):
            raise PermissionDenied("Only the institution's administrator reads its audit.")
        if organisation_id is None:
            organisations = {g.organisation_id for g in caller.grants if g.role == "institution_admin"}
            if len(organisations) != 1:
                raise InvalidInput("Choose an institution.", errors={"organisation_id": ["Required."]})
            organisation_id = organisations.pop()
        if not caller.administers(organisation_id):
            raise PermissionDenied("Only the institution's administrator reads its audit.")
    statement = select(AuditRecord)
    if organisation_id:
        statement = statement.where(AuditRecord.organisation_id == organisation_id)
    if query["person_id"]:
        statement = statement.where(AuditRecord.person_id == query["person_id"])
    if query["action"]:
        statement = statement.where(AuditRecord.action == query["action"])
    if query["since"]:
        statement = statement.where(AuditRecord.at >= query["since"])
    if query["until"]:
        statement = statement.where(AuditRecord.at < query["until"])
    return paginate(session, statement.order_by(AuditRecord.id.desc()), query)
