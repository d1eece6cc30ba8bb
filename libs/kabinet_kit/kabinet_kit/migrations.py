"""Alembic helpers: each service's migrations create the messaging tables from these
definitions, so the outbox and inbox look the same everywhere without sharing a database."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData

from .outbox import outbox_table, processed_events_table
from .web import idempotency_table


def create_messaging_tables(op) -> None:
    metadata = MetaData()
    for table in (outbox_table(metadata), processed_events_table(metadata), idempotency_table(metadata)):
        table.create(op.get_bind(), checkfirst=False)


def drop_messaging_tables(op) -> None:
    for name in ("idempotency_keys", "processed_events", "outbox_events"):
        op.drop_table(name)


def alembic_config(service_dir: Path, database_url: str) -> Config:
    service_dir = Path(service_dir)  # a str is accepted too
    config = Config(str(service_dir / "alembic.ini"))
    config.set_main_option("script_location", str(service_dir / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(service_dir: Path, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(service_dir, database_url), revision)
