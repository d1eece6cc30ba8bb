"""``/api/me/overview`` for staff, against fake upstreams over real HTTP: a section per role held,
each service read once and in parallel, an activation read that identity does not (yet) answer
shown as missing, and a slow or down service marking only its own parts."""
from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
import requests
from flask import Flask, jsonify, request

from kabinet_gateway.bootstrap import create_app
from kabinet_kit.testing.http import closed_port_url, serve

ROLES = {
    "teacher-tutor": [{"role": "teacher", "organisation_id": "s1"}, {"role": "tutor", "organisation_id": "s1",
                                                                      "group_id": "5a"}],
    "admin": [{"role": "institution_admin", "organisation_id": "s1"}],
    "head": [{"role": "institution_admin", "organisation_id": "kg"}],
    "educator": [{"role": "educator", "organisation_id": "kg", "group_id": "sun"}],
    "department": [{"role": "department_officer", "organisation_id": "dept"}],
}
KINDS = {"s1": "school", "kg": "kindergarten", "dept": "department"}
TODAY = {"date": "2026-12-02", "lessons": [{"lesson_id": "l1", "organisation_id": "s1", "missing": ["topic"]}],
         "classes": [{"group_id": "5a", "pupils": 8, "absent_today": 1}], "city": {"month": "2026-12", "totals": {}}}
ROUND = {"groups": [{"group_id": "sun", "cards_not_filled": 4}],
         "kindergartens": [{"organisation_id": "kg", "round_number": 2, "filled": 10, "expected": 40}],
         "city": {"round_number": 2, "expected": 40, "filled": 10}}


class Upstream:
    def __init__(self):
        self.calls: Counter = Counter()
        self.slow_round = 0.0
        self.lock = threading.Lock()

    def app(self, jwks) -> Flask:
        app = Flask("fake_services")

        @app.before_request
        def count():
            with self.lock:
                self.calls[request.full_path.rstrip("?")] += 1

        @app.get("/.well-known/jwks.json")
        def keys():
            return jsonify(jwks)

        @app.get("/healthz")
        def healthz():
            return {"status": "ok"}

        @app.get("/me")
        def me():
            login = request.headers["X-Kabinet-Account-Id"]
            return jsonify({"account_id": login, "roles": ROLES[login], "children": []})

        @app.get("/organisations/<org>")
        def organisation(org):
            return jsonify({"id": org, "kind": KINDS[org]})

        @app.get("/organisations/<org>/activation")
        def activation(org):
            if org != "s1":  # identity answers the school's activation only
                return jsonify({"title": "Not Found"}), 404
            return jsonify({"organisation_id": org, "codes": {"issued": 10, "redeemed": 6, "expired": 1, "revoked": 0},
                            "accounts": {"total": 12, "activated": 9}, "share_activated": 0.75})

        @app.get("/me/today")
        def today():
            return jsonify(TODAY)

        @app.get("/me/round")
        def my_round():
            time.sleep(self.slow_round)
            return jsonify(ROUND)

        @app.get("/control/completeness")
        def control():
            return jsonify({"organisation_id": request.args["organisation_id"], "month": request.args["month"],
                            "institution": {"lessons": 30, "without_topic": 2}})

        return app


@pytest.fixture(scope="module")
def upstream():
    return Upstream()


@pytest.fixture(scope="module")
def gateway(upstream, jwks, minter, feed_alive):
    with serve(upstream.app(jwks)) as url:
        app = feed_alive(create_app({"database_url": None, "key_source": minter.key_source, "overview_deadline": 1.0,
                                     "upstreams": {"identity": url, "journal": url, "preschool": url,
                                                   "portfolio": closed_port_url()}}))
        with serve(app) as gateway_url:
            yield gateway_url
        app.extensions["kabinet.gateway"].close()


def overview(gateway, mint, login):
    token, _ = mint(sub=login)
    response = requests.get(f"{gateway}/api/me/overview", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def parts(body, view):
    return next(s for s in body["sections"] if s["view"] == view)["parts"]


def test_teacher_and_tutor_sections_from_one_journal_read(gateway, upstream, mint):
    before = upstream.calls["/me/today"]
    body = overview(gateway, mint, "teacher-tutor")
    assert [s["view"] for s in body["sections"]] == ["teacher", "tutor"]
    assert parts(body, "teacher")["lessons"]["data"]["lessons"] == TODAY["lessons"]
    assert parts(body, "tutor")["class"]["data"] == {"date": "2026-12-02", **TODAY["classes"][0]}
    assert upstream.calls["/me/today"] == before + 1 and body["complete"] is True
    assert body["children"] == [] and body["unavailable_services"] == {}  # portfolio was not needed


def test_a_school_admin_gets_the_months_control_and_activation(gateway, upstream, mint):
    body = overview(gateway, mint, "admin")
    [section] = body["sections"]
    assert (section["view"], section["role"], section["organisation_id"]) == ("school_admin", "institution_admin",
                                                                               "s1")
    control = section["parts"]["journal_control"]
    assert control["status"] == "ok" and control["data"]["organisation_id"] == "s1"
    assert len(control["data"]["month"]) == 7  # YYYY-MM, the institutions' current month
    assert section["parts"]["activation"]["data"]["accounts"] == {"total": 12, "activated": 9}


def test_an_activation_identity_does_not_answer_is_missing_and_the_rest_stands(gateway, mint):
    body = overview(gateway, mint, "head")
    [section] = body["sections"]
    assert section["view"] == "kindergarten_head"
    assert section["parts"]["round"]["data"] == ROUND["kindergartens"][0]
    assert section["parts"]["activation"] == {"status": "missing", "service": "identity", "reason": "not found"}
    assert body["complete"] is False


def test_educator_and_department(gateway, mint):
    educator = overview(gateway, mint, "educator")
    assert parts(educator, "educator")["group"]["data"] == ROUND["groups"][0]
    department = parts(overview(gateway, mint, "department"), "department")
    assert department["journal_control"]["data"] == TODAY["city"]
    assert department["preschool_completeness"]["data"] == ROUND["city"]
    assert department["activation"]["reason"] == "not found"


def test_a_slow_service_misses_only_its_parts_within_the_deadline(gateway, upstream, mint):
    upstream.slow_round = 3.0
    try:
        started = time.monotonic()
        body = overview(gateway, mint, "department")
        assert time.monotonic() - started < 1.0 + 0.6
    finally:
        upstream.slow_round = 0.0
    department = parts(body, "department")
    assert department["preschool_completeness"] == {"status": "missing", "service": "preschool",
                                                    "reason": "timeout"}
    assert department["journal_control"]["status"] == "ok"
