"""Schemas of the administrators' lists, the activation funnel and the password reset."""
from marshmallow import fields, validate

from kabinet_contracts.identity import CODE_CHANNELS, ROLES
from kabinet_kit.paging import PageQuery, page_schema
from kabinet_kit.schemas import Schema

from ..admin import CODE_STATES
from .schemas import RoleOut, Uuid

Prefix = validate.Length(min=1, max=100)


class AccountQuery(PageQuery):
    organisation_id = Uuid(load_default=None)
    role = fields.String(load_default=None, validate=validate.OneOf(ROLES),
                         metadata={"description": "Accounts holding this role now."})
    active = fields.Boolean(load_default=None)
    q = fields.String(load_default=None, validate=Prefix, metadata={"description": "A prefix of the login."})


class AccountListItem(Schema):
    account_id = fields.String(required=True)
    person_id = fields.String(required=True)
    person_kind = fields.String(required=True)
    login = fields.String(required=True)
    organisation_id = fields.String(allow_none=True, metadata={"description": "The institution that registered "
                                                                              "the person."})
    is_active = fields.Boolean(required=True)
    created_at = fields.DateTime(required=True)
    activated_at = fields.DateTime(allow_none=True, metadata={"description": "The first login."})
    last_login_at = fields.DateTime(allow_none=True, metadata={"description": "The latest login with a password."})
    password_change_required = fields.Boolean(required=True)
    roles = fields.List(fields.Nested(RoleOut), required=True, metadata={"description": "Grants in force."})


class PeopleQuery(PageQuery):
    q = fields.String(load_default=None, validate=Prefix, metadata={
        "description": "A prefix of the last, first or middle name (or of several in a row), in any case; "
                       "ё and е alike.", "example": "петр"})
    organisation_id = Uuid(load_default=None)
    group_id = Uuid(load_default=None, metadata={"description": "Children placed in this group."})
    kind = fields.String(load_default=None, validate=validate.OneOf(("staff", "child", "guardian")))


class PersonListItem(Schema):
    person_id = fields.String(required=True)
    kind = fields.String(required=True)
    last_name = fields.String(required=True)
    first_name = fields.String(required=True)
    middle_name = fields.String(allow_none=True)
    organisation_id = fields.String(allow_none=True, metadata={
        "description": "A child's institution now; a staff member's or guardian's registering one."})
    group_id = fields.String(allow_none=True)
    account_id = fields.String(allow_none=True)


class AccessCodeQuery(PageQuery):
    organisation_id = Uuid(load_default=None)
    state = fields.String(load_default=None, validate=validate.OneOf(CODE_STATES))


class AccessCodeListItem(Schema):
    access_code_id = fields.String(required=True)
    child_id = fields.String(required=True)
    organisation_id = fields.String(allow_none=True, metadata={"description": "The issuing institution."})
    channel = fields.String(required=True, validate=validate.OneOf(CODE_CHANNELS))
    guardian_person_id = fields.String(allow_none=True)
    issued_by = fields.String(required=True)
    issued_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(required=True)
    redeemed_at = fields.DateTime(allow_none=True)
    state = fields.String(required=True, validate=validate.OneOf(CODE_STATES), metadata={
        "description": "issued (usable), redeemed, expired, or revoked (the child's or guardian's data erased)."})


class CodeCounts(Schema):
    issued = fields.Integer(required=True, metadata={"description": "Codes still usable."})
    redeemed = fields.Integer(required=True)
    expired = fields.Integer(required=True)
    revoked = fields.Integer(required=True)


class AccountCounts(Schema):
    total = fields.Integer(required=True, metadata={
        "description": "Accounts (not deactivated) of the people the institution registered: staff, pupils, "
                       "guardians."})
    activated = fields.Integer(required=True, metadata={
        "description": "Of those, accounts that have logged in at least once."})


class Activation(Schema):
    """An institution's activation funnel. Codes are counted by state, as GET /access-codes shows
    them (each code in exactly one); an account is activated once it has logged in at least once."""
    organisation_id = fields.String(required=True)
    codes = fields.Nested(CodeCounts, required=True)
    accounts = fields.Nested(AccountCounts, required=True)
    share_activated = fields.Float(required=True, validate=validate.Range(min=0, max=1), metadata={
        "description": "accounts.activated / accounts.total (0 without accounts)."})


class PasswordResetOut(Schema):
    account_id = fields.String(required=True)
    login = fields.String(required=True)
    temporary_password = fields.String(required=True, metadata={
        "description": "Shown once: hand it to the owner, who must set his own at the next login."})
    password_change_required = fields.Boolean(required=True)


AccountPage = page_schema(AccountListItem, "AccountPage")
PersonPage = page_schema(PersonListItem, "PersonPage")
AccessCodePage = page_schema(AccessCodeListItem, "AccessCodePage")
