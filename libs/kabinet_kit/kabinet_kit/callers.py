"""Who is calling: the bearer token verified, then the caller loaded from the service's own
records (never from the roles a token claims — identity may have revoked them since).

A service passes :class:`CallerResolver` a loader that builds its caller from its tables; its
views call the resolver. Grants are roles bound to a scope; services add their own rules on
top of :class:`Caller` (a subclass with the questions their rules ask).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from flask import current_app, g, request
from sqlalchemy.orm import Session

from .errors import Unauthenticated
from .tokens import InvalidToken, Principal, Verifier, bearer_token
from .web import request_session


@dataclass(frozen=True)
class Grant:
    """A role held in a scope: an organisation, and within it possibly one group."""
    role: str
    organisation_id: str | None = None
    group_id: str | None = None


@dataclass(frozen=True)
class Caller:
    account_id: str
    person_id: str
    person_kind: str = ""
    grants: tuple[Grant, ...] = ()
    #: People in the caller's care (for a guardian: the children), before any consent check.
    children: frozenset[str] = field(default_factory=frozenset)

    def has(self, role: str, organisation_id: str | None = None) -> bool:
        return any(g.role == role and (organisation_id is None or g.organisation_id == organisation_id)
                   for g in self.grants)

    def has_any(self, roles: tuple[str, ...], organisation_id: str | None = None) -> bool:
        return any(self.has(role, organisation_id) for role in roles)

    def organisations(self, *roles: str) -> set[str]:
        """Organisations where the caller holds any of ``roles`` (any role when none given)."""
        return {g.organisation_id for g in self.grants
                if g.organisation_id and (not roles or g.role in roles)}

    def groups(self, *roles: str) -> set[str]:
        """Groups where the caller holds any of ``roles`` (any role when none given)."""
        return {g.group_id for g in self.grants if g.group_id and (not roles or g.role in roles)}


C = TypeVar("C", bound=Caller)


class CallerResolver(Generic[C]):
    """The caller of the current request, resolved once and kept for the request.

    A service's ``api/common.py`` makes one at import (``caller = CallerResolver(load_caller)``);
    the token is checked by the app's own verifier (``Deps.verifier``) unless one is given."""

    def __init__(self, load: Callable[[Session, Principal], C], verifier: Verifier | None = None):
        self.load = load
        self.verifier = verifier

    def __call__(self) -> C:
        cached: C | None = g.get("kabinet_caller")
        if cached is not None:
            return cached
        token = bearer_token(request.headers.get("Authorization"))
        if token is None:
            raise Unauthenticated("A bearer access token is required.")
        verifier: Verifier = self.verifier or current_app.extensions["kabinet.deps"].verifier
        try:
            principal = verifier.verify(token)
        except InvalidToken as exc:
            raise Unauthenticated(str(exc)) from None
        caller = self.load(request_session(), principal)
        g.kabinet_caller, g.kabinet_principal = caller, principal
        return caller


def current_principal() -> Principal | None:
    """The verified token of the current request, once the caller has been resolved."""
    principal: Principal | None = g.get("kabinet_principal")
    return principal
