"""Issue 11, low finding: on SQLite an erased name stayed readable in the database file's free
pages. With secure delete, once the write-ahead log is checkpointed the bytes are gone. The kit
turns it on itself: SQLite builds differ in their default (Debian's is on, the upstream default
is off), and erasure must not depend on the build."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine

from kabinet_kit.db import make_engine

NAME = "Уникальнаяфамилия-7f3a"


def checkpoint(engine: Engine) -> None:
    # Outside any transaction: the kit's engine begins every transaction with BEGIN IMMEDIATE.
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def test_an_erased_name_is_not_left_in_the_database_file(tmp_path):
    path = tmp_path / "people.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE people (id INTEGER PRIMARY KEY, last_name TEXT)"))
            conn.execute(text("INSERT INTO people (last_name) VALUES (:n)"), {"n": NAME})
            conn.execute(text("INSERT INTO people (last_name) VALUES ('Петров')"))
        checkpoint(engine)
        assert NAME.encode("utf-8") in path.read_bytes()  # it was written where we look
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM people WHERE last_name = :n"), {"n": NAME})
        checkpoint(engine)
    finally:
        engine.dispose()
    leftovers = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert NAME.encode("utf-8") not in leftovers
    assert "Петров".encode() in path.read_bytes()
