"""Composite reads' fan-out: GET several upstream paths in parallel under one deadline, each
answer becoming a *part* — ``{"status": "ok", "service", "data"}`` or ``{"status": "missing",
"service", "reason"}``. One part failing never fails the others (nor the response)."""
from __future__ import annotations

import time
from collections.abc import Hashable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, wait
from typing import Any

from .edge import feed_refusal
from .gateway import Gateway
from .proxy import UpstreamFailure

Part = dict[str, Any]


def unavailable_services(gw: Gateway, services: Iterable[str]) -> dict[str, str]:
    """Asked once per service, before any call: one not deployed or not healthy is not called."""
    return {service: "not deployed" if service not in gw.upstreams else "unavailable"
            for service in sorted(set(services))
            if service not in gw.upstreams or not gw.health.is_healthy(service)}


def missing(service: str, reason: str) -> Part:
    return {"status": "missing", "service": service, "reason": reason}


def reason_for_status(status: int) -> str:
    return {401: "unauthenticated", 403: "forbidden", 404: "not found", 410: "gone"}.get(
        status, "error" if status >= 500 else f"status {status}")


def gather(gw: Gateway, jobs: Mapping[Hashable, tuple[str, str]], *, headers: dict[str, str], deadline: float,
           unavailable: Mapping[str, str]) -> dict[Hashable, Part]:
    """``jobs`` (key → (service, path)) fetched in parallel until ``deadline`` (monotonic)."""
    parts: dict[Hashable, Part] = {}
    futures = {}
    for key, (service, path) in jobs.items():
        if service in unavailable:
            parts[key] = missing(service, unavailable[service])
        elif feed_refusal(service) is not None:
            parts[key] = missing(service, "revocation feed stale")
        else:
            remaining = max(0.05, deadline - time.monotonic())
            futures[gw.executor.submit(gw.fetch_json, service, path, headers=headers, timeout=remaining)] = \
                (key, service)
    pending = set(futures)
    while pending:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        done, pending = wait(pending, timeout=remaining, return_when=FIRST_COMPLETED)
        for future in done:
            key, service = futures[future]
            parts[key] = _part_result(future, service)
    for future in pending:
        future.cancel()
        key, service = futures[future]
        parts[key] = missing(service, "timeout")
    return parts


def _part_result(future, service: str) -> Part:
    try:
        status, body = future.result()
    except UpstreamFailure as failure:
        return missing(service, {503: "unavailable", 504: "timeout"}.get(failure.status, "bad response"))
    except Exception as exc:  # never let one part fail the screen
        return missing(service, f"error: {exc.__class__.__name__}")
    if status == 200:
        return {"status": "ok", "service": service, "data": body}
    return missing(service, reason_for_status(status))
