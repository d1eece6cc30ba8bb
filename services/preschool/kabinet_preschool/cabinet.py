"""The child's cabinet: every card with its levels across the rounds of the year, the dynamics,
the routes and the recommendations; and a guardian's list of children. A guardian's visit is
counted for the activity indicator (PRE-11)."""
from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.events import utcnow
from kabinet_kit.paging import page_list

from .access import Caller, staff_can_read_child
from .catalogue import BANDS, catalogue_tree, current_version
from .children import display_name, reachable_child
from .deps import Deps
from .models import CatalogueVersion, Child, Group, Observation, Organisation, Round, Visit
from .recommendations import recommendations
from .routes import routes_of


def cabinet(deps: Deps, session: Session, caller: Caller, child_id: str) -> dict[str, Any]:
    child = reachable_child(session, caller, child_id)
    guardian_view = child.id in caller.children and not staff_can_read_child(caller, child.organisation_id,
                                                                             child.group_id)
    group = session.get(Group, child.group_id) if child.group_id else None
    name, named = display_name(session, child)
    rounds = list(session.scalars(select(Round).where(
        Round.organisation_id == child.organisation_id,
        *([Round.academic_year_id == group.academic_year_id] if group else [])).order_by(Round.number))) \
        if child.organisation_id else []
    observations: dict[int, dict[str, Observation]] = defaultdict(dict)
    for seen in session.scalars(select(Observation).where(Observation.child_id == child.id,
                                                          Observation.round_id.in_([r.id for r in rounds]))):
        observations[seen.indicator_id][seen.round_id] = seen
    by_version: dict[int, list[Round]] = defaultdict(list)
    for r in rounds:
        by_version[r.catalogue_version_id].append(r)
    if not by_version:
        by_version[current_version(session).id] = []
    band = group.age_band if group else None
    versions, dynamics = [], []
    for version_id, vrounds in by_version.items():
        version = session.get(CatalogueVersion, version_id)
        assert version is not None  # a foreign key
        tree = catalogue_tree(session, version, band)
        for card in tree["cards"]:
            for ind in card["indicators"]:
                ind["observations"] = [
                    {"round_id": r.id, "round_number": r.number, "level": o.level, "note": o.note,
                     "updated_at": o.updated_at}
                    for r in vrounds if (o := observations.get(ind["id"], {}).get(r.id)) is not None]
            dynamics += card_dynamics(card, vrounds, observations)
        versions.append({**tree, "rounds": [{"id": r.id, "number": r.number, "title": r.title, "status": r.status,
                                             "deadline": r.deadline} for r in vrounds]})
    result = {"child_id": child.id, "display_name": name, "named": named,
              "group": {"id": group.id, "name": group.name, "age_band": group.age_band,
                        "age_band_title": BANDS.get(group.age_band or "")} if group else None,
              "organisation_id": child.organisation_id, "catalogues": versions, "dynamics": dynamics,
              "routes": routes_of(session, child.id, published_only=guardian_view),
              "recommendations": recommendations(session, child.id)}
    if guardian_view and child.organisation_id:
        record_visit(deps, session, child)
    return result


def card_dynamics(card: dict[str, Any], rounds: list[Round],
                  observations: dict[int, dict[str, Observation]]) -> list[dict[str, Any]]:
    """Per pair of consecutive rounds, how many of the card's indicators went up, stayed, went down."""
    out = []
    for before, after in zip(rounds, rounds[1:], strict=False):
        change = {"improved": 0, "same": 0, "declined": 0}
        for ind in card["indicators"]:
            a, b = observations.get(ind["id"], {}).get(before.id), observations.get(ind["id"], {}).get(after.id)
            if a and b:
                change["improved" if b.level > a.level else "declined" if b.level < a.level else "same"] += 1
        out.append({"card_code": card["code"], "card_title": card["title"], "from_round": before.number,
                    "to_round": after.number, **change})
    return out


def record_visit(deps: Deps, session: Session, child: Child) -> None:
    visit = Visit(id=str(uuid.uuid4()), child_id=child.id, organisation_id=child.organisation_id, visited_at=utcnow())
    session.add(visit)
    deps.events.record(session, "preschool.cabinet.viewed.v1", {
        "visit_id": visit.id, "child_id": child.id, "organisation_id": child.organisation_id,
        "group_id": child.group_id, "viewer": "guardian"})


def my_children(session: Session, caller: Caller, query: dict[str, Any]) -> dict[str, Any]:
    """A guardian's children in kindergarten groups, by child id (a guardian has a handful)."""
    return page_list(_my_children(session, caller), query)


def _my_children(session: Session, caller: Caller) -> list[dict[str, Any]]:
    out = []
    for child_id in sorted(caller.children):
        child = session.get(Child, child_id)
        if child is None or child.group_id is None:
            continue  # not (or no longer) in a kindergarten group
        group = session.get(Group, child.group_id)
        assert group is not None  # a child is placed only in a replicated group
        org = session.get(Organisation, child.organisation_id)
        name, named = display_name(session, child)
        out.append({"child_id": child.id, "display_name": name, "named": named, "group_name": group.name,
                    "age_band": group.age_band, "kindergarten": org.short_name if org else None})
    return out
