"""What every identity endpoint needs: the wired dependencies, the caller, the session."""
from __future__ import annotations

from typing import cast

from flask import g, request
from marshmallow import fields
from sqlalchemy.orm import Session

from kabinet_kit.callers import CallerResolver, current_principal
from kabinet_kit.errors import Unauthenticated
from kabinet_kit.idempotency import idempotent
from kabinet_kit.schemas import Schema
from kabinet_kit.service import current_deps
from kabinet_kit.web import request_session

from ..auth import load_caller
from ..config import IDEMPOTENCY_KEEP
from ..deps import Deps
from ..models import IDEMPOTENCY

#: The authenticated caller, checked against identity's own sessions on every request.
caller = CallerResolver(load_caller)


def deps() -> Deps:
    return cast(Deps, current_deps())


def db() -> Session:
    return request_session()


def session_id() -> str:
    """The login session of the current request's token (once the caller is resolved)."""
    principal = current_principal()
    if principal is None:
        raise Unauthenticated("A bearer access token is required.")
    return principal.session_id


def client_key() -> str:
    """Who is knocking, for rate limits: the first X-Forwarded-For hop set by our gateway."""
    if deps().settings.trust_forwarded_for:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:100]
    return (request.remote_addr or "unknown")[:100]


def request_id() -> str | None:
    return g.get("request_id")


def idempotency_scope() -> str:
    return caller().account_id


#: Identity's creates answer with an access code shown once, or with a person's data. Their
#: replays are stored sealed under identity's own key (issue 11, Low), not as a hash answering
#: 409: the client retries because it lost the response, and a 409 would leave a live code
#: nobody knows while staff issue a second one. A reader of the database or of a backup gets
#: neither the code nor the names; the process replays the very response within the day.
once = idempotent(IDEMPOTENCY, idempotency_scope, seal=lambda: deps().seal, keep=IDEMPOTENCY_KEEP)


def paged(item_schema: type[Schema], name: str) -> type[Schema]:
    page = Schema.from_dict({"items": fields.List(fields.Nested(item_schema)), "total": fields.Integer(),
                             "limit": fields.Integer(), "offset": fields.Integer()}, name=name)
    return cast(type[Schema], page)  # from_dict builds on the class it is called on
