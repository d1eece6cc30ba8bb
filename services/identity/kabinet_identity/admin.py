"""Administrators' lists (issue 12): accounts, people, access codes and an institution's
activation funnel. A school's administrator sees his institution's, the department the city's
(of people, staff only: it sees figures, never a family's records); nobody else."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from kabinet_kit.errors import NotFound
from kabinet_kit.events import utcnow
from kabinet_kit.paging import paginate

from .access import Caller, listed_organisations
from .audit import audit
from .grants import in_force
from .models import AccessCode, Account, Organisation, Person, Placement, RoleAssignment, fold

CODE_STATES = ("issued", "redeemed", "expired", "revoked")


def code_state(now: datetime) -> Any:
    """An access code's state, in SQL: redeemed, revoked (its child's data erased), expired, or
    issued (still usable)."""
    return case((AccessCode.redeemed_at.is_not(None), "redeemed"), (AccessCode.revoked_at.is_not(None), "revoked"),
                (AccessCode.expires_at <= now, "expired"), else_="issued")


def list_accounts(session: Session, caller: Caller, query: dict) -> dict:
    orgs = listed_organisations(caller, query["organisation_id"])
    now = utcnow()
    statement = select(Account, Person.organisation_id, Person.kind).join(Person, Person.id == Account.person_id)
    if orgs is not None:
        statement = statement.where(Person.organisation_id.in_(orgs))
    if query["role"]:
        statement = statement.where(exists().where(RoleAssignment.account_id == Account.id,
                                                   RoleAssignment.role == query["role"], in_force(now)))
    if query["active"] is not None:
        statement = statement.where(Account.is_active.is_(query["active"]))
    if query["q"]:
        statement = statement.where(Account.login.startswith(query["q"].strip().lower(), autoescape=True))
    page = paginate(session, statement.order_by(Account.login, Account.id), query, scalars=False)
    ids = [row.Account.id for row in page["items"]]
    roles: dict[str, list[RoleAssignment]] = {i: [] for i in ids}
    for grant in session.scalars(select(RoleAssignment).where(RoleAssignment.account_id.in_(ids), in_force(now))
                                 .order_by(RoleAssignment.granted_at, RoleAssignment.id)):
        roles[grant.account_id].append(grant)
    page["items"] = [{"account_id": a.id, "person_id": a.person_id, "person_kind": kind, "login": a.login,
                      "organisation_id": org, "is_active": a.is_active, "created_at": a.created_at,
                      "activated_at": a.activated_at, "last_login_at": a.last_login_at,
                      "password_change_required": a.must_change_password, "roles": roles[a.id]}
                     for a, org, kind in page["items"]]
    return page


def _placed_or_registered(orgs: frozenset[str]) -> ColumnElement[bool]:
    """A child by where he is placed now (who may read him, access.can_read_child); staff and
    guardians by the institution that registered them."""
    return or_(and_(Person.kind == "child", Placement.organisation_id.in_(orgs)),
               and_(Person.kind != "child", Person.organisation_id.in_(orgs)))


def search_people(session: Session, caller: Caller, query: dict, request_id: str | None) -> dict:
    orgs = listed_organisations(caller, query["organisation_id"])
    statement = (select(Person, Placement, Account.id.label("account_id"))
                 .outerjoin(Placement, Placement.child_id == Person.id)
                 .outerjoin(Account, Account.person_id == Person.id)
                 .where(Person.erased_at.is_(None)))
    if orgs is None:
        statement = statement.where(Person.kind == "staff")
    else:
        statement = statement.where(_placed_or_registered(orgs))
    if query["organisation_id"]:
        statement = statement.where(_placed_or_registered(frozenset({query["organisation_id"]})))
    if query["group_id"]:
        statement = statement.where(Placement.group_id == query["group_id"])
    if query["kind"]:
        statement = statement.where(Person.kind == query["kind"])
    if query["q"]:
        # name_key is " last first middle" folded: a prefix of any part follows a space.
        statement = statement.where(Person.name_key.contains(" " + fold(query["q"].strip()), autoescape=True))
    page = paginate(session, statement.order_by(Person.name_key, Person.id), query, scalars=False)
    items = []
    for person, placement, account_id in page["items"]:
        organisation_id = placement.organisation_id if placement else person.organisation_id
        if person.kind == "child":  # every read of a child's personal data is audited
            audit(session, caller, "read_person", "people", person_id=person.id, organisation_id=organisation_id,
                  request_id=request_id)
        items.append({"person_id": person.id, "kind": person.kind, "last_name": person.last_name,
                      "first_name": person.first_name, "middle_name": person.middle_name,
                      "organisation_id": organisation_id, "group_id": placement.group_id if placement else None,
                      "account_id": account_id})
    page["items"] = items
    return page


def list_access_codes(session: Session, caller: Caller, query: dict) -> dict:
    orgs = listed_organisations(caller, query["organisation_id"])
    state = code_state(utcnow())
    statement = select(AccessCode, state.label("state"))
    if orgs is not None:
        statement = statement.where(AccessCode.organisation_id.in_(orgs))
    if query["state"]:
        statement = statement.where(state == query["state"])
    page = paginate(session, statement.order_by(AccessCode.issued_at.desc(), AccessCode.id), query, scalars=False)
    page["items"] = [{"access_code_id": code.id, "child_id": code.child_id, "organisation_id": code.organisation_id,
                      "channel": code.channel, "guardian_person_id": code.guardian_person_id,
                      "issued_by": code.issued_by, "issued_at": code.issued_at, "expires_at": code.expires_at,
                      "redeemed_at": code.redeemed_at, "state": code_state_name}
                     for code, code_state_name in page["items"]]
    return page


def activation(session: Session, caller: Caller, organisation_id: str) -> dict:
    listed_organisations(caller, organisation_id)
    if session.get(Organisation, organisation_id) is None:
        raise NotFound("No such organisation.")
    state = code_state(utcnow())
    counts = session.execute(select(*(func.coalesce(func.sum(case((state == name, 1), else_=0)), 0)
                                      for name in CODE_STATES))
                             .where(AccessCode.organisation_id == organisation_id)).one()
    codes = dict(zip(CODE_STATES, (int(n) for n in counts), strict=True))
    total, activated = session.execute(
        select(func.count(), func.count(Account.activated_at)).join(Person, Person.id == Account.person_id)
        .where(Person.organisation_id == organisation_id, Account.is_active.is_(True))).one()
    return {"organisation_id": organisation_id, "codes": codes,
            "accounts": {"total": total, "activated": activated},
            "share_activated": activated / total if total else 0.0}
