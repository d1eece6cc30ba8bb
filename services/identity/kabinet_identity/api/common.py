"""What every identity endpoint needs: the wired dependencies, the caller, the session."""
from __future__ import annotations

from typing import cast

from flask import g, request
from sqlalchemy.orm import Session

from kabinet_kit.callers import CallerResolver, current_principal
from kabinet_kit.errors import PermissionDenied, Unauthenticated
from kabinet_kit.idempotency import idempotent
from kabinet_kit.service import current_deps
from kabinet_kit.tokens import Principal
from kabinet_kit.web import request_session

from ..access import Caller
from ..auth import load_caller, password_change_required
from ..config import IDEMPOTENCY_KEEP
from ..deps import Deps
from ..models import IDEMPOTENCY

#: What an account with an administrator's temporary password may do: set its own password.
PASSWORD_CHANGE_PATHS = frozenset({"/auth/password", "/auth/logout", "/me"})


def _load_caller(session: Session, principal: Principal) -> Caller:
    found = load_caller(session, principal)
    if request.path not in PASSWORD_CHANGE_PATHS and password_change_required(session, principal.account_id):
        raise PermissionDenied("Change the temporary password first (POST /auth/password).")
    return found


#: The authenticated caller, checked against identity's own sessions on every request.
caller = CallerResolver(_load_caller)


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

