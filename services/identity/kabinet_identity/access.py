"""Who may do what to whom. Pure rules over the caller's grants and the target's placement;
the service layer loads the facts and calls these for every object it touches."""
from __future__ import annotations

from dataclasses import dataclass

from kabinet_kit.callers import Caller as KitCaller
from kabinet_kit.callers import Grant
from kabinet_kit.errors import PermissionDenied

__all__ = ["Caller", "Grant", "Where", "can_link_guardian", "can_manage_organisation", "can_name_guardian",
           "can_open_account", "can_read_child", "can_read_group", "can_reset_password", "can_serve_child",
           "can_unlink_guardian", "grantable_by", "listed_organisations"]

INSTITUTION_STAFF = ("institution_admin", "deputy_director", "teacher")
GROUP_STAFF = ("tutor", "educator")
DEPARTMENT_APPOINTS = ("department_officer", "institution_admin")


@dataclass(frozen=True)
class Where:
    """Where a child is placed now (None when not enrolled anywhere)."""
    organisation_id: str
    group_id: str | None


@dataclass(frozen=True)
class Caller(KitCaller):
    """The kit's caller with the questions identity's rules ask."""

    @property
    def is_department(self) -> bool:
        return self.has("department_officer")

    def administers(self, organisation_id: str | None) -> bool:
        return organisation_id is not None and self.has("institution_admin", organisation_id)


def can_read_child(caller: Caller, child_id: str, where: Where | None) -> bool:
    if child_id == caller.person_id or child_id in caller.children:
        return True
    if where is None:
        return False
    for g in caller.grants:
        if g.role in INSTITUTION_STAFF and g.organisation_id == where.organisation_id:
            return True
        if g.role in GROUP_STAFF and where.group_id is not None and g.group_id == where.group_id:
            return True
    return False


def can_serve_child(caller: Caller, where: Where | None) -> bool:
    """Issue access codes and register paper consents: the institution's administration, and
    the tutor or educator of the child's own group."""
    if where is None:
        return False
    for g in caller.grants:
        if g.role in ("institution_admin", "deputy_director") and g.organisation_id == where.organisation_id:
            return True
        if g.role in GROUP_STAFF and where.group_id is not None and g.group_id == where.group_id:
            return True
    return False


def can_link_guardian(where: Where, guardian_organisation_id: str | None) -> bool:
    """Staff link to a child only a guardian their institution registered: linking anyone in the city
    would show them the child. A guardian registered elsewhere links the child himself, by redeeming
    the institution's access code with his own login (issue 11, finding 2)."""
    return guardian_organisation_id == where.organisation_id


def can_name_guardian(where: Where, guardian_organisation_id: str | None, linked: bool) -> bool:
    """An access code names only a guardian the child's own institution registered and linked to
    that child: whoever redeems it gets that guardian's account and every child of his (issue 11,
    finding 2)."""
    return linked and can_link_guardian(where, guardian_organisation_id)


def can_unlink_guardian(caller: Caller, where: Where | None) -> bool:
    """Removing a guardian link is the institution administration's decision, not a group's
    tutor's (issue 11, finding 3)."""
    return where is not None and any(g.role in ("institution_admin", "deputy_director")
                                     and g.organisation_id == where.organisation_id for g in caller.grants)


def can_read_group(caller: Caller, organisation_id: str, group_id: str) -> bool:
    for g in caller.grants:
        if g.role in INSTITUTION_STAFF and g.organisation_id == organisation_id:
            return True
        if g.role in GROUP_STAFF and g.group_id == group_id:
            return True
    return False


def can_manage_organisation(caller: Caller, organisation_id: str) -> bool:
    return caller.is_department or caller.administers(organisation_id)


def can_open_account(caller: Caller, person_kind: str, organisation_id: str | None) -> bool:
    """IDN-01: the institution's administrator opens its people's accounts; the department only
    staff accounts, to appoint administrators and its officers. A pupil's or a guardian's account
    opened by the department with a password of its choosing would let it sign in as the family
    (issue 11, found by the security matrix)."""
    return caller.administers(organisation_id) or (caller.is_department and person_kind == "staff")


def grantable_by(caller: Caller, role: str, organisation_id: str | None) -> bool:
    """Accounts are created by the institution administrator; the department appoints
    institution administrators and its own officers (IDN-01): an administrator appointing another
    would keep the institution after the department removed him (issue 11, finding 2)."""
    if caller.is_department:
        return role in DEPARTMENT_APPOINTS or organisation_id is not None
    if role in DEPARTMENT_APPOINTS:
        return False
    return caller.administers(organisation_id)


def can_reset_password(caller: Caller, person_kind: str, organisation_id: str | None) -> bool:
    """Who may open an account may reset its password: the administrator of the person's
    institution, the department for staff only (a family's password chosen by the department
    would let it sign in as the family)."""
    return can_open_account(caller, person_kind, organisation_id)


def listed_organisations(caller: Caller, organisation_id: str | None) -> frozenset[str] | None:
    """The institutions whose accounts, people and access codes an administrators' list may show:
    None for the whole city (the department), the ones the caller administers otherwise (narrowed
    to ``organisation_id`` when named). Raises PermissionDenied for anyone else, and for an
    institution not administered, whether it exists or not (ids cannot be probed)."""
    if caller.is_department:
        return None if organisation_id is None else frozenset({organisation_id})
    administered = frozenset(g.organisation_id for g in caller.grants
                             if g.role == "institution_admin" and g.organisation_id)
    if organisation_id is not None:
        administered &= {organisation_id}
    if not administered:
        raise PermissionDenied("Only the institution's administrator or the department lists these.")
    return administered
