"""The write load of a fault scenario: three client threads through the gateway, each writing
into cells of its own that nothing else touches, and a record of what every write was told.

* journal: a mark, then the attendance of one pupil at one lesson, in turn (teacher1);
* preschool: one observation level per cell (educator1);
* identity: consents given and revoked in turn along three chains (guardians).

A write is ``accepted`` (2xx), ``refused`` (4xx: the service said no, nothing was written) or
``unknown`` (5xx or no answer: a commit may or may not have happened; the conservation check
allows it once or not at all). A consent chain whose last write is unknown reads the child's
consents before its next write, as a client would.
"""
from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

import requests

from chaos.city import Caller, Chain, City

PAUSE = {"journal": 0.15, "preschool": 0.25, "identity": 0.3}  # seconds between one thread's writes


@dataclass
class Write:
    kind: str  # mark | attendance | observation | consent_given | consent_revoked
    key: tuple
    outcome: str = "unknown"
    status: int | None = None
    entity: str | None = None  # the mark's or the consent's id, from the answer
    at: float = 0.0


@dataclass
class Cells:
    """The cells a scenario writes on; more are made while it runs, so that the load lasts as
    long as the fault does."""
    city: City
    chains: list[Chain]
    lessons: list[str] = field(default_factory=list)
    observations: list[tuple[str, str, int]] = field(default_factory=list)

    def journal(self, stop: threading.Event):
        """(lesson, pupil) cells, a new lesson's pupils whenever the last lesson's are used."""
        while not stop.is_set():
            lesson = self._made(lambda: self.city.new_lessons(1)[0], stop)
            if lesson is None:
                return
            self.lessons.append(lesson)
            for pupil in self.city.pupils:
                yield lesson, pupil

    def observation(self, stop: threading.Event):
        while not stop.is_set():
            batch = self._made(lambda: self.city.take_observation_cells(len(self.city.group_children)), stop)
            if batch is None:
                return
            self.observations += batch
            yield from batch

    @staticmethod
    def _made(make, stop: threading.Event):
        """Set-up writes during a fault may fail: try again until they work or the load ends."""
        while not stop.is_set():
            try:
                return make()
            except (AssertionError, requests.RequestException):
                stop.wait(1)
        return None


@dataclass
class Load:
    city: City
    cells: Cells
    writes: list[Write] = field(default_factory=list)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- running ---------------------------------------------------------------------
    def start(self) -> Load:
        for name, body in (("journal", self._journal), ("preschool", self._preschool), ("identity", self._consents)):
            thread = threading.Thread(target=body, name=f"chaos-load-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(60)

    def count(self, outcome: str) -> int:
        with self._lock:
            return sum(1 for w in self.writes if w.outcome == outcome)

    def _record(self, write: Write, call: Callable[[], requests.Response], entity: str | None = None) -> Write:
        write.at = time.monotonic()
        try:
            response = call()
        except requests.RequestException:
            response = None
        if response is not None:
            write.status = response.status_code
            if response.status_code < 300:
                write.outcome = "accepted"
                if entity:
                    write.entity = response.json().get(entity)
            elif response.status_code < 500:
                write.outcome = "refused"
        with self._lock:
            self.writes.append(write)
        return write

    def _pause(self, thread: str) -> bool:
        return not self._stop.wait(PAUSE[thread])

    # -- the three writers -----------------------------------------------------------
    def _journal(self) -> None:
        """A mark in a cell, then the attendance in that cell."""
        teacher = self.city.caller("teacher1")
        statuses = ("present", "absent_ill", "late", "absent_unexcused")
        for n, (lesson, pupil) in enumerate(self.cells.journal(self._stop)):
            if not self._pause("journal"):
                return
            self._record(Write("mark", (lesson, pupil)), partial(
                teacher.call, "POST", f"/api/journal/lessons/{lesson}/marks",
                json={"child_id": pupil, "value": str(2 + n % 4), "kind": "oral"}), entity="id")
            if not self._pause("journal"):
                return
            self._record(Write("attendance", (lesson, pupil)), partial(
                teacher.call, "PUT", f"/api/journal/lessons/{lesson}/attendance",
                json={"entries": [{"child_id": pupil, "status": statuses[n % 4]}]}))

    def _preschool(self) -> None:
        educator = self.city.caller("educator1")
        for n, cell in enumerate(self.cells.observation(self._stop)):
            if not self._pause("preschool"):
                return
            child, round_id, indicator = cell
            card = f"/api/preschool/children/{child}/rounds/{round_id}/cards/{self.city.indicator_cards[indicator]}"
            self._record(Write("observation", cell), partial(
                _read_then_save, educator, card, "POST", "/api/preschool/observations",
                json={"child_id": child, "round_id": round_id, "indicator_id": indicator, "level": 1 + n % 3}))

    def _consents(self) -> None:
        chains = self.cells.chains
        n = 0
        while self._pause("identity"):
            chain = chains[n % len(chains)]
            n += 1
            guardian = self.city.caller(chain.guardian)
            base = f"/api/identity/children/{chain.child_id}/consents"
            if chain.active:
                write = self._record(Write("consent_revoked", (chain.child_id, chain.purpose)), partial(
                    guardian.call, "POST", f"{base}/{chain.purpose}/revoke", json={"reason": "проверка отказов"}),
                    entity="consent_id")
            else:
                write = self._record(Write("consent_given", (chain.child_id, chain.purpose)), partial(
                    guardian.call, "POST", base, json={"purpose": chain.purpose},
                    headers={"Idempotency-Key": f"chaos-{uuid.uuid4()}"}), entity="consent_id")
            if write.outcome == "accepted":
                chain.active = write.kind == "consent_given"
            elif write.outcome == "unknown" or write.status in (404, 409):
                self._resync(chain)

    def _resync(self, chain: Chain) -> None:
        """Read the chain's state until identity answers (an outage may still be on)."""
        guardian = self.city.caller(chain.guardian)
        while not self._stop.is_set():
            try:
                response = guardian.call("GET", f"/api/identity/children/{chain.child_id}/consents")
            except requests.RequestException:
                response = None
            if response is not None and response.status_code == 200:
                chain.active = any(c["purpose"] == chain.purpose and c["status"] == "active"
                                   for c in response.json()["items"])
                return
            self._stop.wait(1)


def _read_then_save(caller: Caller, read_path: str, method: str, path: str, **kwargs: object) -> requests.Response:
    """A guarded save: read the document's version, then save naming it (If-Match). A failed read
    is the answer: nothing was sent to save."""
    read = caller.call("GET", read_path)
    if read.status_code != 200:
        return read
    return caller.call(method, path, headers={"If-Match": read.headers["ETag"]}, **kwargs)
