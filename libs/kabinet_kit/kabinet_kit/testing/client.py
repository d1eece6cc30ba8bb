"""One API test client: a Flask test client that calls as a named user and checks problems,
its requests signed as the gateway signs what it forwards."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Table, func, select
from werkzeug.test import TestResponse
from werkzeug.wrappers import Request

from .. import gateway_proof

PROBLEM = "application/problem+json"


class SignedClient(FlaskClient):
    """A Flask test client whose every request carries the gateway's proof, made with the
    secret the app checks (``app.test_client()`` stays unsigned: a caller that bypasses the
    gateway)."""

    # Werkzeug's one place where the final environ of each request (redirects included) is run.
    def run_wsgi_app(self, environ: dict[str, Any], buffered: bool = False) -> tuple[Iterable[bytes], str, Any]:
        secret = self.application.extensions.get(gateway_proof.APP_KEY, "")
        if secret:
            seen = Request(environ)
            target = gateway_proof.request_target(seen.script_root + seen.path, seen.query_string)
            environ["HTTP_X_KABINET_GATEWAY"] = gateway_proof.sign(
                secret, seen.method, target, environ.get("HTTP_AUTHORIZATION"))
        return super().run_wsgi_app(environ, buffered=buffered)


def signed_client(app: Flask) -> SignedClient:
    return SignedClient(app, app.response_class, use_cookies=True)


class ApiClient:
    """Calls an app as a login; ``tokens(login)`` says how that login gets its token (minted by
    a :class:`~kabinet_kit.testing.tokens.TokenMinter`, or a real login at identity)."""

    def __init__(self, app: Flask, tokens: Callable[[str], str]):
        self.app = app
        self.client = signed_client(app)
        self._token_for = tokens
        self._tokens: dict[str, str] = {}

    def token(self, login: str) -> str:
        if login not in self._tokens:
            self._tokens[login] = self._token_for(login)
        return self._tokens[login]

    def forget(self, login: str) -> None:
        self._tokens.pop(login, None)

    def as_(self, login: str, method: str, path: str, **kwargs: Any) -> TestResponse:
        headers = dict(kwargs.pop("headers", {}) or {})
        headers["Authorization"] = f"Bearer {self.token(login)}"
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, login: str, path: str, **kwargs: Any) -> TestResponse:
        return self.as_(login, "GET", path, **kwargs)

    def post(self, login: str, path: str, **kwargs: Any) -> TestResponse:
        return self.as_(login, "POST", path, **kwargs)

    def ok(self, login: str, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        """A call that must succeed with ``status``; returns the JSON body."""
        response = self.as_(login, method, path, **kwargs)
        assert response.status_code == status, (method, path, response.status_code, response.get_json())
        return response.get_json()

    def problem(self, login: str, method: str, path: str, status: int, **kwargs: Any) -> dict[str, Any]:
        """A refusal: the status wanted, and a problem+json body (returned)."""
        response = self.as_(login, method, path, **kwargs)
        assert response.status_code == status, (method, path, response.status_code, response.get_json())
        assert response.headers["Content-Type"].startswith(PROBLEM), response.headers["Content-Type"]
        body: dict[str, Any] = json.loads(response.get_data(as_text=True))
        return body

    # -- what the service wrote ----------------------------------------------------------------
    @property
    def deps(self) -> Any:
        from ..service import app_deps
        return app_deps(self.app)

    def outbox(self, outbox: Table, prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
        """The outbox, oldest first, as (type, data)."""
        with self.deps.session_factory() as session:
            rows = session.execute(select(outbox.c.event_type, outbox.c.body)
                                   .where(outbox.c.event_type.like(f"{prefix}%")).order_by(outbox.c.id)).all()
        return [(t, json.loads(b)["data"]) for t, b in rows]

    def count(self, model: Any, *where: Any) -> int:
        with self.deps.session_factory() as session:
            return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)
