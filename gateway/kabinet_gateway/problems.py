"""Gateway errors that become problem+json (through the kit's ``problem``)."""
from __future__ import annotations


class GatewayProblem(Exception):
    def __init__(self, status: int, title: str, detail: str | None = None, *, headers: dict | None = None, **extra):
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


def unauthenticated(detail: str) -> GatewayProblem:
    error = "invalid_token" if detail != "missing bearer token" else "invalid_request"
    return GatewayProblem(401, "Authentication required", detail,
                          headers={"WWW-Authenticate": f'Bearer realm="kabinet", error="{error}"'})
