"""Engines and sessions: SQLite by default, PostgreSQL by DATABASE_URL."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    TypeDecorator,
    create_engine,
    event,
    insert,
)
from sqlalchemy.engine import Connection, Dialect, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

# Autoincrementing 64-bit key that SQLite also accepts as its rowid alias.
BigId = BigInteger().with_variant(Integer(), "sqlite")
# Entity ids are UUID strings, so that they travel unchanged in events.
Id = String(36)


def new_id() -> str:
    return str(uuid.uuid4())


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        db_path = make_url(url).database
        files: list[Path] = []
        if db_path and db_path != ":memory:" and not db_path.startswith("file:"):
            files = _private_database_file(Path(db_path))
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        _configure_sqlite(engine, files)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", int(os.environ.get("DB_POOL_SIZE", "5")))
    return create_engine(url, **kwargs)


def _private_database_file(path: Path) -> list[Path]:
    """Create the database file 0600 in a folder 0700 before SQLite does (it would follow the
    umask: 0644, readable by every local user); SQLite gives its -wal and -shm files the mode
    of the database file. Returns the files a connection tightens, for databases made earlier."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    return [path, Path(f"{path}-wal"), Path(f"{path}-shm")]


def _owner_only(files: list[Path]) -> None:
    for file in files:
        try:
            if file.stat().st_mode & 0o077:
                file.chmod(0o600)
        except OSError:  # not there (yet), or not ours to change: nothing to tighten
            pass


def _configure_sqlite(engine: Engine, files: list[Path]) -> None:
    # pysqlite's own transaction handling defers BEGIN and cannot take a write lock up
    # front; we emit BEGIN ourselves so the outbox relay can ask for BEGIN IMMEDIATE.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        # Erased personal data must not linger in free pages of the file (152-FZ erasure).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()
        _owner_only(files)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE by default: a deferred transaction that reads and then writes fails at once
        # with "database is locked" if another connection wrote in between (WAL snapshot), and
        # no busy timeout helps. Taking the write lock up front makes writers wait their turn.
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def increment(session: Session, row: Any, column: str = "sequence") -> int:
    """Add one to ``row``'s counter in the database and return the new value.

    The UPDATE adds to the stored value (PostgreSQL re-reads the row once it holds its lock), so
    two transactions changing one row at once never get the same number, as they could with a
    read-modify-write in Python.
    """
    setattr(row, column, getattr(type(row), column) + 1)
    session.flush()
    return int(getattr(row, column))


@contextmanager
def scratch_table(session: Session, name: str, columns: Iterable[Column[Any]],
                  rows: list[dict[str, Any]] | None = None) -> Iterator[Table]:
    """A temporary table on the session's connection, filled with ``rows`` in one executemany,
    for a set-based statement to join against (values computed in Python, an intermediate
    result) instead of a statement per row. Dropped after the block; if the block fails the
    transaction's rollback takes it away."""
    table = Table(name, MetaData(), *columns, prefixes=["TEMPORARY"])
    connection = session.connection()
    table.create(connection)
    if rows:
        connection.execute(insert(table), rows)
    yield table
    table.drop(connection)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone: we put it back)."""
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: Constraint and index names every service's metadata uses, so that Alembic's batch mode on
#: SQLite and autogenerate on PostgreSQL agree on them.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s"}
