"""The gateway's own tables: revocations and the feed's heartbeat, written by the consumer,
read by every web worker."""
from __future__ import annotations

from sqlalchemy import Column, DateTime, Double, Index, MetaData, String, Table

from kabinet_kit.db import BigId
from kabinet_kit.outbox import processed_events_table

metadata = MetaData()

# One row per revocation event. ``kind``:
#   session — every token carrying ``session_id`` (sid) is refused;
#   account — every token of ``account_id`` with ``iat < issued_before`` is refused.
revocations = Table(
    "revocations", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("account_id", String(64), nullable=False),
    Column("session_id", String(64), nullable=True),
    Column("issued_before", Double, nullable=True),  # epoch seconds with their fraction (microseconds)
    Column("event_id", String(64), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_revocations_created_at", "created_at"),
)

# The latest heartbeat of each revocation feed (identity's): one row per source.
revocation_feed = Table(
    "revocation_feed", metadata,
    Column("source", String(64), primary_key=True),
    Column("written_at", DateTime(timezone=True), nullable=False),  # when the source wrote it
    Column("received_at", DateTime(timezone=True), nullable=False),
)

processed_events = processed_events_table(metadata)
