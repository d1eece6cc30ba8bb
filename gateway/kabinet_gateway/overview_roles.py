"""The staff's sections of ``/api/me/overview``: which reads a caller's roles need, and how their
answers become one section per role held (pure: the endpoint fetches, this plans and assembles).

Views, by the role (and, for an institution's administration, the institution's kind):

* ``teacher``            journal ``me/today`` — today's lessons and what each lacks
* ``tutor``              journal ``me/today`` — the class: pupils, today's absences, unfinished lessons
* ``school_admin``       journal ``control/completeness`` (the month) and identity ``organisations/{id}/activation``
* ``kindergarten_head``  preschool ``me/round`` (the kindergarten's round) and identity activation
* ``educator``           preschool ``me/round`` — the group, its current round, the cards left to fill
* ``department``         journal ``me/today`` (city control), preschool ``me/round`` (city filling), identity activation

Each service read is made once however many sections use it. An administrator's institution
kind comes from identity (``organisations/{id}``); when that lookup fails it counts as a school.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any
from urllib.parse import urlencode

from .fanout import Part, missing

ADMINISTRATION = ("institution_admin", "deputy_director")
SIMPLE_VIEWS = {"teacher": "teacher", "tutor": "tutor", "educator": "educator", "department_officer": "department"}

JOURNAL_TODAY = ("journal", "me/today")
PRESCHOOL_ROUND = ("preschool", "me/round")


def grants_of(me: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The caller's role grants as identity's /me lists them, once each, in its order."""
    seen, out = set(), []
    for role in me.get("roles") or []:
        if not isinstance(role, dict) or not role.get("role"):
            continue
        key = (role["role"], role.get("organisation_id"), role.get("group_id"))
        if key not in seen:
            seen.add(key)
            out.append({"role": key[0], "organisation_id": key[1], "group_id": key[2]})
    return out


def kind_lookups(grants: list[dict[str, Any]]) -> dict[Hashable, tuple[str, str]]:
    """The institutions whose kind decides their administration's view."""
    return {("organisation", g["organisation_id"]): ("identity", f"organisations/{g['organisation_id']}")
            for g in grants if g["role"] in ADMINISTRATION and g["organisation_id"]}


def kinds_from(lookups: Mapping[Hashable, Part]) -> dict[str, str]:
    return {key[1]: part["data"].get("kind") for key, part in lookups.items()  # type: ignore[index]
            if part.get("status") == "ok" and isinstance(part.get("data"), dict)}


def view_of(grant: Mapping[str, Any], kinds: Mapping[str, str]) -> str | None:
    if grant["role"] in ADMINISTRATION:
        return "kindergarten_head" if kinds.get(grant["organisation_id"]) == "kindergarten" else "school_admin"
    return SIMPLE_VIEWS.get(grant["role"])


def sections_plan(grants: list[dict[str, Any]], kinds: Mapping[str, str], month: str
                  ) -> tuple[list[dict[str, Any]], dict[Hashable, tuple[str, str]]]:
    """(sections, jobs): one section per view held — its parts named by the job each reads —
    and the reads to make (key → (service, path)), each once."""
    sections: list[dict[str, Any]] = []
    jobs: dict[Hashable, tuple[str, str]] = {}
    seen = set()
    for grant in grants:
        view = view_of(grant, kinds)
        org, group = grant["organisation_id"], grant["group_id"]
        if view is None or (view, org, group) in seen:
            continue
        seen.add((view, org, group))
        parts: dict[str, Hashable] = {}
        if view in ("teacher", "tutor"):
            parts["lessons" if view == "teacher" else "class"] = "journal_today"
        if view in ("educator", "kindergarten_head"):
            parts["group" if view == "educator" else "round"] = "preschool_round"
        if view == "department":
            parts.update(journal_control="journal_today", preschool_completeness="preschool_round")
        if view == "school_admin":
            parts["journal_control"] = ("control", org)
            query = urlencode({"organisation_id": org, "month": month})
            jobs[("control", org)] = ("journal", f"control/completeness?{query}")
        if view in ("school_admin", "kindergarten_head", "department") and org:
            parts["activation"] = ("activation", org)
            jobs[("activation", org)] = ("identity", f"organisations/{org}/activation")
        if "journal_today" in parts.values():
            jobs["journal_today"] = JOURNAL_TODAY
        if "preschool_round" in parts.values():
            jobs["preschool_round"] = PRESCHOOL_ROUND
        sections.append({"view": view, "role": grant["role"], "organisation_id": org, "group_id": group,
                         "parts": parts})
    return sections, jobs


def _by(items: Any, key: str, value: Any) -> Any:
    return next((x for x in items or [] if isinstance(x, dict) and x.get(key) == value), None)


def _lessons(data: dict[str, Any], section: dict[str, Any]) -> Any:
    return {"date": data.get("date"), "lessons": [x for x in data.get("lessons") or [] if isinstance(x, dict)
                                                  and x.get("organisation_id") in (None, section["organisation_id"])]}


def _class(data: dict[str, Any], section: dict[str, Any]) -> Any:
    found = _by(data.get("classes"), "group_id", section["group_id"])
    return None if found is None else {"date": data.get("date"), **found}


# What a section's part takes from the read it names (None: the read does not have it).
SLICES: dict[tuple[str, str], Callable[[dict[str, Any], dict[str, Any]], Any]] = {
    ("teacher", "lessons"): _lessons,
    ("tutor", "class"): _class,
    ("educator", "group"): lambda data, section: _by(data.get("groups"), "group_id", section["group_id"]),
    ("kindergarten_head", "round"): lambda data, section: _by(data.get("kindergartens"), "organisation_id",
                                                              section["organisation_id"]),
    ("department", "journal_control"): lambda data, section: data.get("city"),
    ("department", "preschool_completeness"): lambda data, section: data.get("city"),
}


def assemble(sections: list[dict[str, Any]], results: Mapping[Hashable, Part]) -> list[dict[str, Any]]:
    """The sections with each part filled from its read (sliced to the section where it is shared)."""
    out = []
    for section in sections:
        parts = {}
        for name, key in section["parts"].items():
            part = results[key]
            cut = SLICES.get((section["view"], name))
            if part.get("status") != "ok" or cut is None:
                parts[name] = part
                continue
            data = cut(part["data"] if isinstance(part.get("data"), dict) else {}, section)
            parts[name] = {**part, "data": data} if data is not None else missing(part["service"], "not found")
        out.append({**section, "parts": parts})
    return out
