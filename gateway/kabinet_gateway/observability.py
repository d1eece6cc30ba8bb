"""The gateway's own metrics and what it adds to the kit's access log (the upstream)."""
from __future__ import annotations

import logging

from flask import Flask, current_app, g, has_request_context
from prometheus_client import Counter, Histogram

METRICS_KEY = "kabinet.gateway_metrics"


def register_metrics(app: Flask) -> None:
    registry = app.extensions["kabinet.metrics"]
    app.extensions[METRICS_KEY] = {
        "upstream": Histogram("gateway_upstream_duration_seconds", "Time to the upstream's response headers",
                              ["service", "status"], registry=registry,
                              buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10)),
        "auth_failures": Counter("gateway_auth_failures_total", "Refused tokens", ["reason"], registry=registry),
        "rate_limited": Counter("gateway_rate_limited_total", "Requests refused by a rate limit",
                                ["service", "path"], registry=registry),
    }


def counter(name: str) -> Counter:
    return current_app.extensions[METRICS_KEY][name]


def histogram(name: str) -> Histogram:
    return current_app.extensions[METRICS_KEY][name]


def count_auth_failure(reason: str, metrics: dict | None) -> None:
    if metrics:
        short = reason.split(":", 1)[0][:40]
        metrics["auth_failures"].labels(short).inc()


# The kit writes one JSON line per request; the gateway adds the upstream.
class _UpstreamLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.upstream = g.get("upstream")
            if g.get("upstream_status") is not None:
                record.upstream_status = g.get("upstream_status")
                record.upstream_ms = g.get("upstream_ms")
        return True


_LOG_FILTER = _UpstreamLogFilter()


def install_access_log_filter() -> None:
    access = logging.getLogger("kabinet.access")
    if _LOG_FILTER not in access.filters:
        access.addFilter(_LOG_FILTER)
