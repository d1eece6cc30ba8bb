"""What every preschool endpoint needs: the wired dependencies, the caller, the session."""
from __future__ import annotations

from flask import current_app, g, request

from kabinet_kit.errors import Unauthenticated
from kabinet_kit.tokens import InvalidToken, bearer_token
from kabinet_kit.web import request_session

from ..access import Caller
from ..services import load_caller


def deps():
    return current_app.extensions["preschool.deps"]


def db():
    return request_session()


def caller() -> Caller:
    """The caller as this service knows them: the token says who, our replicas of identity's
    role assignments and guardianships say what they may reach."""
    if "caller" in g:
        return g.caller
    token = bearer_token(request.headers.get("Authorization"))
    if token is None:
        raise Unauthenticated("A bearer access token is required.")
    try:
        principal = current_app.extensions["preschool.verifier"].verify(token)
    except InvalidToken as exc:
        raise Unauthenticated(str(exc)) from None
    g.caller = load_caller(db(), principal.account_id, principal.person_id)
    return g.caller


def idempotency_scope() -> str:
    return caller().account_id
