"""One way to wire a service: what it is (:class:`ServiceSpec`), what its use cases get
(:class:`Deps`), and the factories of its processes — the web app, the relay, the consumer.

A service's ``bootstrap.py`` describes itself once and calls these; its use cases import
``Deps`` from the service's ``deps.py`` (never from the bootstrap, which imports them back).
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, current_app
from sqlalchemy import MetaData, Table
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from .bus import events_exchange
from .consumer import Binding, EventConsumer, Handler
from .db import make_engine, make_session_factory
from .gateway_proof import require_gateway_proof
from .i18n import Messages
from .idempotency import idempotency_table
from .outbox import ContractRegistry, EventRecorder, add_messaging_tables
from .periodic import PeriodicWrite
from .relay import OutboxRelay
from .settings import ConfigurationError, ServiceSettings
from .tokens import CachingVerifier, JwksKeySource, TokenVerifier
from .web import (
    RequestTransaction,
    create_base_app,
    current_correlation_id,
    database_check,
    register_body_checks,
)


def service_tables(metadata: MetaData) -> tuple[Table, Table, Table]:
    """The kit's tables in a service's metadata: outbox, processed events, idempotency keys."""
    outbox, processed = add_messaging_tables(metadata)
    return outbox, processed, idempotency_table(metadata)


@dataclass(frozen=True)
class ServiceSpec:
    """A service as the kit needs to know it."""
    name: str
    title: str
    #: The folder holding ``migrations/`` (with its ``alembic.ini``), see ``migrations.service_dir``.
    directory: Path
    outbox: Table
    processed: Table
    registry: ContractRegistry
    #: Event type → handler, for the service's consumer of other services' events.
    handlers: Mapping[str, Handler] = field(default_factory=dict)
    #: The Russian translations of the service's error texts (``messages.py``; kabinet_kit.i18n).
    messages: Messages | None = None


@dataclass
class Deps:
    """What every use case may use. A service with more to share subclasses it in ``deps.py``."""
    settings: ServiceSettings
    session_factory: sessionmaker[Any]
    events: EventRecorder
    verifier: CachingVerifier


def token_verifier(settings: ServiceSettings) -> CachingVerifier:
    keys = settings.key_source if settings.key_source is not None else JwksKeySource(settings.jwks_url)
    return CachingVerifier(TokenVerifier(keys, audience=settings.token_audience, issuer=settings.token_issuer))


def engine_for(settings: ServiceSettings) -> Engine:
    return make_engine(settings.database_url)


def base_deps(spec: ServiceSpec, settings: ServiceSettings, *,
              verifier: CachingVerifier | None = None) -> dict[str, Any]:
    """The fields of :class:`Deps`, for ``Deps(**base_deps(...))`` or a subclass with more."""
    return {"settings": settings, "session_factory": make_session_factory(engine_for(settings)),
            "events": EventRecorder(spec.name, spec.outbox, spec.registry, correlation_id=current_correlation_id),
            "verifier": verifier or token_verifier(settings)}


DEPS_KEY = "kabinet.deps"


def create_service_app(spec: ServiceSpec, deps: Deps, blueprints: Iterable[Blueprint], *,
                       readiness: Mapping[str, Callable[[], bool]] | None = None,
                       public_paths: Iterable[str] = ()) -> Flask:
    """The service's Flask app: problem+json errors, request ids, metrics, health, the gateway's
    proof on every request (but the operations endpoints and ``public_paths``, which other
    processes call directly), one database transaction per request, the dependencies, and the
    service's blueprints."""
    # No broker check: the web process never uses the broker (the outbox and the relay do),
    # so it has no broker account, and a broker outage must not take the API out of service.
    checks: dict[str, Callable[[], bool]] = {
        "database": database_check(deps.session_factory),
        **(readiness or {}),
    }
    app, api = create_base_app(spec.name, title=spec.title, readiness=checks, ops_allow=deps.settings.ops_allow,
                               server_url=f"/api/{spec.name}", messages=spec.messages)
    require_gateway_proof(app, deps.settings.gateway_proof, public=public_paths)
    register_body_checks(app)
    RequestTransaction(deps.session_factory).init_app(app)
    app.extensions[DEPS_KEY] = deps
    for blueprint in blueprints:
        api.register_blueprint(blueprint)
    return app


def current_deps() -> Any:
    """The dependencies of the app serving this request (typed by the service's own accessor)."""
    return current_app.extensions[DEPS_KEY]


def app_deps(app: Flask) -> Any:
    return app.extensions[DEPS_KEY]


def create_relay(spec: ServiceSpec, settings: ServiceSettings, **options: Any) -> OutboxRelay:
    """The service's relay: its outbox to the exchanges its contracts name."""
    exchanges = {events_exchange(spec.name).name}
    for contract in spec.registry.for_service(spec.name):
        exchanges.add(contract.exchange)
    return OutboxRelay(engine_for(settings), spec.outbox, settings.broker_url("relay"), sorted(exchanges),
                       **options)


def bindings_for(handlers: Mapping[str, Handler], registry: ContractRegistry) -> list[Binding]:
    """One binding per handled type, on the exchange its contract names."""
    return [Binding(registry.get(type_).exchange, type_) for type_ in sorted(handlers)]


def create_consumer(spec: ServiceSpec, settings: ServiceSettings, *, name: str,
                    session_factory: sessionmaker[Any] | None = None,
                    handlers: Mapping[str, Handler] | None = None, **options: Any) -> EventConsumer:
    """The service's consumer on queue ``<service>.<name>``, bound to what its handlers handle."""
    chosen = dict(handlers if handlers is not None else spec.handlers)
    if session_factory is None:
        session_factory = make_session_factory(engine_for(settings))
    options.setdefault("queue_type", settings.queue_type)
    return EventConsumer(service=spec.name, name=name, amqp_url=settings.broker_url("consumer"),
                         bindings=bindings_for(chosen, spec.registry), handlers=chosen,
                         session_factory=session_factory, processed=spec.processed, registry=spec.registry,
                         **options)


def blueprints_of(*modules: Any) -> Sequence[Blueprint]:
    """The ``blp`` of each API module, in order."""
    return [module.blp for module in modules]


@contextmanager
def stop_on_configuration_error() -> Iterator[None]:
    """A process started without a setting it needs exits with the message alone (status 2)."""
    try:
        yield
    except ConfigurationError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


# -- the processes' entry points (``python -m <service>.relay`` and so on) ----------------------
def relay_main(spec: ServiceSpec, settings: ServiceSettings, argv: list[str] | None = None, *,
               periodic: Sequence[PeriodicWrite] = ()) -> None:
    from .logs import configure_logging
    from .relay import main
    configure_logging(spec.name)
    with stop_on_configuration_error():
        relay = create_relay(spec, settings)
    main(relay, argv, periodic)


def consumer_main(spec: ServiceSpec, settings: ServiceSettings, *, name: str,
                  argv: list[str] | None = None) -> None:
    from .consumer import main
    from .logs import configure_logging
    configure_logging(spec.name)
    with stop_on_configuration_error():
        consumer = create_consumer(spec, settings, name=name)
    main(consumer, argv)


def migrate_main(spec: ServiceSpec, settings: ServiceSettings) -> None:
    from .migrations import upgrade
    upgrade(spec.directory, settings.database_url)
    print(f"{spec.name}: database migrated ({settings.database_url.split('@')[-1]})")
