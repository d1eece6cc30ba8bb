"""Who may read and write the diary-introduction reports: the department — every school and the
city; a school's administration (its administrator and deputies) — its own school; only the
school's administrator enters the school's own items. Pure rules over the caller's grants, which
come from this service's projection of identity's role assignments (never from a token's claims)."""
from __future__ import annotations

from dataclasses import dataclass

from kabinet_kit.callers import Caller as KitCaller
from kabinet_kit.callers import Grant
from kabinet_kit.errors import PermissionDenied

__all__ = ["Caller", "Grant", "require_department", "require_reader", "require_school_reader",
           "require_school_writer"]

READER_ROLES = ("institution_admin", "deputy_director")
WRITER_ROLES = ("institution_admin",)


@dataclass(frozen=True)
class Caller(KitCaller):
    @property
    def is_department(self) -> bool:
        return self.has("department_officer")


def require_department(caller: Caller) -> None:
    if not caller.is_department:
        raise PermissionDenied("Only the education department may do this.")


def require_reader(caller: Caller) -> None:
    """The schedule: the department and any school's administration."""
    if not (caller.is_department or caller.organisations(*READER_ROLES)):
        raise PermissionDenied("Reports are for the department and the schools' administration.")


def require_school_reader(caller: Caller, organisation_id: str) -> None:
    if not (caller.is_department or caller.has_any(READER_ROLES, organisation_id)):
        raise PermissionDenied("Only the department or this school's administration sees its report.")


def require_school_writer(caller: Caller, organisation_id: str) -> None:
    if not caller.has_any(WRITER_ROLES, organisation_id):
        raise PermissionDenied("Only this school's administrator enters its report.")
