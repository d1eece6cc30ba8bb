"""The revocation feed's heartbeat: identity's relay process writes one into identity's outbox
every ``revocation_heartbeat_seconds``, so it reaches subscribers by the very path of logouts,
deactivations and password changes. A subscriber (the gateway) that stops receiving it knows
those may be stuck on the way too."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from kabinet_kit.events import utcnow
from kabinet_kit.outbox import EventRecorder

from .models import OUTBOX

HEARTBEAT = "identity.revocations.heartbeat.v1"
#: Published heartbeats are worth nothing after a while; the outbox keeps an hour of them.
KEEP = timedelta(hours=1)


class Heartbeat:
    """``write(session)`` for the kit's PeriodicWrite."""

    def __init__(self, events: EventRecorder, keep: timedelta = KEEP):
        self.events = events
        self.keep = keep
        self.pruned_at: datetime | None = None

    def __call__(self, session: Session) -> None:
        now = utcnow()
        self.events.record(session, HEARTBEAT, {"written_at": now})
        # Pruning scans the outbox: once per ``keep``, not with every beat.
        if self.pruned_at is None or now - self.pruned_at >= self.keep:
            session.execute(delete(OUTBOX).where(OUTBOX.c.event_type == HEARTBEAT,
                                                 OUTBOX.c.published_at < now - self.keep))
            self.pruned_at = now
