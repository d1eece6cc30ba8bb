"""The conservation check after a fault: every write the gateway accepted is applied exactly once
in every projection that should hold it, and nothing else is.

Projections per kind of write (the test reads the databases directly, never through a proxy):

* mark, attendance: the journal's ``marks`` / ``attendance`` rows of the cell, and the
  ``journal.mark.recorded.v1`` / ``journal.attendance.marked.v2`` events on the tap;
* observation: preschool's ``observations`` row and ``preschool.observation.recorded.v1`` on
  the tap; the level counts of the cells' rounds agree with the observations;
* consent given / revoked: identity's consent row, ``identity.consent.given|revoked.v1`` on the
  tap, and that event processed by the journal's, preschool's, portfolio's and reports' consumers;
  at the end each replica holds the consent in force that identity holds.

A write is *applied* when every projection holds it once, *lost* when one lacks it, *applied
twice* when one holds it more than once. An unanswered write may be applied once or not at all,
but once committed it must reach every projection (else it counts as lost); anything in a
projection that no write explains counts as applied twice.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import create_engine, select, tuple_

from chaos.load import Load
from chaos.tap import Tap
from kabinet_identity.models import Consent as IdentityConsent
from kabinet_journal.models import PROCESSED as JOURNAL_PROCESSED
from kabinet_journal.models import Attendance, Mark
from kabinet_journal.models import Consent as JournalConsent
from kabinet_portfolio.models import PROCESSED as PORTFOLIO_PROCESSED
from kabinet_portfolio.models import Pupil
from kabinet_preschool.models import PROCESSED as PRESCHOOL_PROCESSED
from kabinet_preschool.models import Child as PreschoolChild
from kabinet_preschool.models import LevelCount, Observation
from kabinet_reports.models import PROCESSED as REPORTS_PROCESSED
from kabinet_reports.models import Pupil as ReportsPupil
from kabinet_stack import Stack


@dataclass
class Tally:
    accepted: int = 0
    unknown: int = 0
    applied: int = 0             # accepted writes applied exactly once everywhere
    applied_unanswered: int = 0  # unanswered writes that were committed, and are everywhere once
    lost: int = 0
    twice: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, verdict: str, what: str, answered: bool = True) -> None:
        if verdict == "applied":
            if answered:
                self.applied += 1
            else:
                self.applied_unanswered += 1
        elif verdict == "lost":
            self.lost += 1
            self.problems.append(f"lost: {what}")
        elif verdict == "twice":
            self.twice += 1
            self.problems.append(f"applied twice: {what}")

    @property
    def clean(self) -> bool:
        return self.lost == 0 and self.twice == 0 and self.applied == self.accepted


def verdict(outcome: str, counts: list[int]) -> str:
    """What a write's counts in its projections say: applied | lost | twice | none."""
    if any(n > 1 for n in counts):
        return "twice"
    if outcome == "accepted":
        return "applied" if all(n == 1 for n in counts) else "lost"
    if outcome == "refused":
        return "twice" if any(counts) else "none"
    # Unanswered: nowhere, or everywhere.
    if not any(counts):
        return "none"
    return "applied" if all(n == 1 for n in counts) else "lost"


class Databases:
    """Read-only engines on the stack's databases (a plain engine: the kit's would take SQLite's
    write lock for every read)."""

    def __init__(self, stack: Stack):
        self.engines = {name: create_engine(url) for name, url in stack.databases.items()}

    def rows(self, service: str, statement) -> list:
        with self.engines[service].connect() as conn:
            return list(conn.execute(statement))

    def dispose(self) -> None:
        for engine in self.engines.values():
            engine.dispose()


def consent_snapshot(dbs: Databases, load: Load) -> dict[str, str]:
    """Consent id → status of the load's chains, before the load."""
    keys = [(c.child_id, c.purpose) for c in load.cells.chains]
    return {r.id: r.status for r in dbs.rows("identity", select(IdentityConsent.id, IdentityConsent.status).where(
        tuple_(IdentityConsent.child_id, IdentityConsent.purpose).in_(keys)))}


def check(stack: Stack, dbs: Databases, tap: Tap, load: Load, before: dict[str, str]) -> Tally:
    tally = Tally()
    with load._lock:
        writes = list(load.writes)
    tally.accepted = sum(1 for w in writes if w.outcome == "accepted")
    tally.unknown = sum(1 for w in writes if w.outcome == "unknown")
    _cells(tally, writes, _journal_projection(dbs, tap, load), ("mark", "attendance"))
    _cells(tally, writes, _preschool_projection(dbs, tap, load), ("observation",))
    _consents(tally, writes, dbs, tap, load, before, stack.consumer_queue)
    return tally


def _cells(tally: Tally, writes, projections: dict[str, list[Counter]], kinds: tuple[str, ...]) -> None:
    for kind in kinds:
        explained = set()
        for write in (w for w in writes if w.kind == kind):
            explained.add(write.key)
            tally.add(verdict(write.outcome, [p[write.key] for p in projections[kind]]), f"{kind} {write.key}",
                      answered=write.outcome == "accepted")
        for projection in projections[kind]:
            for key in set(projection) - explained:
                tally.add("twice", f"{kind} {key} written by no write")


def _journal_projection(dbs: Databases, tap: Tap, load: Load) -> dict[str, list[Counter]]:
    lessons = set(load.cells.lessons)
    marks = Counter((r.lesson_id, r.child_id) for r in dbs.rows("journal", select(Mark.lesson_id, Mark.child_id)
                                                                  .where(Mark.lesson_id.in_(lessons))))
    attendance = Counter((r.lesson_id, r.child_id) for r in dbs.rows(
        "journal", select(Attendance.lesson_id, Attendance.child_id).where(Attendance.lesson_id.in_(lessons))))
    mark_events = Counter((e["data"]["lesson_id"], e["data"]["child_id"])
                          for e in tap.of_type("journal.mark.recorded.v1") if e["data"]["lesson_id"] in lessons)
    attendance_events = Counter((e["data"]["lesson_id"], e["data"]["child_id"])
                                for e in tap.of_type("journal.attendance.marked.v2")
                                if e["data"]["lesson_id"] in lessons)
    return {"mark": [marks, mark_events], "attendance": [attendance, attendance_events]}


def _preschool_projection(dbs: Databases, tap: Tap, load: Load) -> dict[str, list[Counter]]:
    cells = set(load.cells.observations)
    rounds = {r for _, r, _ in cells}
    rows = dbs.rows("preschool", select(Observation.child_id, Observation.round_id, Observation.indicator_id,
                                        Observation.group_id, Observation.level)
                    .where(Observation.round_id.in_(rounds)))
    observations = Counter((r.child_id, r.round_id, r.indicator_id) for r in rows
                           if (r.child_id, r.round_id, r.indicator_id) in cells)
    events = Counter((e["data"]["child_id"], e["data"]["round_id"], e["data"]["indicator_id"])
                     for e in tap.of_type("preschool.observation.recorded.v1")
                     if (e["data"]["child_id"], e["data"]["round_id"], e["data"]["indicator_id"]) in cells)
    # The level counts kept with each write: a write applied twice would count its child twice.
    counted = {(r.round_id, r.group_id, r.indicator_id, r.level): r.children for r in dbs.rows(
        "preschool", select(LevelCount).where(LevelCount.round_id.in_(rounds)))}
    held = Counter((r.round_id, r.group_id, r.indicator_id, r.level) for r in rows)
    for key in set(counted) | set(held):
        if counted.get(key, 0) != held.get(key, 0):
            events[("level_counts", *key)] += 2  # no write explains it: counted as applied twice
    return {"observation": [observations, events]}


def _consents(tally: Tally, writes, dbs: Databases, tap: Tap, load: Load, before: dict[str, str],
              consumer_queue: str) -> None:
    keys = [(c.child_id, c.purpose) for c in load.cells.chains]
    rows = dbs.rows("identity", select(IdentityConsent.id, IdentityConsent.child_id, IdentityConsent.purpose,
                                       IdentityConsent.status)
                    .where(tuple_(IdentityConsent.child_id, IdentityConsent.purpose).in_(keys)))
    given = {r.id: r for r in rows if r.id not in before}
    revoked = {r.id: r for r in rows if r.status == "revoked" and before.get(r.id, "active") == "active"}
    processed = {
        "journal": _processed(dbs, "journal", JOURNAL_PROCESSED, f"journal.{consumer_queue}"),
        "preschool": _processed(dbs, "preschool", PRESCHOOL_PROCESSED, f"preschool.{consumer_queue}"),
        "portfolio": _processed(dbs, "portfolio", PORTFOLIO_PROCESSED, f"portfolio.{consumer_queue}"),
        "reports": _processed(dbs, "reports", REPORTS_PROCESSED, f"reports.{consumer_queue}")}

    def projections(event_type: str, consent_id: str) -> list[int]:
        events = tap.matching(event_type, consent_id=consent_id)
        counts = [1, len(events)]  # identity's own row is there (found in its table)
        if len(events) == 1:
            counts += [processed[s][events[0]["id"]] for s in processed]
        else:
            counts += [len(events)] * len(processed)
        return counts

    for kind, found in (("consent_given", given), ("consent_revoked", revoked)):
        event_type = f"identity.{kind.replace('_', '.')}.v1"
        claimed = set()
        for write in (w for w in writes if w.kind == kind and w.outcome == "accepted"):
            if write.entity not in found:
                tally.add("lost", f"{kind} {write.entity} not in identity")
                continue
            claimed.add(write.entity)
            tally.add(verdict("accepted", projections(event_type, write.entity)), f"{kind} {write.entity}")
        # Rows no accepted write claims: from unanswered writes, at most one each per chain.
        unanswered = Counter(w.key for w in writes if w.kind == kind and w.outcome == "unknown")
        for consent_id, row in found.items():
            if consent_id in claimed:
                continue
            key = (row.child_id, row.purpose)
            if unanswered[key] <= 0:
                tally.add("twice", f"{kind} {consent_id} written by no write")
                continue
            unanswered[key] -= 1
            tally.add(verdict("unknown", projections(event_type, consent_id)), f"{kind} {consent_id} (unanswered)",
                      answered=False)
    _replica_states(tally, dbs, rows, keys)


def _processed(dbs: Databases, service: str, table, consumer: str) -> Counter:
    return Counter(r.event_id for r in dbs.rows(service, select(table.c.event_id).where(table.c.consumer == consumer)))


def _replica_states(tally: Tally, dbs: Databases, rows, keys) -> None:
    """After the load, each replica holds what identity holds in force now."""
    active = {(r.child_id, r.purpose): r.id for r in rows if r.status == "active"}
    journal = {(r.child_id, r.purpose): r.consent_id for r in dbs.rows(
        "journal", select(JournalConsent).where(tuple_(JournalConsent.child_id, JournalConsent.purpose).in_(keys)))}
    for key in keys:
        if journal.get(key) != active.get(key):
            tally.problems.append(f"lost: the journal holds consent {journal.get(key)} for {key}, identity "
                                  f"{active.get(key)}")
            tally.lost += 1
    for service, table, column, purpose in (("preschool", PreschoolChild, PreschoolChild.consent, "preschool_cabinet"),
                                            ("portfolio", Pupil, Pupil.consent, "portfolio"),
                                            ("reports", ReportsPupil, ReportsPupil.e_diary, "e_diary")):
        children = [child for child, p in keys if p == purpose]
        held = {r[0]: r[1] for r in dbs.rows(service, select(table.id, column).where(table.id.in_(children)))}
        for child in children:
            if bool(held.get(child)) != ((child, purpose) in active):
                tally.problems.append(f"lost: {service} shows consent={held.get(child)} for {child}")
                tally.lost += 1

