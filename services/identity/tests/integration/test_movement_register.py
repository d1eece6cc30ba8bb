"""IDN-10 (issue 12): the movement register of an institution by period, paged, and its printable book."""
import io

from pypdf import PdfReader


def _org(api, short):
    return next(o for o in api.as_("department", "GET", "/organisations").json["items"]
                if o["short_name"] == short)["organisation_id"]


def _group(api, admin, name):
    return next(g for g in api.as_(admin, "GET", "/groups").json["items"] if g["name"] == name)["group_id"]


def _book(fresh_api):
    """School No. 1 enrols a pupil in October, moves him from 5А to 5Б, then releases him to
    Gymnasium No. 2, which takes him in; another pupil is withdrawn."""
    api = fresh_api
    school1, gymnasium = _org(api, "Школа № 1"), _org(api, "Гимназия № 2")
    child = api.as_("school1-admin", "POST", "/people", json={
        "kind": "child", "organisation_id": school1, "last_name": "Движенцев", "first_name": "Олег",
        "birth_date": "2015-02-02"}).json["person_id"]
    orders = [("school1-admin", {"kind": "enrol", "group_id": _group(api, "school1-admin", "5А"),
                                 "order_number": "301-у", "order_date": "2026-10-01"}),
              ("school1-admin", {"kind": "transfer", "group_id": _group(api, "school1-admin", "5Б"),
                                 "order_number": "302-у", "order_date": "2026-10-10"}),
              ("school1-admin", {"kind": "release", "organisation_id": gymnasium,
                                 "order_number": "303-у", "order_date": "2026-11-02"}),
              ("school2-admin", {"kind": "transfer", "group_id": _group(api, "school2-admin", "5А"),
                                 "order_number": "17-п", "order_date": "2026-11-05"})]
    for login, order in orders:
        response = api.as_(login, "POST", "/movements", json={"child_id": child, **order})
        assert response.status_code == 201, response.json
    return api, school1, gymnasium, child


def test_an_institution_reads_its_book_by_period_and_kind(fresh_api):
    api, school1, gymnasium, child = _book(fresh_api)
    autumn = api.as_("school1-admin", "GET", f"/movements?organisation_id={school1}&from=2026-10-01&to=2026-12-31")
    assert autumn.status_code == 200, autumn.json
    mine = [(e["kind"], e["order_number"]) for e in autumn.json["items"] if e["child_id"] == child]
    assert mine == [("enrolled", "301-у"), ("transferred_within", "302-у"), ("released", "303-у"),
                    ("transferred_out", "17-п")]
    assert autumn.json["total"] == 4 and autumn.json["items"][0]["last_name"] == "Движенцев"
    assert autumn.json["items"][1]["from_group_name"] == "5А" and autumn.json["items"][1]["group_name"] == "5Б"
    # The seeded enrolments of 1 September are outside the period; the whole book holds them.
    whole = api.as_("school1-admin", "GET", f"/movements?organisation_id={school1}&limit=5").json
    assert whole["total"] == 4 + 14 and len(whole["items"]) == 5 and whole["items"][0]["kind"] == "enrolled"
    second = api.as_("school1-admin", "GET", f"/movements?organisation_id={school1}&limit=5&offset=5").json
    assert not {e["movement_id"] for e in whole["items"]} & {e["movement_id"] for e in second["items"]}
    came = api.as_("school2-admin", "GET",
                   f"/movements?organisation_id={gymnasium}&kind=transferred_in&from=2026-11-01").json
    assert [(e["child_id"], e["other_organisation_id"]) for e in came["items"]] == [(child, school1)]
    assert api.as_("department", "GET", f"/movements?organisation_id={school1}&kind=withdrawn").json["total"] == 0


def test_only_the_institutions_administration_and_the_department_read_it(fresh_api):
    api, school1, _, _ = _book(fresh_api)
    for login in ("school2-admin", "teacher1", "guardian1", "pupil1"):
        refused = api.as_(login, "GET", f"/movements?organisation_id={school1}")
        assert refused.status_code == 403, (login, refused.json)
        assert api.as_(login, "GET", f"/movements/register.pdf?organisation_id={school1}").status_code == 403
    bad = api.as_("school1-admin", "GET", f"/movements?organisation_id={school1}&from=2026-12-01&to=2026-10-01")
    assert bad.status_code == 422 and "from" in bad.json["errors"]
    assert api.as_("school1-admin", "GET", f"/movements?organisation_id={school1}&kind=x").status_code == 422
    assert "organisation_id" in api.as_("school1-admin", "GET", "/movements").json["errors"]


def test_the_printed_book_is_in_russian_with_every_entry(fresh_api):
    api, school1, _, _ = _book(fresh_api)
    response = api.as_("school1-admin", "GET",
                       f"/movements/register.pdf?organisation_id={school1}&from=2026-10-01&to=2026-12-31")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in ("Книга движения обучающихся", "Движенцев Олег", "301-у", "Зачислен в 5А",
                     "Переведён из 5А в 5Б", "Записей: 4", "01.10.2026"):
        assert expected in text, expected
