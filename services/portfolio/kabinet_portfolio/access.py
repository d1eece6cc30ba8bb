"""Who may reach which portfolio (seed 003 §4.4–4.5, §6), from this service's replicas of
identity's role assignments, guardianships and consents (never from a token's claims). Pure
rules; the use cases load the facts and check every object they touch. A pupil the caller may
not reach is answered like a missing one (404)."""
from __future__ import annotations

from dataclasses import dataclass

from kabinet_kit.callers import Caller as KitCaller
from kabinet_kit.callers import Grant
from kabinet_kit.errors import PermissionDenied

__all__ = ["ADMIN_ROLES", "Caller", "Grant", "PupilFacts", "can_review", "consent_missing", "relation",
           "require_department", "sees_names_of", "sees_school"]

ADMIN_ROLES = ("institution_admin", "deputy_director")


@dataclass(frozen=True)
class PupilFacts:
    id: str
    organisation_id: str | None
    group_id: str | None
    consent: bool


@dataclass(frozen=True)
class Caller(KitCaller):
    @property
    def is_department(self) -> bool:
        return self.has("department_officer")

    @property
    def tutor_groups(self) -> set[str]:
        return self.groups("tutor")

    @property
    def admin_orgs(self) -> set[str]:
        return self.organisations(*ADMIN_ROLES)


def relation(caller: Caller, pupil: PupilFacts) -> str | None:
    """How the caller reaches this pupil's portfolio: ``self``, ``guardian``, ``tutor`` (own
    class, §4.4), ``admin`` (own school, §6.1) — or not at all (the department has no reach
    into a pupil's portfolio: it sees the catalogue, ratings without names and statistics)."""
    if pupil.id == caller.person_id:
        return "self"
    if pupil.id in caller.children:
        return "guardian"
    if pupil.group_id is not None and pupil.group_id in caller.tutor_groups:
        return "tutor"
    if pupil.organisation_id is not None and pupil.organisation_id in caller.admin_orgs:
        return "admin"
    return None


def consent_missing(how: str | None, pupil: PupilFacts) -> bool:
    """Seed 003 §4.3: the pupil uses the portfolio only after accepting the processing of his
    personal data; a guardian reaches it only under the pupil's ``portfolio`` consent (POR-03)."""
    return how in ("self", "guardian") and not pupil.consent


def can_review(how: str | None) -> bool:
    """Approve, return, delete achievements (§6.1, §6.2, §7.1): the tutor of the class, the
    school's administration — never the pupil or the family (POR-15)."""
    return how in ("tutor", "admin")


def sees_names_of(caller: Caller, organisation_id: str | None, group_id: str | None) -> bool:
    """Names in a rating (POR-22): the tutor of that class, the administration of that school."""
    return (group_id is not None and group_id in caller.tutor_groups) or (
        organisation_id is not None and organisation_id in caller.admin_orgs)


def sees_school(caller: Caller, organisation_id: str, family_schools: set[str]) -> bool:
    """A school's own lists (its electives, §6.1): its staff (any post there), its pupils and their
    families (``family_schools``: the schools of the caller and his children), the department.
    §4.5 gives a pupil and his parents only what is in his own cabinet, not other schools'."""
    return (caller.is_department or organisation_id in caller.organisations()
            or organisation_id in family_schools)


def require_department(caller: Caller) -> None:
    if not caller.is_department:
        raise PermissionDenied("Only the education department may do this.")
