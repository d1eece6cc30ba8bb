"""``python -m kabinet_portfolio.seed``: demo data for the portfolio of the demo city.

Runs after identity's seed has been relayed and this service's consumer has applied it (the
replicas of School No. 1, its 5А, tutor1 and Ivan Petrov with his family's ``portfolio``
consent must exist; it waits ``PORTFOLIO_SEED_WAIT`` seconds for them). Through the same use
cases the API calls (every event goes to the outbox): a city catalogue of activities in every
category of seed 003 §5.2.2, an elective of School No. 1, and Ivan's portfolio — goals,
significant achievements, an approved, a submitted and a returned achievement with PDF
diplomas, a confirmed elective. Idempotent: a second run finds the catalogue and changes
nothing.
"""
from __future__ import annotations

import io
import os
import sys
import time
from datetime import date
from typing import Any

from sqlalchemy import func, select

from . import achievements, cabinet, catalogue
from .access import Caller, Grant
from .clock import local_today
from .config import Settings
from .deps import Deps
from .models import Activity, Group, Organisation, Pupil, PupilName

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


def seed(deps: Deps) -> dict[str, int]:
    created = {"activities": 0, "achievements": 0}
    with deps.session_factory.begin() as session:
        if session.scalar(select(func.count()).select_from(Activity)):
            return created
        ivan = session.scalar(select(Pupil).join(PupilName, PupilName.pupil_id == Pupil.id)
                              .where(PupilName.first_name == "Иван", PupilName.last_name == "Петров"))
        school = session.scalar(select(Organisation).where(Organisation.short_name == "Школа № 1"))
        if ivan is None or school is None or ivan.group_id is None:
            raise ReplicasMissing("School No. 1 and Ivan Petrov (with the portfolio consent) are not replicated yet")
        c5a = session.get(Group, ivan.group_id)
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
        tutor = Caller("seed", "", grants=(Grant("tutor", school.id, c5a.id if c5a else None),))
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
            made = achievements.create(deps, session, pupil, ivan.id, {
                "activity_id": activity_id, "participation": "in_person", "individuality": "individual",
                "result": result, "date": given, "register_url": None, "submit": True},
                pdf(f"Diploma {activity_id} {result}"), today)
            if outcome == "approve":
                achievements.review(deps, session, tutor, made.id, "approve", None, False, today)
            elif outcome == "return":
                achievements.review(deps, session, tutor, made.id, "return", "Приложите диплом целиком", False, today)
            created["achievements"] += 1
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
    print("portfolio: pupil1 (Иван Петров) and guardian1 see his portfolio; tutor1 (5А) reviews it; "
          "school1-admin sees School No. 1; department edits the catalogue and coefficients")
    return 0


if __name__ == "__main__":
    sys.exit(main())
