"""The one place that wires identity together: engine, sessions, outbox, keys, app."""
from __future__ import annotations

from kabinet_contracts import REGISTRY
from kabinet_kit.bus import broker_reachable, events_exchange
from kabinet_kit.db import make_engine, make_session_factory
from kabinet_kit.outbox import EventRecorder
from kabinet_kit.relay import OutboxRelay
from kabinet_kit.tokens import CachingVerifier, LocalKeySource, TokenVerifier
from kabinet_kit.web import RequestTransaction, create_base_app, current_correlation_id, database_check

from .config import SERVICE, Settings
from .credentials import KeyRing, Passwords
from .models import OUTBOX
from .services import Deps


def build_deps(settings: Settings) -> Deps:
    engine = make_engine(settings.database_url)
    session_factory = make_session_factory(engine)
    return Deps(
        settings=settings,
        session_factory=session_factory,
        events=EventRecorder(SERVICE, OUTBOX, REGISTRY, correlation_id=current_correlation_id),
        passwords=Passwords(settings.argon2_time_cost, settings.argon2_memory_kib),
        keys=KeyRing(session_factory),
    )


def create_app(test_config: dict | None = None):
    settings = Settings.from_mapping(test_config)
    deps = build_deps(settings)
    deps.keys.load()
    app, api = create_base_app(SERVICE, title="Kabinet identity & consent", readiness={
        "database": database_check(deps.session_factory),
        "broker": lambda: broker_reachable(settings.amqp_url),
    })
    RequestTransaction(deps.session_factory).init_app(app)
    app.extensions["identity.deps"] = deps
    app.extensions["identity.verifier"] = CachingVerifier(TokenVerifier(LocalKeySource(deps.keys.public_key)))

    from .api import auth, people, structure
    for blueprint in (auth.blp, structure.blp, people.blp):
        api.register_blueprint(blueprint)
    return app


def create_relay(settings: Settings | None = None) -> OutboxRelay:
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    exchanges = sorted({c.exchange for c in REGISTRY.for_service(SERVICE)} | {events_exchange(SERVICE).name})
    return OutboxRelay(engine, OUTBOX, settings.amqp_url, exchanges)
