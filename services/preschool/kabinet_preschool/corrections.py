"""The audit of corrections (seed 000 §3.4, §4.2.3): every level a person responsible for the
cabinet changed over an educator's entry — who, when, which entry, old → new — for the head."""
from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kabinet_kit.errors import PermissionDenied
from kabinet_kit.paging import paginate

from .access import Caller, is_head_of
from .models import Card, Indicator, ObservationCorrection


def corrections_page(session: Session, caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    """Newest first; filtered by round, child and who corrected (natural keys)."""
    organisation_id = str(query["organisation_id"])
    if not is_head_of(caller, organisation_id):
        raise PermissionDenied("The audit of corrections is for the head of this kindergarten.")
    c = ObservationCorrection
    stmt = select(c, Indicator.code, Card.code).join(Indicator, Indicator.id == c.indicator_id) \
        .join(Card, Card.id == Indicator.card_id).where(c.organisation_id == organisation_id)
    for column, key in ((c.round_id, "round_id"), (c.child_id, "child_id"), (c.corrected_by, "corrected_by")):
        if query.get(key) is not None:
            stmt = stmt.where(column == str(query[key]))
    # A multi-column select: the kit types paginate() for one column.
    found = paginate(session, cast("Select[Any]", stmt.order_by(c.corrected_at.desc(), c.id.desc())), query,
                     scalars=False)
    return {**found, "items": [{
        "id": row.id, "observation_id": row.observation_id, "child_id": row.child_id, "round_id": row.round_id,
        "indicator_id": row.indicator_id, "indicator_code": indicator_code, "card_code": card_code,
        "corrected_by": row.corrected_by, "corrected_at": row.corrected_at, "entered_by": row.entered_by,
        "old_level": row.old_level, "new_level": row.new_level, "old_note": row.old_note, "new_note": row.new_note,
    } for row, indicator_code, card_code in found["items"]]}
