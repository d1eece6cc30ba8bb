"""``python -m kabinet_gateway.consumer``: revocations from identity's account events.

Queue ``gateway.revocations`` bound to ``identity.events`` for the logout, deactivation and
password-change events; each is written to the gateway's ``revocations`` table (with its id in
``processed_events``, one transaction), where the web workers pick it up within
``GATEWAY_REVOCATION_POLL`` seconds. The feed's heartbeat, on the same queue, goes to
``revocation_feed``. Old revocations are pruned once no token can outlive them.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy.orm import sessionmaker

from kabinet_contracts import REGISTRY
from kabinet_kit.consumer import Binding, EventConsumer, run_forever
from kabinet_kit.db import make_engine, make_session_factory
from kabinet_kit.logs import configure_logging
from kabinet_kit.service import stop_on_configuration_error

from .config import SERVICE, Settings
from .models import processed_events
from .revocations import HEARTBEAT, REVOCATION_TYPES, handle_heartbeat, handle_revocation, prune

log = logging.getLogger("kabinet.gateway.consumer")


def build_consumer(settings: Settings, session_factory: sessionmaker[Any], *, name: str | None = None,
                   **kwargs: Any) -> EventConsumer:
    """Queue ``gateway.<name>``; the name defaults to GATEWAY_REVOCATION_QUEUE (``revocations``)."""
    kwargs.setdefault("queue_type", settings.queue_type)
    return EventConsumer(
        service=SERVICE, name=name or settings.revocation_queue, amqp_url=settings.broker_url("consumer"),
        bindings=[Binding("identity.events", t) for t in (*REVOCATION_TYPES, HEARTBEAT)],
        handlers={**{t: handle_revocation for t in REVOCATION_TYPES}, HEARTBEAT: handle_heartbeat},
        session_factory=session_factory, processed=processed_events, registry=REGISTRY, **kwargs)


def _pruner(session_factory: sessionmaker[Any], settings: Settings, stop: threading.Event,
            every: float = 600.0) -> None:
    while not stop.wait(every):
        try:
            removed = prune(session_factory, settings.revocation_retention)
            if removed:
                log.info("pruned old revocations", extra={"removed": removed})
        except Exception as exc:
            log.warning("pruning failed", extra={"error": repr(exc)})


def main() -> None:
    configure_logging(SERVICE)
    settings = Settings.load()
    engine = make_engine(settings.database_url)
    session_factory = make_session_factory(engine)
    with stop_on_configuration_error():
        consumer = build_consumer(settings, session_factory)
    stop = threading.Event()
    threading.Thread(target=_pruner, args=(session_factory, settings, stop), daemon=True).start()
    try:
        run_forever(consumer)
    finally:
        stop.set()
        engine.dispose()


if __name__ == "__main__":
    main()
