"""POR-18..23: a coefficient change recomputes every pupil's points with the event; ratings by
class, school and city with ties ranked equally; an opted-out pupil is absent; names only to
those who may see those pupils."""
from kabinet_portfolio import models as m
from kabinet_portfolio.jobs import run_once

from .conftest import pdf_bytes


def _approved(w, login, pupil, activity, text, date="2026-03-03", result="winner"):
    a = w.upload(login, pupil, activity, pdf_bytes(text), date=date, result=result, submit=True)
    assert a.status_code == 201, a.json
    assert w.as_("school1-admin", "POST", f"/achievements/{a.json['id']}/approve", json={}).status_code == 200
    return a.json["id"]


def test_points_ratings_ties_opt_out_and_a_coefficient_change(fresh_world):
    w = fresh_world
    ivan = w.person_of("pupil1")
    maria = w.pupil_account("Мария", "pupil-maria")
    w.consent("pupil-maria", maria)
    artem = w.pupil_account("Артём", "pupil-artem")
    w.consent("pupil-artem", artem)
    olympiad = w.activity("Олимпиада по информатике", category="intellect", subsection="information_technology")
    _approved(w, "pupil1", ivan, olympiad, "ivan")
    _approved(w, "pupil-maria", maria, olympiad, "maria")  # the same: a tie
    _approved(w, "pupil-artem", artem, olympiad, "artem", result="participant")
    c5a = w.group("5А")
    rating = w.as_("tutor1", "GET", f"/ratings/classes/{c5a}").json
    top = [(r["place"], r["points"], r["name"].split()[1]) for r in rating["items"]]
    # Дарья and Максим (consented in the demo city) take part with no points yet: 4th, tied.
    assert sorted(top[:2]) == [(1, 39.0, "Иван"), (1, 39.0, "Мария")]
    assert top[2] == (3, 13.0, "Артём") and sorted(top[3:]) == [(4, 0.0, "Дарья"), (4, 0.0, "Максим")]
    # Another school's administrator and the department: places and points, no names.
    for login in ("school2-admin", "department"):
        anonymous = w.as_(login, "GET", f"/ratings/classes/{c5a}").json["items"]
        assert [r["place"] for r in anonymous] == [1, 1, 3, 4, 4]
        assert all("name" not in r and "pupil_id" not in r for r in anonymous)
    # A pupil sees himself by name and the others without.
    mine = w.as_("pupil-artem", "GET", f"/ratings/classes/{c5a}").json["items"]
    assert [r.get("name") is not None for r in mine] == [False, False, True, False, False] and mine[2]["me"]
    city = w.as_("department", "GET", "/ratings/city?limit=2&offset=1").json
    assert city["total"] == 5 and [r["place"] for r in city["items"]] == [1, 3]

    # Opting out: absent from every rating; the others close up.
    out = w.as_("pupil-maria", "PUT", f"/pupils/{maria}/rating-participation", json={"taking_part": False})
    assert out.status_code == 200 and out.json["places"] == {"class": None, "school": None, "city": None}
    with w.session() as s:
        school1 = s.get(m.Pupil, ivan).organisation_id
    for path in (f"/ratings/classes/{c5a}", f"/ratings/schools/{school1}", "/ratings/city"):
        items = w.as_("tutor1", "GET", path).json["items"]
        assert "Мария" not in " ".join(r.get("name", "") for r in items)
        assert [r["place"] for r in items] == [1, 2, 3, 3]
    assert w.as_("pupil1", "GET", f"/pupils/{ivan}/points").json["places"] == {"class": 1, "school": 1, "city": 1}

    # The department doubles the winner's coefficient: every pupil recomputed by the jobs, with events.
    table = w.as_("department", "GET", "/coefficients").json["items"][0]
    assert table["version"] == 1
    new = {**table["coefficients"], "result": {**table["coefficients"]["result"], "winner": 6.0}}
    assert w.as_("pupil1", "POST", "/coefficients", json={"coefficients": new}).status_code == 403
    bad = w.as_("department", "POST", "/coefficients", json={"coefficients": {**new, "level": {}}})
    assert bad.status_code == 422 and "level" in bad.json["errors"]
    published = w.as_("department", "POST", "/coefficients", json={"coefficients": new})
    assert published.status_code == 201 and published.json["version"] == 2
    events_before = len(w.outbox())
    done = run_once(w.deps)
    assert done["points"]["version"] == 2 and done["points"]["changed"] == 2  # Ivan and Maria; Artem participated
    changed = [d for t, d in w.outbox()[events_before:] if t == "portfolio.points.changed.v1"]
    assert {(d["pupil_id"], d["total"], d["previous_total"], d["table_version"], d["reason"]) for d in changed} == {
        (ivan, 78.0, 39.0, 2, "table_changed"), (maria, 78.0, 39.0, 2, "table_changed")}
    assert "portfolio.coefficients.published.v1" in w.outbox_types()
    assert w.as_("pupil1", "GET", f"/pupils/{ivan}/points").json == {
        "pupil_id": ivan, "points": 78.0, "table_version": 2, "taking_part": True,
        "places": {"class": 1, "school": 1, "city": 1}}
    # Nothing to do a second time the same day.
    assert run_once(w.deps)["points"] is None
    with w.session() as s:
        assert s.get(m.Pupil, artem).points_cents == 1300
