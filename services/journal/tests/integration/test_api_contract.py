"""Issue 12: the journal's OpenAPI document tells the truth — valid, every operation with its id,
security, problem+json answers, media types and examples — and real answers match it;
out-of-range integers are 422 naming the field, never 500; a save without a body is refused."""
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
def document(api):
    response = api.client.get("/openapi.json")
    assert response.status_code == 200
    return response.json


def test_the_document_is_valid_and_complete(document):
    validate_document(document)
    assert incomplete_operations(document) == []
    assert unbounded_integers(document) == []
    assert example_failures(document) == []
    assert document["servers"][0]["url"] == "/api/journal"
    assert all(op.get("security") for item in document["paths"].values() for op in item.values()
               if isinstance(op, dict) and "responses" in op)
    rate = document["components"]["schemas"]["FeeRateIn"]["properties"]["daily_rate"]
    assert (rate["type"], rate["minimum"], rate["maximum"]) == ("number", 0, 100000)
    pdf = document["paths"]["/loads/{load_id}/journal.pdf"]["get"]["responses"]["200"]["content"]
    csv = document["paths"]["/loads/{load_id}/journal.csv"]["get"]["responses"]["200"]["content"]
    assert list(pdf) == ["application/pdf"] and list(csv) == ["text/csv"]
    grid_save = document["paths"]["/loads/{load_id}/grid"]["post"]
    assert grid_save["requestBody"]["required"] is True
    lesson = document["paths"]["/loads/{load_id}/lessons"]["post"]
    assert "Idempotency-Key" in [p["name"] for p in lesson["parameters"]] and "409" in lesson["responses"]
    assert {"journal.lessons.save_grid", "journal.lessons.create_lesson", "journal.terms.set_period_marks",
            "journal.fees.set_rate", "journal.plans.save_plan"} <= with_examples(document)


def test_out_of_range_integers_are_refused_naming_the_field(api, document):
    assert out_of_range_failures(document, AppSender(api, "admin1")) == []


def test_a_grid_save_without_a_body_is_refused_naming_the_body(api, school):
    path = f"/loads/{school.maths_5a}/grid"
    empty = api.problem("teacher1", "POST", path, 422)
    assert empty["errors"] == {"body": ["Нужно тело запроса в формате JSON."]}
    text = api.problem("teacher1", "POST", path, 415, data="marks=5", content_type="text/plain")
    assert text["type"] == "https://kabinet.example/problems/unsupported-media-type"


def test_real_error_answers_are_as_documented(api, document, world):
    failures, seen = error_answer_failures(document, AppSender(api, "admin1"))
    assert failures == []
    assert {400, 401, 404} <= set(seen)
    checker = ResponseChecker(document)
    org = world.id("school1")
    clash = api.as_("admin1", "POST", "/subjects", json={"organisation_id": org, "name": "Математика"})
    assert clash.status_code == 409
    checker.check("POST", "/subjects", 409, clash.content_type, clash.get_data())
    refused = api.as_("teacher1", "POST", "/subjects", json={"organisation_id": org, "name": "Химия"})
    assert refused.status_code == 403
    checker.check("POST", "/subjects", 403, refused.content_type, refused.get_data())
