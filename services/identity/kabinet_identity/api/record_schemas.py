"""Schemas of corrections, the movement register and the year transition."""
from marshmallow import fields, validate

from kabinet_kit.paging import PageQuery
from kabinet_kit.schemas import Schema

from ..register import REGISTER_KINDS
from .schemas import Uuid


class PersonCorrectionIn(Schema):
    """Only the fields sent are corrected; a field sent as null is cleared (not the names)."""
    last_name = fields.String(validate=validate.Length(min=1, max=100))
    first_name = fields.String(validate=validate.Length(min=1, max=100))
    middle_name = fields.String(allow_none=True, validate=validate.Length(max=100))
    birth_date = fields.Date(allow_none=True)
    email = fields.Email(allow_none=True, validate=validate.Length(max=200))
    phone = fields.String(allow_none=True, validate=validate.Regexp(r"^\+?[0-9 ()-]{5,20}$"))


class PersonRecordOut(Schema):
    """The record a correction edits (read with its ETag, answered by the correction)."""
    person_id = fields.String()
    kind = fields.String()
    organisation_id = fields.String(allow_none=True, metadata={"description": "The institution that registered him."})
    last_name = fields.String()
    first_name = fields.String()
    middle_name = fields.String(allow_none=True)
    birth_date = fields.Date(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class RegisterQuery(PageQuery):
    organisation_id = Uuid(required=True)
    date_from = fields.Date(data_key="from", load_default=None, metadata={"description": "First day (effective)."})
    date_to = fields.Date(data_key="to", load_default=None, metadata={"description": "Last day (effective)."})
    kind = fields.String(load_default=None, validate=validate.OneOf(REGISTER_KINDS))


class RegisterPdfQuery(Schema):
    organisation_id = Uuid(required=True)
    date_from = fields.Date(data_key="from", load_default=None)
    date_to = fields.Date(data_key="to", load_default=None)


class RegisterEntryOut(Schema):
    movement_id = fields.String()
    kind = fields.String(metadata={"description": "As the institution's book reads it: " + ", ".join(REGISTER_KINDS)})
    child_id = fields.String()
    last_name = fields.String()
    first_name = fields.String()
    middle_name = fields.String(allow_none=True)
    birth_date = fields.Date(allow_none=True)
    group_id = fields.String(allow_none=True)
    group_name = fields.String(allow_none=True)
    from_group_id = fields.String(allow_none=True)
    from_group_name = fields.String(allow_none=True)
    other_organisation_id = fields.String(allow_none=True, metadata={"description": "Where from, or where to."})
    order_number = fields.String()
    order_date = fields.Date()
    effective_on = fields.Date()


class YearTransitionIn(Schema):
    from_year_id = Uuid(required=True)
    to_year_id = Uuid(required=True)
    mode = fields.String(required=True, validate=validate.OneOf(("preview", "apply")))
    # The order the whole transition is recorded under (required to apply).
    order_number = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=50))
    order_date = fields.Date(load_default=None, allow_none=True)
    effective_on = fields.Date(load_default=None, allow_none=True,
                               metadata={"description": "Default: the first day of the new year."})


class GroupStepOut(Schema):
    group_id = fields.String()
    group_name = fields.String()
    action = fields.String(metadata={"description": "promote or graduate"})
    to_group_id = fields.String(allow_none=True)
    to_group_name = fields.String(allow_none=True)
    to_group_created = fields.Boolean()
    pupils = fields.Integer()


class YearTransitionOut(Schema):
    mode = fields.String()
    applied = fields.Boolean()
    promoted = fields.Integer()
    graduated = fields.Integer()
    groups_created = fields.Integer()
    groups = fields.List(fields.Nested(GroupStepOut))
