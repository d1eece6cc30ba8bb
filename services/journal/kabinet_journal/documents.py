"""The journal as a document (JRN-05): one
group × subject × term as a PDF in Russian and as CSV for Excel. Built from the teacher's grid,
so the same people may print it as may read it."""
from __future__ import annotations

import csv
import io
from typing import Any

from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, Spacer
from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.documents import build_pdf, grid_table, styles
from kabinet_kit.exports import spreadsheet_safe

from .grid_view import grid
from .models import Account, Group, Organisation, PersonName, Subject

TERM_NAMES = {"quarter": "четверть", "half": "полугодие", "trimester": "триместр"}
KIND_NAMES = {"lesson": "урок", "practical_work": "практическая работа", "excursion": "экскурсия",
              "competition": "соревнование"}
# The paper journal's attendance letters.
ATTENDANCE_CODES = {"present": "", "late": "оп", "absent_ill": "б", "absent_valid": "у", "absent_unexcused": "н"}
LEGEND = "н — отсутствовал без уважительной причины, б — по болезни, у — по уважительной причине, оп — опоздал"
COLUMNS_PER_PAGE = 16


def _name(person: PersonName | None) -> str | None:
    return " ".join(p for p in (person.last_name, person.first_name, person.middle_name) if p) if person else None


def journal_document(session: Session, caller, load_id: str, term_id: str) -> dict:
    """The grid (access checked there) with what a printed journal also names."""
    data = grid(session, caller, load_id, term_id)
    load = data["load"]
    group, subject = session.get(Group, load["group_id"]), session.get(Subject, load["subject_id"])
    organisation = session.get(Organisation, group.organisation_id) if group else None
    teacher_person = session.scalar(select(Account.person_id).where(Account.id == load["teacher_account_id"]))
    teacher = session.get(PersonName, teacher_person) if teacher_person else None
    term = data["term"]
    lessons = data["lessons"]
    pupils = []
    for n, pupil in enumerate(data["pupils"], start=1):
        name = " ".join(p for p in (pupil["last_name"], pupil["first_name"]) if p) or "Выбывший ученик"
        marks: dict[str, list[str]] = {}
        for mark in pupil["marks"]:
            marks.setdefault(mark["lesson_id"], []).append(_mark_text(mark["value"]))
        cells = []
        for lesson in lessons:
            parts = marks.get(lesson["id"], []) + [ATTENDANCE_CODES.get(pupil["attendance"].get(lesson["id"]), "")]
            cells.append(" ".join(p for p in parts if p))
        average = pupil["average"]
        pupils.append({"number": n, "name": name, "cells": cells,
                       "average": f"{average:.2f}".replace(".", ",") if average is not None else "",
                       "term_mark": _mark_text(pupil["term_mark"]) if pupil["term_mark"] else ""})
    return {
        "organisation": organisation.short_name if organisation else "",
        "group": group.name if group else "", "subject": subject.name if subject else "",
        "teacher": _name(teacher) or "",
        "term": f"{term['number']}-й {TERM_NAMES.get(term['kind'], term['kind'])}",
        "starts_on": term["starts_on"], "ends_on": term["ends_on"], "closed": term["closed"],
        "lessons": lessons, "pupils": pupils,
    }


def _mark_text(value: str) -> str:
    return {"pass": "зач", "fail": "незач"}.get(value, value)


def _ru(iso: str) -> str:
    return f"{iso[8:10]}.{iso[5:7]}.{iso[0:4]}"


def _short(iso: str) -> str:
    return f"{iso[8:10]}.{iso[5:7]}"


def journal_csv(doc: dict) -> bytes:
    """Semicolon-separated, UTF-8 with a BOM: Excel in a Russian locale opens it as is."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")

    def row(cells: list[Any]) -> None:
        writer.writerow([spreadsheet_safe(cell) for cell in cells])

    row(["№", "Ученик"] + [_ru(lesson["date"]) for lesson in doc["lessons"]] + ["Средний балл", "Итог за период"])
    row(["", "Тема урока"] + [lesson["topic"] or "" for lesson in doc["lessons"]] + ["", ""])
    for pupil in doc["pupils"]:
        row([pupil["number"], pupil["name"]] + pupil["cells"] + [pupil["average"], pupil["term_mark"]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def journal_pdf(doc: dict) -> bytes:
    style = styles()
    story = [Paragraph(f"Электронный журнал: {doc['group']}, {doc['subject']}", style.title),
             Paragraph(f"{doc['organisation']} · {doc['term']} ({_ru(doc['starts_on'])} — {_ru(doc['ends_on'])})"
                       + (" · период закрыт" if doc["closed"] else ""), style.text),
             Paragraph(f"Учитель: {doc['teacher']}", style.text), Spacer(1, 0.3 * cm)]
    lessons = doc["lessons"]
    chunks = [range(i, min(i + COLUMNS_PER_PAGE, len(lessons))) for i in range(0, len(lessons), COLUMNS_PER_PAGE)] \
        or [range(0)]
    for c, columns in enumerate(chunks):
        last = c == len(chunks) - 1
        header = ["№", "Ученик"] + [_short(lessons[i]["date"]) for i in columns] \
            + (["Ср. балл", "Итог"] if last else [])
        rows = [header] + [[p["number"], p["name"]] + [p["cells"][i] for i in columns]
                           + ([p["average"], p["term_mark"]] if last else []) for p in doc["pupils"]]
        widths = [0.8 * cm, 5.2 * cm] + [1.2 * cm] * len(columns) + ([1.4 * cm, 1.2 * cm] if last else [])
        story += [grid_table(rows, widths, centre_from=2), Spacer(1, 0.4 * cm)]
    story.append(Paragraph(LEGEND, style.text))
    story += [Spacer(1, 0.4 * cm), Paragraph("Темы уроков и домашние задания", style.title)]
    topic_rows = [["Дата", "Вид", "Тема урока", "Домашнее задание"]] + [
        [_ru(lesson["date"]), KIND_NAMES.get(lesson["kind"], lesson["kind"]),
         Paragraph(lesson["topic"] or "—", style.cell), Paragraph(lesson["homework"] or "", style.cell)]
        for lesson in lessons]
    story.append(grid_table(topic_rows, [2.2 * cm, 3.2 * cm, 11 * cm, 9.6 * cm], valign="TOP"))
    return build_pdf(story, title=f"Журнал {doc['group']} {doc['subject']}", author=doc["organisation"],
                     landscape=True)
