"""Health information (a special category of personal data, 152-FZ art. 10) never travels on a
public ``*.events`` exchange: no field and no enum value of a public contract may denote it
(issue 11, finding 11)."""
from __future__ import annotations

import pytest
from marshmallow import Schema, fields, validate

from kabinet_contracts import REGISTRY, SPECIAL_CATEGORY_MARKERS, EventContract, EventRegistry
from kabinet_contracts.registry import special_category_words

PUBLIC = [c for c in REGISTRY if not c.carries_personal_data]


@pytest.mark.parametrize("contract", PUBLIC, ids=[c.type for c in PUBLIC])
def test_no_public_contract_names_health(contract: EventContract) -> None:
    """issue 11, finding 11: attendance.marked.v1 offered `absent_ill` to every outside subscriber."""
    assert not special_category_words(contract.schema()), contract.type


class WithIllStatus(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("present", "absent_ill")))


class WithDiagnosis(Schema):
    child_id = fields.UUID(required=True)
    diagnosis = fields.String()


class _Reason(Schema):
    kind = fields.String(validate=validate.OneOf(("Sick-Leave", "holiday")))


class WithNestedSickness(Schema):
    reasons = fields.List(fields.Nested(_Reason))


@pytest.mark.parametrize("schema", [WithIllStatus, WithDiagnosis, WithNestedSickness])
def test_registering_health_on_a_public_exchange_raises(schema: type[Schema]) -> None:
    """issue 11, finding 11: the registry refuses the contract at import time, so it cannot come back."""
    with pytest.raises(ValueError, match="health"):
        EventRegistry().register("journal.attendance.noted.v9", schema, {}, "Health on a public exchange.")


def test_markers_are_whole_words_not_substrings() -> None:
    """'will', 'skills', 'billing' are not health words: markers match whole words of a name."""
    class Harmless(Schema):
        skills = fields.String(validate=validate.OneOf(("will_attend", "billing")))

    assert not special_category_words(Harmless())
    assert {"ill", "health", "diagnosis"} <= SPECIAL_CATEGORY_MARKERS
