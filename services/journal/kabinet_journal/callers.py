"""The caller as the journal's replicas know it: roles from identity's events, never the token's claims."""
from __future__ import annotations

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from kabinet_kit.errors import Unauthenticated

from .access import Caller, Grant
from .models import Account, Guardianship, RoleAssignment

_accounts, _roles, _guardianships = Account.__table__, RoleAssignment.__table__, Guardianship.__table__


# The account, its roles and (for a guardian) its children in one statement: one row per role ×
# child, NULLs where there are none. Built once: every request runs it.
_CALLER = (select(_accounts.c.person_id, _accounts.c.person_kind, _accounts.c.active, _roles.c.id, _roles.c.role,
                  _roles.c.organisation_id, _roles.c.group_id, _guardianships.c.child_id)
           .select_from(_accounts.outerjoin(_roles, _roles.c.account_id == _accounts.c.id)
                        .outerjoin(_guardianships, and_(_guardianships.c.guardian_person_id == _accounts.c.person_id,
                                                        _accounts.c.person_kind == "guardian")))
           .where(_accounts.c.id == bindparam("account_id")))


def load_caller(session: Session, account_id: str) -> Caller:
    """The caller as the journal's replicas know it (roles from identity's events, not the token)."""
    rows = session.connection().execute(_CALLER, {"account_id": account_id}).all()
    if not rows or not rows[0].active:
        raise Unauthenticated("The account is not active in the journal.")
    grants, seen = [], set()
    for row in rows:
        if row.id is not None and row.id not in seen:
            seen.add(row.id)
            grants.append(Grant(row.role, row.organisation_id, row.group_id))
    children = frozenset(row.child_id for row in rows if row.child_id is not None)
    return Caller(account_id, rows[0].person_id, rows[0].person_kind, tuple(grants), children)
