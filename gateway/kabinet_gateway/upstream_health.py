"""Which upstreams may receive requests now (issue 11, finding 7).

Only a configured upstream whose ``/healthz`` answers 200 with ``{"status": "ok"}`` gets
requests, so a caller's bearer token never goes to a port where the service is not running, or
where some other process listens. Each process keeps every upstream's state:

* a daemon thread (started on first use, so after gunicorn's fork) checks them all every
  ``upstream_check_interval`` seconds;
* a request that finds an upstream never checked, or unhealthy, checks it again first (requests
  arriving meanwhile share that one check), so a restarted service is used again straight away
  and a down one costs a refused connection, never a token;
* a connection that fails while forwarding marks the upstream unhealthy at once (a circuit
  breaker), without waiting for the next check.

Checks carry no credentials and no caller's headers.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import urllib3
from urllib3.exceptions import HTTPError

from .proxy import Upstream

log = logging.getLogger("kabinet.gateway.health")


@dataclass
class UpstreamState:
    healthy: bool | None = None  # None: not checked yet
    checked_at: float = 0.0
    reason: str = "not checked yet"


class UpstreamHealth:
    def __init__(self, upstreams: Mapping[str, Upstream], *, interval: float, timeout: float,
                 clock: Callable[[], float] = time.monotonic):
        self.upstreams = dict(upstreams)
        self.interval, self.timeout = interval, timeout
        self._clock = clock
        self._states = {name: UpstreamState() for name in self.upstreams}
        self._checking = {name: threading.Lock() for name in self.upstreams}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the question every forward asks --------------------------------------------------
    def is_healthy(self, name: str) -> bool:
        state = self._states.get(name)
        if state is None:
            return False  # not configured
        self.start()
        asked = self._clock()
        # A healthy state older than a few intervals means the checker is not running: ask again.
        if not state.healthy or asked - state.checked_at >= 3 * self.interval:
            self.check(name, unless_checked_since=asked)
        return bool(self._states[name].healthy)

    def failed(self, name: str, reason: str) -> None:
        """A request could not reach the upstream: no more requests until a check succeeds."""
        if name in self._states:
            self._set(name, False, f"unavailable: {reason}")

    def snapshot(self) -> dict[str, str]:
        return {name: "ok" if state.healthy else state.reason for name, state in self._states.items()}

    # -- checks -----------------------------------------------------------------------------
    def check(self, name: str, *, unless_checked_since: float | None = None) -> bool:
        with self._checking[name]:
            state = self._states[name]
            if unless_checked_since is not None and state.healthy is not None \
                    and state.checked_at > unless_checked_since:
                return bool(state.healthy)  # another request checked it while we waited
            healthy, reason = self.probe(self.upstreams[name])
            self._set(name, healthy, reason)
            return healthy

    def probe(self, upstream: Upstream) -> tuple[bool, str]:
        timeout = urllib3.Timeout(connect=self.timeout, read=self.timeout)
        try:
            response = upstream.pool.urlopen("GET", upstream.base_path + "/healthz",
                                             headers={"Accept": "application/json"}, retries=False,
                                             redirect=False, assert_same_host=False, timeout=timeout)
        except (HTTPError, OSError) as exc:
            return False, f"unavailable: unreachable ({exc.__class__.__name__})"
        if response.status != 200:
            return False, f"unavailable: health check answered {response.status}"
        try:
            body = json.loads(response.data)
        except ValueError:
            return False, "unavailable: health check answered no JSON"
        if not (isinstance(body, dict) and body.get("status") == "ok"):
            return False, "unavailable: health check did not say ok"
        return True, "ok"

    def _set(self, name: str, healthy: bool, reason: str) -> None:
        state = self._states[name]
        if state.healthy is not None and state.healthy != healthy:
            log.warning("upstream %s", "healthy" if healthy else "unhealthy",
                        extra={"upstream": name, "reason": reason})
        state.healthy, state.reason, state.checked_at = healthy, reason, self._clock()

    # -- the checker thread -----------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            for name in self.upstreams:
                try:
                    self.check(name)
                except Exception as exc:  # never let the checker die
                    self._set(name, False, f"unavailable: {exc.__class__.__name__}")

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="upstream-health", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
