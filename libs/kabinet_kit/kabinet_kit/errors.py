"""Errors that become problem+json responses, and the table mapping them to HTTP statuses.

Services raise these (or subclasses) from their service layer; the web layer turns them into
``application/problem+json`` with the status from ``STATUS_BY_ERROR``.
"""
from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    title = "Request failed"

    def __init__(self, detail: str | None = None, *, errors: dict[str, Any] | None = None, **extra: Any):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors
        self.extra = extra


class InvalidInput(ServiceError):
    title = "Invalid input"


class Unauthenticated(ServiceError):
    title = "Authentication required"


class PermissionDenied(ServiceError):
    title = "Forbidden"


class NotFound(ServiceError):
    title = "Not found"


class Conflict(ServiceError):
    title = "Conflict"


class Gone(ServiceError):
    title = "Gone"


class RateLimited(ServiceError):
    title = "Too many requests"

    def __init__(self, detail: str | None = None, *, retry_after: int = 60, **kw: Any):
        super().__init__(detail, **kw)
        self.retry_after = retry_after


STATUS_BY_ERROR: dict[type[ServiceError], int] = {
    InvalidInput: 422,
    Unauthenticated: 401,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    Gone: 410,
    RateLimited: 429,
}


def status_for(error: ServiceError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400
