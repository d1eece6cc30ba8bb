"""Issue 12: identity's OpenAPI document tells the truth — valid, every operation with its id,
security and problem+json answers — and real answers match it; out-of-range integers are 422
naming the field, never 500; a 405 says what is allowed."""
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
    assert document["servers"][0]["url"] == "/api/identity"
    public = {(path, method) for path, item in document["paths"].items() for method, op in item.items()
              if isinstance(op, dict) and op.get("security") == []}
    assert public == {("/auth/token", "post"), ("/auth/refresh", "post"), ("/access-codes/redeem", "post"),
                      ("/.well-known/jwks.json", "get")}
    jwks = document["paths"]["/.well-known/jwks.json"]["get"]["responses"]["200"]
    assert jwks["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Jwks"}
    assert example_failures(document) == []
    assert {"identity.auth.token", "identity.people.create_person", "identity.people.create_account",
            "identity.people.record_movement", "identity.people.give_consent",
            "identity.people.redeem_access_code"} <= with_examples(document)


def test_out_of_range_integers_are_refused_naming_the_field(api, document):
    assert api.client.get("/organisations?offset=9223372036854775808",
                          headers={"Authorization": f"Bearer {api.token('department')}"}).status_code == 422
    assert out_of_range_failures(document, AppSender(api, "department")) == []


def test_real_error_answers_are_as_documented(api, document):
    failures, seen = error_answer_failures(document, AppSender(api, "department"))
    assert failures == []
    assert {400, 401, 404} <= set(seen)
    # A 409 and a 422 of their own.
    checker = ResponseChecker(document)
    org = api.me("school1-admin")["roles"][0]["organisation_id"]
    body = {"organisation_id": org, "kind": "staff", "last_name": "Дубль", "first_name": "Дубль"}
    first = api.as_("school1-admin", "POST", "/people", json=body, headers={"Idempotency-Key": "contract-1"})
    assert first.status_code == 201, first.json
    clash = api.as_("school1-admin", "POST", "/people", json={**body, "last_name": "Другой"},
                    headers={"Idempotency-Key": "contract-1"})
    assert clash.status_code == 409
    checker.check("POST", "/people", 409, clash.content_type, clash.get_data())
    invalid = api.as_("school1-admin", "POST", "/people", json={"kind": "staff"})
    assert invalid.status_code == 422 and "last_name" in invalid.json["errors"]
    checker.check("POST", "/people", 422, invalid.content_type, invalid.get_data())


def test_problems_carry_a_stable_type_and_a_russian_title(api):
    missing = api.as_("department", "GET", "/organisations/00000000-0000-4000-8000-000000000000")
    assert missing.status_code == 404
    assert missing.json["type"] == "https://kabinet.example/problems/not-found"
    assert missing.json["title"] == "Не найдено"
    anonymous = api.client.get("/me")
    assert anonymous.json["type"] == "https://kabinet.example/problems/unauthenticated"
    assert anonymous.json["title"] == "Требуется вход"


def test_a_405_says_which_methods_are_allowed(api):
    response = api.client.delete("/auth/token")
    assert response.status_code == 405
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert "POST" in response.headers["Allow"]
    assert response.json["type"] == "https://kabinet.example/problems/method-not-allowed"
