"""Issue 11, finding 9: a transfer from another institution needs that institution's transfer out
(a release in the movement book), or the department's order."""
import uuid


def _org(api, short):
    return next(o for o in api.as_("department", "GET", "/organisations").json["items"] if o["short_name"] == short)


def _group(api, admin, name):
    return next(g for g in api.as_(admin, "GET", "/groups").json["items"] if g["name"] == name)


def _school1_pupil(api, last):
    child = api.as_("school1-admin", "POST", "/people", json={
        "kind": "child", "organisation_id": _org(api, "Школа № 1")["organisation_id"], "last_name": last,
        "first_name": "Лев", "birth_date": "2015-02-02"}).json["person_id"]
    assert api.as_("school1-admin", "POST", "/movements", json={
        "kind": "enrol", "child_id": child, "group_id": _group(api, "school1-admin", "5А")["group_id"],
        "order_number": "300-у", "order_date": "2026-09-01"}).status_code == 201
    return child


def _transfer_to_gymnasium(api, who, child, order="17-п"):
    return api.as_(who, "POST", "/movements", json={
        "kind": "transfer", "child_id": child, "group_id": _group(api, "school2-admin", "5А")["group_id"],
        "order_number": order, "order_date": "2026-10-05"})


def test_another_school_cannot_take_a_pupil_without_a_release(fresh_api):
    """Issue 11, finding 9: school2-admin transfers a School No. 1 pupil into Gymnasium No. 2 with no
    transfer out from School No. 1: refused, the child stays where he was and Gymnasium No. 2 cannot read him."""
    api = fresh_api
    child = _school1_pupil(api, "Переводов")
    refused = _transfer_to_gymnasium(api, "school2-admin", child)
    # Another school's pupil not released to it is answered as a missing child (issue 11, Low 3).
    missing = _transfer_to_gymnasium(api, "school2-admin", str(uuid.uuid4()))
    assert refused.status_code == missing.status_code == 422, refused.json
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert refused.json["errors"] == missing.json["errors"] == {"child_id": ["Такого ребёнка нет."]}
    assert api.as_("school1-admin", "GET", f"/children/{child}").json["organisation_id"] == \
        _org(api, "Школа № 1")["organisation_id"]
    assert api.as_("school2-admin", "GET", f"/children/{child}").status_code == 404
    assert "identity.child.transferred.v1" not in api.outbox_types()
    # Only School No. 1 releases its pupil: Gymnasium No. 2 cannot write the release itself.
    forged = api.as_("school2-admin", "POST", "/movements", json={
        "kind": "release", "child_id": child, "organisation_id": _org(api, "Гимназия № 2")["organisation_id"],
        "order_number": "18-п", "order_date": "2026-10-05"})
    assert forged.status_code == 422 and forged.json["errors"] == {"child_id": ["Такого ребёнка нет."]}
    assert _transfer_to_gymnasium(api, "school2-admin", child).status_code == 422


def test_release_by_the_sending_school_lets_the_receiving_school_transfer_in(fresh_api):
    """Issue 11, finding 9: with School No. 1's transfer out order the transfer in is recorded, and the
    movement book keeps both orders."""
    api = fresh_api
    child = _school1_pupil(api, "Отпущенов")
    gymnasium = _org(api, "Гимназия № 2")["organisation_id"]
    release = api.as_("school1-admin", "POST", "/movements", json={
        "kind": "release", "child_id": child, "organisation_id": gymnasium,
        "order_number": "305-у", "order_date": "2026-10-01"})
    assert release.status_code == 201, release.json
    assert release.json["organisation_id"] == gymnasium and release.json["group_id"] is None
    # The release moves nobody: the child is still School No. 1's.
    assert api.as_("school2-admin", "GET", f"/children/{child}").status_code == 404
    moved = _transfer_to_gymnasium(api, "school2-admin", child)
    assert moved.status_code == 201, moved.json
    assert api.as_("school2-admin", "GET", f"/children/{child}").json["organisation_id"] == gymnasium
    history = api.as_("school2-admin", "GET", f"/children/{child}/movements").json
    assert [(m["kind"], m["order_number"]) for m in history] == [
        ("enrol", "300-у"), ("release", "305-у"), ("transfer", "17-п")]
    types = api.outbox_types()
    assert "identity.child.released.v1" in types and "identity.child.transferred.v1" in types
    # The release was spent by that transfer: it does not let School No. 1 be bypassed a second time.
    back = api.as_("school1-admin", "POST", "/movements", json={
        "kind": "transfer", "child_id": child, "group_id": _group(api, "school1-admin", "5А")["group_id"],
        "order_number": "310-у", "order_date": "2026-10-20"})
    assert back.status_code == 409


def test_department_orders_a_transfer_between_institutions(fresh_api):
    """Issue 11, finding 9: the department may order the transfer directly."""
    api = fresh_api
    child = _school1_pupil(api, "Департаментов")
    moved = _transfer_to_gymnasium(api, "department", child, order="Д-12")
    assert moved.status_code == 201, moved.json
    assert moved.json["from_organisation_id"] == _org(api, "Школа № 1")["organisation_id"]
    assert api.as_("school2-admin", "GET", f"/children/{child}").status_code == 200
