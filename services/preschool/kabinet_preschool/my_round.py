"""The caller's monitoring round for a first screen (``GET /me/round``), by the caller's own posts
only: the educator's groups with the current round and the cards not yet filled per child; the
kindergarten administration's filling of its current round; the department's filling of the
city's current round. Figures only: no child's name or level is in it.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kabinet_kit.events import utcnow

from . import stats
from .access import Caller
from .models import AcademicYear, Card, Child, Group, Indicator, Observation, Organisation, Round


def current_round(rounds: Iterable[Round]) -> Round | None:
    """The round a kindergarten works on: the latest open one, else the latest of the year."""
    ordered = sorted(rounds, key=lambda r: r.number, reverse=True)
    return next((r for r in ordered if r.status == "open"), ordered[0] if ordered else None)


def unfilled_cards(indicators_per_card: dict[int, int], filled: Counter, children: Iterable[str]) -> Counter:
    """Per card: children whose card lacks a level for at least one of its indicators."""
    out: Counter = Counter()
    for child in children:
        for card, expected in indicators_per_card.items():
            if filled[(child, card)] < expected:
                out[card] += 1
    return out


def _year(session: Session, today: date) -> AcademicYear | None:
    """The year under way (in the summer between years: the last one begun)."""
    return session.scalar(select(AcademicYear).where(AcademicYear.starts_on <= today)
                          .order_by(AcademicYear.starts_on.desc()).limit(1))


def _round_brief(r: Round | None) -> dict | None:
    return None if r is None else {"id": r.id, "number": r.number, "title": r.title, "deadline": r.deadline,
                                   "status": r.status}


def _rounds_of(session: Session, organisation_ids: set[str], year_id: str) -> dict[str, Round | None]:
    rounds: dict[str, list[Round]] = {o: [] for o in organisation_ids}
    for r in session.scalars(select(Round).where(Round.organisation_id.in_(organisation_ids),
                                                 Round.academic_year_id == year_id)):
        rounds[r.organisation_id].append(r)
    return {o: current_round(rs) for o, rs in rounds.items()}


def _group(session: Session, group: Group, r: Round | None) -> dict[str, Any]:
    children = list(session.scalars(select(Child.id).where(Child.group_id == group.id)))
    out: dict[str, Any] = {"group_id": group.id, "name": group.name, "organisation_id": group.organisation_id,
                           "age_band": group.age_band, "children": len(children), "round": _round_brief(r),
                           "cards": [], "cards_not_filled": 0}
    if r is None or group.age_band is None:
        return out
    cards = session.execute(select(Card.id, Card.code, Card.title, func.count(Indicator.id))
                            .join(Indicator, Indicator.card_id == Card.id)
                            .where(Card.version_id == r.catalogue_version_id, Indicator.age_band == group.age_band)
                            .group_by(Card.id, Card.code, Card.title, Card.position).order_by(Card.position)).all()
    filled = Counter({(child, card): n for child, card, n in session.execute(
        select(Observation.child_id, Indicator.card_id, func.count())
        .join(Indicator, Indicator.id == Observation.indicator_id)
        .where(Observation.round_id == r.id, Observation.child_id.in_(children), Indicator.age_band == group.age_band)
        .group_by(Observation.child_id, Indicator.card_id))})
    missing = unfilled_cards({c.id: c[3] for c in cards}, filled, children)
    out["cards"] = [{"code": c.code, "title": c.title, "indicators": c[3], "children_not_filled": missing[c.id]}
                    for c in cards]
    out["cards_not_filled"] = sum(missing.values())
    return out


def _summary(row: dict) -> dict:
    return {k: row[k] for k in ("organisation_id", "name", "round_id", "status", "deadline", "expected", "filled",
                                "percent", "overdue")}


def my_round(session: Session, caller: Caller, activity_days: int) -> dict[str, Any]:
    today = utcnow().date()
    year = _year(session, today)
    out: dict[str, Any] = {"academic_year_id": year.id if year else None, "groups": [], "kindergartens": [],
                           "city": None}
    if year is None:
        return out
    groups = session.scalars(select(Group).where(Group.id.in_(caller.educator_groups),
                                                 Group.academic_year_id == year.id).order_by(Group.name)).all() \
        if caller.educator_groups else []
    rounds = _rounds_of(session, {g.organisation_id for g in groups}, year.id)
    out["groups"] = [_group(session, g, rounds[g.organisation_id]) for g in groups]

    kindergartens = set(session.scalars(select(Organisation.id).where(
        Organisation.id.in_(caller.admin_orgs), Organisation.kind == "kindergarten"))) if caller.admin_orgs else set()
    for org_id, r in sorted(_rounds_of(session, kindergartens, year.id).items()):
        if r is None:
            out["kindergartens"].append({"organisation_id": org_id, "round_id": None})
            continue
        report = stats.completeness(session, caller, academic_year_id=year.id, round_number=r.number,
                                    organisation_id=org_id, activity_days=activity_days)
        out["kindergartens"] += [{**k, "round_number": r.number} for k in report["kindergartens"]]

    if caller.is_department:
        number = session.scalar(select(func.max(Round.number)).where(Round.academic_year_id == year.id))
        city: dict[str, Any] = {"round_number": number, "kindergartens": [], "expected": 0, "filled": 0}
        if number is not None:
            report = stats.completeness(session, caller, academic_year_id=year.id, round_number=number,
                                        organisation_id=None, activity_days=activity_days)
            city["kindergartens"] = [_summary(k) for k in report["kindergartens"]]
            city["expected"] = sum(k["expected"] for k in report["kindergartens"])
            city["filled"] = sum(k["filled"] for k in report["kindergartens"])
        city["percent"] = round(100.0 * city["filled"] / city["expected"], 1) if city["expected"] else None
        out["city"] = city
    return out
