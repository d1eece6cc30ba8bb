"""Correcting a person's record (a misspelt surname, a wrong birth date; IDN-09).

Load → decide → apply: :func:`decide_correction` holds the rules over plain values (who may,
what actually changes), so they are tested without a database. The correction travels as
``identity.person.updated.v1`` with the record's next sequence, on identity.pd like every
person.* event (its outbox row is flagged personal, so the relay scrubs it once published).
The record is a document edited as a whole: read with its version (:func:`read_person`), saved
over the version read (``check``, the API's If-Match), so that two corrections never silently
overwrite each other.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.db import increment
from kabinet_kit.errors import Conflict, InvalidInput

from .access import Caller
from .audit import audit, deny
from .deps import Deps
from .models import Movement, Person, Placement
from .movements import PLACING_KINDS
from .people import person_record

#: What a correction may change; the kind and the registering institution are not corrections.
CORRECTABLE = ("last_name", "first_name", "middle_name", "birth_date", "email", "phone")
#: Names a person cannot be without.
REQUIRED = ("last_name", "first_name")
EARLIEST_BIRTH = date(1900, 1, 1)
ERASED = "This person's personal data were erased: there is nothing to correct."
#: Called with the record as it is now, before a correction changes it (the API's If-Match check).
Check = Callable[[dict[str, Any]], object]


@dataclass(frozen=True)
class Correction:
    #: "apply", "hidden" (404: not the caller's to see) or "erased" (409).
    action: str
    #: The fields whose values change, in CORRECTABLE's order.
    changes: dict[str, Any]


def decide_correction(caller: Caller, *, institutions: set[str], erased: bool, current: dict[str, Any],
                      wanted: dict[str, Any], today: date) -> Correction:
    """``institutions``: where the person's record is kept (:func:`managing_institution`); its
    administrators and the department correct him. Raises InvalidInput naming the field."""
    access = access_to_record(caller, institutions=institutions, erased=erased)
    if access != "apply":
        return Correction(access, {})
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name in CORRECTABLE:
        if name not in wanted:
            continue
        value = wanted[name]
        if isinstance(value, str):
            value = " ".join(value.split()) or None
        if value is None and name in REQUIRED:
            errors[name] = ["Required: cannot be empty."]
        elif name == "birth_date" and value is not None and not EARLIEST_BIRTH <= value <= today:
            errors[name] = ["A birth date is neither in the future nor before 1900."]
        else:
            cleaned[name] = value
    if not wanted:
        errors["_schema"] = ["Name at least one field to correct."]
    if errors:
        raise InvalidInput("The correction is not accepted: check the fields.", errors=errors)
    return Correction("apply", {k: v for k, v in cleaned.items() if current.get(k) != v})


def access_to_record(caller: Caller, *, institutions: set[str], erased: bool) -> str:
    """"apply" when the caller keeps the record (reads and corrects it), else "hidden" or "erased"."""
    if not (caller.is_department or any(caller.administers(o) for o in institutions)):
        return "hidden"
    return "erased" if erased else "apply"


def record_document(person: Person) -> dict[str, Any]:
    """The record as those who correct it read it (its ETag is this document's)."""
    return {"person_id": person.id, "kind": person.kind, "organisation_id": person.organisation_id,
            **{name: getattr(person, name) for name in CORRECTABLE}}


def managing_institution(session: Session, person: Person) -> str | None:
    """The institution whose administrator keeps the person's record: a child's, where he is
    placed now, or the one he last left; anyone else's, the one that registered him."""
    if person.kind == "child":
        placed_in = session.scalar(select(Placement.organisation_id).where(Placement.child_id == person.id))
        last_left = session.scalar(select(Movement.organisation_id).where(
            Movement.child_id == person.id, Movement.kind.in_(PLACING_KINDS)).order_by(Movement.sequence.desc()))
        return placed_in or last_left or person.organisation_id
    return person.organisation_id


def _kept_record(deps: Deps, session: Session, caller: Caller, person_id: str, action: str,
                 request_id: str | None) -> tuple[Person, str | None]:
    """The person and the institution keeping his record, if the caller keeps it; 404 (audited) if
    not, exactly alike for a missing id; 409 if erased (nothing left to read or correct)."""
    resource = f"people/{person_id}"
    person = session.get(Person, person_id)
    if person is None:
        deny(deps, caller, action, resource, request_id=request_id)
    institution = managing_institution(session, person)
    access = access_to_record(caller, institutions={institution} if institution else set(),
                              erased=person.erased_at is not None)
    if access == "hidden":
        deny(deps, caller, action, resource, person_id=person.id, request_id=request_id)
    if access == "erased":
        raise Conflict(ERASED)
    return person, institution


def read_person(deps: Deps, session: Session, caller: Caller, person_id: str, request_id: str | None) -> dict:
    person, institution = _kept_record(deps, session, caller, person_id, "read_person", request_id)
    audit(session, caller, "read_person", f"people/{person_id}", person_id=person.id, organisation_id=institution,
          request_id=request_id)
    return record_document(person)


def correct_person(deps: Deps, session: Session, caller: Caller, person_id: str, wanted: dict[str, Any],
                   request_id: str | None, today: date, check: Check | None = None) -> dict[str, Any]:
    """Answers the record as corrected. ``check`` sees the record as stored now, under the lock."""
    resource = f"people/{person_id}"
    person, institution = _kept_record(deps, session, caller, person_id, "correct_person", request_id)
    # One correction of a person at a time: each compares with, and takes the next number of, his record.
    session.refresh(person, with_for_update=True)
    if check is not None:
        check(record_document(person))
    decision = decide_correction(caller, institutions={institution} if institution else set(),
                                 erased=person.erased_at is not None,
                                 current={k: getattr(person, k) for k in CORRECTABLE}, wanted=wanted, today=today)
    if decision.action == "erased":  # erased while we waited for the lock
        raise Conflict(ERASED)
    if decision.changes:
        for name, value in decision.changes.items():
            setattr(person, name, value)
        increment(session, person)
        # The audit names the fields corrected, never their values (personal data stays in people).
        audit(session, caller, "correct_person", f"{resource}#{','.join(decision.changes)}", person_id=person.id,
              organisation_id=institution, request_id=request_id)
        deps.events.record(session, "identity.person.updated.v1", person_record(person))
    return record_document(person)
