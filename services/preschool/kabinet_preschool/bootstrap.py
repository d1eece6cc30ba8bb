"""The one place that wires the preschool service together: engine, sessions, outbox, token
verification, the app, the relay and the consumer."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import sessionmaker

from kabinet_contracts import REGISTRY
from kabinet_kit.bus import broker_reachable, events_exchange
from kabinet_kit.consumer import Binding, EventConsumer
from kabinet_kit.db import make_engine, make_session_factory
from kabinet_kit.outbox import EventRecorder
from kabinet_kit.relay import OutboxRelay
from kabinet_kit.tokens import CachingVerifier, JwksKeySource, TokenVerifier
from kabinet_kit.web import RequestTransaction, create_base_app, current_correlation_id, database_check

from .config import SERVICE, Settings
from .models import OUTBOX, PROCESSED
from .replicas import HANDLERS


@dataclass
class Deps:
    settings: Settings
    session_factory: sessionmaker
    events: EventRecorder


def build_deps(settings: Settings) -> Deps:
    engine = make_engine(settings.database_url)
    return Deps(settings=settings, session_factory=make_session_factory(engine),
                events=EventRecorder(SERVICE, OUTBOX, REGISTRY, correlation_id=current_correlation_id))


def create_app(test_config: dict | None = None):
    settings = Settings.from_mapping(test_config)
    deps = build_deps(settings)
    app, api = create_base_app(SERVICE, title="Kabinet preschool observation cabinet", readiness={
        "database": database_check(deps.session_factory),
        "broker": lambda: broker_reachable(settings.amqp_url),
    })
    RequestTransaction(deps.session_factory).init_app(app)
    app.extensions["preschool.deps"] = deps
    app.extensions["preschool.verifier"] = CachingVerifier(
        TokenVerifier(settings.key_source or JwksKeySource(settings.jwks_url)))

    from .api import catalogue, children, control, rounds
    for module in (catalogue, rounds, children, control):
        api.register_blueprint(module.blp)
    return app


def create_relay(settings: Settings | None = None) -> OutboxRelay:
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    return OutboxRelay(engine, OUTBOX, settings.amqp_url, [events_exchange(SERVICE).name])


IDENTITY_EVENTS = sorted(t for t in HANDLERS if not t.startswith("identity.person."))
PERSON_EVENTS = sorted(t for t in HANDLERS if t.startswith("identity.person."))


def create_consumer(settings: Settings | None = None, session_factory: sessionmaker | None = None, *,
                    name: str = "identity", **kwargs) -> EventConsumer:
    """Queue ``preschool.<name>``: identity's structure, roles, movements, guardianships and
    consents from ``identity.events``; children's names (registered, updated, disclosed under a
    consent, erased) from ``identity.pd``."""
    settings = settings or Settings()
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url))
    bindings = [Binding("identity.events", t) for t in IDENTITY_EVENTS]
    bindings += [Binding("identity.pd", t) for t in PERSON_EVENTS]
    return EventConsumer(service=SERVICE, name=name, amqp_url=settings.amqp_url, bindings=bindings,
                         handlers=dict(HANDLERS), session_factory=session_factory, processed=PROCESSED,
                         registry=REGISTRY, **kwargs)
