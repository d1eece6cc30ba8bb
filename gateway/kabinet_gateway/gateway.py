"""The gateway's per-process state: upstream pools, token checks, revocations, limits, workers."""
from __future__ import annotations

import json
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import urllib3
from flask import current_app
from sqlalchemy.orm import sessionmaker

from .auth import LOGIN_PATH, REDEEM_PATH, Authenticator
from .config import Settings
from .proxy import Forwarded, Upstream, UpstreamFailure, forward, make_upstream
from .ratelimit import RateLimiter
from .revocations import RevocationList
from .upstream_health import UpstreamHealth

log = logging.getLogger("kabinet.gateway")


class Gateway:
    def __init__(self, settings: Settings, *, session_factory: sessionmaker[Any] | None = None,
                 authenticator: Authenticator | None = None):
        self.settings = settings
        self.session_factory = session_factory
        self.upstreams: dict[str, Upstream] = {
            name: make_upstream(name, url, maxsize=settings.pool_maxsize, connect_timeout=settings.connect_timeout,
                                read_timeout=settings.read_timeout, proof_secret=settings.gateway_proof)
            for name, url in settings.upstreams.items()}
        self.health = UpstreamHealth(self.upstreams, interval=settings.upstream_check_interval,
                                     timeout=settings.health_timeout)
        if not settings.gateway_proof:
            log.error("no gateway proof secret (KABINET_GATEWAY_PROOF or KABINET_SECRETS_DIR/gateway-proof): "
                      "the services will refuse every request forwarded to them")
        self.authenticator = authenticator or Authenticator.for_settings(settings)
        self.revocations = RevocationList(session_factory, poll=settings.revocation_poll,
                                          max_staleness=settings.revocation_max_staleness,
                                          retention=settings.revocation_retention,
                                          feed_max_age=settings.revocation_feed_max_age)
        self.limiters = {LOGIN_PATH: RateLimiter(*settings.login_limit),
                         REDEEM_PATH: RateLimiter(*settings.redeem_limit)}
        self._executor: ThreadPoolExecutor | None = None
        self._executor_pid: int | None = None
        self._lock = threading.Lock()
        self.docs_cache: tuple[float, dict] | None = None

    # A worker pool per process, created after gunicorn's fork.
    @property
    def executor(self) -> ThreadPoolExecutor:
        pid = os.getpid()
        if self._executor is None or self._executor_pid != pid:
            with self._lock:
                if self._executor is None or self._executor_pid != pid:
                    self._executor = ThreadPoolExecutor(max_workers=32, thread_name_prefix="gateway-fanout")
                    self._executor_pid = pid
        return self._executor

    def limiter_for(self, service: str, path: str) -> RateLimiter | None:
        return self.limiters.get((service, path))

    def healthy_upstream(self, service: str) -> Upstream:
        """The upstream, if it is configured and healthy; else UpstreamFailure (503), and nothing
        is sent to it."""
        upstream = self.upstreams.get(service)
        if upstream is None:
            raise UpstreamFailure(service, 503, f"The {service} service is not deployed.")
        if not self.health.is_healthy(service):
            raise UpstreamFailure(service, 503,
                                  f"The {service} service is unreachable or fails its health check; retry later.")
        return upstream

    def forward(self, service: str, *args: Any, **kwargs: Any) -> Forwarded:
        """Forward to a healthy upstream; a connection that fails marks it unhealthy at once."""
        upstream = self.healthy_upstream(service)
        try:
            return forward(upstream, *args, **kwargs)
        except UpstreamFailure as failure:
            if failure.status == 503:  # refused or not connected in time: the service is not there
                self.health.failed(service, failure.detail)
            raise

    def fetch_json(self, service: str, path: str, *, headers: dict[str, str] | None = None,
                   timeout: float | None = None) -> tuple[int, Any]:
        """GET a healthy service's JSON (composite reads, docs); ``path`` may carry a query (already
        encoded). Raises UpstreamFailure."""
        t = urllib3.Timeout(connect=min(self.settings.connect_timeout, timeout or 1e9),
                            read=timeout if timeout is not None else self.settings.read_timeout)
        path, _, query = path.partition("?")
        fwd = self.forward(service, "GET", path.lstrip("/"), query.encode("latin-1"),
                           {"Accept": "application/json", **(headers or {})}, None, timeout=t)
        raw = fwd.body if fwd.body is not None else b"".join(fwd.iter())
        try:
            return fwd.status, json.loads(raw) if raw else None
        except ValueError:
            raise UpstreamFailure(service, 502, f"The {service} service returned invalid JSON.") from None

    def close(self) -> None:
        self.revocations.stop()
        self.health.stop()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        for upstream in self.upstreams.values():
            upstream.pool.close()


def current_gateway() -> Gateway:
    return current_app.extensions["kabinet.gateway"]
