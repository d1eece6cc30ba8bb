"""What every journal endpoint needs: the wired dependencies, the caller, the session."""
from __future__ import annotations

import json as stdlib_json

from flask import Response, current_app, g, request

from kabinet_kit.errors import Unauthenticated
from kabinet_kit.tokens import InvalidToken, bearer_token
from kabinet_kit.web import idempotent, request_session

from ..access import Caller
from ..bootstrap import Deps
from ..models import IDEMPOTENCY
from ..services import load_caller


def deps() -> Deps:
    return current_app.extensions["journal.deps"]


def db():
    return request_session()


def caller() -> Caller:
    """The caller: the token verified with identity's keys, the grants from the journal's own
    replicas of identity's facts (a role the token claims but identity has revoked counts for
    nothing here)."""
    if "caller" in g:
        return g.caller
    token = bearer_token(request.headers.get("Authorization"))
    if token is None:
        raise Unauthenticated("A bearer access token is required.")
    try:
        principal = deps().verifier.verify(token)
    except InvalidToken as exc:
        raise Unauthenticated(str(exc)) from None
    g.caller = load_caller(db(), principal.account_id)
    return g.caller


def idempotency_scope() -> str:
    return caller().account_id


once = idempotent(IDEMPOTENCY, idempotency_scope)


def raw_json(payload, status: int = 200) -> Response:
    """Large read models go out as built (already JSON-ready) instead of through marshmallow."""
    # The stdlib encoder, compact and unsorted: Flask's provider sorts keys, which costs a
    # few milliseconds on a whole class's grid.
    return Response(stdlib_json.dumps(payload, ensure_ascii=False, separators=(",", ":")), status=status,
                    mimetype="application/json")
