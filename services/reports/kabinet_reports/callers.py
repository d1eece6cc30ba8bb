"""The caller as this service knows them: the token says who, the projection of identity's role
assignments says what they may reach."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.tokens import Principal

from .access import Caller, Grant
from .models import RoleAssignment


def load_caller(session: Session, principal: Principal) -> Caller:
    grants = tuple(Grant(r.role, r.organisation_id, r.group_id) for r in session.scalars(
        select(RoleAssignment).where(RoleAssignment.account_id == principal.account_id,
                                     RoleAssignment.active.is_(True))))
    return Caller(principal.account_id, principal.person_id, grants=grants)
