"""The diary-introduction report (seed 002, annex 3): the items the system knows, computed from
facts the projections hold, and the activation steps of annex 1. Pure: no database here.

Definitions (the annex names the items; these say how they are counted):

* item 8 — applications: pupils of the school (or class) whose parents' application for the
  electronic diary is registered, i.e. whose ``e_diary`` consent is in force, of all its pupils;
* item 9 — filling of the journal: of the lessons the school conducted in the 30 days up to the
  report date, the share whose topic is entered (a lesson without its topic is an unfilled row
  of the journal's database);
* item 12 — logins issued: 12.1 parents — pupils for whose parents an access code was issued or
  one of whose guardians holds an account, of all pupils; 12.2 teachers — teachers of the school
  holding an account (a teacher is known to the system only by his account, so the share is of
  those); 12.3 pupils — pupils holding an account of their own;
* item 13 — teachers working in the system: teachers of the school who filled in a lesson of the
  school dated within the 30 days up to the report date, of the school's teachers;
* item 14 — activation: guardians who may use the service (a guardian of a pupil whose
  application is in force) and have activated their account (logged in once), of those who may.
  A guardian of two pupils is counted once per school and once per class.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

#: Item 13 and item 9 look back this far from the report date.
WINDOW_DAYS = 30


@dataclass(frozen=True)
class Step:
    """An activation step of annex 1: from ``deadline`` on, at least ``minimum`` per cent."""
    deadline: date
    minimum: int
    maximum: int


def steps(campaign_year: int) -> tuple[Step, ...]:
    """Annex 1: 30–40 % by 20.09, 41–60 % by 15.10, 61–100 % by 15.11, 100 % from 01.01."""
    y = campaign_year
    return (Step(date(y, 9, 20), 30, 40), Step(date(y, 10, 15), 41, 60),
            Step(date(y, 11, 15), 61, 100), Step(date(y + 1, 1, 1), 100, 100))


def target_in_force(on: date, campaign_year: int) -> Step | None:
    """The step a school is measured against on ``on``: the last one whose deadline has come
    (``до 20.09`` — by that day inclusive); none before the first."""
    due = [step for step in steps(campaign_year) if step.deadline <= on]
    return due[-1] if due else None


def share(count: int, of: int) -> dict[str, Any]:
    """A count, what it is of, and the per cent (one decimal; none of nothing)."""
    return {"count": count, "of": of, "percent": round(100 * count / of, 1) if of else None}


def meets(percent: float | None, step: Step | None) -> bool | None:
    """Whether a share reaches the step in force; unknown without a step or without anyone to count."""
    if step is None or percent is None:
        return None
    return percent >= step.minimum


def window(on: date) -> tuple[date, date]:
    """The days items 9 and 13 look at: the 30 days ending on the report date."""
    return on - timedelta(days=WINDOW_DAYS - 1), on


@dataclass(frozen=True)
class PupilFacts:
    id: str
    group_id: str
    e_diary: bool
    code_issued: bool


@dataclass
class SchoolFacts:
    """What the projections know of one school on a report date."""
    classes: list[tuple[str, str]]                       # (group id, name), in order
    pupils: list[PupilFacts]
    guardians: Mapping[str, set[str]]                    # child id → guardian person ids
    accounts: Mapping[str, bool]                         # person id → activated (active accounts only)
    teachers: set[str] = field(default_factory=set)      # account ids of the school's teachers
    authors: set[str] = field(default_factory=set)       # accounts that filled a lesson in the window
    lessons: int = 0                                     # lessons conducted in the window
    lessons_with_topic: int = 0


def _family_items(pupils: Iterable[PupilFacts], facts: SchoolFacts) -> dict[str, Any]:
    pupils = list(pupils)
    applied = [p for p in pupils if p.e_diary]
    parent_logins = sum(1 for p in pupils if p.code_issued or any(
        g in facts.accounts for g in facts.guardians.get(p.id, ())))
    own_logins = sum(1 for p in pupils if p.id in facts.accounts)
    may_use = {g for p in applied for g in facts.guardians.get(p.id, ())}
    activated = {g for g in may_use if facts.accounts.get(g)}
    return {"pupils": len(pupils), "item8": share(len(applied), len(pupils)),
            "item12_parents": share(parent_logins, len(pupils)), "item12_pupils": share(own_logins, len(pupils)),
            "item14": share(len(activated), len(may_use))}


def school_figures(facts: SchoolFacts, on: date, campaign_year: int) -> dict[str, Any]:
    """The computed items of one school's report, by class where the form asks for classes."""
    step = target_in_force(on, campaign_year)
    whole = _family_items(facts.pupils, facts)
    classes = []
    for group_id, name in facts.classes:
        items = _family_items((p for p in facts.pupils if p.group_id == group_id), facts)
        classes.append({"group_id": group_id, "name": name, **items})
    teachers_with_login = len(facts.teachers)
    figures = {
        "pupils": whole["pupils"],
        "item8": whole["item8"],
        "item9": share(facts.lessons_with_topic, facts.lessons),
        "item12": {"parents": whole["item12_parents"], "teachers": share(teachers_with_login, len(facts.teachers)),
                   "pupils": whole["item12_pupils"]},
        "item13": share(len(facts.teachers & facts.authors), len(facts.teachers)),
        "item14": whole["item14"],
        "classes": classes,
    }
    figures["meets_target"] = meets(figures["item14"]["percent"], step)
    return figures


def target_view(step: Step | None) -> dict[str, Any] | None:
    if step is None:
        return None
    return {"since": step.deadline.isoformat(), "minimum": step.minimum, "maximum": step.maximum}


def _sum_share(parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    parts = list(parts)
    return share(sum(p["count"] for p in parts), sum(p["of"] for p in parts))


def city_figures(schools: list[dict[str, Any]], on: date, campaign_year: int) -> dict[str, Any]:
    """The city's totals from its schools' figures: counts add up, shares are of the sums."""
    step = target_in_force(on, campaign_year)
    totals: dict[str, Any] = {
        "pupils": sum(s["pupils"] for s in schools),
        "item8": _sum_share(s["item8"] for s in schools),
        "item9": _sum_share(s["item9"] for s in schools),
        "item12": {k: _sum_share(s["item12"][k] for s in schools) for k in ("parents", "teachers", "pupils")},
        "item13": _sum_share(s["item13"] for s in schools),
        "item14": _sum_share(s["item14"] for s in schools),
    }
    totals["meets_target"] = meets(totals["item14"]["percent"], step)
    return {"totals": totals, "schools_meeting": sum(1 for s in schools if s["meets_target"] is True),
            "schools_missing": sum(1 for s in schools if s["meets_target"] is False)}
