"""Events of the identity & consent service.

Only ``identity.person.*`` carry names, birth dates and contacts, and they travel on the
``identity.pd`` exchange; every other identity event refers to people by id only.
"""
from marshmallow import Schema, fields, validate

from .registry import REGISTRY

ORGANISATION_KINDS = ("department", "school", "kindergarten", "supplementary")
GROUP_KINDS = ("school_class", "kindergarten_group", "association")
AGE_BANDS = ("middle", "senior", "preparatory")
PERSON_KINDS = ("staff", "child", "guardian")
ROLES = ("department_officer", "institution_admin", "deputy_director", "teacher", "educator",
         "tutor", "guardian", "pupil")
CONSENT_PURPOSES = ("e_diary", "preschool_cabinet", "portfolio")
CODE_CHANNELS = ("in_person", "phone", "email")

_ID = "4f1c2b1e-7a51-4a7e-9d55-000000000001"
_ORG = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
_GROUP = "9b2d5c1a-2f3e-4c8d-8f6a-1b2c3d4e5f60"
_CHILD = "2c5ea4c0-4067-11e9-8bad-9b1deb4d3b7d"
_ACCOUNT = "6fa459ea-ee8a-3ca4-894e-db77e160355e"
_PERSON = "16fd2706-8baf-433b-82eb-8c7fada847da"


class OrganisationCreated(Schema):
    organisation_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    name = fields.String(required=True)
    short_name = fields.String(required=True)
    parent_id = fields.UUID(allow_none=True, load_default=None)


class AcademicYearCreated(Schema):
    academic_year_id = fields.UUID(required=True)
    name = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class GroupCreated(Schema):
    group_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    academic_year_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(GROUP_KINDS))
    name = fields.String(required=True)
    grade_level = fields.Integer(allow_none=True, load_default=None)
    age_band = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(AGE_BANDS))


class AccountCreated(Schema):
    account_id = fields.UUID(required=True)
    person_id = fields.UUID(required=True)
    person_kind = fields.String(required=True, validate=validate.OneOf(PERSON_KINDS))
    organisation_id = fields.UUID(allow_none=True, load_default=None)
    # The entity's order (issue 11): replicas apply only what is newer than what they hold.
    sequence = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1))


class AccountActivated(Schema):
    account_id = fields.UUID(required=True)
    person_id = fields.UUID(required=True)
    person_kind = fields.String(required=True, validate=validate.OneOf(PERSON_KINDS))
    # The entity's order (issue 11): replicas apply only what is newer than what they hold.
    sequence = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1))


class AccountDeactivated(Schema):
    account_id = fields.UUID(required=True)
    person_id = fields.UUID(required=True)
    reason = fields.String(required=True)
    # The entity's order (issue 11): replicas apply only what is newer than what they hold.
    sequence = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1))


class AccountLocked(Schema):
    account_id = fields.UUID(required=True)
    locked_until = fields.AwareDateTime(required=True)
    # The entity's order (issue 11): replicas apply only what is newer than what they hold.
    sequence = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1))


class AccountLoggedOut(Schema):
    account_id = fields.UUID(required=True)
    session_id = fields.UUID(required=True)


class AccountPasswordChanged(Schema):
    account_id = fields.UUID(required=True)
    # access tokens issued before this moment stop being accepted
    sessions_revoked_before = fields.AwareDateTime(required=True)


class RevocationsHeartbeat(Schema):
    # When identity wrote it into its outbox: how far behind the revocation events a consumer is.
    written_at = fields.AwareDateTime(required=True)


class RoleAssigned(Schema):
    assignment_id = fields.UUID(required=True)
    account_id = fields.UUID(required=True)
    person_id = fields.UUID(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    organisation_id = fields.UUID(allow_none=True, load_default=None)
    group_id = fields.UUID(allow_none=True, load_default=None)
    # The entity's order (issue 11): replicas apply only what is newer than what they hold.
    sequence = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1))


class RoleRevoked(Schema):
    assignment_id = fields.UUID(required=True)
    account_id = fields.UUID(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    # The entity's order (issue 11): replicas apply only what is newer than what they hold.
    sequence = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1))


class ChildMovement(Schema):
    movement_id = fields.UUID(required=True)
    child_id = fields.UUID(required=True)
    organisation_id = fields.UUID(required=True)
    group_id = fields.UUID(allow_none=True, load_default=None)
    from_organisation_id = fields.UUID(allow_none=True, load_default=None)
    from_group_id = fields.UUID(allow_none=True, load_default=None)
    order_number = fields.String(required=True)
    order_date = fields.Date(required=True)
    effective_on = fields.Date(required=True)
    # The order of the child's movement book (issue 11): replicas keep only the newest placement.
    sequence = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1))


class GuardianshipCreated(Schema):
    guardianship_id = fields.UUID(required=True)
    guardian_person_id = fields.UUID(required=True)
    child_id = fields.UUID(required=True)
    # The link's order (issue 11): created 1, removed 2; a link made again is a new one.
    sequence = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1))


class ConsentChanged(Schema):
    consent_id = fields.UUID(required=True)
    child_id = fields.UUID(required=True)
    purpose = fields.String(required=True, validate=validate.OneOf(CONSENT_PURPOSES))
    registration_number = fields.String(allow_none=True, load_default=None)
    registration_date = fields.Date(allow_none=True, load_default=None)
    # The order of the child's consents for this purpose (given, ended, given again, ...).
    sequence = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1))


class AccessCodeIssued(Schema):
    access_code_id = fields.UUID(required=True)
    child_id = fields.UUID(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CODE_CHANNELS))
    expires_at = fields.AwareDateTime(required=True)


class AccessCodeRedeemed(Schema):
    access_code_id = fields.UUID(required=True)
    child_id = fields.UUID(required=True)
    account_id = fields.UUID(required=True)


class PersonRecord(Schema):
    person_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(PERSON_KINDS))
    last_name = fields.String(required=True)
    first_name = fields.String(required=True)
    middle_name = fields.String(allow_none=True, load_default=None)
    birth_date = fields.Date(allow_none=True, load_default=None)
    email = fields.String(allow_none=True, load_default=None)
    phone = fields.String(allow_none=True, load_default=None)
    # The version of the person's record (issue 11): a disclosure repeats the current one.
    sequence = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1))


class PersonDisclosed(PersonRecord):
    # The consent that allows a service to hold this child's data from now on.
    purpose = fields.String(required=True, validate=validate.OneOf(CONSENT_PURPOSES))
    # The sequence of that consent's identity.consent.given.v1: older than a revocation held, ignored.
    consent_sequence = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1))


class PersonErased(Schema):
    person_id = fields.UUID(required=True)


_movement_example = {
    "movement_id": _ID, "child_id": _CHILD, "organisation_id": _ORG, "group_id": _GROUP,
    "from_organisation_id": None, "from_group_id": None,
    "order_number": "45-к", "order_date": "2026-08-28", "effective_on": "2026-09-01", "sequence": 1,
}
_consent_example = {"consent_id": _ID, "child_id": _CHILD, "purpose": "e_diary",
                    "registration_number": "ЭД-2026/117", "registration_date": "2026-09-02", "sequence": 1}
_person_example = {"person_id": _CHILD, "kind": "child", "last_name": "Иванова", "first_name": "Мария",
                   "middle_name": "Петровна", "birth_date": "2015-04-12", "email": None, "phone": None,
                   "sequence": 1}

r = REGISTRY.register
r("identity.organisation.created.v1", OrganisationCreated,
  {"organisation_id": _ORG, "kind": "school", "name": "МАОУ «Средняя школа № 1»", "short_name": "Школа № 1",
   "parent_id": None},
  "An organisation (the department or an institution) was registered.", subject_field="organisation_id")
r("identity.academic_year.created.v1", AcademicYearCreated,
  {"academic_year_id": _ID, "name": "2026/2027", "starts_on": "2026-09-01", "ends_on": "2027-08-31"},
  "An academic year was opened.", subject_field="academic_year_id")
r("identity.group.created.v1", GroupCreated,
  {"group_id": _GROUP, "organisation_id": _ORG, "academic_year_id": _ID, "kind": "school_class",
   "name": "5А", "grade_level": 5, "age_band": None},
  "A class, kindergarten group or association was formed for an academic year.", subject_field="group_id")
r("identity.account.created.v1", AccountCreated,
  {"account_id": _ACCOUNT, "person_id": _PERSON, "person_kind": "staff", "organisation_id": _ORG,
   "sequence": 1},
  "An account was issued to a person.", subject_field="account_id")
r("identity.account.activated.v1", AccountActivated,
  {"account_id": _ACCOUNT, "person_id": _PERSON, "person_kind": "guardian", "sequence": 2},
  "An account logged in for the first time (counts towards diary activation rates).",
  subject_field="account_id")
r("identity.account.deactivated.v1", AccountDeactivated,
  {"account_id": _ACCOUNT, "person_id": _PERSON, "reason": "employment_ended", "sequence": 3},
  "An account was deactivated; its tokens stop being accepted at once.", subject_field="account_id")
r("identity.account.locked.v1", AccountLocked,
  {"account_id": _ACCOUNT, "locked_until": "2026-09-01T10:15:00+00:00", "sequence": 2},
  "An account was locked after repeated failed logins.", subject_field="account_id")
r("identity.account.logged_out.v1", AccountLoggedOut,
  {"account_id": _ACCOUNT, "session_id": _ID},
  "A session ended by logout; access tokens of that session stop being accepted.", subject_field="account_id")
r("identity.account.password_changed.v1", AccountPasswordChanged,
  {"account_id": _ACCOUNT, "sessions_revoked_before": "2026-09-01T10:00:00+00:00"},
  "The password was changed; every earlier session is ended.", subject_field="account_id")
r("identity.revocations.heartbeat.v1", RevocationsHeartbeat, {"written_at": "2026-09-01T10:00:05.250000+00:00"},
  "Written every few seconds by identity's relay process into identity's outbox, so it travels the path of "
  "logouts, deactivations and password changes (outbox, relay, broker, the consumer's queue): a consumer that "
  "has not received one for a while may be missing revocations too (the gateway then refuses what it cannot "
  "vouch for).")
r("identity.role.assigned.v1", RoleAssigned,
  {"assignment_id": _ID, "account_id": _ACCOUNT, "person_id": _PERSON, "role": "tutor",
   "organisation_id": _ORG, "group_id": _GROUP, "sequence": 1},
  "A role was granted to an account within a scope (city, institution or group).", subject_field="assignment_id")
r("identity.role.revoked.v1", RoleRevoked,
  {"assignment_id": _ID, "account_id": _ACCOUNT, "role": "tutor", "sequence": 2},
  "A role assignment ended.", subject_field="assignment_id")
r("identity.child.enrolled.v1", ChildMovement, _movement_example,
  "Movement book: a child was enrolled in an institution and group by order.", subject_field="child_id")
r("identity.child.transferred.v1", ChildMovement,
  {**_movement_example, "from_organisation_id": _ORG, "from_group_id": _ID, "sequence": 2},
  "Movement book: a child was transferred to another group or institution by order.", subject_field="child_id")
r("identity.child.withdrawn.v1", ChildMovement, {**_movement_example, "group_id": None, "sequence": 3},
  "Movement book: a child left the institution by order; consents tied to it expire.", subject_field="child_id")
r("identity.child.released.v1", ChildMovement,
  {**_movement_example, "group_id": None, "from_organisation_id": _ID, "from_group_id": _GROUP,
   "sequence": 2},
  "Movement book: the child's institution released him by a transfer out order to the institution "
  "(organisation_id) that may now record the transfer in; the child stays placed until then.",
  subject_field="child_id")
r("identity.guardianship.created.v1", GuardianshipCreated,
  {"guardianship_id": _ID, "guardian_person_id": _PERSON, "child_id": _CHILD, "sequence": 1},
  "A guardian was linked to a child.", subject_field="child_id")
r("identity.guardianship.removed.v1", GuardianshipCreated,
  {"guardianship_id": _ID, "guardian_person_id": _PERSON, "child_id": _CHILD, "sequence": 2},
  "A guardian's link to a child was removed by the child's institution; replicas drop it, and the "
  "guardian no longer sees the child.", subject_field="child_id")
r("identity.consent.given.v1", ConsentChanged, _consent_example,
  "Consent to process a child's personal data for a purpose was registered.", subject_field="child_id")
r("identity.consent.revoked.v1", ConsentChanged, _consent_example,
  "Consent was revoked: services erase the child's personal data held for that purpose.",
  subject_field="child_id")
r("identity.consent.expired.v1", ConsentChanged, _consent_example,
  "Consent expired because the child left the institution.", subject_field="child_id")
r("identity.access_code.issued.v1", AccessCodeIssued,
  {"access_code_id": _ID, "child_id": _CHILD, "channel": "in_person", "expires_at": "2026-09-15T00:00:00+00:00"},
  "A one-time access code for a child was issued to a guardian.", subject_field="child_id")
r("identity.access_code.redeemed.v1", AccessCodeRedeemed,
  {"access_code_id": _ID, "child_id": _CHILD, "account_id": _ACCOUNT},
  "A guardian redeemed an access code and was linked to the child.", subject_field="child_id")
r("identity.person.registered.v1", PersonRecord, _person_example,
  "A person's name, birth date and contacts (identity.pd only).", personal_data=True, subject_field="person_id")
r("identity.person.updated.v1", PersonRecord, _person_example,
  "A person's record was corrected by his institution's administrator or the department (IDN-09): the "
  "whole record with its next sequence; a replica keeps it only if newer than the version it holds, never "
  "for an erased person, and a name only under the consent it needs (identity.pd only).",
  personal_data=True, subject_field="person_id")
r("identity.person.disclosed.v1", PersonDisclosed,
  {**_person_example, "purpose": "preschool_cabinet", "consent_sequence": 1},
  "A child's personal data, sent again when consent for a purpose is given, so that a service that may "
  "hold names only under that consent receives them then and not before (identity.pd only).",
  personal_data=True, subject_field="person_id")
r("identity.person.erased.v1", PersonErased, {"person_id": _CHILD},
  "A person's personal data was erased; replicas drop it (identity.pd only).", personal_data=True,
  subject_field="person_id")
del r
