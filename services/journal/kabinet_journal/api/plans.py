from kabinet_kit.etags import ETAG_HEADER_DOC, etag_of, guarded_by_if_match, require_if_match
from kabinet_kit.openapi import Blueprint
from kabinet_kit.paging import page_list

from .. import plans
from . import examples as ex
from . import schemas as s
from . import schemas_lists as sl
from . import schemas_records as r
from .common import caller, db, deps

blp = Blueprint("plans", __name__, description="Calendar-thematic plans and the topics they suggest for lessons")


def _versioned(plan: dict) -> tuple[dict, int, dict[str, str]]:
    return plan, 200, {"ETag": etag_of(r.PlanOut().dump(plan))}


@blp.get("/loads/<uuid:load_id>/plan")
@blp.response(200, r.PlanOut, headers=ETAG_HEADER_DOC)
def read_plan(load_id):
    """The load's plan and the curriculum hours it must add up to; its ETag is what a save sends
    back as If-Match."""
    return _versioned(plans.read_plan(db(), caller(), str(load_id)))


@blp.put("/loads/<uuid:load_id>/plan")
@guarded_by_if_match
@blp.arguments(r.PlanIn, example=ex.PLAN)
@blp.response(200, r.PlanOut, headers=ETAG_HEADER_DOC)
def save_plan(body, load_id):
    """Replace the plan (load's teacher or administration) over the version read (If-Match; 412
    with the current plan when someone saved meanwhile): saved whole, only when its hours equal
    the curriculum's for the group's grade and subject (422 naming total_hours otherwise)."""
    session, who, load = db(), caller(), str(load_id)
    saved = plans.save_plan(session, who, load, body, precondition=lambda: require_if_match(
        r.PlanOut().dump(plans.read_plan(session, who, load))))
    return _versioned(saved)


@blp.get("/loads/<uuid:load_id>/plan/lessons")
@blp.arguments(sl.OptionalTermPageQuery, location="query")
@blp.response(200, sl.PlanLessonPage)
def plan_lessons(query, load_id):
    """The load's lessons in order with the plan's topic suggested for each (one hour a lesson)."""
    return page_list(plans.plan_lessons(db(), caller(), str(load_id),
                                        str(query["term_id"]) if query["term_id"] else None), query)


@blp.post("/lessons/<uuid:lesson_id>/take-plan-topic")
@blp.response(200, s.LessonOut)
def take_plan_topic(lesson_id):
    """Fill the lesson's topic and kind from the plan, as the teacher entering them."""
    return plans.take_plan_topic(deps(), db(), caller(), str(lesson_id))
