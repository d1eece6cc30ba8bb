"""The class report (issue 13 §1): a class's pupils with their approved achievements by category
and level, points and places, as a PDF and an XLSX in Russian.

For the tutor of the class and the school's administration only (another class is answered as a
missing one). A name is shown only where this service holds it (under the pupil's ``portfolio``
consent); other pupils are listed without one. Load → arrange (pure) → render.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.documents import Sheet, build_pdf, build_xlsx, grid_table, styles
from kabinet_kit.errors import NotFound

from .access import Caller
from .capital import present
from .catalogue import CATEGORIES, LEVEL_NAMES
from .models import Achievement, Group, Organisation, Pupil
from .points import LEVELS
from .pupils import full_name, names_of
from .ratings import place_of

NO_NAME = "имя не раскрыто (нет согласия)"
RESULT_NAMES = {"participant": "участник", "prize_winner": "призёр", "winner": "победитель"}


@dataclass(frozen=True)
class ReportRow:
    number: int
    name: str
    points: float
    places: dict[str, int | None]
    by_category: dict[str, int]
    by_level: dict[str, int]


def class_report(session: Session, caller: Caller, group_id: str, today: date) -> dict[str, Any]:
    """Load what the report says; only the class's tutor and its school's administration."""
    group = session.get(Group, group_id)
    if group is None or not (group.id in caller.tutor_groups or group.organisation_id in caller.admin_orgs):
        raise NotFound("No such class.")
    school = session.get(Organisation, group.organisation_id)
    pupils = list(session.scalars(select(Pupil).where(Pupil.group_id == group.id)))
    names = {pid: full_name(n) for pid, n in names_of(session, [p.id for p in pupils]).items()}
    approved = list(session.scalars(select(Achievement).where(
        Achievement.pupil_id.in_([p.id for p in pupils] or [""]), Achievement.state == "approved")
        .order_by(Achievement.achieved_on, Achievement.id)))
    shown = present(session, approved, today)
    return arrange(group.name, school.short_name if school else "", today,
                   [(p, names.get(p.id), place_of(session, p)) for p in pupils], shown)


def arrange(class_name: str, school: str, today: date, pupils: list[tuple[Pupil, str | None, dict[str, int | None]]],
            achievements: list[dict[str, Any]]) -> dict[str, Any]:
    """Pure: pupils by points (then name), each with counts by category and level; the
    approved achievements listed under the pupils' names."""
    by_pupil: dict[str, list[dict[str, Any]]] = {}
    for item in achievements:
        by_pupil.setdefault(item["pupil_id"], []).append(item)
    ordered = sorted(pupils, key=lambda p: (-p[0].points_cents, p[1] is None, p[1] or "", p[0].id))
    rows, listed = [], []
    for n, (pupil, name, places) in enumerate(ordered, start=1):
        own = by_pupil.get(pupil.id, [])
        shown_name = name or f"Ученик № {n}: {NO_NAME}"
        rows.append(ReportRow(n, shown_name, pupil.points_cents / 100, places,
                              dict(Counter(a["activity"].category for a in own)),
                              dict(Counter(a["activity"].level for a in own))))
        for a in own:
            activity = a["activity"]
            subsection = CATEGORIES[activity.category][1].get(activity.subsection or "", "")
            listed.append([n, name or NO_NAME, activity.title,
                           CATEGORIES[activity.category][0] + (f" / {subsection}" if subsection else ""),
                           LEVEL_NAMES[activity.level], RESULT_NAMES.get(a["result"], a["result"]),
                           a["achieved_on"].strftime("%d.%m.%Y"), a["points"]])
    return {"class_name": class_name, "school": school, "today": today, "rows": rows, "achievements": listed}


def _place(value: int | None) -> Any:
    return value if value is not None else "—"


PUPIL_HEADER = (["№", "Ученик", "Баллы", "Место в классе", "Место в школе", "Место в городе"]
                + [title for title, _ in CATEGORIES.values()] + [LEVEL_NAMES[level] for level in LEVELS])
ACHIEVEMENT_HEADER = ["№", "Ученик", "Мероприятие", "Категория", "Уровень", "Результат", "Дата", "Баллы"]


def _pupil_cells(row: ReportRow) -> list[Any]:
    return ([row.number, row.name, row.points, _place(row.places.get("class")), _place(row.places.get("school")),
             _place(row.places.get("city"))] + [row.by_category.get(code, 0) for code in CATEGORIES]
            + [row.by_level.get(level, 0) for level in LEVELS])


def _heading(doc: dict[str, Any]) -> list[str]:
    return [f"Портфолио обучающихся: класс {doc['class_name']}", doc["school"],
            f"Подтверждённые достижения, баллы и места на {doc['today'].strftime('%d.%m.%Y')}. "
            "«—»: ученик не участвует в рейтинге."]


def report_xlsx(doc: dict[str, Any]) -> bytes:
    return build_xlsx([
        Sheet("Ученики", PUPIL_HEADER, [_pupil_cells(r) for r in doc["rows"]], heading=_heading(doc),
              widths=[5, 38, 9, 9, 9, 9] + [14] * (len(PUPIL_HEADER) - 6)),
        Sheet("Достижения", ACHIEVEMENT_HEADER, doc["achievements"], heading=_heading(doc)[:2],
              widths=[5, 34, 48, 34, 24, 12, 12, 9]),
    ], title=_heading(doc)[0])


def report_pdf(doc: dict[str, Any]) -> bytes:
    style = styles()
    heading = _heading(doc)
    story: list[Any] = [Paragraph(heading[0], style.title), Paragraph(heading[1], style.text),
                        Paragraph(heading[2], style.text), Spacer(1, 0.3 * cm)]
    # Category and level counts are narrow columns under short headers, wrapped in the cell.
    header = [Paragraph(str(h), style.cell) for h in PUPIL_HEADER]
    rows = [header] + [[Paragraph(str(c), style.cell) if i == 1 else c for i, c in enumerate(_pupil_cells(r))]
                       for r in doc["rows"]]
    story.append(grid_table(rows, [0.7 * cm, 5.0 * cm, 1.3 * cm] + [1.3 * cm] * 3
                            + [1.5 * cm] * (len(PUPIL_HEADER) - 6), centre_from=2, font_size=7))
    story += [Spacer(1, 0.5 * cm), Paragraph("Подтверждённые достижения", style.title)]
    listed = [ACHIEVEMENT_HEADER] + [[n, Paragraph(name, style.cell), Paragraph(title, style.cell),
                                      Paragraph(category, style.cell), Paragraph(level, style.cell), result, on,
                                      points] for n, name, title, category, level, result, on, points
                                     in doc["achievements"]]
    story.append(grid_table(listed, [0.7 * cm, 4.6 * cm, 8.0 * cm, 5.0 * cm, 3.4 * cm, 2.0 * cm, 2.0 * cm,
                                     1.4 * cm], valign="TOP"))
    return build_pdf(story, title=heading[0], author=doc["school"], landscape=True)
