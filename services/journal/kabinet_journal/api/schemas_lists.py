"""The journal's lists: each pages with the kit's ``PageQuery`` (``limit``, ``offset``) and filters
by its natural keys; its answer is ``{items, total, limit, offset}`` in a stable order."""
from __future__ import annotations

from marshmallow import fields, validate

from kabinet_kit.paging import PageQuery, page_schema

from . import schemas as s
from . import schemas_records as r


class OrganisationPageQuery(PageQuery):
    organisation_id = fields.UUID(required=True)


class TermListQuery(OrganisationPageQuery):
    academic_year_id = fields.UUID(load_default=None)


class HolidayListQuery(OrganisationPageQuery):
    on = fields.Date(load_default=None, metadata={"description": "Only holidays that include this day."})


class CurriculumListQuery(OrganisationPageQuery):
    academic_year_id = fields.UUID(load_default=None)
    grade_level = fields.Integer(load_default=None, validate=validate.Range(min=0, max=12))
    subject_id = fields.UUID(load_default=None)


class LoadListQuery(PageQuery):
    group_id = fields.UUID(load_default=None)
    subject_id = fields.UUID(load_default=None)
    teacher_account_id = fields.UUID(load_default=None)
    academic_year_id = fields.UUID(load_default=None)
    mine = fields.Boolean(load_default=False, metadata={"description": "Only loads I teach or substitute."})


class TimetableListQuery(PageQuery):
    term_id = fields.UUID(required=True)
    group_id = fields.UUID(load_default=None)
    load_id = fields.UUID(load_default=None)
    weekday = fields.Integer(load_default=None, validate=validate.Range(min=1, max=7))


class LessonListQuery(PageQuery):
    term_id = fields.UUID(load_default=None)
    date_from = fields.Date(load_default=None, metadata={"description": "Lessons on or after this day."})
    date_to = fields.Date(load_default=None, metadata={"description": "Lessons on or before this day."})


class OptionalTermPageQuery(PageQuery):
    term_id = fields.UUID(load_default=None)


class TermResultsQuery(PageQuery):
    term_id = fields.UUID(required=True)
    child_id = fields.UUID(load_default=None)


class StatisticsListQuery(PageQuery):
    organisation_id = fields.UUID(required=True)
    term_id = fields.UUID(required=True)
    group_id = fields.UUID(load_default=None)
    subject_id = fields.UUID(load_default=None)


class FeeRateListQuery(OrganisationPageQuery):
    group_id = fields.UUID(load_default=None)


class ExemptionListQuery(OrganisationPageQuery):
    child_id = fields.UUID(load_default=None)


TermPage = page_schema(s.TermOut, "TermPage")
HolidayPage = page_schema(s.HolidayOut, "HolidayPage")
SubjectPage = page_schema(s.SubjectOut, "SubjectPage")
CurriculumPage = page_schema(s.CurriculumOut, "CurriculumPage")
MarkKindPage = page_schema(s.MarkKindOut, "MarkKindPage")
LoadPage = page_schema(s.LoadOut, "LoadPage")
SlotPage = page_schema(s.SlotOut, "SlotPage")
LessonPage = page_schema(s.LessonOut, "LessonPage")
MarkChangePage = page_schema(s.MarkChangeOut, "MarkChangePage")
TermResultPage = page_schema(s.TermResultOut, "TermResultPage")
TermAuditPage = page_schema(s.TermAuditOut, "TermAuditPage")
StatisticsPage = page_schema(s.StatisticsRow, "StatisticsPage")
PlanLessonPage = page_schema(r.PlanLessonOut, "PlanLessonPage")
FeeRatePage = page_schema(r.FeeRateOut, "FeeRatePage")
ExemptionPage = page_schema(r.ExemptionOut, "ExemptionPage")
