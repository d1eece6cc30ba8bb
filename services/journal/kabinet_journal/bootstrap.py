"""The one place that wires the journal together: engine, sessions, outbox, token checks,
the app, the relay and the consumer of identity's events."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import sessionmaker

from kabinet_contracts import REGISTRY
from kabinet_kit.bus import broker_reachable, events_exchange
from kabinet_kit.consumer import Binding, EventConsumer
from kabinet_kit.db import make_engine, make_session_factory
from kabinet_kit.outbox import EventRecorder
from kabinet_kit.relay import OutboxRelay
from kabinet_kit.tokens import CachingVerifier, JwksKeySource, StaticKeySource, TokenVerifier
from kabinet_kit.web import RequestTransaction, create_base_app, current_correlation_id, database_check

from .config import SERVICE, Settings
from .models import OUTBOX, PROCESSED
from .replicas import HANDLERS


@dataclass
class Deps:
    settings: Settings
    session_factory: sessionmaker
    events: EventRecorder
    verifier: CachingVerifier


def build_deps(settings: Settings) -> Deps:
    engine = make_engine(settings.database_url)
    if settings.key_source is not None:
        keys = settings.key_source
    elif settings.static_keys is not None:
        keys = StaticKeySource(lambda: settings.static_keys)
    else:
        keys = JwksKeySource(settings.jwks_url)
    return Deps(settings=settings, session_factory=make_session_factory(engine),
                events=EventRecorder(SERVICE, OUTBOX, REGISTRY, correlation_id=current_correlation_id),
                verifier=CachingVerifier(TokenVerifier(keys)))


def create_app(test_config: dict | None = None):
    settings = Settings.from_mapping(test_config)
    deps = build_deps(settings)
    app, api = create_base_app(SERVICE, title="Kabinet journal & diary", readiness={
        "database": database_check(deps.session_factory),
        "broker": lambda: broker_reachable(settings.amqp_url),
    })
    RequestTransaction(deps.session_factory).init_app(app)
    app.extensions["journal.deps"] = deps

    from .api import control, diary, documents, fees, lessons, plans, structure, terms
    for blueprint in (structure.blp, lessons.blp, terms.blp, diary.blp, plans.blp, fees.blp, control.blp,
                      documents.blp):
        api.register_blueprint(blueprint)
    return app


def create_relay(settings: Settings | None = None) -> OutboxRelay:
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    exchanges = sorted({c.exchange for c in REGISTRY.for_service(SERVICE)} | {events_exchange(SERVICE).name})
    return OutboxRelay(engine, OUTBOX, settings.amqp_url, exchanges)


def identity_bindings() -> list[Binding]:
    bindings = [Binding("identity.events", t) for t in sorted(HANDLERS) if not t.startswith("identity.person.")]
    return bindings + [Binding("identity.pd", "identity.person.#")]


def create_consumer(settings: Settings | None = None, *, name: str = "identity", session_factory=None,
                    **options) -> EventConsumer:
    """Queue ``journal.identity``: the replicas of identity's facts (and names from identity.pd)."""
    settings = settings or Settings()
    if session_factory is None:
        session_factory = make_session_factory(make_engine(settings.database_url))
    return EventConsumer(service=SERVICE, name=name, amqp_url=settings.amqp_url, bindings=identity_bindings(),
                         handlers=HANDLERS, session_factory=session_factory, processed=PROCESSED,
                         registry=REGISTRY, **options)
