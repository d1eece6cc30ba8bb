"""Per-client rate limits (token buckets) for the login and code-redemption endpoints.

Buckets live in each worker's memory: with N gunicorn workers a client can get at most N times
the configured rate. Identity adds its own lockout after repeated failed logins and its own
limit on redemption attempts, so this is a first barrier, not the only one.
"""
from __future__ import annotations

import math
import threading
import time


class RateLimiter:
    def __init__(self, count: int, per_seconds: float, *, clock=time.monotonic, max_keys: int = 100_000):
        self.capacity = float(count)
        self.rate = count / per_seconds  # tokens per second
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, updated)
        self._lock = threading.Lock()

    def hit(self, key: str) -> tuple[bool, int]:
        """Take one token for ``key``. Returns (allowed, retry_after_seconds)."""
        now = self.clock()
        with self._lock:
            tokens, updated = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - updated) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                allowed, retry = True, 0
            else:
                self._buckets[key] = (tokens, now)
                allowed, retry = False, max(1, math.ceil((1.0 - tokens) / self.rate))
            if len(self._buckets) > self.max_keys:
                self._evict(now)
        return allowed, retry

    def _evict(self, now: float) -> None:
        full_after = self.capacity / self.rate
        for key, (_tokens, updated) in list(self._buckets.items()):
            if now - updated >= full_after:
                del self._buckets[key]
