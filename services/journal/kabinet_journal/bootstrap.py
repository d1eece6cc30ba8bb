"""The one place that wires the journal: what it is to the kit, its dependencies, the app, the
relay and the consumer of identity's events."""
from __future__ import annotations

from typing import Any

from flask import Flask

from kabinet_contracts import REGISTRY
from kabinet_kit import service as kit
from kabinet_kit.consumer import EventConsumer
from kabinet_kit.relay import OutboxRelay

from .config import SERVICE, SERVICE_DIR, Settings
from .deps import Deps
from .messages import MESSAGES
from .models import OUTBOX, PROCESSED
from .replicas import HANDLERS

SPEC = kit.ServiceSpec(name=SERVICE, title="Kabinet journal & diary", directory=SERVICE_DIR, outbox=OUTBOX,
                       processed=PROCESSED, registry=REGISTRY, messages=MESSAGES, handlers=HANDLERS)


def build_deps(settings: Settings) -> Deps:
    return Deps(**kit.base_deps(SPEC, settings))


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    from .api import control, diary, documents, fees, lessons, me, plans, structure, terms
    deps = build_deps(Settings.load(test_config))
    return kit.create_service_app(SPEC, deps, kit.blueprints_of(structure, lessons, terms, diary, plans, fees,
                                                                control, documents, me))


def create_relay(settings: Settings | None = None, **options: Any) -> OutboxRelay:
    return kit.create_relay(SPEC, settings or Settings.load(), **options)


def create_consumer(settings: Settings | None = None, *, name: str | None = None, **options: Any) -> EventConsumer:
    """Queue ``journal.identity``: the replicas of identity's facts (and names from identity.pd)."""
    settings = settings or Settings.load()
    return kit.create_consumer(SPEC, settings, name=name or settings.consumer_queue, **options)
