"""``python -m kabinet_portfolio.seed``: demo data for the portfolio of the demo city.

Runs after identity's seed has been relayed and this service's consumer has applied it (the
replicas of School No. 1, its 5А, tutor1 and Ivan Petrov with his family's ``portfolio``
consent must exist; it waits ``PORTFOLIO_SEED_WAIT`` seconds for them). Through the same use
cases the API calls (every event goes to the outbox): a city catalogue of activities in every
category of seed 003 §5.2.2, an elective of School No. 1, and Ivan's portfolio — goals,
significant achievements, an approved, a submitted and a returned achievement with PDF
diplomas, a confirmed elective, a dispute about the returned one and a request for a missing
activity that the school has petitioned to the department; his classmates Дарья and Максим
(also under the consent) with achievements approved, submitted, deleted and a draft, and a
request of Дарья's awaiting the school — so that 5А has a rating with names, a review queue
and a class report. Idempotent: a second run finds the catalogue and changes nothing.
"""
from __future__ import annotations

import io
import os
import sys
import time
from datetime import date
from typing import Any

from sqlalchemy import func, select

from . import achievements, cabinet, catalogue, disputes, petitions
from .access import Caller, Grant
from .clock import local_today
from .config import Settings
from .deps import Deps
from .models import Achievement, Activity, Group, Organisation, Pupil, PupilName

ACTIVITIES: list[dict[str, Any]] = [
    {"title": "Всероссийская олимпиада школьников по математике (муниципальный этап)", "level": "municipal",
     "category": "intellect", "subsection": "physics_mathematics", "base_points": 10},
    {"title": "Городской конкурс исследовательских работ «Горизонты»", "level": "municipal",
     "category": "intellect", "subsection": "natural_sciences", "base_points": 8},
    {"title": "Краевой конкурс чтецов «Живое слово»", "level": "regional", "category": "arts",
     "subsection": "literary", "base_points": 8},
    {"title": "Межшкольный фестиваль хоров", "level": "inter_school", "category": "arts", "subsection": "music",
     "base_points": 5},
    {"title": "Профильная смена «Инженеры будущего»", "level": "regional", "category": "technical",
     "subsection": "profile_camps", "base_points": 6},
    {"title": "Городские соревнования по робототехнике", "level": "municipal", "category": "technical",
     "subsection": "technical_creativity", "base_points": 9},
    {"title": "Первенство города по лыжным гонкам", "level": "municipal", "category": "sport",
     "subsection": "kind_of_sport", "base_points": 7},
    {"title": "Всероссийские соревнования «Президентские состязания»", "level": "all_russian", "category": "sport",
     "subsection": "sport_event", "base_points": 12},
    {"title": "Акция «Чистый берег»", "level": "municipal", "category": "social", "subsection": None,
     "base_points": 4},
]


class ReplicasMissing(Exception):
    pass


def pdf(text: str) -> io.BytesIO:
    from reportlab.pdfgen import canvas
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, invariant=1)
    c.drawString(72, 720, text)
    c.showPage()
    c.save()
    buffer.seek(0)
    return buffer


CLASSMATES = {  # first name → (activity index, date, result, what the tutor does)
    "Дарья": [(2, "2026-03", "participant", "approve"), (8, "2026-04-22", "participant", "submit")],
    "Максим": [(6, "2026-01-25", "participant", "approve"), (5, "2026-03-14", "participant", "delete"),
               (3, "2026-05-20", "participant", "draft")],
}
MISSING_ACTIVITY = {"organiser": "Федерация шахмат Пермского края", "starts_on": date(2026, 10, 1),
                    "ends_on": date(2026, 10, 3), "level": "municipal", "category": "sport",
                    "subsection": "kind_of_sport", "register_url": None}


def _achievement(deps: Deps, session: Any, pupil: Caller, tutor: Caller, pupil_id: str, activity_id: str,
                 given: str, result: str, outcome: str, today: date) -> None:
    made = achievements.create(deps, session, pupil, pupil_id, {
        "activity_id": activity_id, "participation": "in_person", "individuality": "individual",
        "result": result, "date": given, "register_url": None, "submit": outcome != "draft"},
        pdf(f"Diploma {pupil_id} {activity_id} {result}"), today)
    if outcome == "approve":
        achievements.review(deps, session, tutor, made.id, "approve", None, False, today)
    elif outcome == "return":
        achievements.review(deps, session, tutor, made.id, "return", "Приложите диплом целиком", False, today)
    elif outcome == "delete":
        achievements.review(deps, session, tutor, made.id, "delete", "Диплом другого ученика", False, today)


def _classmates(deps: Deps, session: Any, c5a: Group, ids: list[str], tutor: Caller, today: date) -> dict[str, int]:
    made = {"achievements": 0, "petitions": 0}
    for first_name, plan in CLASSMATES.items():
        pupil_id = session.scalar(select(Pupil.id).join(PupilName, PupilName.pupil_id == Pupil.id)
                                  .where(PupilName.first_name == first_name, Pupil.group_id == c5a.id))
        if pupil_id is None:
            continue  # an older demo city without their consent: Ivan's part is enough
        pupil = Caller("seed", pupil_id, grants=(Grant("pupil", c5a.organisation_id, c5a.id),))
        for index, given, result, outcome in plan:
            _achievement(deps, session, pupil, tutor, pupil_id, ids[index], given, result, outcome, today)
            made["achievements"] += 1
        if first_name == "Дарья":
            made["petitions"] += 1
            petitions.raise_petition(deps, session, pupil, {
                **MISSING_ACTIVITY, "title": "Открытое первенство школы по быстрым шахматам",
                "note": "Нет в каталоге"})
    return made


def seed(deps: Deps) -> dict[str, int]:
    created = {"activities": 0, "achievements": 0, "petitions": 0, "disputes": 0}
    with deps.session_factory.begin() as session:
        if session.scalar(select(func.count()).select_from(Activity)):
            return created
        ivan = session.scalar(select(Pupil).join(PupilName, PupilName.pupil_id == Pupil.id)
                              .where(PupilName.first_name == "Иван", PupilName.last_name == "Петров"))
        school = session.scalar(select(Organisation).where(Organisation.short_name == "Школа № 1"))
        if ivan is None or school is None or ivan.group_id is None:
            raise ReplicasMissing("School No. 1 and Ivan Petrov (with the portfolio consent) are not replicated yet")
        c5a = session.get(Group, ivan.group_id)
        if c5a is None:
            raise ReplicasMissing("Ivan Petrov's class is not replicated yet")
        department = Caller("seed", "", grants=(Grant("department_officer"),))
        ids = []
        for values in ACTIVITIES:
            activity = catalogue.add_activity(deps, session, department, {
                "organiser": "Департамент образования г. Перми", "starts_on": date(2026, 1, 1),
                "ends_on": date(2026, 12, 31), "register_url": None, **values})
            ids.append(activity.id)
            created["activities"] += 1
        admin = Caller("seed", "", grants=(Grant("institution_admin", school.id),))
        elective = cabinet.add_elective(session, admin, school.id, {"title": "Основы программирования", "hours": 34})
        pupil = Caller("seed", ivan.id, grants=(Grant("pupil", school.id, ivan.group_id),))
        tutor = Caller("seed", "", grants=(Grant("tutor", school.id, c5a.id),))
        today = local_today(deps.settings.timezone)
        cabinet.set_goals(session, pupil, ivan.id, [{"text": "Стать призёром олимпиады по математике",
                                                     "achieved": False},
                                                    {"text": "Пробежать 5 км на лыжах", "achieved": True}])
        cabinet.set_highlights(session, pupil, ivan.id, ["Победитель муниципального этапа олимпиады по математике"])
        entry = cabinet.add_profi(session, pupil, ivan.id, {"kind": "elective", "title": "Основы программирования",
                                                            "elective_id": elective.id,
                                                            "happened_on": date(2026, 1, 20)}, today)
        cabinet.confirm_profi(session, tutor, entry["id"])
        plan = [(ids[0], "2026-02", "winner", "approve"), (ids[6], "2026-02-15", "prize_winner", "submit"),
                (ids[2], "2026", "participant", "return")]
        for activity_id, given, result, outcome in plan:
            _achievement(deps, session, pupil, tutor, ivan.id, activity_id, given, result, outcome, today)
            created["achievements"] += 1
        returned = session.scalar(select(Achievement.id).where(Achievement.pupil_id == ivan.id,
                                                                Achievement.state == "returned"))
        disputes.open_dispute(deps, session, pupil, str(returned), {
            "subject": "refusal", "text": "Диплом приложен целиком, второй лист — приложение к диплому"}, today)
        created["disputes"] += 1
        request = petitions.raise_petition(deps, session, pupil, {
            **MISSING_ACTIVITY, "title": "Городской турнир по шахматам «Белая ладья»", "note": "Участвовал в октябре"})
        petitions.act(deps, session, admin, request.id, "forward", {})
        created["petitions"] += 1
        for key, count in _classmates(deps, session, c5a, ids, tutor, today).items():
            created[key] += count
    return created


def main() -> int:
    from .bootstrap import build_deps
    deps = build_deps(Settings.load())
    deadline = time.monotonic() + float(os.environ.get("PORTFOLIO_SEED_WAIT", "60"))
    while True:
        try:
            created = seed(deps)
            break
        except ReplicasMissing as exc:
            if time.monotonic() > deadline:
                print(f"portfolio: cannot seed: {exc}; run identity's seed, its relay and this service's "
                      "consumer first", file=sys.stderr)
                return 1
            time.sleep(1)
    print("portfolio: demo data " + (", ".join(f"{k} +{v}" for k, v in created.items())
                                     if any(created.values()) else "already in place"))
    print("portfolio: pupil1 and guardian1 — Иван Петров's portfolio (achievements in every state, a dispute, "
          "a petition); tutor1 — 5А: review queue, class rating with names, class report PDF/XLSX; "
          "school1-admin — School No. 1: petitions, disputes, electives; department — catalogue, coefficients, "
          "city ratings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
