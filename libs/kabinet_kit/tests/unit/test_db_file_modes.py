"""SQLite files are readable by the service's own user only (issue 11, finding 8)."""
from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from kabinet_kit.db import make_engine


@pytest.fixture()
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)  # what a shell usually has: new files 0644, folders 0755
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_and_its_folder_are_the_owners_only(tmp_path: Path, usual_umask: None) -> None:
    """issue 11, finding 8: var/ was 0755 and *.db 0644, readable by every local user."""
    path = tmp_path / "var" / "service.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
        files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
        assert all(f.exists() for f in files)  # WAL mode, connection open
        assert {str(f.name): mode(f) for f in files} == {f.name: 0o600 for f in files}
    assert mode(path.parent) == 0o700
    engine.dispose()


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path, usual_umask: None) -> None:
    """issue 11, finding 8: databases created before the fix are 0644; the next start fixes them."""
    path = tmp_path / "old.db"
    make_engine(f"sqlite:///{path}").dispose()
    path.touch()
    path.chmod(0o644)
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert mode(path) == 0o600
    engine.dispose()
