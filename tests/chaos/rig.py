"""One run of a fault scenario: fresh cells, the load started, the fault injected and healed, the
load stopped, then the conservation check repeated until it holds (or a deadline); a row of the
table comes out, and the test fails unless 0 were lost and 0 applied twice."""
from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from chaos import faults
from chaos.city import City
from chaos.conservation import Databases, Tally, check, consent_snapshot
from chaos.load import Cells, Load
from chaos.tap import Tap
from kabinet_kit.testing.faults import FaultProxy
from kabinet_stack import Stack

LEAD = 1.5      # seconds of load before the fault
TAIL = 2.0      # seconds of load after it
SETTLE = 120.0  # seconds allowed for everything accepted to arrive everywhere
RESULTS_ENV = "CHAOS_RESULTS"  # a JSON-lines file the rows are appended to (make chaos)


#: Every rig of the session, for the table printed at its end.
RIGS: list[Rig] = []


@dataclass
class Row:
    scenario: str
    setup: str
    accepted: int
    applied: int
    lost: int
    twice: int
    unanswered: int
    recover_s: float | None
    problems: list[str] = field(default_factory=list)


@dataclass
class Rig:
    stack: Stack
    city: City
    tap: Tap
    dbs: Databases
    admin_url: str
    ctl: list[str]
    setup: str
    broker: FaultProxy | None = None
    database: FaultProxy | None = None
    cluster: Any = None  # chaos.cluster.Cluster, when the broker is one
    rows: list[Row] = field(default_factory=list)
    _load: Load | None = None
    _window: tuple[float, int] | None = None

    def fault_window_starts(self) -> None:
        """The fault is on from now (an alarm): writes must still be accepted meanwhile."""
        assert self._load is not None
        self._window = (time.monotonic(), self._load.count("accepted"))

    def run(self, scenario: faults.Scenario) -> Row:
        load, before, healed = self.drive(scenario)
        tally, recovered = self.settle(load, before)
        row = Row(scenario.name, self.setup, tally.accepted, tally.applied, tally.lost, tally.twice, tally.unknown,
                  None if recovered is None else round(recovered - healed, 1), tally.problems[:20])
        self.rows.append(row)
        _save(row)
        dead = self.stack.dead()
        assert not dead, f"{dead[0].name} died:\n{dead[0].tail()}"
        assert tally.accepted > 0, "no write was accepted at all"
        assert tally.lost == 0 and tally.twice == 0, "\n".join(tally.problems[:20])
        return row

    def drive(self, scenario: faults.Scenario) -> tuple[Load, dict[str, str], float]:
        """The load with the fault in its middle; returns it (stopped), the consents before it and
        when the fault was over."""
        dead = self.stack.dead()
        assert not dead, f"{dead[0].name} is down before the scenario:\n{dead[0].tail()}"
        load = Load(self.city, Cells(self.city, self.city.chains))
        before = consent_snapshot(self.dbs, load)
        self._load, self._window = load, None
        load.start()
        try:
            time.sleep(LEAD)
            healed = getattr(faults, scenario.fault)(self)
            if self._window is not None:
                assert load.count("accepted") > self._window[1], "no write was accepted while the fault was on"
            time.sleep(TAIL)
        finally:
            load.stop()
        return load, before, healed

    def settle(self, load: Load, before: dict[str, str]) -> tuple[Tally, float | None]:
        deadline = time.monotonic() + SETTLE
        while True:
            tally = check(self.stack, self.dbs, self.tap, load, before)
            if tally.clean:
                return tally, time.monotonic()
            if tally.twice or time.monotonic() > deadline:  # applied twice never mends
                return tally, None
            time.sleep(0.5)


def _save(row: Row) -> None:
    path = os.environ.get(RESULTS_ENV)
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
