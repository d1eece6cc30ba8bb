"""Caller resolution: the token is verified, the caller comes from the service's own records,
and every way a request can lack a valid token ends in 401 problem+json."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from kabinet_kit.callers import Caller, CallerResolver, Grant
from kabinet_kit.errors import Unauthenticated
from kabinet_kit.testing.tokens import TokenMinter
from kabinet_kit.tokens import CachingVerifier, TokenVerifier
from kabinet_kit.web import RequestTransaction, create_base_app


@dataclass(frozen=True)
class SchoolCaller(Caller):
    def teaches(self, organisation_id: str) -> bool:
        return self.has("teacher", organisation_id)


class FakeSessions:
    """Stands in for a sessionmaker: the resolver only hands the session to the loader."""
    def __call__(self):
        return self

    def close(self) -> None:
        pass

    def rollback(self) -> None:
        pass

    def commit(self) -> None:
        pass


@pytest.fixture
def minter():
    return TokenMinter()


@pytest.fixture
def app(minter) -> Flask:
    known = {"acc-1": SchoolCaller("acc-1", "p-1", "staff", (Grant("teacher", "org-1"),))}
    loads: list[str] = []

    def load(_session, principal):
        loads.append(principal.account_id)
        if principal.account_id not in known:
            raise Unauthenticated("The account is not active.")
        return known[principal.account_id]

    resolve = CallerResolver(load, CachingVerifier(TokenVerifier(minter.key_source, audience="kabinet",
                                                                 issuer="kabinet-identity")))
    app, _api = create_base_app("sample", title="sample")
    RequestTransaction(FakeSessions()).init_app(app)
    app.extensions["loads"] = loads

    @app.get("/whoami")
    def whoami():
        first, second = resolve(), resolve()
        assert first is second
        return {"account": first.account_id, "teaches": first.teaches("org-1")}
    return app


def test_a_valid_token_gives_the_caller_from_the_records(app, minter):
    token = minter.token("acc-1", "p-1", roles=[{"role": "department_officer"}])
    response = app.test_client().get("/whoami", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json == {"account": "acc-1", "teaches": True}
    assert app.extensions["loads"] == ["acc-1"]  # loaded once per request


@pytest.mark.parametrize("header", [None, "Basic abc", "Bearer ", "Bearer not-a-token"])
def test_missing_or_malformed_tokens_are_401(app, header):
    response = app.test_client().get("/whoami", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_tokens_the_verifier_refuses_are_401(app, minter):
    stranger = TokenMinter(kid=minter.kid)
    for token in (minter.token("acc-1", "p-1", ttl=-10), stranger.token("acc-1", "p-1"),
                  minter.token("acc-1", "p-1", iss="someone-else"), minter.token("acc-1", "p-1", typ="refresh"),
                  minter.token("acc-unknown", "p-9")):
        response = app.test_client().get("/whoami", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token


def test_grants_answer_scope_questions():
    caller = Caller("a", "p", "staff", (Grant("tutor", "org-1", "g-1"), Grant("teacher", "org-1"),
                                         Grant("institution_admin", "org-2")))
    assert caller.has("teacher") and caller.has("teacher", "org-1") and not caller.has("teacher", "org-2")
    assert caller.has_any(("teacher", "institution_admin"), "org-2")
    assert caller.organisations() == {"org-1", "org-2"} and caller.organisations("institution_admin") == {"org-2"}
    assert caller.groups("tutor") == {"g-1"} and caller.groups("teacher") == set()


def test_the_issue_time_keeps_its_fraction_of_a_second(minter):
    """issue 11, finding 4: revocation cut-offs compare issue times exactly, not by the second."""
    import time

    issued = float(int(time.time()) - 1) + 0.654321
    verifier = TokenVerifier(minter.key_source, audience="kabinet", issuer="kabinet-identity")
    assert verifier.verify(minter.token("acc-1", "p-1", iat=issued)).issued_at == issued
