"""Issue 12, through the gateway: the merged OpenAPI document and every service's own pass
openapi-spec-validator; every operation has its id, its security (as the gateway enforces it)
and its problem+json answers; real error answers match the document; out-of-range integers are
422 naming the field; a 405 carries Allow; a preflight needs no token."""
from __future__ import annotations

from typing import Any

import pytest
import requests

from kabinet_gateway.auth import is_public
from kabinet_kit.testing.openapi import (
    Answer,
    Sender,
    error_answer_failures,
    incomplete_operations,
    operations,
    out_of_range_failures,
    validate_document,
)


class GatewaySender(Sender):
    def __init__(self, stack, login: str):
        self.stack, self.token = stack, stack.token(login)

    def __call__(self, method: str, path: str, *, query: dict[str, Any] | None = None, json: Any = None,
                 data: bytes | None = None, auth: bool = True) -> Answer:
        headers = {"Authorization": f"Bearer {self.token}"} if auth else {}
        if data is not None:
            headers["Content-Type"] = "application/json"
        response = requests.request(method, f"{self.stack.gateway}{path}", params=query, json=json, data=data,
                                    headers=headers, timeout=10)
        return Answer(response.status_code, response.headers.get("Content-Type", ""), response.content,
                      dict(response.headers))


@pytest.fixture(scope="module")
def merged(stack):
    return stack.get("/api/openapi.json").json()


def test_the_merged_and_every_service_document_are_valid_and_complete(stack, merged):
    validate_document(merged)
    assert incomplete_operations(merged) == []
    ids = [op["operationId"] for _path, _method, op, _params in operations(merged)]
    assert len(ids) == len(set(ids))
    for service in ("identity", "journal", "preschool"):
        own = stack.get(f"/api/{service}/openapi.json").json()
        validate_document(own)
        assert own["servers"][0]["url"] == f"/api/{service}"
    # What the document says needs a token is what the gateway asks one for.
    for path, _method, operation, _params in operations(merged):
        service, _, rest = path.removeprefix("/api/").partition("/")
        if service in ("identity", "journal", "preschool"):
            assert (operation["security"] == []) == is_public(service, rest), path


def test_out_of_range_integers_are_refused_naming_the_field(stack, merged):
    token = stack.token("department")
    offset = stack.get("/api/identity/organisations?offset=9223372036854775808", token)
    assert offset.status_code == 422 and "offset" in offset.json()["errors"]
    version = stack.get("/api/preschool/catalogue?version=99999999999999999999", token)
    assert version.status_code == 422 and "version" in version.json()["errors"]
    assert out_of_range_failures(merged, GatewaySender(stack, "department")) == []


def test_real_error_answers_are_as_documented(stack, merged):
    failures, seen = error_answer_failures(merged, GatewaySender(stack, "school1-admin"))
    assert failures == []
    assert {400, 401, 404} <= set(seen)


def test_a_grid_save_without_a_body_and_a_wrong_method(stack):
    token = stack.token("teacher1")
    loads = stack.get("/api/journal/loads?mine=true", token).json()
    empty = stack.post(f"/api/journal/loads/{loads[0]['id']}/grid", token)
    assert empty.status_code == 422 and empty.json()["errors"] == {"body": ["Нужно тело запроса в формате JSON."]}
    assert empty.json()["title"] == "Неверные данные" and empty.headers["Content-Language"] == "ru"
    # A client that asks for English gets the same problem in English, through the gateway.
    english = requests.post(f"{stack.gateway}/api/journal/loads/{loads[0]['id']}/grid", timeout=10,
                            headers={"Authorization": f"Bearer {token}", "Accept-Language": "en-US,en;q=0.8"})
    assert english.json()["errors"] == {"body": ["A JSON body is required."]}
    assert english.json()["title"] == "Invalid input" and english.headers["Content-Language"] == "en"
    wrong = requests.delete(f"{stack.gateway}/api/journal/loads", headers={"Authorization": f"Bearer {token}"},
                            timeout=10)
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]
    assert wrong.json()["type"] == "https://kabinet.example/problems/method-not-allowed"


def test_a_preflight_is_answered_without_a_token(stack):
    response = requests.options(f"{stack.gateway}/api/identity/me", timeout=10, headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"})
    assert response.status_code == 204
    assert "Access-Control-Allow-Origin" not in response.headers  # no origin is configured
