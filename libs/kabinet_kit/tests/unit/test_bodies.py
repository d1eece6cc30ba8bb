"""Issue 11, low findings: a JSON body with an unpaired surrogate (`{"login": "\\ud800"}`) or
nested 50,000 deep answered 500; every service now refuses both with a 400 problem."""
from __future__ import annotations

import json

import pytest
from flask import request

from kabinet_kit.bodies import json_body_problem
from kabinet_kit.web import create_base_app, register_body_checks


@pytest.fixture
def client():
    app, _api = create_base_app("sample", title="sample")
    register_body_checks(app)  # as create_service_app does for every service
    seen: list[object] = []

    @app.post("/echo")
    def echo():
        body = request.get_json()
        seen.append(body)
        return {"echo": json.dumps(body, ensure_ascii=False)}

    app.extensions["seen"] = seen
    return app.test_client()


@pytest.mark.parametrize("raw", ['{"login": "\\ud800", "password": "x"}', '["a\\udfff"]', '{"k": {"v": "\\ud83d"}}'])
def test_unpaired_surrogates_are_a_400_problem_and_never_reach_the_view(client, raw):
    response = client.post("/echo", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert "surrogate" in response.json["detail"]
    assert client.application.extensions["seen"] == []


def test_a_body_nested_too_deep_is_a_400_problem(client):
    response = client.post("/echo", data="[" * 50_000 + "]" * 50_000, content_type="application/json")
    assert response.status_code == 400 and "nested too deeply" in response.json["detail"]


def test_ordinary_bodies_pass_untouched(client):
    grid = {"cells": [{"child_id": str(i), "value": "5", "note": "Пятёрка \\u2014 молодец"} for i in range(600)]}
    for raw in (json.dumps(grid), json.dumps(grid, ensure_ascii=False), '{"emoji": "\\ud83d\\ude00"}'):
        response = client.post("/echo", data=raw.encode("utf-8"), content_type="application/json")
        assert response.status_code == 200, response.json
    assert json_body_problem(b'{"a": 1}') is None and json_body_problem(b"not json \\u") is None
