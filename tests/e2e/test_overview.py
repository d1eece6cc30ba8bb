"""``/api/me/overview`` for the staff of the demo city, through the gateway: a section per role held,
its parts read from the journal, preschool and identity; what identity cannot answer yet (the
institution's activation) is marked missing, never failing the screen."""
from __future__ import annotations

from datetime import date

ACTIVATION_KEYS = {"organisation_id", "codes", "accounts", "share_activated"}


def _overview(stack, login: str) -> dict:
    response = stack.get("/api/me/overview", stack.token(login))
    assert response.status_code == 200, response.text
    return response.json()


def _sections(body: dict) -> dict:
    return {s["view"]: s for s in body["sections"]}


def _ok(part: dict) -> dict:
    assert part["status"] == "ok", part
    return part["data"]


def _activation(part: dict) -> None:
    """Identity's activation figures, or — while identity does not provide them — a missing part."""
    if part["status"] == "ok":
        assert set(part["data"]) == ACTIVATION_KEYS
        assert set(part["data"]["codes"]) == {"issued", "redeemed", "expired", "revoked"}
    else:
        assert part == {"status": "missing", "service": "identity", "reason": "not found"}


def test_the_teacher_sees_todays_lessons_and_what_each_lacks(stack):
    body = _overview(stack, "teacher1")
    assert list(_sections(body)) == ["teacher"] and body["children"] == []
    lessons = _ok(_sections(body)["teacher"]["parts"]["lessons"])
    direct = stack.get("/api/journal/me/today", stack.token("teacher1")).json()
    assert lessons["date"] == direct["date"] and lessons["lessons"] == direct["lessons"]
    today = date.fromisoformat(lessons["date"])
    if date(2026, 11, 21) <= today <= date(2026, 12, 29) and today.isoweekday() <= 5:
        # A school day of the demo's second quarter, after the journal was last kept (20 November):
        # teacher1's lessons (5 a day) are there and lack everything.
        assert len(lessons["lessons"]) == 3 + (today.isoweekday() == 4)
        for lesson in lessons["lessons"]:
            assert lesson["missing"] == ["topic", "attendance", "marks"] and not lesson["substitution"]
    assert all(lesson["subject"] in ("Математика", "Основы духовно-нравственной культуры")
               for lesson in lessons["lessons"])


def test_the_tutor_sees_the_class(stack):
    sections = _sections(_overview(stack, "tutor1"))
    assert set(sections) == {"teacher", "tutor"}
    klass = _ok(sections["tutor"]["parts"]["class"])
    assert klass["group"] == "5А" and klass["pupils"] == 8 and klass["absent_today"] == 0
    # Lessons after 20 November have no topic in the demo journal.
    assert klass["unfinished"]["lessons_without_topic"] > 0


def test_the_school_administrator_sees_the_journals_completeness_and_activation(stack):
    body = _overview(stack, "school1-admin")
    section = _sections(body)["school_admin"]
    school = section["organisation_id"]
    control = _ok(section["parts"]["journal_control"])
    assert control["organisation_id"] == school and {"institution", "groups", "teachers"} <= set(control)
    _activation(section["parts"]["activation"])
    deputy = _sections(_overview(stack, "deputy1"))["school_admin"]
    assert _ok(deputy["parts"]["journal_control"])["institution"] == control["institution"]


def test_the_educator_sees_the_group_and_the_round(stack):
    group = _ok(_sections(_overview(stack, "educator1"))["educator"]["parts"]["group"])
    assert group["name"] == "Солнышко" and group["children"] > 0
    assert group["round"]["number"] == 2 and group["round"]["status"] == "open"
    assert group["cards"] and group["cards_not_filled"] == 0  # the demo fills whole cards in round 2


def test_the_kindergarten_head_sees_the_round(stack):
    section = _sections(_overview(stack, "kg1-admin"))["kindergarten_head"]
    kindergarten = _ok(section["parts"]["round"])
    assert kindergarten["round_number"] == 2 and kindergarten["expected"] > 0 and kindergarten["groups"]
    _activation(section["parts"]["activation"])


def test_the_department_sees_the_citys_control_figures(stack):
    body = _overview(stack, "department")
    section = _sections(body)["department"]
    journal = _ok(section["parts"]["journal_control"])
    assert {i["name"] for i in journal["institutions"]} >= {"Школа № 1", "Гимназия № 2"}
    assert all("teachers" not in i for i in journal["institutions"])
    preschool = _ok(section["parts"]["preschool_completeness"])
    assert preschool["round_number"] == 2 and [k["name"] for k in preschool["kindergartens"]] == ["Детский сад № 1"]
    _activation(section["parts"]["activation"])
    assert body["complete"] is (section["parts"]["activation"]["status"] == "ok")
