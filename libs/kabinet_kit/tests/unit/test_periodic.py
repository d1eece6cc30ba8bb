"""A write on a timer beside a process's main loop: on time, each in its own transaction, and
still on time after failures (the database away)."""
from __future__ import annotations

import threading
import time

from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from kabinet_kit.periodic import PeriodicWrite


def test_writes_run_every_interval_until_stopped_and_outlive_failures():
    # One in-memory database shared by the test and the writer's thread.
    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE beats (n INTEGER)"))
    calls = []

    def write(session):
        calls.append(time.monotonic())
        if len(calls) in (2, 3):
            raise OSError("database away")
        session.execute(text("INSERT INTO beats VALUES (:n)"), {"n": len(calls)})

    stop = threading.Event()
    thread = PeriodicWrite("beat", 0.05, write, sessionmaker(engine)).start(stop)
    time.sleep(0.5)
    stop.set()
    thread.join(1)
    assert not thread.is_alive() and len(calls) >= 6
    with engine.connect() as conn:
        written = conn.execute(text("SELECT n FROM beats ORDER BY n")).scalars().all()
    assert written[:2] == [1, 4] and len(written) == len(calls) - 2  # the failed ones left nothing
