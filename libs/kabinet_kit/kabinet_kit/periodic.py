"""A write a process makes on a timer beside its main loop, each in a transaction of its own
(a relay's heartbeat into its own outbox, which the relay then publishes like any event)."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("kabinet.periodic")


@dataclass
class PeriodicWrite:
    name: str
    every: float
    write: Callable[[Session], None]
    session_factory: sessionmaker[Any]

    def once(self) -> None:
        with self.session_factory.begin() as session:
            self.write(session)

    def run(self, stop: threading.Event) -> None:
        """Write now and every ``every`` seconds until ``stop``; a failed write (the database
        away) is logged and the next one tried on time."""
        failing = False
        while not stop.is_set():
            try:
                self.once()
                failing = False
            except Exception as exc:
                if not failing:
                    log.warning("periodic write failed", extra={"write": self.name, "error": repr(exc)})
                failing = True
            stop.wait(self.every)

    def start(self, stop: threading.Event) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(stop,), name=self.name, daemon=True)
        thread.start()
        return thread
