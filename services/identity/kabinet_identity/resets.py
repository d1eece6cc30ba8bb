"""An administrator resets a forgotten password: a temporary one, shown once, that only serves
to set a new one; every session of the account ends."""
from __future__ import annotations

import secrets

from sqlalchemy import delete
from sqlalchemy.orm import Session

from kabinet_kit.errors import Conflict

from . import access
from .access import Caller
from .audit import audit, deny
from .auth import check_password_strength, set_password
from .deps import Deps
from .models import Account, LoginFailure, Person

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed by hand


def temporary_password() -> str:
    """Three groups of four joined by dashes: long enough, and never letters or digits only."""
    while True:
        raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
        password = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        if any(ch.isdigit() for ch in raw):
            check_password_strength(password, "password")
            return password


def reset_password(deps: Deps, session: Session, caller: Caller, account_id: str, request_id: str | None) -> dict:
    resource = f"accounts/{account_id}/password-reset"
    account = session.get(Account, account_id)
    person = session.get(Person, account.person_id) if account is not None else None
    if account is None or person is None or not access.can_reset_password(caller, person.kind,
                                                                           person.organisation_id):
        deny(deps, caller, "reset_password", resource, request_id=request_id)
    if account.id == caller.account_id:
        raise Conflict("Change your own password yourself (POST /auth/password).")
    if not account.is_active:
        raise Conflict("The account is deactivated.")
    password = temporary_password()
    set_password(deps, session, account, password, "password_reset")
    account.must_change_password = True
    # A reset is also how a locked-out owner gets back in: his failed logins are forgotten.
    session.execute(delete(LoginFailure).where(LoginFailure.account_id == account.id))
    audit(session, caller, "reset_password", resource, person_id=person.id, organisation_id=person.organisation_id,
          request_id=request_id)
    return {"account_id": account.id, "login": account.login, "temporary_password": password,
            "password_change_required": True}
