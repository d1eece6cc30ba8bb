"""Issue 12: the preschool cabinet's OpenAPI document tells the truth — valid, every operation
with its id, security, problem+json answers, media types and examples — and real answers
match it; out-of-range integers (a huge catalogue version or indicator id) are 422 naming the
field, never 500."""
from __future__ import annotations

import pytest

from kabinet_kit.testing.openapi import (
    AppSender,
    ResponseChecker,
    error_answer_failures,
    example_failures,
    incomplete_operations,
    out_of_range_failures,
    unbounded_integers,
    validate_document,
    with_examples,
)


@pytest.fixture(scope="module")
def document(world):
    response = world.client.get("/openapi.json")
    assert response.status_code == 200
    return response.json


def test_the_document_is_valid_and_complete(document):
    validate_document(document)
    assert incomplete_operations(document) == []
    assert unbounded_integers(document) == []
    assert example_failures(document) == []
    assert document["servers"][0]["url"] == "/api/preschool"
    report = document["paths"]["/reports/analytical"]["get"]["responses"]["200"]["content"]
    assert report == {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    assert {"preschool.children.record_observation", "preschool.rounds.open_round"} <= with_examples(document)


def test_huge_numbers_are_refused_naming_the_field(world, document, rounds):
    catalogue = world.as_("educator1", "GET", "/catalogue?version=99999999999999999999")
    assert catalogue.status_code == 422 and "version" in catalogue.json["errors"]
    observation = world.as_("educator1", "POST", "/observations", json={  # refused before any version check
        "child_id": "c4a1e2b3-d5f6-4a7b-9c8d-e1f2a3b4c5d6", "round_id": rounds[1],
        "indicator_id": 2**63, "level": 3})
    assert observation.status_code == 422 and "indicator_id" in observation.json["errors"]
    assert world.as_("department", "POST", f"/catalogue/versions/{2**40}/publish").status_code == 404
    assert out_of_range_failures(document, AppSender(world.api, "department")) == []


def test_real_error_answers_are_as_documented(world, document, rounds):
    failures, seen = error_answer_failures(document, AppSender(world.api, "department"))
    assert failures == []
    assert {400, 401, 404} <= set(seen)
    checker = ResponseChecker(document)
    twice = world.as_("department", "POST", "/rounds", json={
        "organisation_id": world.org("Детский сад № 1"), "academic_year_id": world.year(), "number": 1,
        "deadline": "2026-10-20"})
    assert twice.status_code == 409
    checker.check("POST", "/rounds", 409, twice.content_type, twice.get_data())
