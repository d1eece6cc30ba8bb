"""The caller as this service knows them: the token says who, the replicas of identity's role
assignments and guardianships say what they may reach."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.tokens import Principal

from .access import Caller, Grant
from .models import Guardianship, RoleAssignment


def caller_of(session: Session, account_id: str, person_id: str) -> Caller:
    grants = tuple(Grant(r.role, r.organisation_id, r.group_id) for r in session.scalars(
        select(RoleAssignment).where(RoleAssignment.account_id == account_id, RoleAssignment.active.is_(True))))
    children = frozenset(session.scalars(select(Guardianship.child_id).where(
        Guardianship.guardian_person_id == person_id))) if person_id else frozenset()
    return Caller(account_id, person_id, grants=grants, children=children)


def load_caller(session: Session, principal: Principal) -> Caller:
    return caller_of(session, principal.account_id, principal.person_id)
