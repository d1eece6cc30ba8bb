"""Every bad input of issue 13 is refused with problem+json naming the field, and leaves
nothing behind: no achievement row, no event, no file in the store."""
import io
import zipfile

import pytest

from kabinet_portfolio import models as m

from .conftest import jpeg_bytes, pdf_bytes


@pytest.fixture(scope="module")
def activity(world):
    return world.activity("Конкурс «Бережём природу»", category="social", subsection=None, level="regional")


def _nothing_stored(world, before):
    rows, events, files = before
    assert world.count(m.Achievement) == rows
    assert len(world.outbox()) == events
    assert world.files() == files


def _state(world):
    return world.count(m.Achievement), len(world.outbox()), world.files()


def _big_jpeg() -> bytes:
    body = jpeg_bytes(size=(64, 48))
    # A valid JPEG padded past 2 MB with a comment-like tail: the size alone refuses it.
    return body + b"\x00" * (int(2.1 * 1024 * 1024) - len(body))


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("diploma.txt", "not a pdf")
    return buffer.getvalue()


CASES = {
    "jpeg over 2 MB": (_big_jpeg, "big.jpg", "document"),
    "png": (lambda: __import__("base64").b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="),
        "diploma.png", "document"),
    "zip named .pdf": (_zip, "diploma.pdf", "document"),
    "truncated pdf": (lambda: pdf_bytes("truncated", pages=3)[:-400], "diploma.pdf", "document"),
    "jpeg that does not decode": (lambda: jpeg_bytes(size=(200, 200), seed=3)[:1500], "scan.jpg", "document"),
    "renamed executable": (lambda: b"MZ\x90\x00" + b"\x00" * 2000, "diploma.pdf", "document"),
    "no document": (None, None, "document"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_documents_are_refused_and_nothing_is_stored(world, activity, case):
    make, filename, field = CASES[case]
    ivan = world.person_of("pupil1")
    before = _state(world)
    response = world.upload("pupil1", ivan, activity, make() if make else None, filename=filename or "x",
                            date="2026-02-02")
    assert response.status_code == 422, (case, response.json)
    assert response.mimetype == "application/problem+json" and field in response.json["errors"]
    _nothing_stored(world, before)


def test_a_date_in_the_future_is_refused(world, activity):
    ivan = world.person_of("pupil1")
    before = _state(world)
    response = world.upload("pupil1", ivan, activity, pdf_bytes("future"), date="2099-01-01")
    assert response.status_code == 422 and "date" in response.json["errors"]
    _nothing_stored(world, before)


def test_an_activity_not_in_the_catalogue_is_refused(world):
    ivan = world.person_of("pupil1")
    before = _state(world)
    response = world.upload("pupil1", ivan, "5a1e3c7b-2d4f-4a6b-8c9d-0e1f2a3b4c5d", pdf_bytes("missing"))
    assert response.status_code == 422 and "activity_id" in response.json["errors"]
    _nothing_stored(world, before)


def test_a_pupil_cannot_approve_his_own_achievement(world, activity):
    ivan = world.person_of("pupil1")
    a = world.upload("pupil1", ivan, activity, pdf_bytes("own approval"), date="2026-02-03", submit=True).json
    before = _state(world)
    response = world.as_("pupil1", "POST", f"/achievements/{a['id']}/approve", json={})
    assert response.status_code == 403 and response.mimetype == "application/problem+json"
    _nothing_stored(world, before)
    # Nor his guardian.
    assert world.as_("guardian1", "POST", f"/achievements/{a['id']}/approve", json={}).status_code == 403


def test_a_tutor_cannot_approve_in_another_class(fresh_world):
    w = fresh_world
    olga = w.children_of("guardian2")["Ольга"]  # 5Б; tutor1 is the tutor of 5А
    w.consent("guardian2", olga)
    w.idn("school1-admin", "POST", "/accounts", json={"person_id": olga, "login": "pupil-olga",
                                                      "password": "kabinet-demo"})
    w.sync()
    activity = w.activity("Фестиваль танца", category="arts", subsection="choreography")
    a = w.upload("pupil-olga", olga, activity, pdf_bytes("dance"), date="2026-02-04", submit=True)
    assert a.status_code == 201, a.json
    response = w.as_("tutor1", "POST", f"/achievements/{a.json['id']}/approve", json={})
    assert response.status_code == 404  # like a missing one
    assert w.as_("tutor1", "GET", f"/pupils/{olga}/achievements").status_code == 404
    # The administrator of another school neither (changing the id reaches nothing).
    assert w.as_("school2-admin", "GET", f"/pupils/{olga}/selfie").status_code == 404
    assert w.as_("school2-admin", "POST", f"/achievements/{a.json['id']}/approve", json={}).status_code == 404
    assert w.as_("school1-admin", "POST", f"/achievements/{a.json['id']}/approve", json={}).status_code == 200


def test_the_department_has_no_reach_into_a_portfolio(world):
    ivan = world.person_of("pupil1")
    for path in ("selfie", "achievements", "capital", "profi"):
        assert world.as_("department", "GET", f"/pupils/{ivan}/{path}").status_code == 404
