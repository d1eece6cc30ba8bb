"""Who may do what, from this service's own replicas of identity's role assignments and
guardianships (never from the roles a token claims). Pure rules; the service layer loads the
facts and checks every object it touches."""
from __future__ import annotations

from dataclasses import dataclass, field

ADMIN_ROLES = ("institution_admin", "deputy_director")


@dataclass(frozen=True)
class Grant:
    role: str
    organisation_id: str | None = None
    group_id: str | None = None


@dataclass(frozen=True)
class Caller:
    account_id: str
    person_id: str
    grants: tuple[Grant, ...] = ()
    children: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_department(self) -> bool:
        return any(g.role == "department_officer" for g in self.grants)

    @property
    def educator_groups(self) -> set[str]:
        return {g.group_id for g in self.grants if g.role == "educator" and g.group_id}

    @property
    def admin_orgs(self) -> set[str]:
        return {g.organisation_id for g in self.grants if g.role in ADMIN_ROLES and g.organisation_id}

    @property
    def staff_orgs(self) -> set[str]:
        return {g.organisation_id for g in self.grants
                if g.role in ADMIN_ROLES + ("educator",) and g.organisation_id}


def can_read_child(caller: Caller, child_id: str, organisation_id: str | None, group_id: str | None) -> bool:
    if child_id in caller.children:
        return True
    if group_id is not None and group_id in caller.educator_groups:
        return True
    return organisation_id is not None and organisation_id in caller.admin_orgs


def can_write_child(caller: Caller, group_id: str | None) -> bool:
    """Observations, routes and recommendations: the educator of the child's own group (§3.4, §4.3)."""
    return group_id is not None and group_id in caller.educator_groups


def can_read_group(caller: Caller, organisation_id: str, group_id: str) -> bool:
    return group_id in caller.educator_groups or organisation_id in caller.admin_orgs


def can_see_organisation(caller: Caller, organisation_id: str) -> bool:
    """Kindergarten-level aggregates: its administration and the department."""
    return caller.is_department or organisation_id in caller.admin_orgs


def pseudonym(number: int) -> str:
    return f"Воспитанник №{number}"
