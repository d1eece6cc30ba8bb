"""Who may do what in the journal. Pure rules over the caller's grants (from the replicas of
identity's role assignments, never from the token's claims) and the object's placement; the
service layer loads the facts and calls these for every object it touches."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kabinet_kit.callers import Caller as KitCaller
from kabinet_kit.callers import Grant

MANAGERS = ("institution_admin", "deputy_director")

__all__ = ["MANAGERS", "Caller", "Grant", "LoadFacts"]


@dataclass(frozen=True)
class Caller(KitCaller):
    """The kit's caller with the questions the journal's rules ask."""

    @property
    def is_department(self) -> bool:
        return self.has("department_officer")

    def manages(self, organisation_id: str | None) -> bool:
        """Administrator or deputy director of the institution (its structure and control)."""
        return organisation_id is not None and self.has_any(MANAGERS, organisation_id)

    def administers(self, organisation_id: str | None) -> bool:
        return organisation_id is not None and self.has("institution_admin", organisation_id)

    def tutors(self, group_id: str) -> bool:
        return group_id in self.groups("tutor")

    def teaches_in(self, organisation_id: str) -> bool:
        return self.has("teacher", organisation_id)

    def works_in(self, organisation_id: str) -> bool:
        return organisation_id in self.organisations()


def can_read_structure(caller: Caller, organisation_id: str, family_organisations: set[str]) -> bool:
    """Terms, subjects, mark kinds of an institution: its staff, the department, and the
    families (pupil, guardian) of its pupils — nothing about pupils is in them."""
    return caller.is_department or caller.works_in(organisation_id) or organisation_id in family_organisations


@dataclass(frozen=True)
class LoadFacts:
    """A teaching load as the rules need it."""
    organisation_id: str
    group_id: str
    teacher_account_id: str
    substitutions: tuple[tuple[str, date, date], ...] = ()  # (account, from, to)


def substitutes(caller: Caller, load: LoadFacts, on: date | None = None) -> bool:
    return any(acc == caller.account_id and (on is None or start <= on <= end)
               for acc, start, end in load.substitutions)


def is_load_teacher(caller: Caller, load: LoadFacts) -> bool:
    # An account that has lost its teacher role in the institution no longer keeps the journal.
    return load.teacher_account_id == caller.account_id and caller.teaches_in(load.organisation_id)


def can_read_load(caller: Caller, load: LoadFacts) -> bool:
    """The grid of a group × subject: its teacher, a substitute, the class tutor, the
    institution's administration."""
    return (is_load_teacher(caller, load) or substitutes(caller, load) or caller.tutors(load.group_id)
            or caller.manages(load.organisation_id))


def can_fill_lesson(caller: Caller, load: LoadFacts, on: date) -> bool:
    """Topics, marks and attendance: the load's teacher, or a colleague substituting that day."""
    return is_load_teacher(caller, load) or substitutes(caller, load, on)


def can_read_diary(caller: Caller, child_id: str, consent_in_force: bool) -> bool:
    """The pupil reads their own diary; a guardian only while e_diary consent is in force (JRN-11)."""
    if caller.person_kind == "child" and caller.person_id == child_id:
        return True
    return child_id in caller.children and consent_in_force


def can_read_statistics(caller: Caller, organisation_id: str) -> bool:
    """Aggregates without names: the department city-wide, the administration its institution."""
    return caller.is_department or caller.manages(organisation_id)
