from kabinet_kit.openapi import Blueprint

from .. import plans
from . import examples as ex
from . import schemas as s
from . import schemas_records as r
from .common import caller, db, deps

blp = Blueprint("plans", __name__, description="Calendar-thematic plans and the topics they suggest for lessons")


@blp.get("/loads/<uuid:load_id>/plan")
@blp.response(200, r.PlanOut)
def read_plan(load_id):
    """The load's plan and the curriculum hours it must add up to."""
    return plans.read_plan(db(), caller(), str(load_id))


@blp.put("/loads/<uuid:load_id>/plan")
@blp.arguments(r.PlanIn, example=ex.PLAN)
@blp.response(200, r.PlanOut)
def save_plan(body, load_id):
    """Replace the plan (load's teacher or administration): saved whole, only when its hours
    equal the curriculum's for the group's grade and subject (422 naming total_hours otherwise)."""
    return plans.save_plan(db(), caller(), str(load_id), body)


@blp.get("/loads/<uuid:load_id>/plan/lessons")
@blp.arguments(s.OptionalTermQuery, location="query")
@blp.response(200, r.PlanLessonOut(many=True))
def plan_lessons(query, load_id):
    """The load's lessons in order with the plan's topic suggested for each (one hour a lesson)."""
    return plans.plan_lessons(db(), caller(), str(load_id), str(query["term_id"]) if query["term_id"] else None)


@blp.post("/lessons/<uuid:lesson_id>/take-plan-topic")
@blp.response(200, s.LessonOut)
def take_plan_topic(lesson_id):
    """Fill the lesson's topic and kind from the plan, as the teacher entering them."""
    return plans.take_plan_topic(deps(), db(), caller(), str(lesson_id))
