"""Correcting a person's record (a misspelt surname, a wrong birth date; IDN-09).

Load → decide → apply: :func:`decide_correction` holds the rules over plain values (who may,
what actually changes), so they are tested without a database. The correction travels as
``identity.person.updated.v1`` with the record's next sequence, on identity.pd like every
person.* event (its outbox row is flagged personal, so the relay scrubs it once published).
"""
from __future__ import annotations

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
    if not (caller.is_department or any(caller.administers(o) for o in institutions)):
        return Correction("hidden", {})
    if erased:
        return Correction("erased", {})
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


def managing_institution(session: Session, person: Person) -> str | None:
    """The institution whose administrator keeps the person's record: a child's, where he is
    placed now, or the one he last left; anyone else's, the one that registered him."""
    if person.kind == "child":
        placed_in = session.scalar(select(Placement.organisation_id).where(Placement.child_id == person.id))
        last_left = session.scalar(select(Movement.organisation_id).where(
            Movement.child_id == person.id, Movement.kind.in_(PLACING_KINDS)).order_by(Movement.sequence.desc()))
        return placed_in or last_left or person.organisation_id
    return person.organisation_id


def correct_person(deps: Deps, session: Session, caller: Caller, person_id: str, wanted: dict[str, Any],
                   request_id: str | None, today: date) -> Person:
    resource = f"people/{person_id}"
    person = session.get(Person, person_id)
    if person is None:
        deny(deps, caller, "correct_person", resource, request_id=request_id)
    institution = managing_institution(session, person)
    decision = decide_correction(caller, institutions={institution} if institution else set(),
                                 erased=person.erased_at is not None,
                                 current={k: getattr(person, k) for k in CORRECTABLE}, wanted=wanted, today=today)
    if decision.action == "hidden":
        deny(deps, caller, "correct_person", resource, person_id=person.id, request_id=request_id)
    if decision.action == "erased":
        raise Conflict("This person's personal data were erased: there is nothing to correct.")
    if decision.changes:
        # One correction of a person at a time: each takes the next number of his record.
        session.execute(select(Person.id).where(Person.id == person.id).with_for_update())
        for name, value in decision.changes.items():
            setattr(person, name, value)
        increment(session, person)
        # The audit names the fields corrected, never their values (personal data stays in people).
        audit(session, caller, "correct_person", f"{resource}#{','.join(decision.changes)}", person_id=person.id,
              organisation_id=institution, request_id=request_id)
        deps.events.record(session, "identity.person.updated.v1", person_record(person))
    return person
