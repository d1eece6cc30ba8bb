"""What every journal endpoint needs: the wired dependencies, the caller, the session."""
from __future__ import annotations

import json as stdlib_json
import time

from flask import Response, current_app, g, request

from kabinet_kit.errors import Unauthenticated
from kabinet_kit.tokens import InvalidToken, Principal, bearer_token
from kabinet_kit.web import idempotent, request_session

from ..access import Caller
from ..bootstrap import Deps
from ..models import IDEMPOTENCY
from ..services import load_caller

# Verified tokens kept per app, so a client's next requests skip the signature check; an entry
# serves only until the token's own expiry. Bounded: cleared when full.
VERIFIED_TOKENS_KEPT = 4096


def deps() -> Deps:
    return current_app.extensions["journal.deps"]


def db():
    return request_session()


def _verified(token: str) -> Principal:
    kept: dict[str, Principal] = current_app.extensions.setdefault("journal.verified_tokens", {})
    principal = kept.get(token)
    if principal is not None and principal.claims["exp"] > time.time():
        return principal
    principal = deps().verifier.verify(token)
    if len(kept) >= VERIFIED_TOKENS_KEPT:
        kept.clear()
    kept[token] = principal
    return principal


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
        principal = _verified(token)
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
