"""Gateway errors that become problem+json (through the kit's ``problem``)."""
from __future__ import annotations


class GatewayProblem(Exception):
    """``code``: the problem type (kabinet_kit.problems), by default the status's."""

    def __init__(self, status: int, detail: str | None = None, *, code: str | None = None,
                 headers: dict | None = None, **extra):
        super().__init__(detail or str(status))
        self.status = status
        self.detail = detail
        self.code = code
        self.headers = headers or {}
        self.extra = extra


def unauthenticated(detail: str) -> GatewayProblem:
    error = "invalid_token" if detail != "missing bearer token" else "invalid_request"
    return GatewayProblem(401, detail,
                          headers={"WWW-Authenticate": f'Bearer realm="kabinet", error="{error}"'})
