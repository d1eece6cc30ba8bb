"""``python -m kabinet_journal.seed``: the demo city's school year 2026/2027, the same every time.

It needs identity's demo city in the journal's replicas first (identity seeded, its events
published and applied by ``python -m kabinet_journal.consumer --until-idle``). Everything is
made through the service layer, as the school's own staff would: Школа № 1 works in quarters,
Гимназия № 2 in halves; subjects, curriculum hours, loads (teacher1: maths in 5А, 5Б and 6А),
a weekly timetable, lessons generated for the first two terms, and the journal filled (topics,
homework, marks, attendance) up to a fixed day, with the first quarter's marks set and the
quarter closed. One transaction, and only once: run again, it changes nothing.
"""
from __future__ import annotations

import random
import sys
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import lessons, loads, marks, structure, terms, timetable
from .bootstrap import build_deps
from .callers import load_caller
from .config import Settings
from .deps import Deps
from .models import AcademicYear, Account, Group, Lesson, Organisation, PersonName, TeachingLoad, Term

YEAR = "2026/2027"
FILLED_UNTIL = date(2026, 11, 20)   # the journal is kept up to here (deterministic, whatever today is)

TERMS = {
    "Школа № 1": ("quarter", [(date(2026, 9, 1), date(2026, 10, 25)), (date(2026, 11, 5), date(2026, 12, 29)),
                              (date(2027, 1, 11), date(2027, 3, 21)), (date(2027, 3, 31), date(2027, 5, 31))]),
    "Гимназия № 2": ("half", [(date(2026, 9, 1), date(2026, 12, 29)), (date(2027, 1, 11), date(2027, 5, 31))]),
}
HOLIDAYS = [("Осенние каникулы", date(2026, 10, 26), date(2026, 11, 4)),
            ("Зимние каникулы", date(2026, 12, 30), date(2027, 1, 10)),
            ("Весенние каникулы", date(2027, 3, 22), date(2027, 3, 30)),
            ("День защитника Отечества", date(2027, 2, 23), date(2027, 2, 23)),
            ("Международный женский день", date(2027, 3, 8), date(2027, 3, 8))]
# subject → (hours a year in grade 5, scale)
SUBJECTS = {"Математика": (170, "five"), "Русский язык": (170, "five"), "Литература": (102, "five"),
            "Основы духовно-нравственной культуры": (34, "pass_fail")}
# (school, group, subject, teacher's (last, first) name, [(weekday, period)])
LOADS = [
    ("Школа № 1", "5А", "Математика", ("Иванова", "Марина"), [(1, 1), (2, 2), (3, 1), (4, 2), (5, 1)]),
    ("Школа № 1", "5А", "Русский язык", ("Белова", "Ирина"), [(1, 2), (2, 1), (3, 2), (4, 1), (5, 2)]),
    ("Школа № 1", "5А", "Литература", ("Белова", "Ирина"), [(1, 3), (3, 3), (5, 3)]),
    ("Школа № 1", "5А", "Основы духовно-нравственной культуры", ("Иванова", "Марина"), [(4, 3)]),
    ("Школа № 1", "5Б", "Математика", ("Иванова", "Марина"), [(1, 3), (2, 1), (3, 2), (4, 1), (5, 2)]),
    ("Школа № 1", "5Б", "Русский язык", ("Белова", "Ирина"), [(1, 4), (2, 3), (3, 4), (4, 4), (5, 4)]),
    ("Школа № 1", "6А", "Математика", ("Иванова", "Марина"), [(1, 4), (2, 3), (3, 3), (4, 4), (5, 3)]),
    ("Гимназия № 2", "5А", "Математика", ("Медведева", "Анна"), [(1, 1), (2, 1), (3, 1), (4, 1), (5, 1)]),
    ("Гимназия № 2", "5А", "Русский язык", ("Медведева", "Анна"), [(1, 2), (2, 2), (3, 2), (4, 2), (5, 2)]),
]
MANAGERS = {"Школа № 1": ("Григорьев", "Олег"), "Гимназия № 2": ("Волков", "Андрей")}
TOPICS = {
    "Математика": ["Натуральные числа и нуль", "Сравнение натуральных чисел", "Сложение и вычитание",
                   "Умножение и деление", "Числовые выражения", "Степень с натуральным показателем",
                   "Делимость чисел", "Простые и составные числа", "Обыкновенные дроби", "Сравнение дробей",
                   "Сложение дробей", "Решение текстовых задач"],
    "Русский язык": ["Язык и речь", "Текст и его признаки", "Фонетика и графика", "Орфоэпия",
                     "Морфемика", "Правописание корней", "Лексикология", "Синтаксис простого предложения",
                     "Пунктуация при однородных членах", "Прямая речь"],
    "Литература": ["Мифы народов мира", "Русские народные сказки", "И. А. Крылов. Басни", "А. С. Пушкин. Сказки",
                   "Н. В. Гоголь. «Ночь перед Рождеством»", "И. С. Тургенев. «Муму»", "Н. А. Некрасов. Стихотворения"],
    "Основы духовно-нравственной культуры": ["Культура и нравственность", "Семья — хранитель ценностей",
                                             "Традиции народов России"],
}


class DemoCityMissing(RuntimeError):
    pass


def _one(session: Session, query, what: str):
    found = session.scalar(query)
    if found is None:
        raise DemoCityMissing(f"{what} is not in the journal's replicas of identity yet.")
    return found


def _staff_account(session: Session, last: str, first: str) -> str:
    person = _one(session, select(PersonName.person_id).where(PersonName.kind == "staff", PersonName.last_name == last,
                                                              PersonName.first_name == first), f"{last} {first}")
    return _one(session, select(Account.id).where(Account.person_id == person), f"The account of {last} {first}")


def _lesson_fill(subject: str, number: int) -> tuple[str, str]:
    topics = TOPICS[subject]
    topic = topics[(number // 3) % len(topics)]
    part = number % 3 + 1
    return f"{topic} (урок {part})", f"§ {number // 3 + 1}, упражнения {number * 2 + 1}–{number * 2 + 4}"


def seed(deps: Deps) -> bool:
    """Build the demo year unless it is there. Returns True if it was created now."""
    with deps.session_factory.begin() as session:
        year = _one(session, select(AcademicYear).where(AcademicYear.name == YEAR), f"Academic year {YEAR}")
        orgs = {name: _one(session, select(Organisation).where(Organisation.short_name == name), name)
                for name in TERMS}
        if session.scalar(select(Term.id).where(Term.organisation_id == orgs["Школа № 1"].id,
                                                Term.academic_year_id == year.id)):
            return False
        _build(deps, session, year, orgs)
    return True


def _build(deps: Deps, session: Session, year: AcademicYear, orgs: dict[str, Organisation]) -> None:
    managers = {name: load_caller(session, _staff_account(session, *MANAGERS[name])) for name in orgs}
    term_ids: dict[str, list[str]] = {}
    subjects: dict[tuple[str, str], str] = {}
    for name, org in orgs.items():
        boss = managers[name]
        kind, bounds = TERMS[name]
        term_ids[name] = [structure.create_term(deps, session, boss, {
            "organisation_id": org.id, "academic_year_id": year.id, "kind": kind, "number": n,
            "starts_on": start, "ends_on": end}).id for n, (start, end) in enumerate(bounds, start=1)]
        for title, start, end in HOLIDAYS:
            structure.create_holiday(session, boss, {"organisation_id": org.id, "name": title, "starts_on": start,
                                                    "ends_on": end})
        for subject, (hours, _scale) in SUBJECTS.items():
            if not any(entry[0] == name and entry[2] == subject for entry in LOADS):
                continue
            subjects[(name, subject)] = structure.create_subject(session, boss, {"organisation_id": org.id,
                                                                                "name": subject}).id
            structure.set_curriculum_hours(session, boss, {"organisation_id": org.id, "academic_year_id": year.id,
                                                          "grade_level": 5, "subject_id": subjects[(name, subject)],
                                                          "hours": hours})
    made: list[tuple[str, str, TeachingLoad, str]] = []
    for school, group_name, subject, teacher, slots in LOADS:
        group = _one(session, select(Group).where(Group.organisation_id == orgs[school].id, Group.name == group_name,
                                                  Group.academic_year_id == year.id), f"{school} {group_name}")
        teacher_account = _staff_account(session, *teacher)
        load = loads.create_load(session, managers[school], {
            "group_id": group.id, "subject_id": subjects[(school, subject)], "teacher_account_id": teacher_account,
            "scale": SUBJECTS[subject][1]})
        made.append((school, subject, load, teacher_account))
        for term_id in term_ids[school][:2]:
            for weekday, period in slots:
                timetable.add_timetable_slot(session, managers[school], {"term_id": term_id, "load_id": load.id,
                                                                        "weekday": weekday, "period": period})
    for school in orgs:
        for term_id in term_ids[school][:2]:
            timetable.generate_lessons(session, managers[school], term_id, None)

    rng = random.Random(20260901)
    for _school, subject, load, teacher_account in made:
        _fill_journal(deps, session, rng, load, subject, load_caller(session, teacher_account))
    # The first quarter of Школа № 1 is over: term marks from the weighted averages, then closed.
    first_quarter = term_ids["Школа № 1"][0]
    for school, _subject, load, teacher_account in made:
        if school != "Школа № 1":
            continue
        teacher_caller = load_caller(session, teacher_account)
        results = terms.term_results(session, teacher_caller, load.id, first_quarter)
        cells = [{"child_id": r["child_id"], "value": _term_mark(load.scale, r["average"])}
                 for r in results if r["marks_count"]]
        if cells:
            terms.set_period_marks(deps, session, teacher_caller, load.id, {"period": "term", "term_id": first_quarter,
                                                                    "marks": cells})
    terms.close_term(deps, session, managers["Школа № 1"], first_quarter)


def _term_mark(scale: str, average: float | None) -> str:
    if scale != "five":
        return "pass"
    return str(min(5, max(2, int((average or 3) + 0.5))))


def _fill_journal(deps: Deps, session: Session, rng: random.Random, load, subject: str, teacher) -> None:
    """Topics and homework on the day, marks and attendance, for lessons up to FILLED_UNTIL."""
    load_lessons = session.scalars(select(Lesson).where(Lesson.load_id == load.id, Lesson.date <= FILLED_UNTIL)
                                   .order_by(Lesson.date, Lesson.period)).all()
    if not load_lessons:
        return
    stays = marks.Stays.of_group(session, load.group_id)
    cells, attendance, events = [], [], []
    for number, lesson in enumerate(load_lessons):
        topic, homework = _lesson_fill(subject, number)
        late = number % 17 == 16   # now and then a topic entered a day late, as real journals have
        lesson.topic, lesson.homework = topic, homework
        lesson.kind = "practical_work" if number % 9 == 8 else "lesson"
        entered_on = lesson.date + timedelta(days=1) if late else lesson.date
        entered = datetime.combine(entered_on, time(9, 30), tzinfo=UTC)
        lesson.topic_entered_at, lesson.topic_entered_by, lesson.topic_late = entered, teacher.account_id, late
        lesson.updated_by, lesson.updated_at = teacher.account_id, entered
        events.append(("journal.lesson.conducted.v1", lessons.lesson_event(load, lesson, teacher.account_id)))
        pupils = sorted(c for c in stays.by_child if stays.member(c, lesson.date))
        control = number % 8 == 7
        for child in pupils:
            roll = rng.random()
            status = ("absent_ill" if roll < 0.04 else "absent_valid" if roll < 0.05
                      else "late" if roll < 0.07 else "present")
            attendance.append({"lesson_id": lesson.id, "child_id": child, "status": status})
            if status.startswith("absent"):
                continue
            if control or rng.random() < 0.3:
                value = ("pass" if rng.random() < 0.9 else "fail") if load.scale == "pass_fail" \
                    else rng.choices(["2", "3", "4", "5"], weights=[1, 4, 6, 5])[0]
                kind = "control" if control else rng.choice(["oral", "oral", "homework", "test"])
                cells.append({"lesson_id": lesson.id, "child_id": child, "value": value, "kind": kind})
    session.flush()
    deps.events.record_many(session, events)
    # The demo journal is kept as of FILLED_UNTIL, whatever today is.
    marks.save_cells(deps, session, teacher, load.id, {"marks": cells, "attendance": attendance}, today=FILLED_UNTIL)


def main() -> int:
    deps = build_deps(Settings.load())
    try:
        created = seed(deps)
    except DemoCityMissing as exc:
        print(f"journal: cannot seed the demo year: {exc}\n"
              "  Seed identity, publish its events (python -m kabinet_identity.relay --drain) and apply them "
              "(python -m kabinet_journal.consumer --until-idle) first.", file=sys.stderr)
        return 1
    print("journal: demo year 2026/2027 seeded" if created else "journal: demo year already there, nothing changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
