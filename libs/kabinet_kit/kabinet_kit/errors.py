"""Errors that become problem+json responses, and the table mapping them to HTTP statuses.

Services raise these (or subclasses) from their service layer; the web layer turns them into
``application/problem+json`` with the status from ``STATUS_BY_ERROR`` and the ``type`` and
``title`` of the class's ``code`` (see problems.py).
"""
from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    code = "bad-request"

    def __init__(self, detail: str | None = None, *, errors: dict[str, Any] | None = None, **extra: Any):
        super().__init__(detail or self.code)
        self.detail = detail
        self.errors = errors
        self.extra = extra


class InvalidInput(ServiceError):
    code = "invalid-input"


class Unauthenticated(ServiceError):
    code = "unauthenticated"


class PermissionDenied(ServiceError):
    code = "forbidden"


class NotFound(ServiceError):
    code = "not-found"


class Conflict(ServiceError):
    code = "conflict"


class Gone(ServiceError):
    code = "gone"


class PreconditionFailed(ServiceError):
    """The client saved over a version that is no longer current; the answer carries the current one."""

    code = "precondition-failed"

    def __init__(self, detail: str | None = None, *, etag: str, **kw: Any):
        super().__init__(detail, **kw)
        self.etag = etag


class PreconditionRequired(ServiceError):
    code = "precondition-required"


class UnsupportedMediaType(ServiceError):
    code = "unsupported-media-type"


class RateLimited(ServiceError):
    code = "rate-limited"

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
    PreconditionFailed: 412,
    PreconditionRequired: 428,
    UnsupportedMediaType: 415,
    RateLimited: 429,
}


def status_for(error: ServiceError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400
