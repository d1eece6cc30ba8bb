"""The deputy's control of attestation (seed 004 §3.4, §6.3): once a term is over, every pupil of a
load's group has its term mark (interim attestation); once the year's last term is over, its year
and final marks. Counted per load — a group and subject — over the pupils in the group on the
term's (the year's) last day: a pupil who left before it owes no mark there."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Membership, Term, TermMark

#: The control report's counts of missing attestation, per period.
MISSING = {"term": "without_term_mark", "year": "without_year_mark", "final": "without_final_mark"}


class Stay(NamedTuple):
    child_id: str
    starts_on: date
    ends_on: date | None


class AttestedTerm(NamedTuple):
    id: str
    academic_year_id: str
    ends_on: date
    closed: bool


class Load(NamedTuple):
    id: str
    group_id: str
    academic_year_id: str


class Missing(NamedTuple):
    load_id: str
    child_id: str
    period: str  # term | year | final
    term_id: str  # the term's id, or the year's for year and final marks (as they are kept)


def _on(stays: Iterable[Stay], day: date) -> list[str]:
    return sorted({s.child_id for s in stays if s.starts_on <= day and (s.ends_on is None or s.ends_on >= day)})


def missing_attestation(terms: Sequence[AttestedTerm], loads: Sequence[Load], stays: Mapping[str, Sequence[Stay]],
                        set_marks: Collection[tuple[str, str, str, str]], until: date) -> list[Missing]:
    """Marks owed and not set by ``until``: a term is over once closed or ended by then; the year
    once all its terms are. ``set_marks``: (load, child, period, term or year id) of marks set."""
    by_year: dict[str, list[AttestedTerm]] = defaultdict(list)
    for term in terms:
        by_year[term.academic_year_id].append(term)
    out: list[Missing] = []
    for load in loads:
        year_terms = by_year.get(load.academic_year_id, [])
        owed = [("term", term.id, term.ends_on) for term in sorted(year_terms, key=lambda t: t.ends_on)
                if term.closed or term.ends_on <= until]
        if year_terms and len(owed) == len(year_terms):
            year_end = max(t.ends_on for t in year_terms)
            owed += [("year", load.academic_year_id, year_end), ("final", load.academic_year_id, year_end)]
        for period, key, last_day in owed:
            out += [Missing(load.id, child, period, key) for child in _on(stays.get(load.group_id, ()), last_day)
                    if (load.id, child, period, key) not in set_marks]
    return out


def find_missing(session: Session, organisation_id: str, year_ids: Collection[str], loads: Sequence[Load],
                 until: date) -> list[Missing]:
    """Load the facts for :func:`missing_attestation` (three queries, whatever the size)."""
    loads = [ld for ld in loads if ld.academic_year_id in year_ids]
    if not loads:
        return []
    terms = [AttestedTerm(t.id, t.academic_year_id, t.ends_on, t.closed_at is not None)
             for t in session.scalars(select(Term).where(Term.organisation_id == organisation_id,
                                                         Term.academic_year_id.in_(list(year_ids))))]
    stays: dict[str, list[Stay]] = defaultdict(list)
    groups = {ld.group_id for ld in loads}
    for row in session.execute(select(Membership.group_id, Membership.child_id, Membership.starts_on,
                                      Membership.ends_on).where(Membership.group_id.in_(groups))):
        stays[row.group_id].append(Stay(row.child_id, row.starts_on, row.ends_on))
    marks = select(TermMark.load_id, TermMark.child_id, TermMark.period, TermMark.term_id).where(
        TermMark.load_id.in_([ld.id for ld in loads]))
    set_marks = {(r[0], r[1], r[2], r[3]) for r in session.execute(marks)}
    return missing_attestation(terms, loads, stays, set_marks, until)


def count_missing(missing: Iterable[Missing]) -> dict[str, dict[str, int]]:
    """Per load: the MISSING counts."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {name: 0 for name in MISSING.values()})
    for entry in missing:
        counts[entry.load_id][MISSING[entry.period]] += 1
    return counts


def by_group_and_subject(missing: Iterable[Missing], loads: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The counts per group and subject (a load), figures only."""
    rows = []
    for load_id, counts in count_missing(missing).items():
        load = loads[load_id]
        rows.append({"load_id": load_id, "group_id": load.group_id, "group": load.group, "subject": load.subject,
                     **counts})
    return sorted(rows, key=lambda r: (r["group"], r["subject"], r["load_id"]))
