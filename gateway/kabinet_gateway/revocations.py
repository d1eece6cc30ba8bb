"""Revoked sessions and accounts, and whether the feed that brings them is flowing.

The consumer (``python -m kabinet_gateway.consumer``) turns identity's account events into rows
of ``revocations``; every web worker keeps an in-memory copy that a background thread brings
up to date every ``revocation_poll`` seconds by reading rows with an id above the last seen
one. A check is then a dictionary lookup. A worker whose copy could not be refreshed for
``revocation_max_staleness`` seconds fails closed: it refuses authenticated calls with 503
rather than honour a token that may have been revoked.

The feed itself may stop (identity's relay, the broker or this consumer down): identity's relay
writes ``identity.revocations.heartbeat.v1`` every few seconds through its outbox, the consumer
keeps the newest in ``revocation_feed``, and a worker whose newest heartbeat is older than
``revocation_feed_max_age`` calls the feed stale: authenticated calls are then refused (503)
for every upstream but identity, which checks its own records (``FEED_SOURCE``).

Semantics, with ``iat`` the token's issue time (epoch seconds with their fraction, as identity
issues it; ``issued_before`` is kept the same way):
* ``identity.account.logged_out.v1``: the session (``sid``) is refused;
* ``identity.account.deactivated.v1``: tokens issued at or before the event's second are
  refused (a margin for a login racing the deactivation; a reactivated account's new tokens pass);
* ``identity.account.password_changed.v1``: tokens with ``iat`` before
  ``sessions_revoked_before`` are refused, compared exactly: a token issued in the same second
  but before the change is refused, one issued after it passes.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from kabinet_kit.events import CloudEvent, utcnow

from .models import processed_events, revocation_feed, revocations

log = logging.getLogger("kabinet.gateway.revocations")

DEACTIVATED = "identity.account.deactivated.v1"
LOGGED_OUT = "identity.account.logged_out.v1"
PASSWORD_CHANGED = "identity.account.password_changed.v1"
REVOCATION_TYPES = (DEACTIVATED, LOGGED_OUT, PASSWORD_CHANGED)
HEARTBEAT = "identity.revocations.heartbeat.v1"
#: Where revocations come from; it checks its own records, so a stale feed does not close it.
FEED_SOURCE = "identity"


def _moment(value) -> datetime:
    """An aware UTC datetime from an ISO string or a datetime (naive ones, as SQLite returns, are UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _epoch(value) -> float:
    return _moment(value).timestamp()


# -- consumer side --------------------------------------------------------------------------
def revocation_row(event: CloudEvent) -> dict:
    data = event.data
    row = {"account_id": str(data["account_id"]), "event_id": event.id, "event_type": event.type,
           "created_at": utcnow(), "session_id": None, "issued_before": None}
    if event.type == LOGGED_OUT:
        row.update(kind="session", session_id=str(data["session_id"]))
    elif event.type == DEACTIVATED:
        # Refuse every token issued up to and including the second of deactivation.
        row.update(kind="account", issued_before=float(math.floor(_epoch(event.time)) + 1))
    elif event.type == PASSWORD_CHANGED:
        row.update(kind="account", issued_before=_epoch(data["sessions_revoked_before"]))
    else:  # pragma: no cover - the consumer binds only the three types
        raise ValueError(f"not a revocation event: {event.type}")
    return row


def handle_revocation(session: Session, event: CloudEvent) -> None:
    session.execute(insert(revocations).values(**revocation_row(event)))


def record_heartbeat(session: Session, written_at: datetime, source: str = FEED_SOURCE) -> None:
    """Keep the newest heartbeat: an old one arriving late (a backlog draining) changes nothing."""
    written_at = _moment(written_at)
    feed = revocation_feed.c
    newest = session.scalar(select(feed.written_at).where(feed.source == source))
    if newest is None:
        session.execute(insert(revocation_feed).values(source=source, written_at=written_at, received_at=utcnow()))
    elif _moment(newest) < written_at:
        session.execute(update(revocation_feed).where(feed.source == source)
                        .values(written_at=written_at, received_at=utcnow()))


def handle_heartbeat(session: Session, event: CloudEvent) -> None:
    record_heartbeat(session, event.data["written_at"])


def prune(session_factory: sessionmaker, retention_seconds: float) -> int:
    """Delete revocations older than any token can live, and their processed-event ids."""
    cutoff = utcnow() - timedelta(seconds=retention_seconds)
    with session_factory() as session, session.begin():
        removed = session.execute(delete(revocations).where(revocations.c.created_at < cutoff)).rowcount
        session.execute(delete(processed_events).where(processed_events.c.processed_at < cutoff))
    return removed or 0


# -- web side -------------------------------------------------------------------------------
class RevocationList:
    """In-memory view of ``revocations``, refreshed by a daemon thread started on first use
    (so it runs in each gunicorn worker after the fork, not in the master)."""

    def __init__(self, session_factory: sessionmaker | None, *, poll: float = 0.25, max_staleness: float = 5.0,
                 retention: float = 24 * 3600, feed_max_age: float = 30.0, clock=time.monotonic,
                 wall_clock=time.time):
        self.session_factory = session_factory
        self.poll = poll
        self.max_staleness = max_staleness
        self.retention = retention
        self.feed_max_age = feed_max_age
        self._clock = clock
        self._wall_clock = wall_clock
        self.started_at = wall_clock()
        #: When the source wrote the newest heartbeat seen (epoch seconds), None before the first.
        self.heartbeat_at: float | None = None
        self.sessions: set[str] = set()
        self.accounts: dict[str, float] = {}
        self.last_id = 0
        self.refreshed_at: float | None = None
        self.last_error: str | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    # applying rows (also used directly by tests)
    def apply(self, row) -> None:
        if row.kind == "session" and row.session_id:
            self.sessions.add(row.session_id)
        elif row.kind == "account" and row.issued_before is not None:
            current = self.accounts.get(row.account_id, 0.0)
            self.accounts[row.account_id] = max(current, float(row.issued_before))

    def heartbeat(self, written_at: float) -> None:
        self.heartbeat_at = written_at if self.heartbeat_at is None else max(self.heartbeat_at, written_at)

    def refresh(self) -> int:
        """Read rows newer than the last seen id; returns how many were applied."""
        if self.session_factory is None:
            self.refreshed_at = self._clock()
            return 0
        applied = 0
        with self.session_factory() as session:
            query = select(revocations.c.id, revocations.c.kind, revocations.c.account_id,
                           revocations.c.session_id, revocations.c.issued_before)
            if self.last_id == 0:
                since = utcnow() - timedelta(seconds=self.retention)
                query = query.where(revocations.c.created_at >= since)
            else:
                query = query.where(revocations.c.id > self.last_id)
            for row in session.execute(query.order_by(revocations.c.id)):
                self.apply(row)
                self.last_id = max(self.last_id, row.id)
                applied += 1
            beat = session.scalar(select(revocation_feed.c.written_at).where(revocation_feed.c.source == FEED_SOURCE))
            if beat is not None:
                self.heartbeat(_epoch(beat))
        self.refreshed_at = self._clock()
        self.last_error = None
        return applied

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.refresh()
            except Exception as exc:  # the database may be briefly away; keep trying
                if self.last_error != repr(exc):
                    log.warning("revocation refresh failed", extra={"error": repr(exc)})
                self.last_error = repr(exc)
            self._stop.wait(self.poll)

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            try:
                self.refresh()
            except Exception as exc:
                self.last_error = repr(exc)
                log.warning("initial revocation load failed", extra={"error": repr(exc)})
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="revocation-refresh", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)

    @property
    def fresh(self) -> bool:
        return self.refreshed_at is not None and self._clock() - self.refreshed_at <= self.max_staleness

    @property
    def feed_fresh(self) -> bool:
        return self.heartbeat_at is not None and self._wall_clock() - self.heartbeat_at <= self.feed_max_age

    def feed_state(self) -> str:
        """``ok``, or ``stale since <UTC time>``: when the newest heartbeat grew too old, or when
        this worker started if it has seen none."""
        if self.feed_fresh:
            return "ok"
        since = self.started_at if self.heartbeat_at is None else self.heartbeat_at + self.feed_max_age
        return f"stale since {datetime.fromtimestamp(since, UTC).isoformat(timespec='seconds')}"

    def is_revoked(self, account_id: str, session_id: str, issued_at: float) -> bool:
        if session_id and session_id in self.sessions:
            return True
        cutoff = self.accounts.get(account_id)
        return cutoff is not None and issued_at < cutoff
