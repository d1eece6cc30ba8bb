"""Alembic helpers: each service's migrations create the messaging tables from these
definitions, so the outbox and inbox look the same everywhere without sharing a database."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData

from .idempotency import idempotency_table
from .outbox import outbox_table, processed_events_table, scrubbed_body
from .replicas import replica_versions_table


def create_messaging_tables(op: Any) -> None:
    """The tables as every service's first migration made them; later changes have helpers of
    their own below, called by later migrations, so that a first migration keeps its meaning."""
    metadata = MetaData()
    for table in (outbox_table(metadata, personal=False), processed_events_table(metadata),
                  idempotency_table(metadata)):
        table.create(op.get_bind(), checkfirst=False)


def add_outbox_personal_flag(op: Any, personal_exchanges: tuple[str, ...] = ()) -> None:
    """The outbox's ``personal`` column. Rows already there on ``personal_exchanges`` are
    flagged, and the published ones lose their data now, as the relay does from now on."""
    with op.batch_alter_table("outbox_events") as batch:
        batch.add_column(sa.Column("personal", sa.Boolean(), nullable=False, server_default=sa.false()))
    if not personal_exchanges:
        return
    outbox = sa.table("outbox_events", sa.column("id", sa.BigInteger), sa.column("exchange", sa.String),
                      sa.column("body", sa.Text), sa.column("published_at", sa.DateTime),
                      sa.column("personal", sa.Boolean))
    conn = op.get_bind()
    flagged = outbox.c.exchange.in_(personal_exchanges)
    conn.execute(sa.update(outbox).where(flagged).values(personal=True))
    published = conn.execute(sa.select(outbox.c.id, outbox.c.body)
                             .where(flagged, outbox.c.published_at.is_not(None))).all()
    for row_id, body in published:
        conn.execute(sa.update(outbox).where(outbox.c.id == row_id).values(body=scrubbed_body(body)))


def drop_messaging_tables(op: Any) -> None:
    for name in ("idempotency_keys", "processed_events", "outbox_events"):
        op.drop_table(name)


def create_replica_versions_table(op: Any) -> None:
    replica_versions_table(MetaData()).create(op.get_bind(), checkfirst=False)


def drop_replica_versions_table(op: Any) -> None:
    op.drop_table("replica_versions")


def service_dir(config_file: str) -> Path:
    """The folder holding a service's ``migrations/`` (with its ``alembic.ini``), given a module
    of the service's package: the package itself when installed from a wheel (the migrations
    travel inside it), else the checkout's service folder, where they sit beside the package."""
    package = Path(config_file).resolve().parent
    return package if (package / "migrations" / "alembic.ini").is_file() else package.parent


def alembic_config(service_dir: Path, database_url: str) -> Config:
    migrations = Path(service_dir) / "migrations"  # a str is accepted too
    config = Config(str(migrations / "alembic.ini"))
    config.set_main_option("script_location", str(migrations))
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
