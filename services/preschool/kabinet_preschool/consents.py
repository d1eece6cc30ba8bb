"""The head's register of consents (seed 000 §4.2.5): the head answers for the guardians'
consents being in force, so they see, per child of their kindergarten, each consent with its
guardian, purpose, state and dates. From identity's consent events; the child by name only under
the preschool_cabinet consent (§3.3), the guardian by id (this service holds no guardian names)."""
from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kabinet_kit.errors import PermissionDenied
from kabinet_kit.paging import paginate

from .access import Caller, is_head_of, pseudonym
from .models import Child, ChildName, ChildNumber, ConsentRecord


def consent_register(session: Session, caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    organisation_id = str(query["organisation_id"])
    if not is_head_of(caller, organisation_id):
        raise PermissionDenied("The register of consents is for the head of this kindergarten.")
    c = ConsentRecord
    stmt = select(c, Child, ChildNumber.number, ChildName) \
        .join(Child, Child.id == c.child_id) \
        .outerjoin(ChildNumber, (ChildNumber.child_id == Child.id) & (ChildNumber.group_id == Child.group_id)) \
        .outerjoin(ChildName, (ChildName.child_id == Child.id) & Child.consent.is_(True)) \
        .where(Child.organisation_id == organisation_id)
    for column, key in ((c.child_id, "child_id"), (c.purpose, "purpose"), (c.status, "state"),
                        (Child.group_id, "group_id")):
        if query.get(key) is not None:
            stmt = stmt.where(column == str(query[key]))
    order = (Child.group_id, ChildNumber.number, c.purpose, c.registration_date, c.id)
    # A multi-column select: the kit types paginate() for one column.
    found = paginate(session, cast("Select[Any]", stmt.order_by(*order)), query, scalars=False)
    return {**found, "items": [{
        "consent_id": row.id, "child_id": row.child_id, "group_id": child.group_id,
        "child": f"{name.last_name} {name.first_name}" if name else pseudonym(number or 0),
        "named": name is not None, "guardian_person_id": row.guardian_person_id, "purpose": row.purpose,
        "state": row.status, "registration_number": row.registration_number,
        "registration_date": row.registration_date, "given_at": row.given_at, "ended_at": row.ended_at,
    } for row, child, number, name in found["items"]]}
