"""The revocation feed's heartbeat (issue 11, finding 4): identity's relay process writes one
into the outbox every few seconds, so it travels the path logouts travel; published ones do not
pile up."""
from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from kabinet_identity.bootstrap import SPEC, create_heartbeat
from kabinet_identity.config import Settings
from kabinet_identity.heartbeat import HEARTBEAT, Heartbeat
from kabinet_identity.models import OUTBOX
from kabinet_kit.events import utcnow
from kabinet_kit.outbox import EventRecorder


def _beats(api) -> list[dict]:
    return [data for type_, data in api.outbox(OUTBOX) if type_ == HEARTBEAT]


def test_the_relay_process_writes_heartbeats_into_the_outbox_on_time(fresh_api):
    settings = Settings.load({"database_url": fresh_api.deps.settings.database_url,
                              "revocation_heartbeat_seconds": 0.1})
    beat, stop = create_heartbeat(settings), threading.Event()
    thread = beat.start(stop)
    time.sleep(0.55)
    stop.set()
    thread.join(2)
    written = [datetime.fromisoformat(b["written_at"]) for b in _beats(fresh_api)]
    assert len(written) >= 4, written
    assert written == sorted(written) and utcnow() - written[-1] < timedelta(seconds=2)
    beat.session_factory.kw["bind"].dispose()


def test_published_heartbeats_older_than_an_hour_are_pruned(fresh_api):
    heartbeat = Heartbeat(EventRecorder(SPEC.name, SPEC.outbox, SPEC.registry))
    factory = fresh_api.deps.session_factory
    for _ in range(3):
        with factory.begin() as session:
            heartbeat(session)
    long_ago = utcnow() - timedelta(hours=2)
    with factory.begin() as session:
        ids = session.scalars(select(OUTBOX.c.id).where(OUTBOX.c.event_type == HEARTBEAT)
                              .order_by(OUTBOX.c.id)).all()
        # Two were published long ago; the third long ago written but never published.
        session.execute(update(OUTBOX).where(OUTBOX.c.id.in_(ids[:2])).values(published_at=long_ago))
        session.execute(update(OUTBOX).where(OUTBOX.c.id == ids[2]).values(created_at=long_ago))
        others = session.scalar(select(func.count()).select_from(OUTBOX).where(OUTBOX.c.event_type != HEARTBEAT))
    with factory.begin() as session:
        Heartbeat(EventRecorder(SPEC.name, SPEC.outbox, SPEC.registry))(session)
    with factory() as session:
        left = session.scalars(select(OUTBOX.c.id).where(OUTBOX.c.event_type == HEARTBEAT)).all()
        assert ids[2] in left and not set(ids[:2]) & set(left) and len(left) == 2
        assert session.scalar(select(func.count()).select_from(OUTBOX)
                              .where(OUTBOX.c.event_type != HEARTBEAT)) == others
