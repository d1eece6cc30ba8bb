"""People, accounts, roles, the movement book, consent, access codes and the audit."""
from kabinet_kit.openapi import Blueprint
from kabinet_kit.paging import PageQuery, page_list, page_schema

from .. import access_codes, audit, children, consent, erasure, movements, people, structure
from . import examples as ex
from . import schemas as s
from .common import caller, client_key, db, deps, once, request_id

blp = Blueprint("people", __name__, description="People, accounts, roles, the movement book, consent and access codes")
AuditPage = page_schema(s.AuditOut, "AuditPage")
MemberPage = page_schema(s.PersonOut, "MemberPage")
MovementPage = page_schema(s.MovementOut, "MovementPage")
ConsentPage = page_schema(s.ConsentOut, "ConsentPage")


@blp.post("/people")
@once
@blp.arguments(s.PersonIn, example=ex.PERSON_IN)
@blp.response(201, s.PersonOut)
def create_person(body):
    """Register a staff member, child or guardian of the caller's institution."""
    return people.create_person(deps(), db(), caller(), body)


@blp.post("/people/<uuid:person_id>/erasure")
@blp.arguments(s.ErasureIn)
@blp.response(200, s.ErasureOut)
def erase_person(body, person_id):
    """Erase a person's personal data (IDN-08): names, birth date and contacts are removed, the account
    ends, guardian links end, a child's consents end, and every service drops what it holds of the
    person. The department, or the administrator of the one institution the person's records are
    in. Refused (409) while the law keeps the records: a child enrolled, or within the retention
    period after leaving. Audited; erasing an erased person again changes nothing."""
    return erasure.erase_person(deps(), db(), caller(), str(person_id), body["basis"], request_id())


@blp.get("/groups/<uuid:group_id>/members")
@blp.arguments(PageQuery, location="query")
@blp.response(200, MemberPage)
def group_members(query, group_id):
    """Children placed in the group, by name. Each child's record read is audited."""
    return structure.group_members(deps(), db(), caller(), str(group_id), query, request_id())


@blp.get("/children/<uuid:child_id>")
@blp.response(200, s.ChildOut)
def read_child(child_id):
    """A child's personal data, placement and consents in force. Audited."""
    return children.read_child(deps(), db(), caller(), str(child_id), request_id())


@blp.post("/children/<uuid:child_id>/guardians")
@once
@blp.arguments(s.GuardianLinkIn, example=ex.GUARDIAN_LINK)
@blp.response(201, s.GuardianshipOut)
def link_guardian(body, child_id):
    return children.link_guardian(deps(), db(), caller(), str(child_id), body["guardian_person_id"])


@blp.delete("/children/<uuid:child_id>/guardians/<uuid:guardian_person_id>")
@blp.response(204)
def unlink_guardian(child_id, guardian_person_id):
    """Remove a guardian's link to the child: the child's institution administration only. Audited."""
    children.unlink_guardian(deps(), db(), caller(), str(child_id), str(guardian_person_id))


@blp.get("/children/<uuid:child_id>/movements")
@blp.arguments(PageQuery, location="query")
@blp.response(200, MovementPage)
def child_movements(query, child_id):
    """The child's entries in the movement book, in the order they took effect."""
    return page_list(movements.list_movements(deps(), db(), caller(), str(child_id)), query)


@blp.post("/movements")
@once
@blp.arguments(s.MovementIn, example=ex.MOVEMENT)
@blp.response(201, s.MovementOut)
def record_movement(body):
    """Movement book entry: enrol, transfer or withdraw a child by order (number and date), or release
    (transfer out) a child to the institution named by organisation_id, which a transfer in from
    another institution needs unless the department orders it."""
    return movements.record_movement(deps(), db(), caller(), body)


@blp.post("/accounts")
@once
@blp.arguments(s.AccountIn, example=ex.ACCOUNT)
@blp.response(201, s.AccountOut)
def create_account(body):
    """Issue an account with roles to a person of the caller's institution."""
    account = people.create_account(deps(), db(), caller(), body)
    return people.get_account(deps(), db(), caller(), account.id)


@blp.get("/accounts/<uuid:account_id>")
@blp.response(200, s.AccountOut)
def get_account(account_id):
    return people.get_account(deps(), db(), caller(), str(account_id))


@blp.post("/accounts/<uuid:account_id>/deactivate")
@blp.arguments(s.DeactivateIn, example=ex.DEACTIVATE)
@blp.response(200, s.AccountOut)
def deactivate_account(body, account_id):
    """End access at once (employment ended): sessions end, roles are revoked."""
    people.deactivate_account(deps(), db(), caller(), str(account_id), body["reason"])
    return people.get_account(deps(), db(), caller(), str(account_id))


@blp.post("/accounts/<uuid:account_id>/roles")
@once
@blp.arguments(s.RoleIn, example=ex.ROLE)
@blp.response(201, s.RoleOut)
def assign_role(body, account_id):
    return people.assign_role(deps(), db(), caller(), str(account_id), body)


@blp.post("/accounts/<uuid:account_id>/roles/<uuid:assignment_id>/revoke")
@blp.response(204)
def revoke_role(account_id, assignment_id):
    people.revoke_role(deps(), db(), caller(), str(account_id), str(assignment_id))


@blp.get("/children/<uuid:child_id>/consents")
@blp.arguments(PageQuery, location="query")
@blp.response(200, ConsentPage)
def list_consents(query, child_id):
    """The child's consents, in force and ended, in the order they were given."""
    return page_list(consent.list_consents(deps(), db(), caller(), str(child_id)), query)


@blp.post("/children/<uuid:child_id>/consents")
@once
@blp.arguments(s.ConsentIn, example=ex.CONSENT)
@blp.response(201, s.ConsentOut)
def give_consent(body, child_id):
    """Register consent for a purpose: online by a guardian, or a paper application by staff
    (then given_by_person_id, registration_number and registration_date are required)."""
    return consent.give_consent(deps(), db(), caller(), str(child_id), body)


@blp.post("/children/<uuid:child_id>/consents/<string:purpose>/revoke")
@blp.arguments(s.ConsentRevokeIn, required=False, example=ex.CONSENT_REVOKE)
@blp.response(200, s.ConsentOut)
def revoke_consent(body, child_id, purpose):
    """Revoke consent; every service erases the child's data held for that purpose."""
    return consent.revoke_consent(deps(), db(), caller(), str(child_id), purpose, body.get("reason"))


@blp.post("/access-codes")
@once
@blp.arguments(s.AccessCodeIn, example=ex.ACCESS_CODE)
@blp.response(201, s.AccessCodeOut)
def issue_access_code(body):
    """Issue a one-time, expiring code for a child's guardian; the code is shown only now."""
    code, raw = access_codes.issue_access_code(deps(), db(), caller(), body)
    return {"access_code_id": code.id, "code": raw, "expires_at": code.expires_at, "channel": code.channel}


@blp.post("/access-codes/redeem")
@blp.arguments(s.RedeemIn, example=ex.REDEEM)
@blp.response(201, s.RedeemOut)
@blp.doc(security=[])
def redeem_access_code(body):
    """Redeem a code: creates the guardian's account (or links to an existing one) and the
    guardianship. Failed attempts are rate limited per client."""
    return access_codes.redeem_access_code(deps(), db(), body, client_key())


@blp.get("/audit")
@blp.arguments(s.AuditQuery, location="query")
@blp.response(200, AuditPage)
def list_audit(query):
    """Reads of children's personal data, refused attempts and administrators' acts (password
    resets), newest first; by institution, person, action and period."""
    return audit.list_audit(db(), caller(), query)
