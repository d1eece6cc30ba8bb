"""The evidence files a request touched, and their release: after the request's transaction
has ended, a file that no achievement refers to is removed (a refused upload, a replaced or an
unreadable document, the documents of a purged portfolio) — POR-11."""
from __future__ import annotations

from collections.abc import Iterable

from flask import g, has_request_context
from sqlalchemy import select

from .deps import Deps
from .models import Achievement

TOUCHED = "portfolio_touched_documents"


def note(sha256: str | None) -> None:
    if sha256 and has_request_context():
        g.setdefault(TOUCHED, set()).add(sha256)


def release(deps: Deps, hashes: Iterable[str]) -> int:
    """Remove the files among ``hashes`` that no achievement refers to; returns how many."""
    wanted = set(hashes)
    if not wanted:
        return 0
    with deps.session_factory() as session:
        kept = set(session.scalars(select(Achievement.document_sha256)
                                   .where(Achievement.document_sha256.in_(wanted))))
    removed = 0
    for sha in wanted - kept:
        if deps.store.exists(sha):
            deps.store.remove(sha)
            removed += 1
    return removed
