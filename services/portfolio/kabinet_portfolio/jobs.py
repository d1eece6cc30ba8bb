"""``python -m kabinet_portfolio.jobs``: the portfolio's scheduled duties, every
``--interval`` seconds (default 300; ``--once``: one round, for cron and tests):

* points: when the coefficient table has a new version, or a day has passed (a year since some
  achievement may have completed), every pupil's points are recomputed (POR-19);
* disputes past their due date are reported once (POR-26);
* portfolios whose consent ended more than the department's grace period ago (default 30 days)
  lose their achievements, documents, goals and Profi entries (POR-05).
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update

from kabinet_kit.events import utcnow

from .catalogue import current_table, grace_days
from .clock import local_today
from .deps import Deps
from .disputes import report_overdue
from .documents import release
from .models import Achievement, Goal, Highlight, Petition, ProfiEntry, Pupil
from .scoring import recompute_all


def purge(deps: Deps, now: Any = None) -> dict[str, int]:
    """Delete what the grace period no longer covers; the files go after the commit."""
    now = now or utcnow()
    with deps.session_factory.begin() as session:
        cutoff = now - timedelta(days=grace_days(session))
        pupils = list(session.scalars(select(Pupil.id).where(Pupil.consent.is_(False),
                                                             Pupil.consent_ended_at.is_not(None),
                                                             Pupil.consent_ended_at <= cutoff)))
        if not pupils:
            return {"pupils": 0, "achievements": 0, "files": 0}
        hashes = set(session.scalars(select(Achievement.document_sha256).where(
            Achievement.pupil_id.in_(pupils), Achievement.document_sha256.is_not(None))))
        gone = session.execute(delete(Achievement).where(Achievement.pupil_id.in_(pupils))).rowcount
        for model in (Goal, Highlight, ProfiEntry):
            session.execute(delete(model).where(model.pupil_id.in_(pupils)))
        session.execute(update(Petition).where(Petition.requested_by_pupil.in_(pupils)).values(requested_by_pupil=None))
        session.execute(update(Pupil).where(Pupil.id.in_(pupils)).values(points_cents=0, consent_ended_at=None))
    files = release(deps, {h for h in hashes if h})
    return {"pupils": len(pupils), "achievements": gone or 0, "files": files}


def recompute_if_due(deps: Deps, today: date) -> dict[str, int] | None:
    with deps.session_factory.begin() as session:
        version = current_table(session).version
        due = session.scalar(select(Pupil.id).where(or_(Pupil.points_version != version, Pupil.points_on.is_(None),
                                                        Pupil.points_on < today)).limit(1))
        if due is None:
            return None
        return recompute_all(deps, session, today)


def run_once(deps: Deps, today: date | None = None) -> dict[str, Any]:
    today = today or local_today(deps.settings.timezone)
    done: dict[str, Any] = {"points": recompute_if_due(deps, today)}
    with deps.session_factory.begin() as session:
        done["overdue_disputes"] = report_overdue(deps, session, today)
    done["purge"] = purge(deps)
    return done


def main(argv: list[str] | None = None) -> None:
    from kabinet_kit.jobs import jobs_main

    from .bootstrap import build_deps
    from .config import Settings
    deps = build_deps(Settings.load())
    jobs_main("portfolio", lambda: run_once(deps), argv)


if __name__ == "__main__":
    main()
