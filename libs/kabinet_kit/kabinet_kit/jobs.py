"""A service's scheduled duties as a process: ``python -m <service>.jobs`` runs a round every
``--interval`` seconds (``--once``: one round, for cron and tests). A failed round (the database
away) is logged and the next one tried on time; with ``--once`` it fails the process."""
from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger("kabinet.jobs")


def jobs_main(service: str, run_once: Callable[[], Any], argv: list[str] | None = None, *,
              interval: float = 300.0) -> None:
    from .logs import configure_logging
    parser = argparse.ArgumentParser(prog=f"python -m kabinet_{service}.jobs")
    parser.add_argument("--once", action="store_true", help="one round, then exit")
    parser.add_argument("--interval", type=float, default=interval)
    args = parser.parse_args(argv)
    configure_logging(service)
    while True:
        try:
            log.info("jobs done", extra={"service": service, "result": run_once()})
        except Exception:  # the database is away: wait it out, try again next round
            log.exception("jobs round failed", extra={"service": service})
            if args.once:
                raise
        if args.once:
            return
        time.sleep(args.interval)
