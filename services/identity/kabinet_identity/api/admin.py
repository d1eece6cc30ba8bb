"""Administrators' lists, an institution's activation funnel and the password reset (issue 12)."""
from kabinet_kit.openapi import Blueprint

from .. import admin, resets
from . import admin_schemas as s
from .common import caller, db, deps, once, request_id

blp = Blueprint("admin", __name__, description="Administrators' lists: accounts, people, access codes, activation")


@blp.get("/accounts")
@blp.arguments(s.AccountQuery, location="query")
@blp.response(200, s.AccountPage)
def list_accounts(query):
    """Accounts with their roles in force, institution, state, first and last login, by login. The
    institution's administrator sees its own, the department the city's."""
    return admin.list_accounts(db(), caller(), query)


@blp.get("/people")
@blp.arguments(s.PeopleQuery, location="query")
@blp.response(200, s.PersonPage)
def search_people(query):
    """People by name prefix: the administrator his institution's (children placed there now; staff
    and guardians it registered), the department staff only. Each child's record read is audited."""
    return admin.search_people(db(), caller(), query, request_id())


@blp.get("/access-codes")
@blp.arguments(s.AccessCodeQuery, location="query")
@blp.response(200, s.AccessCodePage)
def list_access_codes(query):
    """Issued access codes with their state, newest first; never the code itself (only its hash is kept)."""
    return admin.list_access_codes(db(), caller(), query)


@blp.get("/organisations/<uuid:organisation_id>/activation")
@blp.response(200, s.Activation)
def activation(organisation_id):
    """The institution's activation funnel: access codes by state, accounts and how many have
    logged in at least once ("activated")."""
    return admin.activation(db(), caller(), str(organisation_id))


@blp.post("/accounts/<uuid:account_id>/password-reset")
@once
@blp.response(201, s.PasswordResetOut)
def reset_password(account_id):
    """A temporary password, shown once (a retry with the same Idempotency-Key replays it), that
    must be changed at the next login; every session of the account ends. The administrator of
    the person's institution, the department for staff. Audited."""
    return resets.reset_password(deps(), db(), caller(), str(account_id), request_id())
