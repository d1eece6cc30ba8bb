"""The one place that wires the preschool service: its spec for the kit, the dependencies, the
app, the relay and the consumer."""
from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy.orm import sessionmaker

from kabinet_contracts import REGISTRY
from kabinet_kit import service as kit
from kabinet_kit.consumer import EventConsumer
from kabinet_kit.relay import OutboxRelay

from .config import SERVICE, SERVICE_DIR, Settings
from .deps import Deps
from .messages import MESSAGES
from .models import OUTBOX, PROCESSED
from .replicas import HANDLERS

# Identity's structure, roles, movements, guardianships and consents come from identity.events;
# children's names (registered, updated, disclosed under a consent, erased) from identity.pd —
# the registry names the exchange of each handled type.
SPEC = kit.ServiceSpec(name=SERVICE, title="Kabinet preschool observation cabinet", directory=SERVICE_DIR,
                       outbox=OUTBOX, processed=PROCESSED, registry=REGISTRY, messages=MESSAGES, handlers=HANDLERS)


def build_deps(settings: Settings) -> Deps:
    return Deps(**kit.base_deps(SPEC, settings))


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    from .api import catalogue, children, control, me, rounds
    deps = build_deps(Settings.load(test_config))
    return kit.create_service_app(SPEC, deps, kit.blueprints_of(catalogue, rounds, children, control, me))


def create_relay(settings: Settings | None = None, **options: Any) -> OutboxRelay:
    return kit.create_relay(SPEC, settings or Settings.load(), **options)


def create_consumer(settings: Settings | None = None, session_factory: sessionmaker[Any] | None = None, *,
                    name: str | None = None, **options: Any) -> EventConsumer:
    """Queue ``preschool.<name>`` (``preschool.identity`` unless the settings name another)."""
    settings = settings or Settings.load()
    return kit.create_consumer(SPEC, settings, name=name or settings.consumer_queue,
                               session_factory=session_factory, **options)
