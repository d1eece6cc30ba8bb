"""Alembic helpers: each service's migrations create the messaging tables from these
definitions, so the outbox and inbox look the same everywhere without sharing a database."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData

from .outbox import outbox_table, processed_events_table
from .replicas import replica_versions_table
from .web import idempotency_table


def create_messaging_tables(op: Any) -> None:
    metadata = MetaData()
    for table in (outbox_table(metadata), processed_events_table(metadata), idempotency_table(metadata)):
        table.create(op.get_bind(), checkfirst=False)


def drop_messaging_tables(op: Any) -> None:
    for name in ("idempotency_keys", "processed_events", "outbox_events"):
        op.drop_table(name)


def create_replica_versions_table(op: Any) -> None:
    replica_versions_table(MetaData()).create(op.get_bind(), checkfirst=False)


def drop_replica_versions_table(op: Any) -> None:
    op.drop_table("replica_versions")


def alembic_config(service_dir: Path, database_url: str) -> Config:
    service_dir = Path(service_dir)  # a str is accepted too
    config = Config(str(service_dir / "alembic.ini"))
    config.set_main_option("script_location", str(service_dir / "migrations"))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(service_dir: Path, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(service_dir, database_url), revision)


def run_alembic_env(target_metadata: MetaData, default_url: str) -> None:
    """The body of every service's ``migrations/env.py``: the URL given by ``upgrade`` (or the
    service's configured database), batch mode so that SQLite can alter tables, and the kit's
    engine so that SQLite gets the same connection settings as the running service."""
    from alembic import context

    from .db import make_engine

    url = context.config.get_main_option("sqlalchemy.url") or default_url
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
