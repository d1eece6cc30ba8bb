"""``python -m kabinet_preschool.seed``: demo data for Kindergarten No.1 of the demo city.

Runs after identity's seed has been relayed and this service's consumer has applied it, so the
replicas (the kindergarten, its groups, educator1, the children, guardianships) exist; it waits
for them a little (``PRESCHOOL_SEED_WAIT`` seconds) and fails plainly if they never come.

What it makes, through the same use cases the API calls (so every event goes to the outbox):
two monitoring rounds of 2026/2027 opened by the department — round 1 filled and closed, round 2
filled and open; whole cards for every child of «Солнышко» (educator1's group) in both rounds;
for every child of that group with a guardian (guardian1's Анна among them) a published
individual route after round 1 and a recommendation. Idempotent: a second run finds everything
in place, changes nothing and records no event.
"""
from __future__ import annotations

import os
import sys
import time
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .access import Caller
from .callers import caller_of
from .config import Settings
from .deps import Deps
from .models import (
    Card,
    Child,
    ChildNumber,
    Group,
    Guardianship,
    Indicator,
    Observation,
    Organisation,
    Recommendation,
    RoleAssignment,
    Round,
    Route,
)
from .observations import record_observations
from .recommendations import add_recommendation
from .rounds import change_round, open_round
from .routes import save_route

KINDERGARTEN = "Детский сад № 1"
GROUP = "Солнышко"
ROUNDS = ((1, "Мониторинг № 1 (осень)", date(2026, 10, 15)), (2, "Мониторинг № 2 (весна)", date(2027, 4, 15)))

ROUTE_GOALS = [
    {"card_code": "speech", "goal": "Составлять рассказ по картинке из 4–5 предложений",
     "activities": "Игры «Что сначала, что потом», чтение сказок с пересказом", "review_on": date(2027, 1, 20)},
    {"card_code": "sport", "goal": "Прыгать через скакалку не менее 10 раз подряд",
     "activities": "Подвижные игры на прогулке, упражнения со скакалкой", "review_on": date(2027, 1, 20)},
]
RECOMMENDATION = {"card_code": "speech",
                  "text": "Читайте вместе 15 минут в день и просите ребёнка пересказать прочитанное."}


class ReplicasMissing(RuntimeError):
    pass


def _level(number: int, position: int, round_number: int) -> int:
    """Deterministic demo levels that mostly grow from round 1 to round 2."""
    first = 1 + (number + position) % 3
    return first if round_number == 1 else min(3, first + (number * position + 1) % 2)


def _facts(session: Session) -> tuple[Organisation, Group, RoleAssignment, RoleAssignment, list[Child]]:
    org = session.scalar(select(Organisation).where(Organisation.short_name == KINDERGARTEN))
    group = org and session.scalar(select(Group).where(Group.organisation_id == org.id, Group.name == GROUP))
    educator = group and session.scalar(select(RoleAssignment).where(
        RoleAssignment.role == "educator", RoleAssignment.group_id == group.id, RoleAssignment.active.is_(True)))
    officer = session.scalar(select(RoleAssignment).where(RoleAssignment.role == "department_officer",
                                                          RoleAssignment.active.is_(True)).limit(1))
    children = group and list(session.scalars(
        select(Child).join(ChildNumber, (ChildNumber.child_id == Child.id) & (ChildNumber.group_id == group.id))
        .where(Child.group_id == group.id).order_by(ChildNumber.number)))
    if not (org and group and educator and officer and children):
        raise ReplicasMissing(f"the replicas of the demo city are not here yet ({KINDERGARTEN}, «{GROUP}», "
                              "its educator, the department officer, the children)")
    return org, group, educator, officer, children


def _observations(session: Session, rounds: dict[int, Round]) -> int:
    return session.execute(select(func.count(Observation.id)).where(
        Observation.round_id.in_([r.id for r in rounds.values()]))).scalar_one()


def _caller(session: Session, assignment: RoleAssignment) -> Caller:
    return caller_of(session, assignment.account_id, assignment.person_id)


def seed(deps: Deps) -> dict[str, int]:
    """Create what is missing; return what was created (all zeros on a second run)."""
    created = {"rounds": 0, "observations": 0, "routes": 0, "recommendations": 0}
    with deps.session_factory.begin() as session:
        org, group, educator_role, officer_role, children = _facts(session)
        department, educator = _caller(session, officer_role), _caller(session, educator_role)
        rounds = {}
        for number, title, deadline in ROUNDS:
            r = session.scalar(select(Round).where(Round.organisation_id == org.id, Round.number == number,
                                                   Round.academic_year_id == group.academic_year_id))
            if r is None:
                r = open_round(deps, session, department, {
                    "organisation_id": org.id, "academic_year_id": group.academic_year_id, "number": number,
                    "title": title, "deadline": deadline})
                created["rounds"] += 1
            rounds[number] = r

        observed = _observations(session, rounds)
        numbers = dict(session.execute(select(ChildNumber.child_id, ChildNumber.number)
                                       .where(ChildNumber.group_id == group.id)).all())
        for number, r in rounds.items():
            if r.status != "open":
                continue  # a closed round keeps what it has
            cards = session.execute(select(Card.code, Indicator.id).join(Indicator, Indicator.card_id == Card.id)
                                    .where(Card.version_id == r.catalogue_version_id,
                                           Indicator.age_band == group.age_band)
                                    .order_by(Card.position, Indicator.position)).all()
            for child in children:
                by_card: dict[str, list] = {}
                for position, (code, indicator_id) in enumerate(cards):
                    by_card.setdefault(code, []).append(
                        {"indicator_id": indicator_id, "level": _level(numbers[child.id], position, number)})
                for code, items in by_card.items():
                    record_observations(deps, session, educator, child.id, r.id, items, card_code=code)
        created["observations"] = _observations(session, rounds) - observed
        if rounds[1].status == "open":
            change_round(deps, session, department, rounds[1].id, {"status": "closed"})

        families = set(session.scalars(select(Guardianship.child_id).where(
            Guardianship.child_id.in_([c.id for c in children]))))
        for child in children:
            if child.id not in families:
                continue
            route = session.scalar(select(Route.id).where(Route.child_id == child.id, Route.round_id == rounds[1].id))
            if route is None:
                save_route(deps, session, educator, child.id, rounds[1].id,
                                    {"goals": ROUTE_GOALS, "publish": True})
                created["routes"] += 1
            if session.scalar(select(Recommendation.id).where(Recommendation.child_id == child.id,
                                                              Recommendation.text == RECOMMENDATION["text"])) is None:
                add_recommendation(deps, session, educator, child.id, RECOMMENDATION)
                created["recommendations"] += 1
    return created


def main() -> int:
    from .bootstrap import build_deps
    deps = build_deps(Settings.load())
    deadline = time.monotonic() + float(os.environ.get("PRESCHOOL_SEED_WAIT", "60"))
    while True:
        try:
            created = seed(deps)
            break
        except ReplicasMissing as exc:
            if time.monotonic() > deadline:
                print(f"preschool: cannot seed: {exc}; run identity's seed, its relay and this service's "
                      "consumer first", file=sys.stderr)
                return 1
            time.sleep(1)
    print("preschool: demo data " + (", ".join(f"{k} +{v}" for k, v in created.items())
                                     if any(created.values()) else "already in place"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
