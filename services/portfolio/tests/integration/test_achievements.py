"""POR-09..17: an achievement against a catalogue activity with its evidence document — draft,
submitted, returned with a reason, resubmitted, approved and scoring; the document stored by
content hash (0700/0600) and streamed only to those allowed; duplicates named."""
import hashlib
import stat

from sqlalchemy import select

from kabinet_portfolio import models as m

from .conftest import jpeg_bytes, pdf_bytes


def test_submitted_returned_resubmitted_approved_and_scoring(world):
    ivan = world.person_of("pupil1")
    activity = world.activity("Олимпиада «Юный математик»")
    pdf = pdf_bytes("yuny matematik")
    made = world.upload("pupil1", ivan, activity, pdf, date="2026-05")
    assert made.status_code == 201, made.json
    a = made.json
    assert (a["state"], a["achieved_on"], a["date_given"]) == ("draft", "2026-05-01", "2026-05")
    assert a["has_document"]
    # Stored outside the database by its content hash, owner-only.
    sha = hashlib.sha256(pdf).hexdigest()
    path = world.store_dir / sha[:2] / sha
    assert path.read_bytes() == pdf
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(world.store_dir.stat().st_mode) == 0o700
    # The tutor sees no draft.
    assert world.as_("tutor1", "GET", f"/achievements/{a['id']}").status_code == 404
    assert world.as_("pupil1", "POST", f"/achievements/{a['id']}/submit").json["state"] == "submitted"
    queue = world.as_("tutor1", "GET", "/review").json
    assert a["id"] in [i["id"] for i in queue["items"]]
    no_reason = world.as_("tutor1", "POST", f"/achievements/{a['id']}/return", json={})
    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]
    returned = world.as_("tutor1", "POST", f"/achievements/{a['id']}/return", json={"reason": "Не тот уровень"})
    assert returned.json["state"] == "returned" and returned.json["reason"] == "Не тот уровень"
    fixed = world.as_("pupil1", "PATCH", f"/achievements/{a['id']}", data={"result": "prize_winner"},
                      content_type="multipart/form-data")
    assert fixed.status_code == 200 and fixed.json["result"] == "prize_winner"
    world.as_("pupil1", "POST", f"/achievements/{a['id']}/submit")
    approved = world.as_("school1-admin", "POST", f"/achievements/{a['id']}/approve", json={})
    assert approved.status_code == 200 and approved.json["state"] == "approved"
    # 10 base × 1.0 time × 1.0 in person × 2.0 prize-winner × 1.0 individual × 1.3 municipal
    assert approved.json["points"] == 26.0
    assert world.as_("pupil1", "GET", f"/pupils/{ivan}/points").json["points"] >= 26.0
    # Locked once approved.
    locked = world.as_("pupil1", "PATCH", f"/achievements/{a['id']}", data={"result": "winner"},
                       content_type="multipart/form-data")
    assert locked.status_code == 409
    types = [t for t, d in world.outbox() if d.get("achievement_id") == a["id"]]
    assert types == ["portfolio.achievement.submitted.v1", "portfolio.achievement.returned.v1",
                     "portfolio.achievement.submitted.v1", "portfolio.achievement.approved.v1"]
    changed = [d for t, d in world.outbox() if t == "portfolio.points.changed.v1" and d["pupil_id"] == ivan]
    assert changed and changed[-1]["reason"] == "achievement_approved"
    # No personal data and no reason text on the bus.
    assert all("reason" not in d or d["reason"] in ("achievement_approved",) for t, d in world.outbox()
               if t.startswith("portfolio.points"))
    assert not any("Не тот уровень" in str(d) for _t, d in world.outbox())
    # The document goes to the pupil, the guardian, the tutor, the administration — never the department.
    for login in ("pupil1", "guardian1", "tutor1", "school1-admin"):
        got = world.as_(login, "GET", f"/achievements/{a['id']}/document")
        assert got.status_code == 200 and got.data == pdf and got.mimetype == "application/pdf", login
    for login in ("department", "school2-admin", "guardian2", "teacher1"):
        assert world.as_(login, "GET", f"/achievements/{a['id']}/document").status_code == 404, login


def test_an_unreadable_document_is_deleted_and_the_achievement_returned(world):
    ivan = world.person_of("pupil1")
    activity = world.activity("Конкурс чтецов", category="arts", subsection="literary", level="inter_school")
    jpeg = jpeg_bytes(seed=7)
    a = world.upload("pupil1", ivan, activity, jpeg, filename="scan.jpg", date="2026", submit=True).json
    assert a["state"] == "submitted" and a["achieved_on"] == "2026-01-01" and a["document_type"] == "image/jpeg"
    sha = hashlib.sha256(jpeg).hexdigest()
    assert sha in world.files()
    back = world.as_("tutor1", "POST", f"/achievements/{a['id']}/return",
                     json={"reason": "Скан нечитаем", "unreadable": True})
    assert back.json["state"] == "returned" and back.json["has_document"] is False
    assert sha not in world.files()
    refused = world.as_("pupil1", "POST", f"/achievements/{a['id']}/submit")
    assert refused.status_code == 422 and "document" in refused.json["errors"]


def test_duplicates_are_refused_naming_the_existing_achievement(world):
    ivan = world.person_of("pupil1")
    activity = world.activity("Турнир по шахматам", category="sport", subsection="sport_event")
    first = world.upload("pupil1", ivan, activity, pdf_bytes("chess one"), date="2026-03-01").json
    same_day = world.upload("pupil1", ivan, activity, pdf_bytes("chess two"), date="2026-03-01")
    assert same_day.status_code == 409 and same_day.json["existing_achievement_id"] == first["id"]
    other = world.activity("Турнир по шашкам", category="sport", subsection="sport_event")
    files_before = world.files()
    same_document = world.upload("pupil1", ivan, other, pdf_bytes("chess one"), date="2026-03-02")
    assert same_document.status_code == 409 and same_document.json["existing_achievement_id"] == first["id"]
    assert "document" in same_document.json["errors"] and world.files() == files_before


def test_deleted_with_a_reason_stops_scoring(world):
    ivan = world.person_of("pupil1")
    activity = world.activity("Эстафета ГТО", category="sport", subsection="sport_event", base_points=5)
    a = world.upload("pupil1", ivan, activity, pdf_bytes("gto"), date="2026-04-04", submit=True).json
    world.as_("tutor1", "POST", f"/achievements/{a['id']}/approve", json={})
    before = world.as_("pupil1", "GET", f"/pupils/{ivan}/points").json["points"]
    gone = world.as_("school1-admin", "POST", f"/achievements/{a['id']}/delete", json={"reason": "Дубликат"})
    assert gone.json["state"] == "deleted" and gone.json["reason"] == "Дубликат"
    after = world.as_("pupil1", "GET", f"/pupils/{ivan}/points").json["points"]
    assert round(before - after, 2) == 5 * 3.0 * 1.3  # winner, municipal
    with world.session() as s:
        assert s.scalar(select(m.Achievement.state).where(m.Achievement.id == a["id"])) == "deleted"


def test_capital_groups_by_category_and_level(world):
    ivan = world.person_of("pupil1")
    capital = world.as_("guardian1", "GET", f"/pupils/{ivan}/capital").json
    titles = [c["title"] for c in capital["categories"]]
    assert titles == ["Интеллект", "Художественное творчество", "Техническое творчество", "Спорт",
                      "Социальная деятельность"]
    intellect = capital["categories"][0]
    assert set(intellect["subsections"]) == {"humanities", "natural_sciences", "information_technology",
                                             "physics_mathematics", "philology", "other"}
    assert capital["categories"][4]["subsections"] == {}
