"""The electives a school runs (seed 003 §6.1: «создание и редактирование списка курсов по выбору,
организуемых образовательной организацией» — the school's own cabinet). §4.4–4.5 give a pupil and
his parents access only to what is in his own cabinet: the list is the school's, for its staff,
its pupils and their families, and the department — another school's caller is answered exactly
as for a school that does not exist (issue 11: a foreign object answers like a missing one)."""
from __future__ import annotations

import uuid

from sqlalchemy import select

from kabinet_portfolio import models as m


def _school(world, short_name: str) -> str:
    with world.session() as s:
        return str(s.scalar(select(m.Organisation.id).where(m.Organisation.short_name == short_name)))


def test_a_schools_electives_are_read_by_its_own_people_only(world):
    school = _school(world, "Школа № 1")
    made = world.as_("school1-admin", "POST", f"/schools/{school}/electives",
                     json={"title": "Шахматы (курс по выбору)", "hours": 17})
    assert made.status_code == 201, made.json
    for login in ("school1-admin", "tutor1", "teacher1", "pupil1", "guardian1", "guardian2", "department"):
        seen = world.as_(login, "GET", f"/schools/{school}/electives")
        assert seen.status_code == 200, (login, seen.json)
        assert "Шахматы (курс по выбору)" in [e["title"] for e in seen.json["items"]], login
    missing = world.as_("school2-admin", "GET", f"/schools/{uuid.uuid4()}/electives")
    assert missing.status_code == 404
    for login in ("school2-admin", "teacher2", "kg1-admin", "educator1", "dod1-admin"):
        foreign = world.as_(login, "GET", f"/schools/{school}/electives")
        assert foreign.status_code == 404, (login, foreign.json)
        assert foreign.json["type"] == missing.json["type"] and "Шахматы" not in foreign.get_data(as_text=True)
