"""The turn that relays on one SQLite database take, so that two never publish the same rows."""
from __future__ import annotations

import fcntl
import os
import threading
from typing import ClassVar

from sqlalchemy import Engine


class TurnLock:
    """Relays on one SQLite database take turns: ``flock`` on ``<database>.relay-lock`` (across
    processes; it does not touch SQLite's own locks), a process-wide lock for in-memory ones."""
    _memory: ClassVar[dict[str, threading.Lock]] = {}
    _guard: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, engine: Engine):
        database = engine.url.database
        self.path = f"{database}.relay-lock" if database and database != ":memory:" else None
        with self._guard:
            self.memory = self._memory.setdefault(str(engine.url), threading.Lock())
        self.fd: int | None = None

    def acquire(self) -> None:
        if self.path is None:
            self.memory.acquire()
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        self.fd = fd

    def release(self) -> None:
        if self.path is None:
            self.memory.release()
            return
        fd, self.fd = self.fd, None
        if fd is not None:
            os.close(fd)  # closing the descriptor drops the flock
