"""Bad input gets problem+json naming the field; nothing is written and no event leaves."""
import pytest


@pytest.fixture()
def school1(api):
    api.token("school1-admin")  # log in first: a first login is itself an event
    return next(o for o in api.as_("department", "GET", "/organisations").json["items"]
                if o["short_name"] == "Школа № 1")["organisation_id"]


CASES = [
    ("unknown field", {"kind": "staff", "last_name": "А", "first_name": "Б", "salary": 1}, {"salary"}),
    ("missing fields", {"kind": "staff"}, {"last_name", "first_name"}),
    ("wrong types", {"kind": "staff", "last_name": 5, "first_name": ["x"], "birth_date": "yesterday"},
     {"last_name", "first_name", "birth_date"}),
    ("bad choice", {"kind": "alien", "last_name": "А", "first_name": "Б"}, {"kind"}),
]


@pytest.mark.parametrize("case,body,fields", CASES, ids=[c[0] for c in CASES])
def test_invalid_person_is_refused_with_field_errors_and_nothing_written(api, school1, case, body, fields):
    before = api.outbox_count()
    response = api.as_("school1-admin", "POST", "/people", json={"organisation_id": school1, **body})
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert set(response.json["errors"]) == fields
    assert api.outbox_count() == before


def test_malformed_json_is_a_400_problem(api):
    before = api.outbox_count()
    response = api.as_("school1-admin", "POST", "/people", data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.content_type == "application/problem+json"
    assert api.outbox_count() == before


def test_a_failure_midway_leaves_no_half_written_state(api, school1):
    """The account is valid but one role is not: neither account nor person's role is kept."""
    person = api.as_("school1-admin", "POST", "/people", json={
        "kind": "staff", "organisation_id": school1, "last_name": "Полу", "first_name": "Записанный"}).json
    before = api.outbox_count()
    response = api.as_("school1-admin", "POST", "/accounts", json={
        "person_id": person["person_id"], "login": "half-written", "password": "valid-pass-123",
        "roles": [{"role": "teacher", "organisation_id": school1},
                  {"role": "tutor", "organisation_id": school1}]})  # a tutor needs a group
    assert response.status_code == 422 and "roles.1" in response.json["errors"]
    assert api.outbox_count() == before
    login = api.client.post("/auth/token", json={"login": "half-written", "password": "valid-pass-123"})
    assert login.status_code == 401


def test_idempotency_key_replays_the_create(api, school1):
    body = {"kind": "staff", "organisation_id": school1, "last_name": "Повторов", "first_name": "Иван"}
    headers = {"Idempotency-Key": "create-povtorov-1"}
    first = api.as_("school1-admin", "POST", "/people", json=body, headers=dict(headers))
    count = api.outbox_count()
    again = api.as_("school1-admin", "POST", "/people", json=body, headers=dict(headers))
    assert first.status_code == again.status_code == 201
    assert again.json["person_id"] == first.json["person_id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert api.outbox_count() == count
    different = api.as_("school1-admin", "POST", "/people", json={**body, "first_name": "Пётр"}, headers=dict(headers))
    assert different.status_code == 409


def test_kindergarten_group_needs_an_age_band(api):
    kg = next(o for o in api.as_("department", "GET", "/organisations").json["items"]
              if o["kind"] == "kindergarten")["organisation_id"]
    year = api.as_("department", "GET", "/academic-years").json["items"][0]["academic_year_id"]
    response = api.as_("kg1-admin", "POST", "/groups", json={
        "organisation_id": kg, "academic_year_id": year, "name": "Новая"})
    assert response.status_code == 422 and "age_band" in response.json["errors"]
    ok = api.as_("kg1-admin", "POST", "/groups", json={
        "organisation_id": kg, "academic_year_id": year, "name": "Новая", "age_band": "middle"})
    assert ok.status_code == 201 and ok.json["kind"] == "kindergarten_group"
