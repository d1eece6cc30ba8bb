"""``/readyz`` for the gateway: its database, revocations and their feed, and every upstream's own health."""
from __future__ import annotations

from concurrent.futures import Future, wait
from typing import Any

from sqlalchemy import text

from kabinet_kit.bus import broker_reachable
from kabinet_kit.ops import visible_readiness

from .gateway import current_gateway
from .proxy import UpstreamFailure


def readyz() -> tuple[dict[str, Any], int]:
    gw = current_gateway()
    s = gw.settings
    checks: dict[str, str] = {}
    if gw.session_factory is not None:
        try:
            with gw.session_factory() as session:
                session.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unavailable: {exc.__class__.__name__}"
    gw.revocations.start()
    checks["revocations"] = "ok" if gw.revocations.fresh else f"stale: {gw.revocations.last_error}"
    checks["revocation_feed"] = gw.revocations.feed_state()

    futures = {name: gw.executor.submit(gw.fetch_json, name, "healthz", timeout=s.health_timeout)
               for name in gw.upstreams}
    broker_future = gw.executor.submit(broker_reachable, s.web_amqp_url, s.health_timeout) if s.web_amqp_url else None
    pending: list[Future[Any]] = [*futures.values(), *([broker_future] if broker_future else [])]
    wait(pending, timeout=s.health_timeout + 1)
    upstreams: dict[str, str] = {}
    for name, future in futures.items():
        try:
            status, _ = future.result(timeout=0)
            upstreams[name] = "ok" if status == 200 else f"unavailable: status {status}"
        except UpstreamFailure as failure:
            upstreams[name] = "unavailable" if failure.status == 503 else (
                "timeout" if failure.status == 504 else "bad response")
        except Exception as exc:
            upstreams[name] = f"unavailable: {exc.__class__.__name__}"
    try:
        # Reported, not required: the web workers do not use the broker (the consumer does).
        broker = ("not configured" if broker_future is None
                  else "ok" if broker_future.result(timeout=0) else "unavailable")
    except Exception:
        broker = "unavailable"
    required_ok = all(upstreams.get(name) == "ok" for name in s.required_upstreams if name in gw.upstreams)
    ready = all(v == "ok" for v in checks.values()) and required_ok
    body = {"status": "ready" if ready else "not ready", "checks": checks, "broker": broker,
            "upstreams": upstreams, "required_upstreams": list(s.required_upstreams)}
    return visible_readiness(body), 200 if ready else 503
