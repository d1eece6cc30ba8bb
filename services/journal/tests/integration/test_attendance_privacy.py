"""The reason of an absence (illness is health data, a special category under 152-FZ art. 10)
stays inside the journal: the public attendance event says present, late or absent only."""
import json

from kabinet_journal.models import Attendance


def test_an_absence_through_illness_reaches_the_public_exchange_as_absent_only(api, world, school, lesson_on):
    """issue 11, finding 11: journal.attendance.marked.v1 carried `absent_ill` on journal.events."""
    lesson = lesson_on(school.maths_5a, school.today, period=8)
    before = len(api.events(""))
    api.ok("teacher1", "PUT", f"/lessons/{lesson['id']}/attendance", json={"entries": [
        {"child_id": world.id("ivan"), "status": "absent_ill"},
        {"child_id": world.id("maria"), "status": "absent_valid"},
        {"child_id": world.id("artem"), "status": "late"}]})
    # The journal itself keeps the reason.
    assert api.count(Attendance, Attendance.lesson_id == lesson["id"], Attendance.status == "absent_ill") == 1

    published = api.events("")[before:]
    attendance = [(t, d) for t, d in published if t.startswith("journal.attendance.")]
    assert {t for t, _ in attendance} == {"journal.attendance.marked.v2"}
    assert {d["child_id"]: d["status"] for _, d in attendance} == {
        world.id("ivan"): "absent", world.id("maria"): "absent", world.id("artem"): "late"}
    wire = json.dumps(published, ensure_ascii=False, default=str)
    assert "absent_ill" not in wire and "absent_valid" not in wire and "_ill" not in wire
