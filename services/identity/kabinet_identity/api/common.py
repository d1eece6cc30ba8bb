"""What every identity endpoint needs: the wired dependencies, the caller, the session."""
from __future__ import annotations

from flask import current_app, g, request
from marshmallow import Schema, fields

from kabinet_kit.errors import Unauthenticated
from kabinet_kit.tokens import InvalidToken, bearer_token
from kabinet_kit.web import request_session

from ..access import Caller
from ..services import Deps, load_caller, session_is_live


def deps() -> Deps:
    return current_app.extensions["identity.deps"]


def db():
    return request_session()


def caller() -> Caller:
    """The authenticated caller. Identity checks its own tokens against the database, so a
    logout, deactivation or password change takes effect here at once."""
    if "caller" in g:
        return g.caller
    token = bearer_token(request.headers.get("Authorization"))
    if token is None:
        raise Unauthenticated("A bearer access token is required.")
    try:
        principal = current_app.extensions["identity.verifier"].verify(token)
    except InvalidToken as exc:
        raise Unauthenticated(str(exc)) from None
    session = db()
    if not session_is_live(session, principal.account_id, principal.session_id, principal.issued_at):
        raise Unauthenticated("The session has ended.")
    found = load_caller(session, principal.account_id)
    if found is None:
        raise Unauthenticated("The account is not active.")
    g.caller, g.session_id = found, principal.session_id
    return found


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


def paged(item_schema: type[Schema], name: str) -> type[Schema]:
    return Schema.from_dict({"items": fields.List(fields.Nested(item_schema)), "total": fields.Integer(),
                             "limit": fields.Integer(), "offset": fields.Integer()}, name=name)
