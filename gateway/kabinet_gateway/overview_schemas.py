"""The documented shape of ``GET /api/me/overview`` (a front end's first screen builds on it;
docs/api.md has the prose)."""
from __future__ import annotations

from marshmallow import fields

from kabinet_kit.schemas import Schema


class PartSchema(Schema):
    status = fields.String(metadata={"description": "ok | missing"})
    service = fields.String()
    reason = fields.String(metadata={"description": "Why the part is missing (not deployed, unavailable, "
                                                    "timeout, forbidden, not found, error, revocation "
                                                    "feed stale)."})
    data = fields.Raw(metadata={"description": "The service's own response body (for a section, the caller's "
                                               "slice of it)."})


class ChildOverviewSchema(Schema):
    child_id = fields.String()
    last_name = fields.String()
    first_name = fields.String()
    organisation_id = fields.String(allow_none=True)
    group_id = fields.String(allow_none=True)
    diary = fields.Nested(PartSchema)
    recommendations = fields.Nested(PartSchema)
    portfolio_points = fields.Nested(PartSchema)


class SectionPartsSchema(Schema):
    """The parts a section has, by its view (each a part: status, service, data or reason)."""
    lessons = fields.Nested(PartSchema, metadata={
        "description": "teacher — journal GET /me/today: {date, lessons: [{lesson_id, group, subject, period, "
                       "topic, substitution, attendance_entered, marks_entered, missing: [topic|attendance|marks]}]} "
                       "of the section's institution."})
    class_ = fields.Nested(PartSchema, data_key="class", attribute="class", metadata={
        "description": "tutor — journal GET /me/today, the section's class: {date, group_id, group, pupils, "
                       "lessons_today, absent_today, term_id, unfinished: {lessons_without_topic, "
                       "lessons_without_attendance, late_topics}}."})
    journal_control = fields.Nested(PartSchema, metadata={
        "description": "school_admin — journal GET /control/completeness for the current month (its "
                       "ControlReport); department — journal GET /me/today's city: {month, counted_until, "
                       "institutions: [{organisation_id, name, lessons, lessons_due, without_topic, late_topics, "
                       "without_attendance, pupils_without_marks}], totals}."})
    activation = fields.Nested(PartSchema, metadata={
        "description": "school_admin, kindergarten_head, department — identity GET /organisations/{id}/activation: "
                       "{organisation_id, codes: {issued, redeemed, expired, revoked}, accounts: {total, "
                       "activated}, share_activated}."})
    round = fields.Nested(PartSchema, metadata={
        "description": "kindergarten_head — preschool GET /me/round, the kindergarten's filling of its current "
                       "round: {organisation_id, name, round_id, round_number, status, deadline, expected, filled, "
                       "percent, overdue, groups, guardian_activity}."})
    group = fields.Nested(PartSchema, metadata={
        "description": "educator — preschool GET /me/round, the section's group: {group_id, name, age_band, "
                       "children, round: {id, number, title, deadline, status}, cards: [{code, title, indicators, "
                       "children_not_filled}], cards_not_filled}."})
    preschool_completeness = fields.Nested(PartSchema, metadata={
        "description": "department — preschool GET /me/round's city: {round_number, expected, filled, percent, "
                       "kindergartens: [...]}."})


class SectionSchema(Schema):
    view = fields.String(metadata={"description": "teacher | tutor | school_admin | kindergarten_head | educator "
                                                  "| department"})
    role = fields.String(metadata={"description": "The role held (identity's name for it)."})
    organisation_id = fields.String(allow_none=True)
    group_id = fields.String(allow_none=True)
    parts = fields.Nested(SectionPartsSchema)


class OverviewSchema(Schema):
    me = fields.Raw(metadata={"description": "identity GET /me"})
    children = fields.List(fields.Nested(ChildOverviewSchema), metadata={
        "description": "A guardian's children (a pupil: the pupil), each with its parts."})
    sections = fields.List(fields.Nested(SectionSchema), metadata={
        "description": "One per role held (teacher, tutor, school administration, kindergarten head, educator, "
                       "department), in /me's order; a role without a first screen of its own has none."})
    complete = fields.Boolean(metadata={"description": "False when some part is missing."})
    unavailable_services = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "The services not asked, and why: not deployed, or unavailable (failing its health check)."})
    elapsed_ms = fields.Float()
