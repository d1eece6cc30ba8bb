"""The reports service's OpenAPI document tells the truth — valid, every operation with its id,
security and problem+json answers, saves guarded by If-Match — and real answers match it;
out-of-range integers are 422 naming the field, never 500."""
from __future__ import annotations

import pytest

from kabinet_kit.testing.openapi import (
    AppSender,
    error_answer_failures,
    example_failures,
    incomplete_operations,
    out_of_range_failures,
    unbounded_integers,
    validate_document,
)


@pytest.fixture(scope="module")
def document(api):
    response = api.client.get("/openapi.json")
    assert response.status_code == 200
    return response.json


def test_the_document_is_valid_and_complete(document):
    validate_document(document)
    assert incomplete_operations(document) == []
    assert unbounded_integers(document) == []
    assert example_failures(document) == []
    assert document["servers"][0]["url"] == "/api/reports"
    for path in ("/diary/schedule", "/diary/schools/{organisation_id}/entries"):
        names = {p["name"] for p in document["paths"][path]["put"]["parameters"]}
        assert "If-Match" in names


def test_huge_numbers_are_refused_naming_the_field(api, document):
    assert out_of_range_failures(document, AppSender(api, "dept")) == []


def test_real_error_answers_are_as_documented(api, document):
    failures, seen = error_answer_failures(document, AppSender(api, "dept"))
    assert failures == []
    assert 401 in seen
