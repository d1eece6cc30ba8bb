"""The one place that wires identity: what it is to the kit, its dependencies (with the
password hasher and the signing keys), the app, the relay and its heartbeat."""
from __future__ import annotations

from typing import Any

from flask import Flask

from kabinet_contracts import REGISTRY
from kabinet_kit import service as kit
from kabinet_kit.db import make_session_factory
from kabinet_kit.outbox import EventRecorder
from kabinet_kit.periodic import PeriodicWrite
from kabinet_kit.relay import OutboxRelay
from kabinet_kit.sealing import Seal
from kabinet_kit.tokens import CachingVerifier, LocalKeySource, TokenVerifier

from .config import SERVICE, SERVICE_DIR, Settings
from .credentials import KeyRing, Passwords
from .deps import Deps
from .heartbeat import Heartbeat
from .messages import MESSAGES
from .models import OUTBOX, PROCESSED

SPEC = kit.ServiceSpec(name=SERVICE, title="Kabinet identity & consent", directory=SERVICE_DIR, outbox=OUTBOX,
                       processed=PROCESSED, registry=REGISTRY, messages=MESSAGES)


def build_deps(settings: Settings) -> Deps:
    base = kit.base_deps(SPEC, settings)
    keys = KeyRing(base["session_factory"], settings.key_encryption_key.encode())
    # Identity verifies its own tokens with the keys it signs them with, not through its JWKS.
    base["verifier"] = CachingVerifier(TokenVerifier(LocalKeySource(keys.public_key),
                                                     audience=settings.token_audience, issuer=settings.token_issuer))
    return Deps(**base, passwords=Passwords(settings.argon2_time_cost, settings.argon2_memory_kib), keys=keys,
                seal=Seal(settings.key_encryption_key, "idempotent-responses"))


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    from .api import auth, people, structure
    deps = build_deps(Settings.load(test_config))
    deps.keys.load()
    # The public keys are fetched straight from here by the gateway and every service.
    return kit.create_service_app(SPEC, deps, kit.blueprints_of(auth, structure, people),
                                  public_paths=("/.well-known/jwks.json",))


def create_relay(settings: Settings | None = None, **options: Any) -> OutboxRelay:
    return kit.create_relay(SPEC, settings or Settings.load(), **options)


def create_heartbeat(settings: Settings) -> PeriodicWrite:
    """The revocation feed's heartbeat, written into the outbox beside the running relay."""
    events = EventRecorder(SPEC.name, SPEC.outbox, SPEC.registry)
    return PeriodicWrite("revocation-heartbeat", settings.revocation_heartbeat_seconds, Heartbeat(events),
                         make_session_factory(kit.engine_for(settings)))
