"""What every journal endpoint needs: the wired dependencies, the caller, the session."""
from __future__ import annotations

import json as stdlib_json
from typing import Any, cast

from flask import Response
from sqlalchemy.orm import Session

from kabinet_kit.callers import CallerResolver
from kabinet_kit.idempotency import idempotent
from kabinet_kit.service import current_deps
from kabinet_kit.tokens import Principal
from kabinet_kit.web import request_session

from ..access import Caller
from ..callers import load_caller
from ..deps import Deps
from ..models import IDEMPOTENCY


def deps() -> Deps:
    return cast(Deps, current_deps())


def db() -> Session:
    return request_session()


def _load_caller(session: Session, principal: Principal) -> Caller:
    # Grants come from the journal's replicas of identity's facts: a role the token claims but
    # identity has revoked counts for nothing here.
    return load_caller(session, principal.account_id)


caller: CallerResolver[Caller] = CallerResolver(_load_caller)


def idempotency_scope() -> str:
    return caller().account_id


once = idempotent(IDEMPOTENCY, idempotency_scope)


def raw_json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """Large read models go out as built (already JSON-ready) instead of through marshmallow."""
    # The stdlib encoder, compact and unsorted: Flask's provider sorts keys, which costs a
    # few milliseconds on a whole class's grid.
    return Response(stdlib_json.dumps(payload, ensure_ascii=False, separators=(",", ":")), status=status,
                    mimetype="application/json", headers=headers)
