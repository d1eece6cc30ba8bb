"""Who may do what, from this service's own replicas of identity's role assignments and
guardianships (never from the roles a token claims). Pure rules; the use cases load the facts
and check every object they touch."""
from __future__ import annotations

from dataclasses import dataclass

from kabinet_kit.callers import Caller as KitCaller
from kabinet_kit.callers import Grant
from kabinet_kit.errors import PermissionDenied

__all__ = ["ADMIN_ROLES", "HEAD_ROLE", "Caller", "Grant", "can_correct_child", "can_read_child", "can_read_group",
           "can_see_organisation", "can_write_child", "is_head_of", "pseudonym", "require_department",
           "staff_can_read_child"]

ADMIN_ROLES = ("institution_admin", "deputy_director")
HEAD_ROLE = "institution_admin"


@dataclass(frozen=True)
class Caller(KitCaller):
    @property
    def is_department(self) -> bool:
        return self.has("department_officer")

    @property
    def educator_groups(self) -> set[str]:
        return self.groups("educator")

    @property
    def admin_orgs(self) -> set[str]:
        return self.organisations(*ADMIN_ROLES)

    @property
    def staff_orgs(self) -> set[str]:
        return self.organisations(*ADMIN_ROLES, "educator")


def staff_can_read_child(caller: Caller, organisation_id: str | None, group_id: str | None) -> bool:
    """Reach through a post (educator, administration), not through the family."""
    if group_id is not None and group_id in caller.educator_groups:
        return True
    return organisation_id is not None and organisation_id in caller.admin_orgs


def can_read_child(caller: Caller, child_id: str, organisation_id: str | None, group_id: str | None) -> bool:
    return child_id in caller.children or staff_can_read_child(caller, organisation_id, group_id)


def can_write_child(caller: Caller, group_id: str | None) -> bool:
    """Observations, routes and recommendations: the educator of the child's own group (PRE-07)."""
    return group_id is not None and group_id in caller.educator_groups


def can_correct_child(caller: Caller, organisation_id: str | None) -> bool:
    """The persons responsible for the cabinet in the kindergarten (seed 000 §3.4, §4.2.3): its
    head and the deputy the head's order names for the cabinet (the methodist, §5.1.4.1) correct
    the educators' entries; every such change is audited."""
    return organisation_id is not None and organisation_id in caller.admin_orgs


def is_head_of(caller: Caller, organisation_id: str) -> bool:
    """The head (заведующий) of the kindergarten: the register of consents (§4.2.5) and the
    audit of corrections are theirs."""
    return organisation_id in caller.organisations(HEAD_ROLE)


def can_read_group(caller: Caller, organisation_id: str, group_id: str) -> bool:
    return group_id in caller.educator_groups or organisation_id in caller.admin_orgs


def can_see_organisation(caller: Caller, organisation_id: str) -> bool:
    """Kindergarten-level aggregates: its administration and the department."""
    return caller.is_department or organisation_id in caller.admin_orgs


def require_department(caller: Caller) -> None:
    if not caller.is_department:
        raise PermissionDenied("Only the education department may do this.")


def pseudonym(number: int) -> str:
    """How a child without a preschool_cabinet consent is shown (PRE-06)."""
    return f"Воспитанник №{number}"
