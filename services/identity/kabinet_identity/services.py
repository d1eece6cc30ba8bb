"""Identity's service layer: each use case is a plain function over a session.

State changes and their events are written in the caller's session (the request's unit of
work), so they commit together or not at all. Failed logins, denied reads and redemption
attempts are written in their own short transactions: they must persist even though the
request itself fails.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from kabinet_contracts.identity import CONSENT_PURPOSES
from kabinet_kit.errors import Conflict, Gone, InvalidInput, NotFound, PermissionDenied, RateLimited, Unauthenticated
from kabinet_kit.events import utcnow
from kabinet_kit.outbox import EventRecorder
from kabinet_kit.web import write_regardless

from . import access
from .access import Caller, Grant, Where
from .config import Settings
from .credentials import KeyRing, Passwords, access_claims, new_refresh_token, sha256_hex
from .models import (AccessCode, Account, AcademicYear, AuditRecord, Consent, Group, Guardianship, Movement,
                     Organisation, Person, Placement, RedemptionAttempt, RefreshToken, RoleAssignment, Session_)

BAD_LOGIN = "Login or password is incorrect, or the account is temporarily locked."
GROUP_KIND_FOR = {"school": "school_class", "kindergarten": "kindergarten_group", "supplementary": "association"}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read aloud and typed


@dataclass
class Deps:
    """Everything the use cases need, wired once by bootstrap."""
    settings: Settings
    session_factory: sessionmaker
    events: EventRecorder
    passwords: Passwords
    keys: KeyRing


# -- callers and audit -----------------------------------------------------------------
def load_caller(session: Session, account_id: str) -> Caller | None:
    row = session.execute(select(Account, Person).join(Person, Person.id == Account.person_id)
                          .where(Account.id == account_id)).first()
    if row is None or not row.Account.is_active:
        return None
    grants = tuple(Grant(r.role, r.organisation_id, r.group_id) for r in session.scalars(
        select(RoleAssignment).where(RoleAssignment.account_id == account_id, RoleAssignment.revoked_at.is_(None))))
    children = frozenset(session.scalars(select(Guardianship.child_id)
                                         .where(Guardianship.guardian_person_id == row.Person.id)))
    return Caller(account_id, row.Person.id, row.Person.kind, grants, children)


def audit(session: Session, caller: Caller | None, action: str, resource: str, *, outcome: str = "allowed",
          person_id: str | None = None, organisation_id: str | None = None, request_id: str | None = None) -> None:
    session.add(AuditRecord(at=utcnow(), actor_account_id=caller.account_id if caller else None, action=action,
                            outcome=outcome, person_id=person_id, organisation_id=organisation_id,
                            resource=resource, request_id=request_id))


def deny(deps: Deps, caller: Caller, action: str, resource: str, *, person_id=None, organisation_id=None,
         request_id=None, not_found: bool = True):
    """Record a refused attempt in its own transaction, then refuse. Objects the caller may not
    see answer 404, so that ids cannot be probed for existence."""
    write_regardless(deps.session_factory, lambda s: audit(
        s, caller, action, resource, outcome="denied", person_id=person_id, organisation_id=organisation_id,
        request_id=request_id))
    if not_found:
        raise NotFound("No such object, or it is not yours to see.")
    raise PermissionDenied("Your role does not allow this.")


def placement_of(session: Session, child_id: str) -> Where | None:
    p = session.get(Placement, child_id)
    return Where(p.organisation_id, p.group_id) if p else None


def _child(session: Session, child_id: str) -> Person | None:
    person = session.get(Person, child_id)
    return person if person is not None and person.kind == "child" else None


# -- authentication ----------------------------------------------------------------------
def _roles_claim(session: Session, account_id: str) -> list[dict]:
    return [{"role": r.role, "organisation_id": r.organisation_id, "group_id": r.group_id}
            for r in session.scalars(select(RoleAssignment).where(RoleAssignment.account_id == account_id,
                                                                  RoleAssignment.revoked_at.is_(None)))]


def _issue_tokens(deps: Deps, session: Session, account: Account, person: Person, session_id: str) -> dict:
    now = utcnow()
    refresh = new_refresh_token()
    session.add(RefreshToken(session_id=session_id, token_hash=sha256_hex(refresh), issued_at=now,
                             expires_at=now + timedelta(seconds=deps.settings.refresh_token_ttl)))
    claims = access_claims(account_id=account.id, person_id=person.id, person_kind=person.kind,
                           session_id=session_id, roles=_roles_claim(session, account.id),
                           ttl=deps.settings.access_token_ttl, now=now)
    return {"access_token": deps.keys.sign(claims), "refresh_token": refresh, "token_type": "Bearer",
            "expires_in": deps.settings.access_token_ttl}


def _record_failed_login(deps: Deps, account_id: str) -> None:
    write_regardless(deps.session_factory, lambda s: _count_failed_login(deps, s, account_id))


def _count_failed_login(deps: Deps, s: Session, account_id: str) -> None:
    account = s.get(Account, account_id)
    account.failed_logins += 1
    if account.failed_logins >= deps.settings.max_failed_logins:
        account.locked_until = utcnow() + timedelta(seconds=deps.settings.lockout_seconds)
        account.failed_logins = 0
        deps.events.record(s, "identity.account.locked.v1",
                           {"account_id": account.id, "locked_until": account.locked_until})


def login(deps: Deps, session: Session, login_name: str, password: str) -> dict:
    account = session.scalar(select(Account).where(Account.login == login_name.strip().lower()))
    valid = deps.passwords.verify(account.password_hash if account else None, password)
    now = utcnow()
    if account is None:
        raise Unauthenticated(BAD_LOGIN)
    if account.locked_until and account.locked_until > now:
        raise Unauthenticated(BAD_LOGIN)
    if not valid:
        _record_failed_login(deps, account.id)
        raise Unauthenticated(BAD_LOGIN)
    if not account.is_active:
        raise Unauthenticated(BAD_LOGIN)
    person = session.get(Person, account.person_id)
    account.failed_logins = 0
    account.locked_until = None
    if account.activated_at is None:
        account.activated_at = now
        deps.events.record(session, "identity.account.activated.v1",
                           {"account_id": account.id, "person_id": person.id, "person_kind": person.kind})
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
    account = session.get(Account, login_session.account_id)
    now = utcnow()
    if row.used_at is not None:
        # A rotated token came back: someone holds a stolen copy. End the whole session.
        session_id = login_session.id
        write_regardless(deps.session_factory,
                         lambda s: _end_session(deps, s, s.get(Session_, session_id), "refresh_token_reuse"))
        raise Unauthenticated("Refresh token was already used; the session has been ended.")
    if (row.expires_at <= now or login_session.revoked_at is not None or not account.is_active
            or (account.sessions_revoked_before and login_session.created_at < account.sessions_revoked_before)):
        raise Unauthenticated("Refresh token is not valid.")
    row.used_at = now
    return _issue_tokens(deps, session, account, session.get(Person, account.person_id), login_session.id)


def session_is_live(session: Session, account_id: str, session_id: str, issued_at: int) -> bool:
    account = session.get(Account, account_id)
    if account is None or not account.is_active:
        return False
    if account.sessions_revoked_before and issued_at < int(account.sessions_revoked_before.timestamp()):
        return False
    login_session = session.get(Session_, session_id)
    return login_session is not None and login_session.revoked_at is None and login_session.account_id == account_id


def logout(deps: Deps, session: Session, caller: Caller, session_id: str) -> None:
    login_session = session.get(Session_, session_id)
    if login_session is not None and login_session.account_id == caller.account_id:
        _end_session(deps, session, login_session, "logout")


def change_password(deps: Deps, session: Session, caller: Caller, current: str, new: str) -> None:
    account = session.get(Account, caller.account_id)
    if not deps.passwords.verify(account.password_hash, current):
        raise InvalidInput("Current password is incorrect.", errors={"current_password": ["Incorrect password."]})
    _check_password_strength(new, "new_password")
    now = utcnow()
    account.password_hash = deps.passwords.hash(new)
    account.sessions_revoked_before = now
    session.execute(update(Session_).where(Session_.account_id == account.id, Session_.revoked_at.is_(None))
                    .values(revoked_at=now, revoke_reason="password_changed"))
    deps.events.record(session, "identity.account.password_changed.v1",
                       {"account_id": account.id, "sessions_revoked_before": now})


def _check_password_strength(password: str, field: str) -> None:
    if len(password) < 10 or password.isdigit() or password.isalpha():
        raise InvalidInput("Password too weak.", errors={
            field: ["At least 10 characters, with letters and at least one digit or symbol."]})


def me(session: Session, caller: Caller) -> dict:
    account = session.get(Account, caller.account_id)
    person = session.get(Person, caller.person_id)
    roles = session.scalars(select(RoleAssignment).where(RoleAssignment.account_id == caller.account_id,
                                                         RoleAssignment.revoked_at.is_(None))).all()
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
            "roles": roles, "children": children}


# -- organisations, years, groups --------------------------------------------------------
def create_organisation(deps: Deps, session: Session, caller: Caller, data: dict) -> Organisation:
    if not caller.is_department:
        raise PermissionDenied("Only the department registers organisations.")
    if data.get("parent_id") and session.get(Organisation, data["parent_id"]) is None:
        raise InvalidInput("Unknown parent organisation.", errors={"parent_id": ["No such organisation."]})
    org = Organisation(created_at=utcnow(), **data)
    session.add(org)
    session.flush()
    deps.events.record(session, "identity.organisation.created.v1", {
        "organisation_id": org.id, "kind": org.kind, "name": org.name, "short_name": org.short_name,
        "parent_id": org.parent_id})
    return org


def create_academic_year(deps: Deps, session: Session, caller: Caller, data: dict) -> AcademicYear:
    if not caller.is_department:
        raise PermissionDenied("Only the department opens academic years.")
    if data["ends_on"] <= data["starts_on"]:
        raise InvalidInput("The year ends before it starts.", errors={"ends_on": ["Must be after starts_on."]})
    if session.scalar(select(AcademicYear).where(AcademicYear.name == data["name"])):
        raise Conflict("This academic year exists already.", errors={"name": ["Already exists."]})
    year = AcademicYear(**data)
    session.add(year)
    session.flush()
    deps.events.record(session, "identity.academic_year.created.v1", {
        "academic_year_id": year.id, "name": year.name, "starts_on": year.starts_on, "ends_on": year.ends_on})
    return year


def create_group(deps: Deps, session: Session, caller: Caller, data: dict) -> Group:
    org = session.get(Organisation, data["organisation_id"])
    if org is None or not access.can_manage_organisation(caller, org.id):
        raise NotFound("No such organisation, or it is not yours to manage.")
    if session.get(AcademicYear, data["academic_year_id"]) is None:
        raise InvalidInput("Unknown academic year.", errors={"academic_year_id": ["No such academic year."]})
    expected = GROUP_KIND_FOR.get(org.kind)
    if expected is None:
        raise InvalidInput("The department has no groups.", errors={"organisation_id": ["Not an institution."]})
    kind = data.get("kind") or expected
    if kind != expected:
        raise InvalidInput("Group kind does not fit the institution.", errors={"kind": [f"Must be {expected}."]})
    if kind == "kindergarten_group" and not data.get("age_band"):
        raise InvalidInput("A kindergarten group needs an age band.", errors={"age_band": ["Required for kindergarten groups."]})
    if kind != "kindergarten_group" and data.get("age_band"):
        raise InvalidInput("Only kindergarten groups have age bands.", errors={"age_band": ["Only for kindergarten groups."]})
    exists = session.scalar(select(Group).where(Group.organisation_id == org.id, Group.name == data["name"],
                                                Group.academic_year_id == data["academic_year_id"]))
    if exists:
        raise Conflict("A group with this name exists in that year.", errors={"name": ["Already exists."]})
    group = Group(organisation_id=org.id, academic_year_id=data["academic_year_id"], kind=kind, name=data["name"],
                  grade_level=data.get("grade_level"), age_band=data.get("age_band"), created_at=utcnow())
    session.add(group)
    session.flush()
    deps.events.record(session, "identity.group.created.v1", {
        "group_id": group.id, "organisation_id": group.organisation_id, "academic_year_id": group.academic_year_id,
        "kind": group.kind, "name": group.name, "grade_level": group.grade_level, "age_band": group.age_band})
    return group


def get_group(deps: Deps, session: Session, caller: Caller, group_id: str) -> Group:
    group = session.get(Group, group_id)
    if group is None:
        raise NotFound("No such group.")
    if not (caller.is_department or access.can_read_group(caller, group.organisation_id, group.id)):
        deny(deps, caller, "read_group", f"groups/{group_id}", organisation_id=group.organisation_id)
    return group


def group_members(deps: Deps, session: Session, caller: Caller, group_id: str, request_id: str | None) -> list[Person]:
    group = session.get(Group, group_id)
    if group is None or not access.can_read_group(caller, group.organisation_id, group.id):
        deny(deps, caller, "read_group_members", f"groups/{group_id}/members",
             organisation_id=group.organisation_id if group else None, request_id=request_id)
    children = session.scalars(select(Person).join(Placement, Placement.child_id == Person.id)
                               .where(Placement.group_id == group_id)
                               .order_by(Person.last_name, Person.first_name)).all()
    for child in children:
        audit(session, caller, "read_person", f"groups/{group_id}/members", person_id=child.id,
              organisation_id=group.organisation_id, request_id=request_id)
    return children


# -- people and accounts -----------------------------------------------------------------
def create_person(deps: Deps, session: Session, caller: Caller, data: dict) -> Person:
    org_id = data.get("organisation_id")
    if not (org_id and access.can_manage_organisation(caller, org_id)):
        raise NotFound("No such organisation, or it is not yours to manage.")
    person = Person(created_at=utcnow(), **data)
    session.add(person)
    session.flush()
    deps.events.record(session, "identity.person.registered.v1", person_record(person))
    return person


def person_record(person: Person) -> dict:
    return {"person_id": person.id, "kind": person.kind, "last_name": person.last_name,
            "first_name": person.first_name, "middle_name": person.middle_name, "birth_date": person.birth_date,
            "email": person.email, "phone": person.phone}


def create_account(deps: Deps, session: Session, caller: Caller, data: dict) -> Account:
    person = session.get(Person, data["person_id"])
    if person is None or not (caller.is_department or caller.administers(person.organisation_id)):
        raise NotFound("No such person, or not of your institution.")
    if session.scalar(select(Account).where(Account.person_id == person.id)):
        raise Conflict("This person has an account already.", errors={"person_id": ["Already has an account."]})
    login_name = data["login"].strip().lower()
    if session.scalar(select(Account).where(Account.login == login_name)):
        raise Conflict("Login is taken.", errors={"login": ["Already taken."]})
    _check_password_strength(data["password"], "password")
    roles = list(data.get("roles", []))
    if person.kind != "staff":
        if roles:
            raise InvalidInput("Pupils and guardians get their role from enrolment and guardianship.",
                               errors={"roles": ["Only staff accounts take roles."]})
        where = placement_of(session, person.id) if person.kind == "child" else None
        if person.kind == "child" and where is None:
            raise InvalidInput("The pupil is not enrolled.", errors={"person_id": ["Not enrolled anywhere."]})
        roles = [{"role": "pupil", "organisation_id": where.organisation_id, "group_id": where.group_id}
                 if where else {"role": "guardian", "organisation_id": None, "group_id": None}]
    else:
        for i, role in enumerate(roles):
            _check_grant(session, caller, person, role, f"roles.{i}")
    account = Account(person_id=person.id, login=login_name, password_hash=deps.passwords.hash(data["password"]),
                      is_active=True, failed_logins=0, created_at=utcnow())
    session.add(account)
    session.flush()
    deps.events.record(session, "identity.account.created.v1", {
        "account_id": account.id, "person_id": person.id, "person_kind": person.kind,
        "organisation_id": person.organisation_id})
    for role in roles:
        _grant(deps, session, account, person, role)
    return account


def _check_grant(session: Session, caller: Caller, person: Person, role: dict, field: str) -> None:
    name, org_id, group_id = role["role"], role.get("organisation_id"), role.get("group_id")
    if name in ("guardian", "pupil"):
        raise InvalidInput("Guardian and pupil roles come from guardianship and enrolment.",
                           errors={field: ["Not grantable; use access codes or enrolment."]})
    if person.kind != "staff" and name != "department_officer":
        raise InvalidInput("Only staff hold staff roles.", errors={field: ["Person is not staff."]})
    if name == "department_officer":
        if org_id is not None and (session.get(Organisation, org_id) or Organisation()).kind != "department":
            raise InvalidInput("A department role is scoped to the department.", errors={field: ["Wrong scope."]})
    else:
        if org_id is None or session.get(Organisation, org_id) is None:
            raise InvalidInput("This role needs an institution.", errors={field: ["organisation_id required."]})
    if name in ("tutor", "educator"):
        group = session.get(Group, group_id) if group_id else None
        if group is None or group.organisation_id != org_id:
            raise InvalidInput("This role needs a group of that institution.", errors={field: ["group_id required."]})
    elif group_id is not None:
        raise InvalidInput("Only tutors and educators are bound to a group.", errors={field: ["group_id not allowed."]})
    if not access.grantable_by(caller, name, org_id):
        raise PermissionDenied("You cannot grant this role in that scope.")


def _grant(deps: Deps, session: Session, account: Account, person: Person, role: dict) -> RoleAssignment:
    assignment = RoleAssignment(account_id=account.id, role=role["role"], organisation_id=role.get("organisation_id"),
                                group_id=role.get("group_id"), granted_at=utcnow())
    session.add(assignment)
    session.flush()
    deps.events.record(session, "identity.role.assigned.v1", {
        "assignment_id": assignment.id, "account_id": account.id, "person_id": person.id, "role": assignment.role,
        "organisation_id": assignment.organisation_id, "group_id": assignment.group_id})
    return assignment


def _managed_account(deps: Deps, session: Session, caller: Caller, account_id: str) -> tuple[Account, Person]:
    account = session.get(Account, account_id)
    person = session.get(Person, account.person_id) if account else None
    if account is None or not (caller.is_department or caller.administers(person.organisation_id)):
        deny(deps, caller, "manage_account", f"accounts/{account_id}")
    return account, person


def get_account(deps: Deps, session: Session, caller: Caller, account_id: str) -> dict:
    if account_id != caller.account_id:
        _managed_account(deps, session, caller, account_id)
    account = session.get(Account, account_id)
    roles = session.scalars(select(RoleAssignment).where(RoleAssignment.account_id == account_id)).all()
    return {"account_id": account.id, "person_id": account.person_id, "login": account.login,
            "is_active": account.is_active, "activated_at": account.activated_at,
            "deactivated_at": account.deactivated_at, "roles": roles}


def assign_role(deps: Deps, session: Session, caller: Caller, account_id: str, role: dict) -> RoleAssignment:
    account, person = _managed_account(deps, session, caller, account_id)
    if not account.is_active:
        raise Conflict("The account is deactivated.")
    _check_grant(session, caller, person, role, "role")
    return _grant(deps, session, account, person, role)


def revoke_role(deps: Deps, session: Session, caller: Caller, account_id: str, assignment_id: str) -> None:
    account, _ = _managed_account(deps, session, caller, account_id)
    assignment = session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.account_id != account.id:
        raise NotFound("No such role assignment.")
    if not access.grantable_by(caller, assignment.role, assignment.organisation_id):
        raise PermissionDenied("You cannot revoke this role.")
    _revoke_assignment(deps, session, assignment)


def _revoke_assignment(deps: Deps, session: Session, assignment: RoleAssignment) -> None:
    if assignment.revoked_at is None:
        assignment.revoked_at = utcnow()
        deps.events.record(session, "identity.role.revoked.v1", {
            "assignment_id": assignment.id, "account_id": assignment.account_id, "role": assignment.role})


def deactivate_account(deps: Deps, session: Session, caller: Caller, account_id: str, reason: str) -> Account:
    """Employment ended (seed 004 §4.3): access ends now, not when tokens expire."""
    account, person = _managed_account(deps, session, caller, account_id)
    if account.id == caller.account_id:
        raise Conflict("You cannot deactivate your own account.")
    if not account.is_active:
        return account
    now = utcnow()
    account.is_active = False
    account.deactivated_at = now
    account.deactivation_reason = reason
    account.sessions_revoked_before = now
    session.execute(update(Session_).where(Session_.account_id == account.id, Session_.revoked_at.is_(None))
                    .values(revoked_at=now, revoke_reason="deactivated"))
    for assignment in session.scalars(select(RoleAssignment).where(RoleAssignment.account_id == account.id,
                                                                   RoleAssignment.revoked_at.is_(None))):
        _revoke_assignment(deps, session, assignment)
    deps.events.record(session, "identity.account.deactivated.v1",
                       {"account_id": account.id, "person_id": person.id, "reason": reason})
    return account


# -- children: reads, guardianship, the movement book -----------------------------------
def read_child(deps: Deps, session: Session, caller: Caller, child_id: str, request_id: str | None) -> dict:
    child = _child(session, child_id)
    where = placement_of(session, child_id) if child else None
    if child is None or not access.can_read_child(caller, child_id, where):
        deny(deps, caller, "read_person", f"children/{child_id}", person_id=child_id if child else None,
             organisation_id=where.organisation_id if where else None, request_id=request_id)
    audit(session, caller, "read_person", f"children/{child_id}", person_id=child_id,
          organisation_id=where.organisation_id if where else None, request_id=request_id)
    consents = session.scalars(select(Consent).where(Consent.child_id == child_id, Consent.status == "active")).all()
    return {"child_id": child.id, "last_name": child.last_name, "first_name": child.first_name,
            "middle_name": child.middle_name, "birth_date": child.birth_date,
            "organisation_id": where.organisation_id if where else None, "group_id": where.group_id if where else None,
            "consents": [c.purpose for c in consents]}


def link_guardian(deps: Deps, session: Session, caller: Caller, child_id: str, guardian_person_id: str) -> Guardianship:
    child = _child(session, child_id)
    where = placement_of(session, child_id) if child else None
    if child is None or not access.can_serve_child(caller, where):
        deny(deps, caller, "link_guardian", f"children/{child_id}/guardians", person_id=child_id if child else None)
    guardian = session.get(Person, guardian_person_id)
    if guardian is None or guardian.kind != "guardian":
        raise InvalidInput("Not a guardian.", errors={"guardian_person_id": ["No such guardian."]})
    return _link(deps, session, guardian.id, child.id)


def _link(deps: Deps, session: Session, guardian_person_id: str, child_id: str) -> Guardianship:
    existing = session.scalar(select(Guardianship).where(Guardianship.guardian_person_id == guardian_person_id,
                                                         Guardianship.child_id == child_id))
    if existing:
        return existing
    link = Guardianship(guardian_person_id=guardian_person_id, child_id=child_id, created_at=utcnow())
    session.add(link)
    session.flush()
    deps.events.record(session, "identity.guardianship.created.v1", {
        "guardianship_id": link.id, "guardian_person_id": guardian_person_id, "child_id": child_id})
    return link


def record_movement(deps: Deps, session: Session, caller: Caller, data: dict) -> Movement:
    """The movement book (seed 001): enrolment, transfer and withdrawal, each by order."""
    kind = data["kind"]
    child = _child(session, data["child_id"])
    if child is None:
        raise InvalidInput("Unknown child.", errors={"child_id": ["No such child."]})
    current = session.get(Placement, child.id)
    target_group = session.get(Group, data["group_id"]) if data.get("group_id") else None
    if data.get("group_id") and target_group is None:
        raise InvalidInput("Unknown group.", errors={"group_id": ["No such group."]})
    if kind in ("enrol", "transfer") and target_group is None:
        raise InvalidInput("A group is required.", errors={"group_id": ["Required for enrolment and transfer."]})
    if kind == "enrol":
        if current is not None:
            raise Conflict("The child is enrolled already; record a transfer.", errors={"child_id": ["Already enrolled."]})
        target_org = target_group.organisation_id
        if not caller.administers(target_org):
            deny(deps, caller, "record_movement", "movements", person_id=child.id, organisation_id=target_org,
                 not_found=False)
    elif current is None:
        raise Conflict("The child is not enrolled anywhere.", errors={"child_id": ["Not enrolled."]})
    elif kind == "transfer":
        target_org = target_group.organisation_id
        if target_group.id == current.group_id:
            raise InvalidInput("The child is in this group already.", errors={"group_id": ["Same group."]})
        # A transfer is ordered by the receiving institution; within one, by its administrator.
        if not caller.administers(target_org):
            deny(deps, caller, "record_movement", "movements", person_id=child.id, organisation_id=target_org,
                 not_found=False)
    else:  # withdraw
        target_org = current.organisation_id
        if not caller.administers(target_org):
            deny(deps, caller, "record_movement", "movements", person_id=child.id, organisation_id=target_org,
                 not_found=False)
    movement = Movement(child_id=child.id, kind=kind, organisation_id=target_org,
                        group_id=target_group.id if target_group else None,
                        from_organisation_id=current.organisation_id if current else None,
                        from_group_id=current.group_id if current else None, order_number=data["order_number"],
                        order_date=data["order_date"], effective_on=data.get("effective_on") or data["order_date"],
                        recorded_by=caller.account_id, recorded_at=utcnow())
    session.add(movement)
    if kind == "withdraw":
        session.delete(current)
    elif current is None:
        session.add(Placement(child_id=child.id, organisation_id=target_org, group_id=target_group.id,
                              since=movement.effective_on))
    else:
        left_institution = current.organisation_id != target_org
        current.organisation_id, current.group_id, current.since = target_org, target_group.id, movement.effective_on
    session.flush()
    event_type = {"enrol": "identity.child.enrolled.v1", "transfer": "identity.child.transferred.v1",
                  "withdraw": "identity.child.withdrawn.v1"}[kind]
    deps.events.record(session, event_type, {
        "movement_id": movement.id, "child_id": child.id, "organisation_id": movement.organisation_id,
        "group_id": movement.group_id, "from_organisation_id": movement.from_organisation_id,
        "from_group_id": movement.from_group_id, "order_number": movement.order_number,
        "order_date": movement.order_date, "effective_on": movement.effective_on})
    # Consent holds "until the child leaves the institution" (seed 002 annex 4).
    if kind == "withdraw" or (kind == "transfer" and left_institution):
        for consent in session.scalars(select(Consent).where(Consent.child_id == child.id, Consent.status == "active")):
            _end_consent(deps, session, consent, "expired", "left the institution")
    return movement


def list_movements(deps: Deps, session: Session, caller: Caller, child_id: str) -> list[Movement]:
    child = _child(session, child_id)
    where = placement_of(session, child_id) if child else None
    movements = session.scalars(select(Movement).where(Movement.child_id == child_id)
                                .order_by(Movement.effective_on, Movement.recorded_at)).all()
    orgs = {m.organisation_id for m in movements} | {m.from_organisation_id for m in movements}
    if child is None or not (access.can_read_child(caller, child_id, where)
                             or any(caller.administers(o) for o in orgs if o)):
        deny(deps, caller, "read_movements", f"children/{child_id}/movements", person_id=child_id if child else None)
    return movements


# -- consent -----------------------------------------------------------------------------
def give_consent(deps: Deps, session: Session, caller: Caller, child_id: str, data: dict) -> Consent:
    child = _child(session, child_id)
    where = placement_of(session, child_id) if child else None
    purpose = data["purpose"]
    if child is None:
        deny(deps, caller, "give_consent", f"children/{child_id}/consents")
    if child_id in caller.children:
        # A guardian consents online: the registration is the system's own record of it.
        given_by = caller.person_id
        number = data.get("registration_number") or f"ЭЛ-{utcnow():%Y%m%d}-{secrets.token_hex(3).upper()}"
        reg_date = data.get("registration_date") or utcnow().date()
    elif access.can_serve_child(caller, where):
        # Staff register a signed paper application (seed 002 annex 4): its number and date.
        errors = {f: ["Required when staff register a paper application."]
                  for f in ("given_by_person_id", "registration_number", "registration_date") if not data.get(f)}
        if errors:
            raise InvalidInput("Registration details missing.", errors=errors)
        given_by = data["given_by_person_id"]
        if not session.scalar(select(Guardianship).where(Guardianship.child_id == child_id,
                                                         Guardianship.guardian_person_id == given_by)):
            raise InvalidInput("Consent is given by the child's guardian.",
                               errors={"given_by_person_id": ["Not a guardian of this child."]})
        number, reg_date = data["registration_number"], data["registration_date"]
    else:
        deny(deps, caller, "give_consent", f"children/{child_id}/consents", person_id=child_id)
    if where is None:
        raise Conflict("The child is not enrolled; consent lasts while the child is in an institution.")
    if session.scalar(select(Consent).where(Consent.child_id == child_id, Consent.purpose == purpose,
                                            Consent.status == "active")):
        raise Conflict("Consent for this purpose is in force already.", errors={"purpose": ["Already given."]})
    consent = Consent(child_id=child_id, purpose=purpose, status="active", given_by_person_id=given_by,
                      registration_number=number, registration_date=reg_date, recorded_by=caller.account_id,
                      given_at=utcnow())
    session.add(consent)
    session.flush()
    deps.events.record(session, "identity.consent.given.v1", _consent_event(consent))
    # Services that keep a name only under this consent (the preschool cabinet) get it now.
    deps.events.record(session, "identity.person.disclosed.v1", {**person_record(child), "purpose": purpose})
    return consent


def _consent_event(consent: Consent) -> dict:
    return {"consent_id": consent.id, "child_id": consent.child_id, "purpose": consent.purpose,
            "registration_number": consent.registration_number, "registration_date": consent.registration_date}


def _end_consent(deps: Deps, session: Session, consent: Consent, status: str, reason: str) -> None:
    consent.status = status
    consent.ended_at = utcnow()
    consent.end_reason = reason
    deps.events.record(session, f"identity.consent.{status}.v1", _consent_event(consent))


def revoke_consent(deps: Deps, session: Session, caller: Caller, child_id: str, purpose: str,
                   reason: str | None) -> Consent:
    if purpose not in CONSENT_PURPOSES:
        raise InvalidInput("Unknown purpose.", errors={"purpose": [f"One of: {', '.join(CONSENT_PURPOSES)}."]})
    child = _child(session, child_id)
    where = placement_of(session, child_id) if child else None
    if child is None or not (child_id in caller.children
                             or (where is not None and caller.administers(where.organisation_id))):
        deny(deps, caller, "revoke_consent", f"children/{child_id}/consents/{purpose}", person_id=child_id if child else None)
    consent = session.scalar(select(Consent).where(Consent.child_id == child_id, Consent.purpose == purpose,
                                                   Consent.status == "active"))
    if consent is None:
        raise NotFound("No consent in force for this purpose.")
    _end_consent(deps, session, consent, "revoked", reason or "revoked by guardian")
    return consent


def list_consents(deps: Deps, session: Session, caller: Caller, child_id: str) -> list[Consent]:
    child = _child(session, child_id)
    where = placement_of(session, child_id) if child else None
    if child is None or not access.can_read_child(caller, child_id, where):
        deny(deps, caller, "read_consents", f"children/{child_id}/consents", person_id=child_id if child else None)
    return session.scalars(select(Consent).where(Consent.child_id == child_id).order_by(Consent.given_at)).all()


# -- access codes ------------------------------------------------------------------------
def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def issue_access_code(deps: Deps, session: Session, caller: Caller, data: dict) -> tuple[AccessCode, str]:
    child = _child(session, data["child_id"])
    where = placement_of(session, child.id) if child else None
    if child is None or not access.can_serve_child(caller, where):
        deny(deps, caller, "issue_access_code", "access-codes", person_id=data["child_id"] if child else None)
    guardian_id = data.get("guardian_person_id")
    if guardian_id:
        guardian = session.get(Person, guardian_id)
        if guardian is None or guardian.kind != "guardian":
            raise InvalidInput("Not a guardian.", errors={"guardian_person_id": ["No such guardian."]})
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    now = utcnow()
    code = AccessCode(child_id=child.id, code_hash=sha256_hex(raw), channel=data["channel"],
                      guardian_person_id=guardian_id, issued_by=caller.account_id, issued_at=now,
                      expires_at=now + timedelta(days=deps.settings.access_code_ttl_days))
    session.add(code)
    session.flush()
    deps.events.record(session, "identity.access_code.issued.v1", {
        "access_code_id": code.id, "child_id": child.id, "channel": code.channel, "expires_at": code.expires_at})
    return code, f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _redemption_window_full(deps: Deps, session: Session, client_key: str) -> bool:
    since = utcnow() - timedelta(seconds=deps.settings.redeem_window_seconds)
    failures = session.scalar(select(func.count()).select_from(RedemptionAttempt).where(
        RedemptionAttempt.client_key == client_key, RedemptionAttempt.at >= since,
        RedemptionAttempt.succeeded.is_(False)))
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
    code = session.scalar(select(AccessCode).where(AccessCode.code_hash == sha256_hex(_normalise_code(data["code"]))))
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
        if not (account.is_active and person.kind == "guardian"
                and deps.passwords.verify(account.password_hash, data["password"])):
            _record_redemption_failure(deps, client_key)
            raise Conflict("Login is taken.", errors={"login": ["Already taken; log in with its password to link "
                                                                "another child."]})
    else:
        _check_password_strength(data["password"], "password")
        person = session.get(Person, code.guardian_person_id) if code.guardian_person_id else None
        if person is None:
            missing = {f: ["Required: the code was issued without a registered guardian."]
                       for f in ("last_name", "first_name") if not data.get(f)}
            if missing:
                raise InvalidInput("Your name is needed.", errors=missing)
            child_org = session.get(Placement, code.child_id)
            person = Person(kind="guardian", last_name=data["last_name"], first_name=data["first_name"],
                            middle_name=data.get("middle_name"), organisation_id=child_org.organisation_id if child_org else None,
                            created_at=now)
            session.add(person)
            session.flush()
            deps.events.record(session, "identity.person.registered.v1", person_record(person))
        elif session.scalar(select(Account).where(Account.person_id == person.id)):
            raise Conflict("This guardian has an account; log in with it to link the child.",
                           errors={"login": ["Use your existing login."]})
        account = Account(person_id=person.id, login=login_name, password_hash=deps.passwords.hash(data["password"]),
                          is_active=True, failed_logins=0, created_at=now)
        session.add(account)
        session.flush()
        deps.events.record(session, "identity.account.created.v1", {
            "account_id": account.id, "person_id": person.id, "person_kind": "guardian",
            "organisation_id": person.organisation_id})
        _grant(deps, session, account, person, {"role": "guardian"})
    code.redeemed_at = now
    code.redeemed_by_account_id = account.id
    _link(deps, session, person.id, code.child_id)
    deps.events.record(session, "identity.access_code.redeemed.v1", {
        "access_code_id": code.id, "child_id": code.child_id, "account_id": account.id})
    return {"account_id": account.id, "person_id": person.id, "child_id": code.child_id, "login": account.login}


# -- audit -------------------------------------------------------------------------------
def list_audit(session: Session, caller: Caller, *, organisation_id: str | None, person_id: str | None,
               limit: int, offset: int) -> tuple[list[AuditRecord], int]:
    if not caller.is_department:
        if not caller.has("institution_admin"):
            raise PermissionDenied("Only the institution's administrator reads its audit.")
        if organisation_id is None:
            organisations = {g.organisation_id for g in caller.grants if g.role == "institution_admin"}
            if len(organisations) != 1:
                raise InvalidInput("Choose an institution.", errors={"organisation_id": ["Required."]})
            organisation_id = organisations.pop()
        if not caller.administers(organisation_id):
            raise PermissionDenied("Only the institution's administrator reads its audit.")
    query = select(AuditRecord)
    if organisation_id:
        query = query.where(AuditRecord.organisation_id == organisation_id)
    if person_id:
        query = query.where(AuditRecord.person_id == person_id)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(AuditRecord.id.desc()).limit(limit).offset(offset)).all()
    return rows, total

