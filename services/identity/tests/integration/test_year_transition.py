"""IDN-11 (issue 12): the year transition of a whole institution in one request: preview, then apply all
of it (movement book entries and their events) or nothing."""
from sqlalchemy import func, select

from kabinet_identity import year_transition
from kabinet_identity.models import OUTBOX, Group, Movement, Placement


def _org(api, short):
    return next(o for o in api.as_("department", "GET", "/organisations").json["items"]
                if o["short_name"] == short)["organisation_id"]


def _years(api):
    old = api.as_("department", "GET", "/academic-years").json
    old = (old["items"] if isinstance(old, dict) else old)[0]["academic_year_id"]
    new = api.as_("department", "POST", "/academic-years", json={
        "name": "2027/2028", "starts_on": "2027-09-01", "ends_on": "2028-08-31"})
    assert new.status_code == 201, new.json
    return old, new.json["academic_year_id"]


def _school_with_a_leaving_class(api, old):
    """School No. 1 with 5А (8), 5Б (6), an empty 6А, and an 11А of two leavers."""
    school1 = _org(api, "Школа № 1")
    c11 = api.as_("school1-admin", "POST", "/groups", json={
        "organisation_id": school1, "academic_year_id": old, "name": "11А", "grade_level": 11})
    assert c11.status_code == 201, c11.json
    for last in ("Выпускников", "Выпускникова"):
        child = api.as_("school1-admin", "POST", "/people", json={
            "kind": "child", "organisation_id": school1, "last_name": last, "first_name": "Саша"}).json["person_id"]
        assert api.as_("school1-admin", "POST", "/movements", json={
            "kind": "enrol", "child_id": child, "group_id": c11.json["group_id"], "order_number": "1-у",
            "order_date": "2026-09-01"}).status_code == 201
    return school1


def _state(api, school1):
    with api.deps.session_factory() as s:
        return (sorted((c, g) for c, g in s.execute(select(Placement.child_id, Placement.group_id)
                                                    .where(Placement.organisation_id == school1))),
                s.scalar(select(func.count()).select_from(Movement)),
                s.scalar(select(func.count()).select_from(Group)),
                s.scalar(select(func.count()).select_from(OUTBOX)))


def _body(old, new, mode, **more):
    return {"from_year_id": old, "to_year_id": new, "mode": mode, **more}


def test_preview_then_apply_moves_every_pupil_and_graduates_the_last_grade(fresh_api):
    api = fresh_api
    old, new = _years(api)
    school1 = _school_with_a_leaving_class(api, old)
    before = _state(api, school1)
    preview = api.as_("school1-admin", "POST", f"/organisations/{school1}/year-transition",
                      json=_body(old, new, "preview"))
    assert preview.status_code == 200, preview.json
    assert (preview.json["promoted"], preview.json["graduated"], preview.json["groups_created"]) == (14, 2, 3)
    steps = {g["group_name"]: (g["action"], g["to_group_name"], g["pupils"]) for g in preview.json["groups"]}
    assert steps == {"5А": ("promote", "6А", 8), "5Б": ("promote", "6Б", 6), "6А": ("promote", "7А", 0),
                     "11А": ("graduate", None, 2)}
    assert _state(api, school1) == before  # a preview changes nothing
    missing_order = api.as_("school1-admin", "POST", f"/organisations/{school1}/year-transition",
                            json=_body(old, new, "apply"))
    assert missing_order.status_code == 422 and set(missing_order.json["errors"]) == {"order_number", "order_date"}
    body = _body(old, new, "apply", order_number="120-у", order_date="2027-08-30")
    applied = api.as_("school1-admin", "POST", f"/organisations/{school1}/year-transition", json=body,
                      headers={"Idempotency-Key": "transition-2027"})
    assert applied.status_code == 200, applied.json
    assert applied.json["applied"] and applied.json["promoted"] == 14 and applied.json["graduated"] == 2
    placements, movements, groups, _ = _state(api, school1)
    with api.deps.session_factory() as s:
        new_groups = {g.id: g for g in s.scalars(select(Group).where(Group.academic_year_id == new))}
        entries = s.scalars(select(Movement).where(Movement.order_number == "120-у")).all()
    assert len(placements) == 14 and {g for _, g in placements} == \
        {g.id for g in new_groups.values() if g.name in ("6А", "6Б")}
    assert sorted(g.name for g in new_groups.values()) == ["6А", "6Б", "7А"]
    assert {g.grade_level for g in new_groups.values() if g.name == "6Б"} == {6}
    assert sorted(e.kind for e in entries) == ["transfer"] * 14 + ["withdraw"] * 2
    assert all(str(e.effective_on) == "2027-09-01" for e in entries)
    types = api.outbox_types()
    assert types.count("identity.child.transferred.v1") == 14 and types.count("identity.child.withdrawn.v1") == 2
    assert types.count("identity.group.created.v1") >= 3
    # The same request again (a retry) answers the same and records nothing more.
    again = api.as_("school1-admin", "POST", f"/organisations/{school1}/year-transition", json=body,
                    headers={"Idempotency-Key": "transition-2027"})
    assert again.status_code == 200 and again.json == applied.json
    assert _state(api, school1)[1] == movements
    # Without the key, a second transition finds nobody left in the old year's groups.
    refused = api.as_("school1-admin", "POST", f"/organisations/{school1}/year-transition", json=body)
    assert refused.status_code == 409 and refused.headers["Content-Type"].startswith("application/problem+json")


def test_a_failure_midway_leaves_nothing_changed(fresh_api, monkeypatch):
    api = fresh_api
    old, new = _years(api)
    school1 = _school_with_a_leaving_class(api, old)
    before = _state(api, school1)
    real, calls = year_transition.apply_movement, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 10:
            raise RuntimeError("the database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(year_transition, "apply_movement", failing)
    body = _body(old, new, "apply", order_number="120-у", order_date="2027-08-30")
    try:  # the test client re-raises what the app did not handle; a server answers 500
        failed = api.as_("school1-admin", "POST", f"/organisations/{school1}/year-transition",
                         json=body).status_code == 500
    except RuntimeError:
        failed = True
    assert failed
    assert len(calls) == 10
    assert _state(api, school1) == before
    monkeypatch.setattr(year_transition, "apply_movement", real)
    assert api.as_("school1-admin", "POST", f"/organisations/{school1}/year-transition",
                   json=body).status_code == 200


def test_who_may_and_what_is_refused(fresh_api):
    api = fresh_api
    old, new = _years(api)
    school1 = _org(api, "Школа № 1")
    for login in ("school2-admin", "teacher1", "guardian1"):
        response = api.as_(login, "POST", f"/organisations/{school1}/year-transition", json=_body(old, new, "preview"))
        assert response.status_code == 403, (login, response.json)
    backwards = api.as_("school1-admin", "POST", f"/organisations/{school1}/year-transition",
                        json=_body(new, old, "preview"))
    assert backwards.status_code == 422 and "to_year_id" in backwards.json["errors"]
    # A pupil already entered into a group of the new year: the transition is refused whole.
    c6a_new = api.as_("school1-admin", "POST", "/groups", json={
        "organisation_id": school1, "academic_year_id": new, "name": "6А", "grade_level": 6}).json["group_id"]
    pupil = api.me("pupil1")["person_id"]
    assert api.as_("school1-admin", "POST", "/movements", json={
        "kind": "transfer", "child_id": pupil, "group_id": c6a_new, "order_number": "5-у",
        "order_date": "2026-12-01"}).status_code == 201
    assert api.as_("school1-admin", "POST", "/movements", json={
        "kind": "transfer", "child_id": pupil, "group_id": _group_of_old_5a(api, school1, old),
        "order_number": "6-у", "order_date": "2026-12-02"}).status_code == 201
    refused = api.as_("department", "POST", f"/organisations/{school1}/year-transition",
                      json=_body(old, new, "preview"))
    assert refused.status_code == 409 and "to_year_id" in refused.json["errors"]


def _group_of_old_5a(api, school1, old):
    with api.deps.session_factory() as s:
        return s.scalar(select(Group.id).where(Group.organisation_id == school1, Group.academic_year_id == old,
                                               Group.name == "5А"))


def test_a_kindergarten_moves_each_group_to_the_next_age_band(fresh_api):
    api = fresh_api
    old, new = _years(api)
    kg1 = _org(api, "Детский сад № 1")
    applied = api.as_("kg1-admin", "POST", f"/organisations/{kg1}/year-transition",
                      json=_body(old, new, "apply", order_number="40-д", order_date="2027-08-30"))
    assert applied.status_code == 200, applied.json
    steps = {g["group_name"]: (g["action"], g["pupils"]) for g in applied.json["groups"]}
    assert steps == {"Солнышко": ("promote", 7), "Звёздочки": ("graduate", 4), "Капельки": ("promote", 0)}
    with api.deps.session_factory() as s:
        bands = {g.name: g.age_band for g in s.scalars(select(Group).where(Group.academic_year_id == new))}
        placed = s.scalar(select(func.count()).select_from(Placement).where(Placement.organisation_id == kg1))
    assert bands == {"Солнышко": "preparatory", "Капельки": "senior"} and placed == 7
