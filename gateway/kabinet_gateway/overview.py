"""``GET /api/me/overview``: the home screen in one call.

Identity's ``/me`` first (who the caller is and, for a guardian, the children), then for each
child — in parallel, under one overall deadline — the parts other services own:

* journal   ``GET /diary/{child_id}/summary``               (→ /api/journal/diary/{child_id}/summary)
* preschool ``GET /children/{child_id}/recommendations``    (→ /api/preschool/children/{child_id}/recommendations)
* portfolio ``GET /pupils/{child_id}/points``               (→ /api/portfolio/pupils/{child_id}/points)

A part whose service is not deployed, down, slow, refusing or not providing it comes back as
``{"status": "missing", "reason": ...}``; the response as a whole still succeeds, and
``unavailable_services`` names the services it could not ask and why. Each call carries the
caller's own token (services decide what the caller may see), so a service without a configured
upstream, or one that fails its health check, is never called: its part is ``"not deployed"`` or
``"unavailable"`` straight away (issue 11, finding 7).
"""
from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, wait

from flask import g
from marshmallow import fields

from kabinet_kit.openapi import Blueprint
from kabinet_kit.schemas import Schema

from .auth import identity_headers
from .edge import authenticate_request, feed_refusal, forwarding_headers
from .gateway import current_gateway
from .problems import GatewayProblem
from .proxy import UpstreamFailure

PARTS = {
    "diary": ("journal", "diary/{child_id}/summary"),
    "recommendations": ("preschool", "children/{child_id}/recommendations"),
    "portfolio_points": ("portfolio", "pupils/{child_id}/points"),
}

blp = Blueprint("overview", __name__, description="Composite reads for front-ends")


@blp.before_request
def _authenticate_composite() -> None:
    g.upstream = "composite"
    principal = authenticate_request(None)  # each part's service is vouched for below
    g.forward_headers = {"Authorization": g.caller.authorization, **identity_headers(principal),
                         **forwarding_headers("")}


class PartSchema(Schema):
    status = fields.String(metadata={"description": "ok | missing"})
    service = fields.String()
    reason = fields.String(metadata={"description": "Why the part is missing (not deployed, unavailable, "
                                                    "timeout, forbidden, not found, error, revocation "
                                                    "feed stale)."})
    data = fields.Raw(metadata={"description": "The service's own response body."})


class ChildOverviewSchema(Schema):
    child_id = fields.String()
    last_name = fields.String()
    first_name = fields.String()
    organisation_id = fields.String(allow_none=True)
    group_id = fields.String(allow_none=True)
    diary = fields.Nested(PartSchema)
    recommendations = fields.Nested(PartSchema)
    portfolio_points = fields.Nested(PartSchema)


class OverviewSchema(Schema):
    me = fields.Raw(metadata={"description": "identity GET /me"})
    children = fields.List(fields.Nested(ChildOverviewSchema))
    complete = fields.Boolean(metadata={"description": "False when some part is missing."})
    unavailable_services = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "The services not asked, and why: not deployed, or unavailable (failing its health check)."})
    elapsed_ms = fields.Float()


def _reason_for_status(status: int) -> str:
    return {401: "unauthenticated", 403: "forbidden", 404: "not found", 410: "gone"}.get(
        status, "error" if status >= 500 else f"status {status}")


def _children_of(me: dict) -> list[dict]:
    children = [dict(c) for c in (me.get("children") or []) if isinstance(c, dict) and c.get("child_id")]
    roles = {r.get("role") for r in me.get("roles") or [] if isinstance(r, dict)}
    if not children and "pupil" in roles and me.get("person_id"):
        # A pupil's home screen shows the pupil's own diary and portfolio.
        children = [{"child_id": me["person_id"], "last_name": me.get("last_name"),
                     "first_name": me.get("first_name")}]
    return children


@blp.get("/api/me/overview")
@blp.response(200, OverviewSchema)
@blp.doc(security=[{"bearer": []}])
def overview():
    """The caller's home screen: account, and per child the diary summary, preschool
    recommendations and portfolio points, fetched in parallel with a deadline."""
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

    children = _children_of(me)
    # Asked once per service, before any call: one not deployed or not healthy is not called.
    unavailable = {service: "not deployed" if service not in gw.upstreams else "unavailable"
                   for service, _ in PARTS.values()
                   if service not in gw.upstreams or not gw.health.is_healthy(service)}
    futures = {}
    for index, child in enumerate(children):
        for part, (service, template) in PARTS.items():
            if service in unavailable:
                child[part] = {"status": "missing", "service": service, "reason": unavailable[service]}
                continue
            if feed_refusal(service) is not None:
                child[part] = {"status": "missing", "service": service, "reason": "revocation feed stale"}
                continue
            path = template.format(child_id=child["child_id"])
            remaining = max(0.05, deadline - time.monotonic())
            futures[gw.executor.submit(gw.fetch_json, service, path, headers=headers, timeout=remaining)] = \
                (index, part, service)

    pending = set(futures)
    while pending:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        done, pending = wait(pending, timeout=remaining, return_when=FIRST_COMPLETED)
        for future in done:
            index, part, service = futures[future]
            children[index][part] = _part_result(future, service)
    for future in pending:
        future.cancel()
        index, part, service = futures[future]
        children[index][part] = {"status": "missing", "service": service, "reason": "timeout"}

    complete = all(c.get(p, {}).get("status") == "ok" for c in children for p in PARTS)
    return {"me": me, "children": children, "complete": complete, "unavailable_services": unavailable,
            "elapsed_ms": round((time.monotonic() - started) * 1000, 1)}


def _part_result(future, service: str) -> dict:
    try:
        status, body = future.result()
    except UpstreamFailure as failure:
        reason = {503: "unavailable", 504: "timeout"}.get(failure.status, "bad response")
        return {"status": "missing", "service": service, "reason": reason}
    except Exception as exc:  # never let one part fail the screen
        return {"status": "missing", "service": service, "reason": f"error: {exc.__class__.__name__}"}
    if status == 200:
        return {"status": "ok", "service": service, "data": body}
    return {"status": "missing", "service": service, "reason": _reason_for_status(status)}
