"""Request and response schemas; they validate input and produce the OpenAPI spec."""
from marshmallow import fields, validate

from kabinet_contracts.identity import (
    AGE_BANDS,
    CODE_CHANNELS,
    CONSENT_PURPOSES,
    GROUP_KINDS,
    ORGANISATION_KINDS,
    ROLES,
)
from kabinet_kit.paging import PageQuery
from kabinet_kit.schemas import Schema

NonEmpty = validate.Length(min=1, max=200)
Login = validate.Regexp(r"^[A-Za-z0-9._-]{3,100}$", error="3–100 letters, digits, dot, dash or underscore.")


class Uuid(fields.UUID):
    """A UUID validated as such but kept as its canonical string (our ids are strings)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return str(super()._deserialize(value, attr, data, **kwargs))


class TokenRequest(Schema):
    login = fields.String(required=True, validate=NonEmpty)
    password = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)


class TokenResponse(Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)
    password_change_required = fields.Boolean(metadata={
        "description": "The password is an administrator's temporary one: until it is changed "
                       "(POST /auth/password) identity answers only /me, /auth/password and /auth/logout."})


class Jwk(Schema):
    kty = fields.String(required=True, metadata={"example": "RSA"})
    kid = fields.String(required=True)
    use = fields.String(metadata={"example": "sig"})
    alg = fields.String(metadata={"example": "RS256"})
    n = fields.String(required=True)
    e = fields.String(required=True)


class Jwks(Schema):
    keys = fields.List(fields.Nested(Jwk), required=True)


class RefreshRequest(Schema):
    refresh_token = fields.String(required=True, validate=NonEmpty)


class PasswordChange(Schema):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=200))
    new_password = fields.String(required=True, validate=validate.Length(min=1, max=200))


class RoleIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    organisation_id = Uuid(allow_none=True, load_default=None)
    group_id = Uuid(allow_none=True, load_default=None)
    valid_until = fields.AwareDateTime(allow_none=True, load_default=None, metadata={
        "description": "Temporary access (seed 004 §4.1): the grant leaves tokens and /me at this moment and "
                       "is revoked (identity.role.revoked.v1) by identity's relay process soon after."})


class RoleOut(Schema):
    assignment_id = fields.String(attribute="id")
    role = fields.String()
    organisation_id = fields.String(allow_none=True)
    group_id = fields.String(allow_none=True)
    granted_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    valid_until = fields.DateTime(allow_none=True)


class ChildLink(Schema):
    child_id = fields.String()
    last_name = fields.String()
    first_name = fields.String()
    organisation_id = fields.String(allow_none=True)
    group_id = fields.String(allow_none=True)


class MeResponse(Schema):
    account_id = fields.String()
    login = fields.String()
    person_id = fields.String()
    kind = fields.String()
    last_name = fields.String()
    first_name = fields.String()
    middle_name = fields.String(allow_none=True)
    roles = fields.List(fields.Nested(RoleOut))
    children = fields.List(fields.Nested(ChildLink))
    password_change_required = fields.Boolean()


class OrganisationIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    short_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    parent_id = Uuid(allow_none=True, load_default=None)


class OrganisationOut(Schema):
    organisation_id = fields.String(attribute="id")
    kind = fields.String()
    name = fields.String()
    short_name = fields.String()
    parent_id = fields.String(allow_none=True)


class AcademicYearIn(Schema):
    name = fields.String(required=True, validate=validate.Regexp(r"^\d{4}/\d{4}$", error="Use the form 2026/2027."))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)


class AcademicYearOut(Schema):
    academic_year_id = fields.String(attribute="id")
    name = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()


class GroupIn(Schema):
    organisation_id = Uuid(required=True)
    academic_year_id = Uuid(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(load_default=None, validate=validate.OneOf(GROUP_KINDS))
    grade_level = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(min=1, max=11))
    age_band = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(AGE_BANDS))


class GroupOut(Schema):
    group_id = fields.String(attribute="id")
    organisation_id = fields.String()
    academic_year_id = fields.String()
    kind = fields.String()
    name = fields.String()
    grade_level = fields.Integer(allow_none=True)
    age_band = fields.String(allow_none=True)


class OrganisationQuery(PageQuery):
    kind = fields.String(load_default=None, validate=validate.OneOf(ORGANISATION_KINDS))
    parent_id = Uuid(load_default=None)


class GroupQuery(PageQuery):
    organisation_id = Uuid(load_default=None)
    academic_year_id = Uuid(load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(GROUP_KINDS))


class PersonIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("staff", "child", "guardian")))
    organisation_id = Uuid(required=True)
    last_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    first_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    middle_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    birth_date = fields.Date(load_default=None, allow_none=True)
    email = fields.Email(load_default=None, allow_none=True)
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^\+?[0-9 ()-]{5,20}$"))


class PersonOut(Schema):
    person_id = fields.String(attribute="id")
    kind = fields.String()
    organisation_id = fields.String(allow_none=True)
    last_name = fields.String()
    first_name = fields.String()
    middle_name = fields.String(allow_none=True)
    birth_date = fields.Date(allow_none=True)


class ChildOut(Schema):
    child_id = fields.String()
    last_name = fields.String()
    first_name = fields.String()
    middle_name = fields.String(allow_none=True)
    birth_date = fields.Date(allow_none=True)
    organisation_id = fields.String(allow_none=True)
    group_id = fields.String(allow_none=True)
    consents = fields.List(fields.String())


class AccountIn(Schema):
    person_id = Uuid(required=True)
    login = fields.String(required=True, validate=Login)
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    roles = fields.List(fields.Nested(RoleIn), load_default=list)


class AccountOut(Schema):
    account_id = fields.String()
    person_id = fields.String()
    login = fields.String()
    is_active = fields.Boolean()
    activated_at = fields.DateTime(allow_none=True)
    deactivated_at = fields.DateTime(allow_none=True)
    roles = fields.List(fields.Nested(RoleOut))


class ErasureIn(Schema):
    basis = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "The document the erasure rests on, by number and date (an application, an order); "
                       "no names", "example": "Заявление № 17 от 02.10.2026"})


class ErasureOut(Schema):
    person_id = fields.String(attribute="id")
    kind = fields.String()
    erased_at = fields.DateTime()
    erasure_basis = fields.String()


class DeactivateIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class GuardianLinkIn(Schema):
    guardian_person_id = Uuid(required=True)


class GuardianshipOut(Schema):
    guardianship_id = fields.String(attribute="id")
    guardian_person_id = fields.String()
    child_id = fields.String()


class MovementIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("enrol", "transfer", "withdraw", "release")))
    child_id = Uuid(required=True)
    group_id = Uuid(load_default=None, allow_none=True)
    #: For a release (transfer out): the institution that may then record the transfer in.
    organisation_id = Uuid(load_default=None, allow_none=True)
    order_number = fields.String(required=True, validate=validate.Length(min=1, max=50))
    order_date = fields.Date(required=True)
    effective_on = fields.Date(load_default=None, allow_none=True)


class MovementOut(Schema):
    movement_id = fields.String(attribute="id")
    child_id = fields.String()
    kind = fields.String()
    organisation_id = fields.String()
    group_id = fields.String(allow_none=True)
    from_organisation_id = fields.String(allow_none=True)
    from_group_id = fields.String(allow_none=True)
    order_number = fields.String()
    order_date = fields.Date()
    effective_on = fields.Date()


class ConsentIn(Schema):
    purpose = fields.String(required=True, validate=validate.OneOf(CONSENT_PURPOSES))
    given_by_person_id = Uuid(load_default=None, allow_none=True)
    registration_number = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=50))
    registration_date = fields.Date(load_default=None, allow_none=True)


class ConsentRevokeIn(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class ConsentOut(Schema):
    consent_id = fields.String(attribute="id")
    child_id = fields.String()
    purpose = fields.String()
    status = fields.String()
    given_by_person_id = fields.String()
    registration_number = fields.String()
    registration_date = fields.Date()
    given_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    end_reason = fields.String(allow_none=True)


class AccessCodeIn(Schema):
    child_id = Uuid(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CODE_CHANNELS))
    guardian_person_id = Uuid(load_default=None, allow_none=True)


class AccessCodeOut(Schema):
    access_code_id = fields.String()
    code = fields.String()
    expires_at = fields.DateTime()
    channel = fields.String()


class RedeemIn(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    login = fields.String(required=True, validate=Login)
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    last_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))
    first_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=100))
    middle_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


class RedeemOut(Schema):
    account_id = fields.String()
    person_id = fields.String()
    child_id = fields.String()
    login = fields.String()


class AuditQuery(PageQuery):
    organisation_id = Uuid(load_default=None)
    person_id = Uuid(load_default=None)
    action = fields.String(load_default=None, validate=validate.Length(min=1, max=30),
                           metadata={"example": "read_person"})
    since = fields.AwareDateTime(load_default=None, metadata={"description": "Records at or after this moment."})
    until = fields.AwareDateTime(load_default=None, metadata={"description": "Records before this moment."})


class AuditOut(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_account_id = fields.String(allow_none=True)
    action = fields.String()
    outcome = fields.String()
    person_id = fields.String(allow_none=True)
    organisation_id = fields.String(allow_none=True)
    resource = fields.String()
    request_id = fields.String(allow_none=True)
