"""Transactional outbox: events are rows written in the same transaction as the state change.

The relay (``relay.py``) publishes them; the idempotent consumer (``consumer.py``) records
handled event ids in ``processed_events`` in the same transaction as its own writes.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, Protocol

from marshmallow import RAISE
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    insert,
    text,
)
from sqlalchemy.orm import Session

from .db import BigId
from .events import CloudEvent, CloudEventSchema


def outbox_table(metadata: MetaData, *, personal: bool = True) -> Table:
    """The outbox; ``personal=False`` gives it as services first created it (their first migration)."""
    flag = [Column("personal", Boolean, nullable=False, server_default=false())] if personal else []
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
        # The event's data hold personal data: the relay drops them once the broker has the event.
        *flag,
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
    def for_service(self, service: str) -> list[Any]: ...


_ENVELOPE = CloudEventSchema()


def _jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value) if isinstance(value, uuid.UUID) else value


def scrubbed_body(body: str) -> str:
    """A published event's stored envelope without its data: the id, type, time and subject stay
    as history, whatever personal data the data held goes."""
    envelope = json.loads(body)
    envelope["data"] = {}
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))


def carries_personal_data(contract: Any) -> bool:
    """Whether the registry says this contract's data hold personal data."""
    return bool(getattr(contract, "carries_personal_data", False))


def bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Many rows in one go, inside the session's transaction. On PostgreSQL by COPY (a
    multi-row INSERT of a few hundred parameters costs psycopg more to parse than the database
    to run); elsewhere by executemany."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    driver_connection: Any = connection.connection.driver_connection
    with driver_connection.cursor() as cursor, \
            cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


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
        self._schemas: dict[str, Any] = {}

    def record(self, session: Session, type: str, data: dict[str, Any], subject: str | None = None) -> CloudEvent:
        if not type.startswith(self.service + "."):
            raise ValueError(f"{self.service} cannot publish {type}")
        contract = self.registry.get(type)
        clean = self._validate(type, data)
        if subject is None and contract.subject_field and clean.get(contract.subject_field) is not None:
            subject = str(clean[contract.subject_field])
        event = CloudEvent(type=type, source=self.source, data=clean, subject=subject,
                           correlationid=self.correlation_id())
        session.execute(insert(self.outbox).values(
            event_id=event.id, event_type=type, exchange=contract.exchange, routing_key=contract.routing_key,
            body=event.to_json(), created_at=event.time, personal=carries_personal_data(contract),
        ))
        return event

    def _validate(self, type_: str, data: dict[str, Any]) -> dict[str, Any]:
        # One schema instance per type: building one per event cost more than the SQL it goes with.
        schema = self._schemas.get(type_)
        if schema is None:
            schema = self._schemas[type_] = self.registry.get(type_).schema()
        clean: dict[str, Any] = schema.dump(schema.load(data, unknown=RAISE))
        return clean

    def record_many(self, session: Session, events: Iterable[tuple[str, dict[str, Any]]]) -> int:
        """Many events into the outbox with one statement (a grid save makes dozens).

        The first event of each type goes through its contract's schema exactly as
        :meth:`record` does; the rest of that type must carry the same fields and are converted
        without marshmallow (the schema round trip per event cost more than all the SQL of the
        request). Returns how many were recorded."""
        correlation_id = self.correlation_id()
        first: dict[str, tuple[set[str], dict[str, Any], dict[str, Any], datetime]] = {}
        rows = []
        for type_, data in events:
            if not type_.startswith(self.service + "."):
                raise ValueError(f"{self.service} cannot publish {type_}")
            contract = self.registry.get(type_)
            if type_ not in first:
                clean = self._validate(type_, data)
                event = CloudEvent(type=type_, source=self.source, data=clean, correlationid=correlation_id)
                first[type_] = (set(data), clean, _ENVELOPE.dump(event), event.time)
            else:
                if set(data) != first[type_][0]:
                    raise ValueError(f"{type_}: fields differ from the batch's first event")
                clean = {k: _jsonable(data.get(k)) for k in first[type_][1]}
            subject_value = clean.get(contract.subject_field) if contract.subject_field else None
            envelope = {**first[type_][2], "id": str(uuid.uuid4()),
                        "subject": None if subject_value is None else str(subject_value), "data": clean}
            rows.append({"event_id": envelope["id"], "event_type": type_, "exchange": contract.exchange,
                         "routing_key": contract.routing_key, "created_at": first[type_][3],
                         "personal": carries_personal_data(contract),
                         "body": json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))})
        bulk_insert(session, self.outbox, rows)
        return len(rows)
