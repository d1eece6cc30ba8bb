"""``Idempotency-Key``: a retried create replays the stored response instead of running again."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import Response, current_app, request
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, delete, insert, select
from sqlalchemy.orm import Session

from .errors import Conflict, InvalidInput
from .events import utcnow
from .openapi import IDEMPOTENT_MARK
from .sealing import Seal, SealBroken
from .web import request_session


def idempotency_table(metadata: MetaData) -> Table:
    return Table(
        "idempotency_keys", metadata,
        Column("scope", String(100), primary_key=True),
        Column("key", String(200), primary_key=True),
        Column("fingerprint", String(64), nullable=False),
        Column("status", Integer, nullable=False),
        Column("body", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
    )


FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")
_CHUNK = 64 * 1024


def request_fingerprint() -> str:
    """What a retry must repeat: the method, the path and the body. A form (an upload) is read
    as parsed, its files in chunks, so the body is never held in memory whole."""
    digest = hashlib.sha256(request.method.encode() + request.path.encode())
    if request.mimetype not in FORMS:
        digest.update(request.get_data() or b"")
        return digest.hexdigest()
    for name, value in sorted(request.form.items(multi=True)):
        digest.update(b"\0field\0%s\0%s" % (name.encode(), value.encode()))
    for name, upload in sorted(request.files.items(multi=True), key=lambda item: item[0]):
        digest.update(b"\0file\0%s\0%s\0" % (name.encode(), (upload.filename or "").encode()))
        digest.update(content_sha256(upload.stream))
    return digest.hexdigest()


def content_sha256(stream: Any) -> bytes:
    """The SHA-256 of an uploaded file: from a spool that hashed it while it was written (one
    offering ``content_sha256()``), else read again in chunks and rewound."""
    known = getattr(stream, "content_sha256", None)
    if callable(known):
        return bytes(known())
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
    stream.seek(0)
    return digest.digest()


def idempotent(table: Table, scope: Callable[[], str], *, seal: Callable[[], Seal] | None = None,
               keep: timedelta | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Replay the stored response when a create is retried with the same Idempotency-Key.

    The key and the response are written in the request's own transaction, so a retry after a
    crash either finds both the change and the key, or neither. With ``seal`` the response is
    stored sealed (it may hold a secret shown once, or personal data): a replay opens it, a
    reader of the database cannot. With ``keep`` a key older than that is forgotten (a retry
    comes within seconds or minutes, not days) and the scope's expired keys are pruned.
    """
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            key = request.headers.get("Idempotency-Key")
            if not key:
                return view(*args, **kwargs)
            if len(key) > 200:
                raise InvalidInput("Idempotency-Key is too long",
                                   errors={"Idempotency-Key": ["At most 200 characters."]})
            fingerprint = request_fingerprint()
            session = request_session()
            who = scope()
            if keep is not None:
                session.execute(delete(table).where(table.c.scope == who, table.c.created_at < utcnow() - keep))
            stored = session.execute(select(table).where(table.c.scope == who, table.c.key == key)).first()
            if stored:
                if stored.fingerprint != fingerprint:
                    raise Conflict("This Idempotency-Key was used for a different request.")
                body = stored.body
                if seal is not None:
                    try:
                        body = seal().open(body)
                    except SealBroken:  # sealed under a secret the process no longer has
                        raise Conflict("The response to this Idempotency-Key can no longer be replayed.") from None
                replay = Response(body, status=stored.status, mimetype="application/json")
                replay.headers["Idempotent-Replayed"] = "true"
                return replay
            response = current_app.make_response(view(*args, **kwargs))
            if response.status_code < 400:
                body = response.get_data(as_text=True)
                session.execute(insert(table).values(scope=who, key=key, fingerprint=fingerprint,
                                                     status=response.status_code,
                                                     body=seal().seal(body) if seal is not None else body,
                                                     created_at=utcnow()))
            return response
        setattr(wrapper, IDEMPOTENT_MARK, True)  # documented with the header and its 409
        return wrapper
    return decorator


def forget_idempotent_responses(session: Session, table: Table, *, keep: timedelta, seal: Seal,
                                mentioning: str) -> int:
    """Delete the expired keys, and the kept responses whose text mentions ``mentioning`` (an id
    whose data must go). Sealed responses are opened one by one: ``keep`` bounds how many."""
    session.execute(delete(table).where(table.c.created_at < utcnow() - keep))
    doomed = []
    for row in session.execute(select(table.c.scope, table.c.key, table.c.body)):
        try:
            if mentioning in seal.open(row.body):
                doomed.append((row.scope, row.key))
        except SealBroken:
            doomed.append((row.scope, row.key))  # unreadable: it can never be replayed anyway
    for scope, key in doomed:
        session.execute(delete(table).where(table.c.scope == scope, table.c.key == key))
    return len(doomed)
