"""IDN-09 (issue 12): a person's record is corrected by those who manage the person, validated, audited
(the fields, never the values) and sent on identity.pd as identity.person.updated.v1 with the
record's next sequence, flagged personal so the relay scrubs it. The record is read with its ETag
and saved with If-Match: two administrators correcting one record never overwrite each other."""
import json
import uuid

from sqlalchemy import select

from kabinet_identity.models import OUTBOX, Person


def _school1_child(api, last="Ошибкина"):
    school1 = api.me("school1-admin")["roles"][0]["organisation_id"]
    return api.as_("school1-admin", "POST", "/people", json={
        "kind": "child", "organisation_id": school1, "last_name": last, "first_name": "Ира",
        "birth_date": "2015-02-02"}).json["person_id"]


def _patch(api, login, person_id, body):
    """A correction as a client makes it: read the record's version, save over it."""
    read = api.as_(login, "GET", f"/people/{person_id}")
    etag = read.headers.get("ETag", '"none"') if read.status_code == 200 else '"none"'
    return api.as_(login, "PATCH", f"/people/{person_id}", json=body, headers={"If-Match": etag})


def _updates(api, person_id):
    with api.deps.session_factory() as s:
        return [(row.exchange, row.personal, row.body) for row in s.execute(
            select(OUTBOX).where(OUTBOX.c.event_type == "identity.person.updated.v1",
                                 OUTBOX.c.routing_key.isnot(None)).order_by(OUTBOX.c.id)) if person_id in row.body]


def test_the_administrator_corrects_a_surname_and_the_event_carries_the_next_sequence(api):
    child = _school1_child(api)
    with api.deps.session_factory() as s:
        before = s.get(Person, child).sequence
    fixed = _patch(api, "school1-admin", child, {"last_name": "  Ошибкина-Верная ", "birth_date": "2015-03-02"})
    assert fixed.status_code == 200, fixed.json
    assert fixed.json["last_name"] == "Ошибкина-Верная" and fixed.json["birth_date"] == "2015-03-02"
    with api.deps.session_factory() as s:
        person = s.get(Person, child)
        assert (person.last_name, person.first_name, person.sequence) == ("Ошибкина-Верная", "Ира", before + 1)
    [(exchange, personal, body)] = _updates(api, child)
    assert exchange == "identity.pd" and personal
    assert json.loads(body)["data"]["sequence"] == before + 1
    # The audit says who corrected which fields, not what to.
    [record] = api.audit(person_id=child, action="correct_person")
    assert record.actor_account_id == api.me("school1-admin")["account_id"]
    assert record.resource.endswith("#last_name,birth_date") and "Верная" not in record.resource
    # The same values again change nothing: no new version, no event.
    again = _patch(api, "school1-admin", child, {"last_name": "Ошибкина-Верная"})
    assert again.status_code == 200 and len(_updates(api, child)) == 1


def test_the_department_may_correct_and_another_school_may_not(api):
    child = _school1_child(api, "Чужакова")
    refused = _patch(api, "school2-admin", child, {"last_name": "Взломова"})
    missing = _patch(api, "school2-admin", uuid.uuid4(), {"last_name": "Взломова"})
    assert refused.status_code == missing.status_code == 404
    assert _patch(api, "teacher1", child, {"last_name": "Взломова"}).status_code == 404
    with api.deps.session_factory() as s:
        assert s.get(Person, child).last_name == "Чужакова"
    fixed = _patch(api, "department", child, {"first_name": "Ирина"})
    assert fixed.json["first_name"] == "Ирина"
    assert _updates(api, child) and all("Взломова" not in body for _, _, body in _updates(api, child))


def test_bad_corrections_are_problems_naming_the_field_and_change_nothing(api):
    child = _school1_child(api, "Проверкина")
    cases = [({"last_name": ""}, "last_name"), ({"last_name": "   "}, "last_name"),
             ({"first_name": None}, "first_name"),
             ({"birth_date": "2999-01-01"}, "birth_date"), ({"birth_date": "1800-01-01"}, "birth_date"),
             ({"email": "not-an-email"}, "email"), ({"kind": "staff"}, "kind"), ({"phone": "звоните"}, "phone")]
    for body, field in cases:
        response = _patch(api, "school1-admin", child, body)
        assert response.status_code == 422, (body, response.json)
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert field in str(response.json.get("errors")), (body, response.json)
    with api.deps.session_factory() as s:
        assert s.get(Person, child).last_name == "Проверкина"
    assert _updates(api, child) == []


def test_an_erased_person_cannot_be_corrected_back(fresh_api):
    api = fresh_api
    school1 = api.me("school1-admin")["roles"][0]["organisation_id"]
    staff = api.as_("school1-admin", "POST", "/people", json={
        "kind": "staff", "organisation_id": school1, "last_name": "Ушедший", "first_name": "Пётр"}).json["person_id"]
    assert api.as_("school1-admin", "POST", f"/people/{staff}/erasure", json={"basis": "заявление"}).status_code == 200
    refused = _patch(api, "school1-admin", staff, {"last_name": "Ушедший"})
    assert api.as_("school1-admin", "GET", f"/people/{staff}").status_code == 409  # nothing left to read either
    assert refused.status_code == 409 and refused.headers["Content-Type"].startswith("application/problem+json")


def test_a_child_is_corrected_by_the_institution_he_is_in_now(api):
    child = _school1_child(api, "Переходов")
    orgs = {o["short_name"]: o["organisation_id"] for o in api.as_("department", "GET", "/organisations").json["items"]}
    groups = {(g["organisation_id"], g["name"]): g["group_id"]
              for login in ("school1-admin", "school2-admin") for g in api.as_(login, "GET", "/groups").json["items"]}
    orders = [("school1-admin", {"kind": "enrol", "group_id": groups[(orgs["Школа № 1"], "5А")]}),
              ("school1-admin", {"kind": "release", "organisation_id": orgs["Гимназия № 2"]}),
              ("school2-admin", {"kind": "transfer", "group_id": groups[(orgs["Гимназия № 2"], "5А")]})]
    for login, order in orders:
        assert api.as_(login, "POST", "/movements", json={
            "child_id": child, "order_number": "9-п", "order_date": "2026-10-01", **order}).status_code == 201
    # The school that registered him keeps its book, not his record.
    assert _patch(api, "school1-admin", child, {"last_name": "Старый"}).status_code == 404
    fixed = _patch(api, "school2-admin", child, {"last_name": "Переходова"})
    assert fixed.status_code == 200 and fixed.json["last_name"] == "Переходова"
    [record] = api.audit(person_id=child, action="correct_person", outcome="allowed")
    assert record.organisation_id == orgs["Гимназия № 2"]
    assert [r.outcome for r in api.audit(person_id=child, action="correct_person")] == ["denied", "allowed"]


def test_the_record_is_read_with_its_version_by_those_who_correct_it_and_the_read_is_audited(api):
    child = _school1_child(api, "Читаемова")
    read = api.as_("school1-admin", "GET", f"/people/{child}")
    assert read.status_code == 200, read.json
    assert read.json == {"person_id": child, "kind": "child", "organisation_id": api.me("school1-admin")["roles"][0][
        "organisation_id"], "last_name": "Читаемова", "first_name": "Ира", "middle_name": None,
        "birth_date": "2015-02-02", "email": None, "phone": None}
    assert read.headers["ETag"].startswith('"')
    assert api.as_("department", "GET", f"/people/{child}").headers["ETag"] == read.headers["ETag"]
    [record] = api.audit(person_id=child, action="read_person", actor_account_id=api.me("school1-admin")["account_id"])
    assert record.outcome == "allowed" and record.resource == f"people/{child}"
    # Exactly as the correction: another school, a teacher of his own school, a missing id are all 404.
    for login, person in (("school2-admin", child), ("teacher1", child), ("school2-admin", str(uuid.uuid4()))):
        refused = api.as_(login, "GET", f"/people/{person}")
        assert refused.status_code == 404 and "Читаемова" not in refused.get_data(as_text=True)
    assert [r.outcome for r in api.audit(person_id=child, action="read_person")] == ["allowed", "allowed", "denied",
                                                                                       "denied"]


def test_a_correction_over_a_stale_version_is_412_with_the_current_record_and_without_one_428(api):
    child = _school1_child(api, "Спорова")
    etag = api.as_("school1-admin", "GET", f"/people/{child}").headers["ETag"]
    first = api.as_("department", "PATCH", f"/people/{child}", json={"first_name": "Ирина"}, headers={"If-Match": etag})
    assert first.status_code == 200 and first.headers["ETag"] != etag
    # The administrator saves over what he read before the department's correction: refused, not lost.
    stale = api.as_("school1-admin", "PATCH", f"/people/{child}", json={"last_name": "Спорова-Новая"},
                    headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.headers["Content-Type"].startswith("application/problem+json")
    assert stale.json["current"]["first_name"] == "Ирина" and stale.json["current"]["last_name"] == "Спорова"
    assert stale.headers["ETag"] == first.headers["ETag"]
    unversioned = api.as_("school1-admin", "PATCH", f"/people/{child}", json={"last_name": "Спорова-Новая"})
    assert unversioned.status_code == 428 and "If-Match" in unversioned.json["errors"]
    assert "изменился" in stale.json["detail"] and "If-Match" in unversioned.json["detail"]  # in Russian
    with api.deps.session_factory() as s:
        assert (s.get(Person, child).last_name, s.get(Person, child).first_name) == ("Спорова", "Ирина")
    assert len(_updates(api, child)) == 1
    # Saved over the version the correction answered, it applies; the answer's ETag is the read's.
    again = api.as_("school1-admin", "PATCH", f"/people/{child}", json={"last_name": "Спорова-Новая"},
                    headers={"If-Match": stale.headers["ETag"]})
    assert again.status_code == 200 and again.json["last_name"] == "Спорова-Новая"
    assert again.headers["ETag"] == api.as_("school1-admin", "GET", f"/people/{child}").headers["ETag"]
