"""The class report's arrangement (pure): pupils by points then name, nameless ones after the
named at equal points, counts by category and level from approved achievements only given."""
from datetime import date
from types import SimpleNamespace

from kabinet_portfolio.models import Pupil
from kabinet_portfolio.report import NO_NAME, arrange


def _pupil(pid: str, cents: int) -> Pupil:
    return Pupil(id=pid, points_cents=cents)


def _achievement(pupil: str, category: str, level: str, points: float) -> dict:
    activity = SimpleNamespace(title=f"{category} {level}", category=category, subsection=None, level=level)
    return {"pupil_id": pupil, "activity": activity, "result": "winner", "achieved_on": date(2026, 3, 1),
            "points": points}


def test_pupils_by_points_with_counts_and_hidden_names():
    places = {"class": 1, "school": 2, "city": 5}
    doc = arrange("5А", "Школа № 1", date(2026, 10, 1), [
        (_pupil("b", 1300), "Борисов Артём", places), (_pupil("a", 3900), "Петров Иван", places),
        (_pupil("c", 1300), None, {"class": None, "school": None, "city": None})],
        [_achievement("a", "intellect", "municipal", 39.0), _achievement("b", "sport", "regional", 6.5),
         _achievement("b", "sport", "municipal", 6.5)])
    rows = doc["rows"]
    assert [r.name for r in rows] == ["Петров Иван", "Борисов Артём", f"Ученик № 3: {NO_NAME}"]
    assert [r.points for r in rows] == [39.0, 13.0, 13.0]
    assert rows[1].by_category == {"sport": 2} and rows[1].by_level == {"regional": 1, "municipal": 1}
    assert rows[2].by_category == {} and rows[2].places["class"] is None
    assert [line[0] for line in doc["achievements"]] == [1, 2, 2]
    assert doc["achievements"][0][3] == "Интеллект" and doc["achievements"][0][4] == "муниципальный / городской"
