from kabinet_kit.openapi import Blueprint

from .. import loads, structure, timetable
from . import examples as ex
from . import schemas as s
from . import schemas_lists as sl
from .common import caller, db, deps, once

blp = Blueprint("structure", __name__, description="The school year: terms, holidays, subjects, curriculum, "
                                                    "teaching load, substitutes, timetable, mark kinds")


@blp.post("/terms")
@once
@blp.arguments(s.TermIn, example=ex.TERM_IN)
@blp.response(201, s.TermOut)
def create_term(body):
    """Add a term (quarter, half or trimester) to an institution's year (administration)."""
    return structure.create_term(deps(), db(), caller(), body)


@blp.get("/terms")
@blp.arguments(sl.TermListQuery, location="query")
@blp.response(200, sl.TermPage)
def list_terms(query):
    """An institution's terms in date order; by year."""
    return structure.list_terms(db(), caller(), query)


@blp.post("/holidays")
@once
@blp.arguments(s.HolidayIn)
@blp.response(201, s.HolidayOut)
def create_holiday(body):
    """Holidays: no lessons are generated on these days."""
    return structure.create_holiday(db(), caller(), body)


@blp.get("/holidays")
@blp.arguments(sl.HolidayListQuery, location="query")
@blp.response(200, sl.HolidayPage)
def list_holidays(query):
    return structure.list_holidays(db(), caller(), query)


@blp.post("/subjects")
@once
@blp.arguments(s.SubjectIn, example=ex.SUBJECT_IN)
@blp.response(201, s.SubjectOut)
def create_subject(body):
    return structure.create_subject(db(), caller(), body)


@blp.get("/subjects")
@blp.arguments(sl.OrganisationPageQuery, location="query")
@blp.response(200, sl.SubjectPage)
def list_subjects(query):
    return structure.list_subjects(db(), caller(), query)


@blp.put("/curriculum")
@blp.arguments(s.CurriculumIn)
@blp.response(200, s.CurriculumOut)
def set_curriculum(body):
    """Hours a year of a subject for a grade level."""
    return structure.set_curriculum_hours(db(), caller(), body)


@blp.get("/curriculum")
@blp.arguments(sl.CurriculumListQuery, location="query")
@blp.response(200, sl.CurriculumPage)
def list_curriculum(query):
    """The institution's curriculum: hours a year per grade level and subject."""
    return structure.list_curriculum(db(), caller(), query)


@blp.get("/mark-kinds")
@blp.arguments(sl.OrganisationPageQuery, location="query")
@blp.response(200, sl.MarkKindPage)
def list_mark_kinds(query):
    """Kinds of marks and their weights in the term average."""
    return structure.list_mark_kinds(db(), caller(), query)


@blp.post("/mark-kinds")
@blp.arguments(s.MarkKindIn)
@blp.response(201, s.MarkKindOut)
def create_mark_kind(body):
    return structure.create_mark_kind(db(), caller(), body)


@blp.post("/loads")
@once
@blp.arguments(s.LoadIn, example=ex.LOAD_IN)
@blp.response(201, s.LoadOut)
def create_load(body):
    """Teaching load: teacher × group × subject (administration)."""
    return loads.create_load(db(), caller(), body)


@blp.get("/loads")
@blp.arguments(sl.LoadListQuery, location="query")
@blp.response(200, sl.LoadPage)
def list_loads(query):
    """Loads the caller may read, by group, subject, teacher, year; ``mine=true``: those the caller
    teaches or substitutes."""
    return loads.list_loads(db(), caller(), query)


@blp.put("/loads/<uuid:load_id>/teacher")
@blp.arguments(s.LoadTeacherIn)
@blp.response(200, s.LoadOut)
def change_teacher(body, load_id):
    return loads.change_load_teacher(db(), caller(), str(load_id), str(body["teacher_account_id"]))


@blp.post("/loads/<uuid:load_id>/substitutions")
@once
@blp.arguments(s.SubstitutionIn)
@blp.response(201, s.SubstitutionOut)
def add_substitution(body, load_id):
    """A colleague keeps this load's journal for a period (JRN-03)."""
    return loads.add_substitution(db(), caller(), str(load_id), body)


@blp.post("/timetable")
@blp.arguments(s.SlotIn, example=ex.SLOT)
@blp.response(201, s.SlotOut)
def add_slot(body):
    """A weekly slot of the timetable; a teacher or a group in two places at once is refused."""
    return timetable.add_timetable_slot(db(), caller(), body)


@blp.get("/timetable")
@blp.arguments(sl.TimetableListQuery, location="query")
@blp.response(200, sl.SlotPage)
def list_timetable(query):
    """A term's weekly slots the caller may read, by group, load, weekday."""
    return timetable.list_timetable(db(), caller(), query)


@blp.post("/timetable/generate")
@blp.arguments(s.GenerateIn)
@blp.response(201, s.LessonOut(many=True))
def generate(body):
    """Lessons for the term from the timetable, holidays left out; existing ones kept."""
    return timetable.generate_lessons(db(), caller(), str(body["term_id"]),
                                     str(body["group_id"]) if body["group_id"] else None)
