"""``python -m kabinet_reports.jobs``: the reports service's scheduled duties, every
``--interval`` seconds (default 300; ``--once``: one round, for cron and tests): every report
date of the schedule that has come is frozen — each school's report stored as it is then, and
``reports.diary.frozen.v1`` and a ``reports.diary.target_missed.v1`` per school below the step in
force go to the outbox (``python -m kabinet_reports.relay`` publishes them)."""
from __future__ import annotations

from datetime import date
from typing import Any

from .clock import local_today
from .deps import Deps
from .introduction import freeze_due


def run_once(deps: Deps, today: date | None = None) -> dict[str, Any]:
    today = today or local_today(deps.settings.timezone)
    with deps.session_factory.begin() as session:
        return {"frozen": freeze_due(deps, session, today)}


def main(argv: list[str] | None = None) -> None:
    from kabinet_kit.jobs import jobs_main

    from .bootstrap import build_deps
    from .config import Settings
    deps = build_deps(Settings.load())
    jobs_main("reports", lambda: run_once(deps), argv)


if __name__ == "__main__":
    main()
