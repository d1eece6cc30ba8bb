"""Transactional outbox: events are rows written in the same transaction as the state change.

The relay (``relay.py``) publishes them; the idempotent consumer (``consumer.py``) records
handled event ids in ``processed_events`` in the same transaction as its own writes.
"""
from __future__ import annotations

from typing import Any, Callable, Protocol

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text, UniqueConstraint, insert, text
from sqlalchemy.orm import Session

from .db import BigId
from .events import CloudEvent


def outbox_table(metadata: MetaData) -> Table:
    return Table(
        "outbox_events", metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("exchange", String(200), nullable=False),
        Column("routing_key", String(200), nullable=False),
        Column("body", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("last_error", Text, nullable=True),
        UniqueConstraint("event_id", name="uq_outbox_events_event_id"),
        # The relay scans only what is still waiting.
        Index("ix_outbox_events_unpublished", "id",
              postgresql_where=text("published_at IS NULL"), sqlite_where=text("published_at IS NULL")),
    )


def processed_events_table(metadata: MetaData) -> Table:
    return Table(
        "processed_events", metadata,
        Column("id", BigId, primary_key=True, autoincrement=True),
        Column("consumer", String(200), nullable=False),
        Column("event_id", String(64), nullable=False),
        Column("event_type", String(200), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False),
        UniqueConstraint("consumer", "event_id", name="uq_processed_events_consumer_event"),
    )


def add_messaging_tables(metadata: MetaData) -> tuple[Table, Table]:
    """Declare the outbox and inbox tables in a service's own metadata."""
    return outbox_table(metadata), processed_events_table(metadata)


class ContractRegistry(Protocol):
    def get(self, type: str) -> Any: ...
    def validate(self, type: str, data: dict[str, Any]) -> dict[str, Any]: ...
    def read(self, type: str, data: dict[str, Any]) -> dict[str, Any]: ...


class EventRecorder:
    """Writes events into a service's outbox inside the caller's transaction.

    Data is validated against its contract first, so an event that would break a consumer
    fails the request instead of reaching the bus.
    """

    def __init__(self, service: str, outbox: Table, registry: ContractRegistry,
                 correlation_id: Callable[[], str | None] = lambda: None):
        self.service = service
        self.source = f"/kabinet/{service}"
        self.outbox = outbox
        self.registry = registry
        self.correlation_id = correlation_id

    def record(self, session: Session, type: str, data: dict[str, Any], subject: str | None = None) -> CloudEvent:
        if not type.startswith(self.service + "."):
            raise ValueError(f"{self.service} cannot publish {type}")
        contract = self.registry.get(type)
        clean = self.registry.validate(type, data)
        if subject is None and contract.subject_field and clean.get(contract.subject_field) is not None:
            subject = str(clean[contract.subject_field])
        event = CloudEvent(type=type, source=self.source, data=clean, subject=subject,
                           correlationid=self.correlation_id())
        session.execute(insert(self.outbox).values(
            event_id=event.id, event_type=type, exchange=contract.exchange, routing_key=contract.routing_key,
            body=event.to_json(), created_at=event.time,
        ))
        return event
