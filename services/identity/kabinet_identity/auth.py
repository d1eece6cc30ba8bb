"""Authentication: the caller behind a token, login, refresh rotation, logout, password change, /me."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from kabinet_kit.db import increment
from kabinet_kit.errors import InvalidInput, Unauthenticated
from kabinet_kit.events import utcnow
from kabinet_kit.tokens import Principal
from kabinet_kit.web import write_regardless

from .access import Caller, Grant
from .audit import audit
from .credentials import access_claims, new_refresh_token, sha256_hex
from .deps import Deps
from .grants import in_force
from .models import (
    Account,
    Guardianship,
    LoginFailure,
    Person,
    Placement,
    RefreshToken,
    RoleAssignment,
    Session_,
)

BAD_LOGIN = "Login or password is incorrect, or the account is temporarily locked."


def load_caller(session: Session, principal: Principal) -> Caller:
    """The caller behind a verified token. Identity checks its own tokens against the database,
    so a logout, deactivation or password change takes effect at once."""
    if not session_is_live(session, principal.account_id, principal.session_id, principal.issued_at):
        raise Unauthenticated("The session has ended.")
    found = _active_caller(session, principal.account_id)
    if found is None:
        raise Unauthenticated("The account is not active.")
    return found


def _active_caller(session: Session, account_id: str) -> Caller | None:
    row = session.execute(select(Account, Person).join(Person, Person.id == Account.person_id)
                          .where(Account.id == account_id)).first()
    if row is None or not row.Account.is_active:
        return None
    grants = tuple(Grant(r.role, r.organisation_id, r.group_id) for r in session.scalars(
        select(RoleAssignment).where(RoleAssignment.account_id == account_id, in_force(utcnow()))))
    children = frozenset(session.scalars(select(Guardianship.child_id)
                                         .where(Guardianship.guardian_person_id == row.Person.id)))
    return Caller(account_id, row.Person.id, row.Person.kind, grants, children)


def session_is_live(session: Session, account_id: str, session_id: str, issued_at: float) -> bool:
    account = session.get(Account, account_id)
    if account is None or not account.is_active:
        return False
    if account.sessions_revoked_before and issued_at < account.sessions_revoked_before.timestamp():
        return False
    login_session = session.get(Session_, session_id)
    return login_session is not None and login_session.revoked_at is None and login_session.account_id == account_id


def _roles_claim(session: Session, account_id: str) -> list[dict]:
    return [{"role": r.role, "organisation_id": r.organisation_id, "group_id": r.group_id}
            for r in session.scalars(select(RoleAssignment).where(RoleAssignment.account_id == account_id,
                                                                  in_force(utcnow())))]


def _issue_tokens(deps: Deps, session: Session, account: Account, person: Person, session_id: str) -> dict:
    now = utcnow()
    refresh = new_refresh_token()
    session.add(RefreshToken(session_id=session_id, token_hash=sha256_hex(refresh), issued_at=now,
                             expires_at=now + timedelta(seconds=deps.settings.refresh_token_ttl)))
    claims = access_claims(account_id=account.id, person_id=person.id, person_kind=person.kind,
                           # With a temporary password the token carries no role: no service
                           # answers it but identity, for the password change.
                           session_id=session_id,
                           roles=[] if account.must_change_password else _roles_claim(session, account.id),
                           ttl=deps.settings.access_token_ttl, issuer=deps.settings.token_issuer,
                           audience=deps.settings.token_audience, now=now)
    return {"access_token": deps.keys.sign(claims), "refresh_token": refresh, "token_type": "Bearer",
            "expires_in": deps.settings.access_token_ttl, "password_change_required": account.must_change_password}


def login_throttled(failures_here: int, failures_everywhere: int, per_address: int, per_account: int) -> bool:
    """Refuse a login tried too often from this address, or far too often from everywhere: a
    wrong password from one address does not stop the owner elsewhere (issue 11, finding 4)."""
    return failures_here >= per_address or failures_everywhere >= per_account


def _failures(deps: Deps, session: Session, account_id: str, client_key: str) -> tuple[int, int]:
    since = utcnow() - timedelta(seconds=deps.settings.lockout_seconds)
    recent = (LoginFailure.account_id == account_id, LoginFailure.at >= since)
    here = session.scalar(select(func.count()).select_from(LoginFailure)
                          .where(*recent, LoginFailure.client_key == client_key)) or 0
    everywhere = session.scalar(select(func.count()).select_from(LoginFailure).where(*recent)) or 0
    return here, everywhere


def _record_failed_login(deps: Deps, account_id: str, client_key: str) -> None:
    def write(s: Session) -> None:
        now = utcnow()
        s.add(LoginFailure(account_id=account_id, client_key=client_key, at=now))
        s.flush()
        if _failures(deps, s, account_id, client_key)[0] == deps.settings.max_failed_logins:
            account = s.get(Account, account_id)
            assert account is not None, "a failure is recorded for an account that exists"
            deps.events.record(s, "identity.account.locked.v1", {
                "account_id": account_id, "locked_until": now + timedelta(seconds=deps.settings.lockout_seconds),
                "sequence": increment(s, account)})
        # Old failures stop mattering once outside the window.
        s.execute(delete(LoginFailure).where(LoginFailure.at < now - timedelta(days=1)))
    write_regardless(deps.session_factory, write)


def login(deps: Deps, session: Session, login_name: str, password: str, client_key: str) -> dict:
    account = session.scalar(select(Account).where(Account.login == login_name.strip().lower()))
    valid = deps.passwords.verify(account.password_hash if account else None, password)
    now = utcnow()
    if account is None:
        raise Unauthenticated(BAD_LOGIN)
    if login_throttled(*_failures(deps, session, account.id, client_key), deps.settings.max_failed_logins,
                       deps.settings.max_failed_logins_per_account):
        raise Unauthenticated(BAD_LOGIN)
    if not valid:
        _record_failed_login(deps, account.id, client_key)
        raise Unauthenticated(BAD_LOGIN)
    if not account.is_active:
        raise Unauthenticated(BAD_LOGIN)
    person = session.get(Person, account.person_id)
    assert person is not None, "an account's person exists (foreign key)"
    session.execute(delete(LoginFailure).where(LoginFailure.account_id == account.id,
                                               LoginFailure.client_key == client_key))
    if account.activated_at is None:
        account.activated_at = now
        deps.events.record(session, "identity.account.activated.v1",
                           {"account_id": account.id, "person_id": person.id, "person_kind": person.kind,
                            "sequence": increment(session, account)})
    account.last_login_at = now
    login_session = Session_(account_id=account.id, created_at=now)
    session.add(login_session)
    session.flush()
    return _issue_tokens(deps, session, account, person, login_session.id)


def _end_session(deps: Deps, session: Session, login_session: Session_, reason: str) -> None:
    if login_session.revoked_at is None:
        login_session.revoked_at = utcnow()
        login_session.revoke_reason = reason
        deps.events.record(session, "identity.account.logged_out.v1",
                           {"account_id": login_session.account_id, "session_id": login_session.id})


def refresh(deps: Deps, session: Session, token: str) -> dict:
    row = session.scalar(select(RefreshToken).where(RefreshToken.token_hash == sha256_hex(token)))
    if row is None:
        raise Unauthenticated("Refresh token is not valid.")
    login_session = session.get(Session_, row.session_id)
    assert login_session is not None, "a refresh token's session exists (foreign key)"
    account = session.get(Account, login_session.account_id)
    assert account is not None, "a session's account exists (foreign key)"
    now = utcnow()
    if row.used_at is not None:
        # A rotated token came back: someone holds a stolen copy. End the whole session.
        session_id = login_session.id

        def end_stolen_session(s: Session) -> None:
            stolen = s.get(Session_, session_id)
            assert stolen is not None, "read above; sessions are never deleted"
            _end_session(deps, s, stolen, "refresh_token_reuse")

        write_regardless(deps.session_factory, end_stolen_session)
        raise Unauthenticated("Refresh token was already used; the session has been ended.")
    if (row.expires_at <= now or login_session.revoked_at is not None or not account.is_active
            or (account.sessions_revoked_before and login_session.created_at < account.sessions_revoked_before)):
        raise Unauthenticated("Refresh token is not valid.")
    row.used_at = now
    person = session.get(Person, account.person_id)
    assert person is not None, "an account's person exists (foreign key)"
    return _issue_tokens(deps, session, account, person, login_session.id)


def logout(deps: Deps, session: Session, caller: Caller, session_id: str) -> None:
    login_session = session.get(Session_, session_id)
    if login_session is not None and login_session.account_id == caller.account_id:
        _end_session(deps, session, login_session, "logout")


def change_password(deps: Deps, session: Session, caller: Caller, current: str, new: str) -> None:
    account = session.get(Account, caller.account_id)
    assert account is not None, "the caller's account was loaded with the caller"
    if not deps.passwords.verify(account.password_hash, current):
        raise InvalidInput("Current password is incorrect.", errors={"current_password": ["Incorrect password."]})
    check_password_strength(new, "new_password")
    account.must_change_password = False
    set_password(deps, session, account, new, "password_changed")


def set_password(deps: Deps, session: Session, account: Account, password: str, reason: str) -> None:
    """A new password ends every session of the account: identity refuses their tokens at once,
    the gateway on the password_changed event (its revocation feed)."""
    now = utcnow()
    account.password_hash = deps.passwords.hash(password)
    account.sessions_revoked_before = now
    session.execute(update(Session_).where(Session_.account_id == account.id, Session_.revoked_at.is_(None))
                    .values(revoked_at=now, revoke_reason=reason))
    deps.events.record(session, "identity.account.password_changed.v1",
                       {"account_id": account.id, "sessions_revoked_before": now})


def password_change_required(session: Session, account_id: str) -> bool:
    account = session.get(Account, account_id)
    return account is not None and account.must_change_password


def check_password_strength(password: str, field: str) -> None:
    if len(password) < 10 or password.isdigit() or password.isalpha():
        raise InvalidInput("Password too weak.", errors={
            field: ["At least 10 characters, with letters and at least one digit or symbol."]})


def me(session: Session, caller: Caller) -> dict:
    account = session.get(Account, caller.account_id)
    person = session.get(Person, caller.person_id)
    assert account is not None and person is not None, "the caller's account and person were loaded with the caller"
    roles = session.scalars(select(RoleAssignment).where(RoleAssignment.account_id == caller.account_id,
                                                         in_force(utcnow()))).all()
    children = []
    if caller.children:
        rows = session.execute(select(Person, Placement).outerjoin(Placement, Placement.child_id == Person.id)
                               .where(Person.id.in_(caller.children)).order_by(Person.last_name, Person.first_name))
        for child, placement in rows:
            audit(session, caller, "read_person", "me", person_id=child.id,
                  organisation_id=placement.organisation_id if placement else None)
            children.append({"child_id": child.id, "last_name": child.last_name, "first_name": child.first_name,
                             "organisation_id": placement.organisation_id if placement else None,
                             "group_id": placement.group_id if placement else None})
    return {"account_id": account.id, "login": account.login, "person_id": person.id, "kind": person.kind,
            "last_name": person.last_name, "first_name": person.first_name, "middle_name": person.middle_name,
            "roles": roles, "children": children, "password_change_required": account.must_change_password}
