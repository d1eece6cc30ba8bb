"""The year transition of a whole institution in one order: every class (group) of the year
goes on to the next grade's (age band's) group of the new year, created if missing; the last
grade leaves (a withdrawal). Preview answers what would happen; apply records it all in one
transaction, as the movement book's entries and events single moves make, or nothing.

Load → decide → apply: :func:`plan_transition` holds the rules over plain values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.errors import Conflict, InvalidInput, NotFound

from .access import Caller, Where
from .audit import deny
from .deps import Deps
from .models import AcademicYear, Group, Movement, Organisation, Person, Placement
from .movements import EVENT_TYPES, MovementPlan, apply_movement
from .structure import create_group

#: A school's last grade: its pupils leave on the transition (graduated).
FINAL_GRADE = 11
#: A kindergarten's age bands in order; the last one leaves for school.
AGE_BANDS = ("middle", "senior", "preparatory")
_GRADE_PREFIX = re.compile(r"^(\d+)(.*)$")


@dataclass(frozen=True)
class GroupFacts:
    id: str
    name: str
    kind: str
    grade_level: int | None
    age_band: str | None
    pupils: tuple[str, ...]


@dataclass(frozen=True)
class GroupStep:
    group_id: str
    group_name: str
    #: "promote" (on to ``to_name``), "graduate" (leaves) or "skip" (no grade: stays as it is).
    action: str
    pupils: tuple[str, ...]
    to_name: str | None = None
    to_grade: int | None = None
    to_band: str | None = None
    #: The group of the new year it goes to, when it exists already (else created).
    to_group_id: str | None = None


def next_stage(facts: GroupFacts) -> tuple[str, int | None, str | None] | None:
    """The next year's group name, grade and age band; None when the group's pupils leave.
    Raises LookupError for a group with no grade (an association): it has no next stage."""
    if facts.kind == "school_class" and facts.grade_level is not None:
        if facts.grade_level >= FINAL_GRADE:
            return None
        grade = facts.grade_level + 1
        prefix = _GRADE_PREFIX.match(facts.name)
        name = f"{grade}{prefix[2]}" if prefix and int(prefix[1]) == facts.grade_level else facts.name
        return name, grade, None
    if facts.kind == "kindergarten_group" and facts.age_band in AGE_BANDS:
        band = AGE_BANDS.index(facts.age_band)
        return None if band == len(AGE_BANDS) - 1 else (facts.name, None, AGE_BANDS[band + 1])
    raise LookupError(facts.name)


def plan_transition(groups: list[GroupFacts], next_year_groups: dict[str, str]) -> list[GroupStep]:
    """``next_year_groups``: the new year's group ids by name."""
    steps = []
    for g in sorted(groups, key=lambda g: (g.grade_level or 0, g.name)):
        try:
            stage = next_stage(g)
        except LookupError:
            steps.append(GroupStep(g.id, g.name, "skip", g.pupils))
            continue
        if stage is None:
            steps.append(GroupStep(g.id, g.name, "graduate", g.pupils))
        else:
            name, grade, band = stage
            steps.append(GroupStep(g.id, g.name, "promote", g.pupils, name, grade, band, next_year_groups.get(name)))
    return steps


def summary(steps: list[GroupStep], mode: str, created: dict[str, str] | None = None) -> dict[str, Any]:
    """``created``: once applied, the ids of the groups created, by name."""
    created = created or {}
    return {"mode": mode, "applied": mode == "apply",
            "promoted": sum(len(s.pupils) for s in steps if s.action == "promote"),
            "graduated": sum(len(s.pupils) for s in steps if s.action == "graduate"),
            "groups_created": len({s.to_name for s in steps if s.action == "promote" and s.to_group_id is None}),
            "groups": [{"group_id": s.group_id, "group_name": s.group_name, "action": s.action,
                        "to_group_id": s.to_group_id or created.get(s.to_name or ""), "to_group_name": s.to_name,
                        "to_group_created": s.action == "promote" and s.to_group_id is None,
                        "pupils": len(s.pupils)} for s in steps]}


def _years(session: Session, body: dict[str, Any]) -> tuple[AcademicYear, AcademicYear]:
    years = {}
    for field in ("from_year_id", "to_year_id"):
        year = session.get(AcademicYear, body[field])
        if year is None:
            raise InvalidInput("Unknown academic year.", errors={field: ["No such academic year."]})
        years[field] = year
    old, new = years["from_year_id"], years["to_year_id"]
    if new.starts_on <= old.starts_on:
        raise InvalidInput("The transition is to a later academic year.",
                           errors={"to_year_id": ["Must start after the year the pupils move from."]})
    return old, new


def _load(session: Session, organisation_id: str, old: AcademicYear, new: AcademicYear
          ) -> tuple[list[GroupFacts], dict[str, Group]]:
    groups = session.scalars(select(Group).where(Group.organisation_id == organisation_id,
                                                 Group.academic_year_id == old.id)).all()
    pupils: dict[str | None, list[str]] = {}
    for child_id, group_id in session.execute(
            select(Placement.child_id, Placement.group_id).where(Placement.group_id.in_([g.id for g in groups]))
            .order_by(Placement.child_id)):
        pupils.setdefault(group_id, []).append(child_id)
    facts = [GroupFacts(g.id, g.name, g.kind, g.grade_level, g.age_band, tuple(pupils.get(g.id, ())))
             for g in groups]
    existing = {g.name: g for g in session.scalars(select(Group).where(Group.organisation_id == organisation_id,
                                                                       Group.academic_year_id == new.id))}
    return facts, existing


def _refuse_if_already_moved(session: Session, steps: list[GroupStep], new: AcademicYear) -> None:
    """A pupil with an entry into a group of the new year was moved on already (another order)."""
    moving = [child for s in steps if s.action != "skip" for child in s.pupils]
    if not moving:
        return
    already = session.scalar(select(Movement.child_id).join(Group, Group.id == Movement.group_id)
                             .where(Movement.child_id.in_(moving), Group.academic_year_id == new.id).limit(1))
    if already:
        raise Conflict("Pupils of this institution have entries in the new academic year already.",
                       errors={"to_year_id": ["Already entered into groups of that year."]})


def year_transition(deps: Deps, session: Session, caller: Caller, organisation_id: str,
                    body: dict[str, Any]) -> dict[str, Any]:
    # Refused before the institution is looked at: a foreign id answers as a missing one.
    if not (caller.is_department or caller.administers(organisation_id)):
        deny(deps, caller, "year_transition", f"organisations/{organisation_id}/year-transition",
             organisation_id=organisation_id, not_found=False)
    organisation = session.get(Organisation, organisation_id)
    if organisation is None or organisation.kind == "department":
        raise NotFound("No such organisation.")
    old, new = _years(session, body)
    facts, existing = _load(session, organisation_id, old, new)
    steps = plan_transition(facts, {name: g.id for name, g in existing.items()})
    _refuse_if_already_moved(session, steps, new)
    if body["mode"] == "preview":
        return summary(steps, "preview")
    missing = {f: ["Required to apply the transition."] for f in ("order_number", "order_date") if not body.get(f)}
    if missing:
        raise InvalidInput("Name the order of the transition.", errors=missing)
    if not any(s.pupils for s in steps if s.action != "skip"):
        raise Conflict("There is nobody to move: the groups of this year have no pupils.",
                       errors={"from_year_id": ["No pupils in the groups of this year."]})
    return summary(steps, "apply", _apply(deps, session, caller, organisation_id, new, steps, body))


def _apply(deps: Deps, session: Session, caller: Caller, organisation_id: str, new: AcademicYear,
           steps: list[GroupStep], body: dict[str, Any]) -> dict[str, str]:
    order = {"order_number": body["order_number"], "order_date": body["order_date"],
             "effective_on": body.get("effective_on") or new.starts_on}
    moving = [child for s in steps if s.action != "skip" for child in s.pupils]
    # Each pupil's row is locked as a single order locks it: no other order of his interleaves.
    session.execute(select(Person.id).where(Person.id.in_(moving)).order_by(Person.id).with_for_update())
    created: dict[str, str] = {}
    for step in steps:
        if step.action == "skip":
            continue
        origin = Where(organisation_id, step.group_id)
        target: Where | None = None
        if step.action == "promote":
            to_id = step.to_group_id or created.get(step.to_name or "")
            if to_id is None:
                to_id = create_group(deps, session, caller, {
                    "organisation_id": organisation_id, "academic_year_id": new.id, "name": step.to_name,
                    "grade_level": step.to_grade, "age_band": step.to_band}).id
                created[step.to_name or ""] = to_id
            target = Where(organisation_id, to_id)
        kind = "transfer" if target else "withdraw"
        plan = MovementPlan(kind=kind, organisation_id=organisation_id, group_id=target.group_id if target else None,
                            origin=origin, placement=target, event_type=EVENT_TYPES[kind], ends_consents=target is None)
        for child_id in step.pupils:
            apply_movement(deps, session, caller, child_id, session.get(Placement, child_id), plan, order)
    return created
