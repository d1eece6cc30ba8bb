"""Issue 12: the portfolio's OpenAPI document tells the truth — valid, every operation with its
id, security and problem+json answers, the upload as one multipart body — and real answers
match it; out-of-range integers are 422 naming the field, never 500."""
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
def document(world):
    response = world.api.client.get("/openapi.json")
    assert response.status_code == 200
    return response.json


def test_the_document_is_valid_and_complete(document):
    validate_document(document)
    assert incomplete_operations(document) == []
    assert unbounded_integers(document) == []
    assert example_failures(document) == []
    assert document["servers"][0]["url"] == "/api/portfolio"
    upload = document["paths"]["/pupils/{pupil_id}/achievements"]["post"]
    assert list(upload["requestBody"]["content"]) == ["multipart/form-data"]
    assert not [p for p in upload.get("parameters", []) if p.get("in") == "formData"]
    parts = upload["requestBody"]["content"]["multipart/form-data"]["schema"]["allOf"]
    assert {"activity_id", "result", "date"} <= set(parts[1]["properties"])


def test_huge_numbers_are_refused_naming_the_field(world, document):
    assert out_of_range_failures(document, AppSender(world.api, "department")) == []


def test_real_error_answers_are_as_documented(world, document):
    failures, seen = error_answer_failures(document, AppSender(world.api, "department"))
    assert failures == []
    assert {401, 404} <= set(seen)
