"""Access codes: issued by staff for a child's guardian, redeemed for an account."""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kabinet_kit.errors import Conflict, Gone, InvalidInput, RateLimited
from kabinet_kit.events import utcnow
from kabinet_kit.web import write_regardless

from . import access
from .access import Caller
from .audit import deny
from .auth import check_password_strength
from .children import child_of, is_guardian_of, link_guardianship, placement_of
from .credentials import sha256_hex
from .deps import Deps
from .models import AccessCode, Account, Person, Placement, RedemptionAttempt
from .people import grant_role, person_record

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def issue_access_code(deps: Deps, session: Session, caller: Caller, data: dict) -> tuple[AccessCode, str]:
    """A one-time, expiring code for a child's guardian, with the channel it was handed over by (IDN-06).
    Only its hash is kept: the code itself is returned once."""
    child = child_of(session, data["child_id"])
    where = placement_of(session, child.id) if child else None
    if child is None or not access.can_serve_child(caller, where):
        deny(deps, caller, "issue_access_code", "access-codes", person_id=data["child_id"] if child else None)
    guardian_id = data.get("guardian_person_id")
    if guardian_id:
        guardian = session.get(Person, guardian_id)
        assert where is not None, "can_serve_child refuses a child placed nowhere"
        if guardian is None or guardian.kind != "guardian" or not access.can_name_guardian(
                where, guardian.organisation_id, is_guardian_of(session, guardian.id, child.id)):
            raise InvalidInput("Not a guardian of this child.", errors={"guardian_person_id": [
                "Name only a guardian your institution linked to this child, or no one for a new guardian."]})
    assert where is not None, "can_serve_child refuses a child placed nowhere"
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    now = utcnow()
    code = AccessCode(child_id=child.id, code_hash=sha256_hex(raw), channel=data["channel"],
                      guardian_person_id=guardian_id, issued_by=caller.account_id, issued_at=now,
                      organisation_id=where.organisation_id,
                      expires_at=now + timedelta(days=deps.settings.access_code_ttl_days))
    session.add(code)
    session.flush()
    deps.events.record(session, "identity.access_code.issued.v1", {
        "access_code_id": code.id, "child_id": child.id, "channel": code.channel, "expires_at": code.expires_at})
    return code, f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _redemption_window_full(deps: Deps, session: Session, client_key: str) -> bool:
    since = utcnow() - timedelta(seconds=deps.settings.redeem_window_seconds)
    failures = session.execute(select(func.count()).select_from(RedemptionAttempt).where(
        RedemptionAttempt.client_key == client_key, RedemptionAttempt.at >= since,
        RedemptionAttempt.succeeded.is_(False))).scalar_one()
    return failures >= deps.settings.redeem_attempts_per_window


def _record_redemption_failure(deps: Deps, client_key: str) -> None:
    def write(s: Session) -> None:
        s.add(RedemptionAttempt(client_key=client_key, at=utcnow(), succeeded=False))
        # Old attempts stop mattering once outside the window.
        s.execute(delete(RedemptionAttempt).where(RedemptionAttempt.at < utcnow() - timedelta(days=1)))
    write_regardless(deps.session_factory, write)


def redeem_access_code(deps: Deps, session: Session, data: dict, client_key: str) -> dict:
    if _redemption_window_full(deps, session, client_key):
        raise RateLimited("Too many failed attempts; try again later.", retry_after=deps.settings.redeem_window_seconds)
    code = session.scalar(select(AccessCode).where(AccessCode.code_hash == sha256_hex(normalise_code(data["code"]))))
    now = utcnow()
    if code is None or code.redeemed_at is not None or code.expires_at <= now:
        _record_redemption_failure(deps, client_key)
        if code is not None and code.redeemed_at is not None:
            raise Gone("This code has been used already.")
        if code is not None:
            raise Gone("This code has expired; ask the institution for a new one.")
        raise InvalidInput("Unknown code.", errors={"code": ["No such code."]})
    login_name = data["login"].strip().lower()
    account = session.scalar(select(Account).where(Account.login == login_name))
    if account is not None:
        # A guardian with an account already links another child by logging in with it.
        person = session.get(Person, account.person_id)
        assert person is not None, "an account's person exists (foreign key)"
        if not (account.is_active and person.kind == "guardian"
                and deps.passwords.verify(account.password_hash, data["password"])):
            _record_redemption_failure(deps, client_key)
            raise Conflict("Login is taken.", errors={"login": ["Already taken; log in with its password to link "
                                                                "another child."]})
        if code.guardian_person_id not in (None, person.id):
            # A code issued to a named guardian is his alone (issue 11, finding 2).
            _record_redemption_failure(deps, client_key)
            raise Conflict("This code was issued to another guardian.",
                           errors={"login": ["Log in as the guardian the code was issued to."]})
    else:
        check_password_strength(data["password"], "password")
        person = session.get(Person, code.guardian_person_id) if code.guardian_person_id else None
        if person is None:
            missing = {f: ["Required: the code was issued without a registered guardian."]
                       for f in ("last_name", "first_name") if not data.get(f)}
            if missing:
                raise InvalidInput("Your name is needed.", errors=missing)
            child_org = session.get(Placement, code.child_id)
            person = Person(kind="guardian", last_name=data["last_name"], first_name=data["first_name"],
                            middle_name=data.get("middle_name"),
                            organisation_id=child_org.organisation_id if child_org else None, created_at=now)
            session.add(person)
            session.flush()
            deps.events.record(session, "identity.person.registered.v1", person_record(person))
        elif session.scalar(select(Account).where(Account.person_id == person.id)):
            # Never a second way into an existing account: its owner logs in with his password.
            _record_redemption_failure(deps, client_key)
            raise Conflict("This guardian has an account; log in with it to link the child.",
                           errors={"login": ["Use your existing login."]})
        elif not is_guardian_of(session, person.id, code.child_id):
            # A code named a guardian no longer (or never) linked to the child: it opens nothing.
            _record_redemption_failure(deps, client_key)
            raise Gone("This code is no longer valid; ask the institution for a new one.")
        account = Account(person_id=person.id, login=login_name, password_hash=deps.passwords.hash(data["password"]),
                          is_active=True, failed_logins=0, created_at=now)
        session.add(account)
        session.flush()
        deps.events.record(session, "identity.account.created.v1", {
            "account_id": account.id, "person_id": person.id, "person_kind": "guardian",
            "organisation_id": person.organisation_id, "sequence": account.sequence})
        grant_role(deps, session, account, person, {"role": "guardian"})
    code.redeemed_at = now
    code.redeemed_by_account_id = account.id
    link_guardianship(deps, session, person.id, code.child_id)
    deps.events.record(session, "identity.access_code.redeemed.v1", {
        "access_code_id": code.id, "child_id": code.child_id, "account_id": account.id})
    return {"account_id": account.id, "person_id": person.id, "child_id": code.child_id, "login": account.login}
