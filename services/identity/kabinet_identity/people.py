"""People, accounts and roles."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kabinet_kit.db import increment
from kabinet_kit.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from kabinet_kit.events import utcnow

from . import access
from .access import Caller
from .audit import deny
from .auth import check_password_strength
from .children import placement_of
from .deps import Deps
from .grants import revoke_assignment
from .models import Account, Group, Organisation, Person, RoleAssignment, Session_


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
            "email": person.email, "phone": person.phone, "sequence": person.sequence}


def create_account(deps: Deps, session: Session, caller: Caller, data: dict) -> Account:
    person = session.get(Person, data["person_id"])
    if person is None or person.erased_at is not None \
            or not access.can_open_account(caller, person.kind, person.organisation_id):
        raise NotFound("No such person, or not of your institution.")
    if session.scalar(select(Account).where(Account.person_id == person.id)):
        raise Conflict("This person has an account already.", errors={"person_id": ["Already has an account."]})
    login_name = data["login"].strip().lower()
    if session.scalar(select(Account).where(Account.login == login_name)):
        raise Conflict("Login is taken.", errors={"login": ["Already taken."]})
    check_password_strength(data["password"], "password")
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
            check_grant(session, caller, person, role, f"roles.{i}")
    account = Account(person_id=person.id, login=login_name, password_hash=deps.passwords.hash(data["password"]),
                      is_active=True, failed_logins=0, created_at=utcnow())
    session.add(account)
    session.flush()
    deps.events.record(session, "identity.account.created.v1", {
        "account_id": account.id, "person_id": person.id, "person_kind": person.kind,
        "organisation_id": person.organisation_id, "sequence": account.sequence})
    for role in roles:
        grant_role(deps, session, account, person, role)
    return account


def check_grant(session: Session, caller: Caller, person: Person, role: dict, field: str) -> None:
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
    valid_until = role.get("valid_until")
    if valid_until is not None and valid_until <= utcnow():
        raise InvalidInput("The grant would end in the past.", errors={
            "valid_until" if field == "role" else f"{field}.valid_until": ["Must be in the future."]})
    if not access.grantable_by(caller, name, org_id):
        raise PermissionDenied("You cannot grant this role in that scope.")


def grant_role(deps: Deps, session: Session, account: Account, person: Person, role: dict) -> RoleAssignment:
    assignment = RoleAssignment(account_id=account.id, role=role["role"], organisation_id=role.get("organisation_id"),
                                group_id=role.get("group_id"), valid_until=role.get("valid_until"),
                                granted_at=utcnow(), sequence=1)
    session.add(assignment)
    session.flush()
    deps.events.record(session, "identity.role.assigned.v1", {
        "assignment_id": assignment.id, "account_id": account.id, "person_id": person.id, "role": assignment.role,
        "organisation_id": assignment.organisation_id, "group_id": assignment.group_id,
        "sequence": assignment.sequence})
    return assignment


def managed_account(deps: Deps, session: Session, caller: Caller, account_id: str) -> tuple[Account, Person]:
    account = session.get(Account, account_id)
    if account is None:
        deny(deps, caller, "manage_account", f"accounts/{account_id}")
    person = session.get(Person, account.person_id)
    assert person is not None, "an account's person exists (foreign key)"
    if not (caller.is_department or caller.administers(person.organisation_id)):
        deny(deps, caller, "manage_account", f"accounts/{account_id}")
    return account, person


def get_account(deps: Deps, session: Session, caller: Caller, account_id: str) -> dict:
    if account_id != caller.account_id:
        managed_account(deps, session, caller, account_id)
    account = session.get(Account, account_id)
    if account is None:  # only the caller's own account skips managed_account, which refuses unknown ids
        raise NotFound("No such object, or it is not yours to see.")
    roles = session.scalars(select(RoleAssignment).where(RoleAssignment.account_id == account_id)).all()
    return {"account_id": account.id, "person_id": account.person_id, "login": account.login,
            "is_active": account.is_active, "activated_at": account.activated_at,
            "deactivated_at": account.deactivated_at, "roles": roles}


def assign_role(deps: Deps, session: Session, caller: Caller, account_id: str, role: dict) -> RoleAssignment:
    account, person = managed_account(deps, session, caller, account_id)
    if not account.is_active:
        raise Conflict("The account is deactivated.")
    check_grant(session, caller, person, role, "role")
    return grant_role(deps, session, account, person, role)


def revoke_role(deps: Deps, session: Session, caller: Caller, account_id: str, assignment_id: str) -> None:
    account, _ = managed_account(deps, session, caller, account_id)
    assignment = session.get(RoleAssignment, assignment_id)
    if assignment is None or assignment.account_id != account.id:
        raise NotFound("No such role assignment.")
    if not access.grantable_by(caller, assignment.role, assignment.organisation_id):
        raise PermissionDenied("You cannot revoke this role.")
    revoke_assignment(deps.events, session, assignment)


def deactivate_account(deps: Deps, session: Session, caller: Caller, account_id: str, reason: str) -> Account:
    """Employment ended: access ends now, not when tokens expire (IDN-02)."""
    account, person = managed_account(deps, session, caller, account_id)
    if account.id == caller.account_id:
        raise Conflict("You cannot deactivate your own account.")
    end_access(deps, session, account, person, reason)
    return account


def end_access(deps: Deps, session: Session, account: Account, person: Person, reason: str) -> None:
    """The account's sessions end and its roles are revoked at once (IDN-02)."""
    if not account.is_active:
        return
    now = utcnow()
    account.is_active = False
    account.deactivated_at = now
    account.deactivation_reason = reason
    account.sessions_revoked_before = now
    session.execute(update(Session_).where(Session_.account_id == account.id, Session_.revoked_at.is_(None))
                    .values(revoked_at=now, revoke_reason="deactivated"))
    for assignment in session.scalars(select(RoleAssignment).where(RoleAssignment.account_id == account.id,
                                                                   RoleAssignment.revoked_at.is_(None))):
        revoke_assignment(deps.events, session, assignment)
    deps.events.record(session, "identity.account.deactivated.v1",
                       {"account_id": account.id, "person_id": person.id, "reason": reason,
                        "sequence": increment(session, account)})
