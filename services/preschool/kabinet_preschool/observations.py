"""Observations: the educator of the child's group records a level per indicator in an open
round (PRE-07, PRE-08), for the indicators of the round's catalogue version and the group's age
band (PRE-02). All items of a request are saved, or none.

``record_observations`` loads the facts, :func:`decide` (pure) says what is refused or written
and which event each write sends, and ``_apply`` writes it with the level counts and events.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kabinet_kit.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kabinet_kit.events import utcnow

from .access import Caller, can_correct_child, can_write_child
from .children import reachable_child
from .deps import Deps
from .models import Card, CatalogueVersion, Group, Indicator, LevelCount, Observation, ObservationCorrection, Round
from .routes import Check

RECORDED = "preschool.observation.recorded.v1"
CHANGED = "preschool.observation.changed.v1"


# -- the facts decide() needs ---------------------------------------------------------------
@dataclass(frozen=True)
class ChildFacts:
    id: str
    organisation_id: str | None
    group_id: str
    age_band: str | None


@dataclass(frozen=True)
class RoundFacts:
    id: str
    organisation_id: str
    status: str
    catalogue_version_id: int
    catalogue_version: int


@dataclass(frozen=True)
class IndicatorFacts:
    id: int
    age_band: str
    max_level: int
    version_id: int
    card_code: str


@dataclass(frozen=True)
class Recorded:
    """An observation already held for the child, round and indicator."""
    level: int
    note: str | None
    group_id: str


@dataclass(frozen=True)
class Write:
    """One observation to insert (``previous_level`` None) or change, the change of the level
    counts it makes (group, level, delta), and its event (None: nothing changes)."""
    indicator_id: int
    card_code: str
    level: int
    note: str | None
    previous_level: int | None
    event: str | None
    counts: tuple[tuple[str, int, int], ...] = ()
    correction: bool = False


# -- the rule ---------------------------------------------------------------------------------
def decide(child: ChildFacts, round_: RoundFacts | None, indicators: Mapping[int, IndicatorFacts],
           existing: Mapping[int, Recorded], items: Sequence[Mapping[str, Any]], *,
           card_code: str | None = None, field_prefix: str | None = None, correcting: bool = False) -> list[Write]:
    """What recording ``items`` for ``child`` in ``round_`` writes, in item order; raises
    ``InvalidInput`` (errors per field, ``<prefix>.<index>.<field>`` for a card) or ``Conflict``.
    ``correcting``: a person responsible for the cabinet, not the group's educator, changes
    entries the educator made (§3.4) — only those; each change is marked for the audit."""
    if round_ is None or round_.organisation_id != child.organisation_id:
        raise InvalidInput("Unknown round.", errors={"round_id": ["No such round for this child's kindergarten."]})
    if round_.status != "open":
        raise Conflict("The round is closed: its observations can no longer change.", errors={"round_id": ["Closed."]})
    errors: dict[str, list[str]] = {}

    def err(index: int, field: str, message: str) -> None:
        key = field if field_prefix is None else f"{field_prefix}.{index}.{field}"
        errors.setdefault(key, []).append(message)

    if correcting and any(int(item["indicator_id"]) not in existing for item in items):
        raise PermissionDenied("The group's educator enters the levels; "
                               "the persons responsible for the cabinet correct entered ones.")
    seen: set[int] = set()
    for index, item in enumerate(items):
        ind = indicators.get(int(item["indicator_id"]))
        if ind is None:
            err(index, "indicator_id", "No such indicator.")
            continue
        if ind.version_id != round_.catalogue_version_id:
            err(index, "indicator_id",
                f"The indicator is not in catalogue version {round_.catalogue_version} of this round.")
        elif ind.age_band != child.age_band:
            err(index, "indicator_id", f"The indicator is for the {ind.age_band} age band; the child's group is "
                                       f"{child.age_band}.")
        elif card_code is not None and ind.card_code != card_code:
            err(index, "indicator_id", f"The indicator is not on the card «{card_code}».")
        if not 1 <= item["level"] <= ind.max_level:
            err(index, "level", f"The level must be between 1 and {ind.max_level}.")
        if ind.id in seen:
            err(index, "indicator_id", "The indicator appears twice.")
        seen.add(ind.id)
    if errors:
        raise InvalidInput("Nothing was recorded; see errors.", errors=errors)

    writes = []
    for item in items:
        ind = indicators[int(item["indicator_id"])]
        level, note = int(item["level"]), item.get("note")
        before = existing.get(ind.id)
        if before is None:
            writes.append(Write(ind.id, ind.card_code, level, note, None, RECORDED, ((child.group_id, level, 1),)))
        elif before.level == level and before.note == note:
            writes.append(Write(ind.id, ind.card_code, level, note, before.level, None))
        else:
            # Counts stay with the group the observation was made in, even after a transfer.
            counts = () if before.level == level else ((before.group_id, before.level, -1), (before.group_id, level, 1))
            writes.append(Write(ind.id, ind.card_code, level, note, before.level, CHANGED, counts, correcting))
    return writes


def observation_event(write: Write, observation: Observation, child_id: str, round_: RoundFacts) -> dict[str, Any]:
    return {"observation_id": str(observation.id), "child_id": child_id, "round_id": round_.id,
            "organisation_id": round_.organisation_id, "group_id": observation.group_id,
            "card_code": write.card_code, "indicator_id": write.indicator_id,
            "catalogue_version": round_.catalogue_version, "level": write.level,
            "previous_level": write.previous_level}


# -- load, decide, apply ----------------------------------------------------------------------
def record_observations(deps: Deps, session: Session, caller: Caller, child_id: str, round_id: str,
                        items: Sequence[Mapping[str, Any]], *, card_code: str | None = None,
                        field_prefix: str | None = None, check: Check | None = None) -> list[Observation]:
    """Record or change levels for one child in one round, all or nothing: every item is checked
    before anything is written. ``check`` sees the card as it is now (the API's If-Match)."""
    child = reachable_child(session, caller, child_id, lock=True)
    correcting = not can_write_child(caller, child.group_id)
    if correcting and not can_correct_child(caller, child.organisation_id):
        raise PermissionDenied("Only the educator of the child's own group may record this.")
    group = session.get(Group, child.group_id)
    assert group is not None and child.group_id is not None  # the caller is this group's educator
    facts = ChildFacts(child.id, child.organisation_id, child.group_id, group.age_band)
    round_ = _round_facts(session, round_id)
    wanted = {int(i["indicator_id"]) for i in items}
    indicators = {ind.id: IndicatorFacts(ind.id, ind.age_band, ind.max_level, card.version_id, card.code)
                  for ind, card in session.execute(select(Indicator, Card).join(Card, Card.id == Indicator.card_id)
                                                   .where(Indicator.id.in_(wanted)))}
    held = {o.indicator_id: o for o in session.scalars(select(Observation).where(
        Observation.child_id == child.id, Observation.round_id == round_id,
        Observation.indicator_id.in_(wanted)))} if round_ is not None else {}
    existing = {i: Recorded(o.level, o.note, o.group_id) for i, o in held.items()}
    document_card = card_code or next((ind.card_code for ind in indicators.values()), None)
    if check is not None and document_card is not None:
        check(card_document(session, child.id, round_id, document_card))
    writes = decide(facts, round_, indicators, existing, items, card_code=card_code, field_prefix=field_prefix,
                    correcting=correcting)
    assert round_ is not None  # decide() refuses an unknown round
    return _apply(deps, session, caller, facts, round_, held, writes)


def _round_facts(session: Session, round_id: str) -> RoundFacts | None:
    row = session.execute(select(Round, CatalogueVersion.number)
                          .join(CatalogueVersion, CatalogueVersion.id == Round.catalogue_version_id)
                          .where(Round.id == round_id)).first()
    if row is None:
        return None
    r, number = row
    return RoundFacts(r.id, r.organisation_id, r.status, r.catalogue_version_id, number)


def _apply(deps: Deps, session: Session, caller: Caller, child: ChildFacts, round_: RoundFacts,
           held: Mapping[int, Observation], writes: Sequence[Write]) -> list[Observation]:
    now, saved = utcnow(), []
    for write in writes:
        obs = held.get(write.indicator_id)
        if obs is None:
            obs = Observation(child_id=child.id, round_id=round_.id, indicator_id=write.indicator_id,
                              group_id=child.group_id, level=write.level, note=write.note,
                              recorded_by=caller.account_id, recorded_at=now, updated_at=now)
            session.add(obs)
            session.flush()
        elif write.event is not None:
            if write.correction:
                session.add(ObservationCorrection(
                    observation_id=obs.id, organisation_id=round_.organisation_id, child_id=child.id,
                    round_id=round_.id, indicator_id=obs.indicator_id, corrected_by=caller.account_id,
                    corrected_at=now, entered_by=obs.recorded_by, old_level=obs.level, new_level=write.level,
                    old_note=obs.note, new_note=write.note))
            obs.level, obs.note, obs.recorded_by, obs.updated_at = write.level, write.note, caller.account_id, now
        for group_id, level, delta in write.counts:
            _bump(session, round_.id, group_id, write.indicator_id, level, delta)
        if write.event is not None:
            deps.events.record(session, write.event, observation_event(write, obs, child.id, round_))
        saved.append(obs)
    session.flush()
    return saved


def _bump(session: Session, round_id: str, group_id: str, indicator_id: int, level: int, delta: int) -> None:
    dialect: Any = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(LevelCount).values(round_id=round_id, group_id=group_id, indicator_id=indicator_id,
                                             level=level, children=delta)
    session.execute(stmt.on_conflict_do_update(
        index_elements=["round_id", "group_id", "indicator_id", "level"],
        set_={"children": LevelCount.children + delta}))


def card_document(session: Session, child_id: str, round_id: str, card_code: str) -> dict[str, Any]:
    """A child's card in a round as its editors read it: the version If-Match names."""
    held = session.scalars(select(Observation).join(Indicator, Indicator.id == Observation.indicator_id)
                           .join(Card, Card.id == Indicator.card_id)
                           .where(Observation.child_id == child_id, Observation.round_id == round_id,
                                  Card.code == card_code).order_by(Indicator.position, Indicator.id))
    return {"child_id": child_id, "round_id": round_id, "card_code": card_code,
            "observations": [observation_out(o) for o in held]}


def read_card(session: Session, caller: Caller, child_id: str, round_id: str, card_code: str) -> dict[str, Any]:
    child = reachable_child(session, caller, child_id)
    r = session.get(Round, round_id)
    if r is None or r.organisation_id != child.organisation_id:
        raise NotFound("No such round.")
    if session.scalar(select(Card.id).where(Card.version_id == r.catalogue_version_id, Card.code == card_code)) is None:
        raise NotFound("No such card in this round's catalogue.")
    return card_document(session, child.id, r.id, card_code)


def observation_out(obs: Observation) -> dict[str, Any]:
    return {"id": obs.id, "child_id": obs.child_id, "round_id": obs.round_id, "indicator_id": obs.indicator_id,
            "level": obs.level, "note": obs.note, "recorded_at": obs.recorded_at, "updated_at": obs.updated_at}
