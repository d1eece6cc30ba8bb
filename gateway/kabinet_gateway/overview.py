"""``GET /api/me/overview``: the home screen in one call, for every role the caller holds.

Identity's ``/me`` first (who the caller is, the roles, for a guardian the children), then — in
parallel, under one overall deadline — the parts other services own:

* per child (a guardian's children; a pupil's own):
  journal ``GET /diary/{child_id}/summary``, preschool ``GET /children/{child_id}/recommendations``,
  portfolio ``GET /pupils/{child_id}/points``;
* per role held, a *section* (``overview_roles``): the teacher's lessons today, the tutor's class,
  the school administration's journal control and activation, the kindergarten head's round,
  the educator's group, the department's city figures. An administrator's institution kind is
  asked of identity first (``organisations/{id}``), inside the same deadline.

A part whose service is not deployed, down, slow, refusing or not providing it comes back as
``{"status": "missing", "reason": ...}``; the response as a whole still succeeds, and
``unavailable_services`` names the services it could not ask and why. Each call carries the
caller's own token (services decide what the caller may see), so a service without a configured
upstream, or one that fails its health check, is never called: its part is ``"not deployed"`` or
``"unavailable"`` straight away (issue 11, finding 7). docs/api.md describes the response.
"""
from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import g, request

from kabinet_kit.openapi import Blueprint

from . import overview_roles as roles
from .auth import identity_headers
from .edge import authenticate_request, forwarding_headers
from .fanout import gather, unavailable_services
from .gateway import current_gateway
from .overview_schemas import OverviewSchema
from .problems import GatewayProblem

PARTS = {
    "diary": ("journal", "diary/{child_id}/summary"),
    "recommendations": ("preschool", "children/{child_id}/recommendations"),
    "portfolio_points": ("portfolio", "pupils/{child_id}/points"),
}
# identity has just answered /me: it is asked whatever its last health check said.
SERVICES = ("journal", "preschool", "portfolio")

blp = Blueprint("overview", __name__, description="Composite reads for front-ends")


@blp.before_request
def _authenticate_composite() -> None:
    g.upstream = "composite"
    principal = authenticate_request(None)  # each part's service is vouched for below
    g.forward_headers = {"Authorization": request.headers["Authorization"], **identity_headers(principal),
                         **forwarding_headers("")}


def _children_of(me: dict) -> list[dict]:
    children = [dict(c) for c in (me.get("children") or []) if isinstance(c, dict) and c.get("child_id")]
    held = {r.get("role") for r in me.get("roles") or [] if isinstance(r, dict)}
    if not children and "pupil" in held and me.get("person_id"):
        # A pupil's home screen shows the pupil's own diary and portfolio.
        children = [{"child_id": me["person_id"], "last_name": me.get("last_name"),
                     "first_name": me.get("first_name")}]
    return children


@blp.get("/api/me/overview")
@blp.response(200, OverviewSchema)
@blp.doc(security=[{"bearer": []}])
def overview():
    """The caller's home screen: the account; per child the diary summary, preschool
    recommendations and portfolio points; per role held a section of the role's first-screen
    figures. Parts are fetched in parallel with a deadline; a part that could not be had is
    marked missing with the reason."""
    gw = current_gateway()
    started = time.monotonic()
    deadline = started + gw.settings.overview_deadline
    headers = dict(g.forward_headers)

    # Without /me there is no screen: its failure is the response's (502/503/504 problem).
    status, me = gw.fetch_json("identity", "me", headers=headers, timeout=gw.settings.overview_deadline)
    if status in (401, 403):
        raise GatewayProblem(status, "The identity service refused the caller.", service="identity")
    if status != 200 or not isinstance(me, dict):
        raise GatewayProblem(502, f"The identity service answered /me with {status}.", service="identity")

    unavailable = unavailable_services(gw, SERVICES)
    grants = roles.grants_of(me)
    kinds = roles.kinds_from(gather(gw, roles.kind_lookups(grants), headers=headers, deadline=deadline,
                                    unavailable=unavailable))
    month = datetime.now(ZoneInfo(gw.settings.overview_timezone)).strftime("%Y-%m")
    sections, jobs = roles.sections_plan(grants, kinds, month)

    children = _children_of(me)
    for index, child in enumerate(children):
        for part, (service, template) in PARTS.items():
            jobs[("child", index, part)] = (service, template.format(child_id=child["child_id"]))
    results = gather(gw, jobs, headers=headers, deadline=deadline, unavailable=unavailable)
    for index, child in enumerate(children):
        for part in PARTS:
            child[part] = results[("child", index, part)]
    sections = roles.assemble(sections, results)

    complete = all(c[p].get("status") == "ok" for c in children for p in PARTS) and all(
        part.get("status") == "ok" for section in sections for part in section["parts"].values())
    # Only the services this screen needed are reported.
    asked = {service for service, _ in jobs.values()}
    return {"me": me, "children": children, "sections": sections, "complete": complete,
            "unavailable_services": {s: why for s, why in unavailable.items() if s in asked},
            "elapsed_ms": round((time.monotonic() - started) * 1000, 1)}
