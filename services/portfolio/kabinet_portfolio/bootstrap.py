"""The one place that wires the portfolio service: its spec for the kit, the dependencies, the
app, the relay and the consumer."""
from __future__ import annotations

from typing import Any

from flask import Flask, Request, current_app, g
from sqlalchemy.orm import sessionmaker

from kabinet_contracts import REGISTRY
from kabinet_kit import service as kit
from kabinet_kit.consumer import EventConsumer
from kabinet_kit.relay import OutboxRelay

from .config import SERVICE, SERVICE_DIR, Settings
from .deps import Deps
from .documents import TOUCHED, release
from .messages import MESSAGES
from .models import OUTBOX, PROCESSED
from .replicas import HANDLERS
from .store import DocumentStore

SPEC = kit.ServiceSpec(name=SERVICE, title="Kabinet pupils' e-portfolio", directory=SERVICE_DIR,
                       outbox=OUTBOX, processed=PROCESSED, registry=REGISTRY, messages=MESSAGES, handlers=HANDLERS)


def build_deps(settings: Settings) -> Deps:
    return Deps(**kit.base_deps(SPEC, settings), store=DocumentStore(settings.document_dir))


class SpoolingRequest(Request):
    """An uploaded file part goes straight into a staging file of the document store, hashed and
    counted as the body is parsed: one copy on disk, never the whole body in memory."""

    def _get_file_stream(self, total_content_length: int | None, content_type: str | None,
                         filename: str | None = None, content_length: int | None = None) -> Any:
        deps: Deps = kit.app_deps(current_app)
        return deps.store.spool(deps.settings.max_document_bytes)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    from .api import achievements, cabinet, catalogue, disputes, petitions, ratings, reports
    deps = build_deps(Settings.load(test_config))
    app = kit.create_service_app(SPEC, deps, kit.blueprints_of(
        catalogue, achievements, cabinet, ratings, petitions, disputes, reports))
    # A document of at most max_document_bytes in a multipart body: the size itself is checked
    # on the document, so that the answer names the field (POR-10).
    app.request_class = SpoolingRequest
    app.config["MAX_CONTENT_LENGTH"] = deps.settings.max_document_bytes + 512 * 1024

    @app.teardown_request
    def _release_documents(_exc: BaseException | None) -> None:
        # After the request's transaction: a file no achievement refers to (a refused upload, a
        # replaced or unreadable document) is removed, so nothing orphaned stays on disk.
        touched = g.pop(TOUCHED, None)
        if touched:
            release(deps, touched)
    return app


def create_relay(settings: Settings | None = None, **options: Any) -> OutboxRelay:
    return kit.create_relay(SPEC, settings or Settings.load(), **options)


def create_consumer(settings: Settings | None = None, session_factory: sessionmaker[Any] | None = None, *,
                    name: str | None = None, **options: Any) -> EventConsumer:
    """Queue ``portfolio.<name>`` (``portfolio.identity`` unless the settings name another)."""
    settings = settings or Settings.load()
    return kit.create_consumer(SPEC, settings, name=name or settings.consumer_queue,
                               session_factory=session_factory, **options)
