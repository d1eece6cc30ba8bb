"""The statistics section by role (PRE-04) and the control of filling and guardians' activity (PRE-11).

Figures come from ``level_counts`` (children per level, group, round and indicator), kept with
every observation write. Indicators are not targets (PRE-03): there is no ranking of children or
kindergartens, and in kindergarten and city figures any cell of fewer than ``min_cell``
children is suppressed (PRE-05) — and then the row's total too, so the cell cannot be recovered by
subtraction.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kabinet_kit.errors import InvalidInput, PermissionDenied
from kabinet_kit.events import utcnow

from .access import Caller, can_see_organisation
from .children import visible_group
from .models import (
    AcademicYear,
    Card,
    CatalogueVersion,
    Child,
    Group,
    Indicator,
    LevelCount,
    Organisation,
    Round,
    Visit,
)


def resolve_scope(session: Session, caller: Caller, group_id: str | None, organisation_id: str | None) -> dict:
    if group_id:
        group = visible_group(session, caller, group_id)  # another's group: as a missing one
        return {"level": "group", "group_id": group.id, "organisation_id": group.organisation_id, "name": group.name,
                "suppress": False}
    if organisation_id:
        org = session.get(Organisation, organisation_id)
        if org is None or not can_see_organisation(caller, org.id):
            raise PermissionDenied("Kindergarten statistics are for its administration and the department.")
        return {"level": "organisation", "organisation_id": org.id, "name": org.short_name, "suppress": True}
    if not caller.is_department:
        raise PermissionDenied("City statistics are for the department; name a group or a kindergarten.")
    return {"level": "city", "name": "Город", "suppress": True}


def distribution(session: Session, scope: dict, academic_year_id: str, round_number: int) -> dict[int, dict[int, int]]:
    """{indicator_id: {level: children}} for one round number of a year within the scope."""
    query = (select(LevelCount.indicator_id, LevelCount.level, func.sum(LevelCount.children))
             .join(Round, Round.id == LevelCount.round_id)
             .where(Round.academic_year_id == academic_year_id, Round.number == round_number))
    if scope["level"] == "group":
        query = query.where(LevelCount.group_id == scope["group_id"])
    elif scope["level"] == "organisation":
        query = query.where(Round.organisation_id == scope["organisation_id"])
    out: dict[int, dict[int, int]] = defaultdict(dict)
    for indicator_id, level, n in session.execute(query.group_by(LevelCount.indicator_id, LevelCount.level)):
        if n:
            out[indicator_id][level] = int(n)
    return out


def _cells(counts: dict[int, int], max_level: int, suppress: bool, min_cell: int) -> dict:
    levels = {lv: counts.get(lv, 0) for lv in range(1, max_level + 1)}
    hidden = suppress and any(0 < n < min_cell for n in levels.values())
    total = sum(levels.values())
    return {"children": None if hidden else total,
            "levels": {str(lv): (None if suppress and 0 < n < min_cell else n) for lv, n in levels.items()},
            "shares": {str(lv): (None if hidden or not total else round(100.0 * n / total, 1))
                       for lv, n in levels.items()},
            "suppressed": hidden}


def statistics(session: Session, caller: Caller, *, academic_year_id: str, round_number: int,
               compare_round_number: int | None, group_id: str | None, organisation_id: str | None,
               min_cell: int) -> dict:
    if session.get(AcademicYear, academic_year_id) is None:
        raise InvalidInput("Unknown academic year.", errors={"academic_year_id": ["Not a known academic year."]})
    scope = resolve_scope(session, caller, group_id, organisation_id)
    current = distribution(session, scope, academic_year_id, round_number)
    earlier = distribution(session, scope, academic_year_id, compare_round_number) if compare_round_number else {}
    ids = set(current) | set(earlier)
    rows = session.execute(select(Indicator, Card, CatalogueVersion.number).join(Card, Card.id == Indicator.card_id)
                           .join(CatalogueVersion, CatalogueVersion.id == Card.version_id)
                           .where(Indicator.id.in_(ids))
                           .order_by(CatalogueVersion.number, Card.position, Indicator.age_band,
                                     Indicator.position)).all()
    cards: dict = {}
    for ind, card, version in rows:
        entry = cards.setdefault((version, card.code), {"card_code": card.code, "card_title": card.title,
                                                        "catalogue_version": version, "indicators": []})
        now = _cells(current.get(ind.id, {}), ind.max_level, scope["suppress"], min_cell)
        item = {"indicator_id": ind.id, "code": ind.code, "age_band": ind.age_band, "title": ind.title,
                "max_level": ind.max_level, **now}
        if compare_round_number:
            before = _cells(earlier.get(ind.id, {}), ind.max_level, scope["suppress"], min_cell)
            item["compare"] = before
            # Change in each level's share, percentage points; unknown where either side is hidden.
            item["change"] = {lv: (None if now["shares"][lv] is None or before["shares"][lv] is None
                                   else round(now["shares"][lv] - before["shares"][lv], 1)) for lv in now["shares"]}
        entry["indicators"].append(item)
    return {"scope": {k: v for k, v in scope.items() if k != "suppress"}, "academic_year_id": academic_year_id,
            "round_number": round_number, "compare_round_number": compare_round_number,
            "suppression_threshold": min_cell if scope["suppress"] else None, "cards": list(cards.values())}


def _expected_per_band(session: Session, version_ids: set[int]) -> dict[tuple[int, str], int]:
    return {(v, band): n for v, band, n in session.execute(
        select(Card.version_id, Indicator.age_band, func.count(Indicator.id)).join(Card, Card.id == Indicator.card_id)
        .where(Card.version_id.in_(version_ids)).group_by(Card.version_id, Indicator.age_band))}


def completeness(session: Session, caller: Caller, *, academic_year_id: str, round_number: int,
                 organisation_id: str | None, activity_days: int) -> dict:
    """Filling per kindergarten and group against the round's deadline, and the guardians'
    activity indicator. Listed by name: this is control, not a ranking."""
    if organisation_id:
        if not can_see_organisation(caller, organisation_id):
            raise PermissionDenied("Completeness is for the kindergarten's administration and the department.")
        org_filter = [Round.organisation_id == organisation_id]
    elif caller.is_department:
        org_filter = []
    else:
        raise PermissionDenied("City-wide completeness is for the department; name your kindergarten.")
    rounds = {r.organisation_id: r for r in session.scalars(select(Round).where(
        Round.academic_year_id == academic_year_id, Round.number == round_number, *org_filter))}
    expected_per = _expected_per_band(session, {r.catalogue_version_id for r in rounds.values()})
    filled = {(rid, gid): int(n) for rid, gid, n in session.execute(
        select(LevelCount.round_id, LevelCount.group_id, func.sum(LevelCount.children))
        .where(LevelCount.round_id.in_([r.id for r in rounds.values()]))
        .group_by(LevelCount.round_id, LevelCount.group_id))}
    groups = defaultdict(list)
    for g, n in session.execute(select(Group, func.count(Child.id)).outerjoin(Child, Child.group_id == Group.id)
                                .where(Group.academic_year_id == academic_year_id,
                                       Group.organisation_id.in_(list(rounds))).group_by(Group.id)
                                .order_by(Group.name)):
        groups[g.organisation_id].append((g, int(n)))
    since = utcnow() - timedelta(days=activity_days)
    active = dict(session.execute(select(Visit.organisation_id, func.count(func.distinct(Visit.child_id)))
                                  .where(Visit.visited_at >= since, Visit.organisation_id.in_(list(rounds)))
                                  .group_by(Visit.organisation_id)).all())
    orgs = {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(list(rounds))))}
    today = utcnow().date()
    out = []
    for org_id in sorted(rounds, key=lambda o: orgs[o].short_name if o in orgs else o):
        r = rounds[org_id]
        rows, exp_total, fill_total, kids_total = [], 0, 0, 0
        for g, kids in groups.get(org_id, []):
            # A group without an age band has no indicators to fill.
            expected = kids * expected_per.get((r.catalogue_version_id, g.age_band), 0) if g.age_band is not None else 0
            got = min(filled.get((r.id, g.id), 0), expected) if expected else filled.get((r.id, g.id), 0)
            rows.append({"group_id": g.id, "name": g.name, "age_band": g.age_band, "children": kids,
                         "expected": expected, "filled": got,
                         "percent": round(100.0 * got / expected, 1) if expected else None})
            exp_total, fill_total, kids_total = exp_total + expected, fill_total + got, kids_total + kids
        complete = exp_total > 0 and fill_total >= exp_total
        out.append({"organisation_id": org_id, "name": orgs[org_id].short_name if org_id in orgs else None,
                    "round_id": r.id, "status": r.status, "deadline": r.deadline, "expected": exp_total,
                    "filled": fill_total, "percent": round(100.0 * fill_total / exp_total, 1) if exp_total else None,
                    "overdue": today > r.deadline and not complete, "groups": rows,
                    "guardian_activity": {"days": activity_days, "children": kids_total,
                                          "children_with_guardian_visits": int(active.get(org_id, 0)),
                                          "percent": round(100.0 * active.get(org_id, 0) / kids_total, 1)
                                          if kids_total else None}})
    return {"academic_year_id": academic_year_id, "round_number": round_number, "kindergartens": out}
