"""Shared fixtures: tokens minted like identity's (the kit's TokenMinter) and a gateway app."""
from __future__ import annotations

import time
import uuid

import pytest

from kabinet_kit.testing.http import closed_port_url
from kabinet_kit.testing.tokens import TokenMinter

KID = "test-key-1"
GUARDIAN = ({"role": "guardian", "organisation_id": None, "group_id": None},)


@pytest.fixture(scope="session")
def minter() -> TokenMinter:
    return TokenMinter(KID)


@pytest.fixture(scope="session")
def jwks(minter):
    return minter.jwks()


@pytest.fixture(scope="session")
def mint(minter):
    """mint(**claims) -> (token, claims); ``key`` signs with another key, ``headers`` overrides
    the JOSE header, a claim set to None is left out."""
    def _mint(key=None, headers=None, sub=None, pid=None, **overrides):
        claims = minter.claims(sub or str(uuid.uuid4()), pid or str(uuid.uuid4()), roles=GUARDIAN, **overrides)
        return minter.encode(claims, key=key, headers=headers), claims
    return _mint


@pytest.fixture(scope="session")
def feed_alive():
    """feed_alive(app) -> app: the revocation feed heard from just now and fresh for an hour, for
    tests of anything but the feed (without it every upstream but identity answers 503)."""
    def _alive(app):
        revocations = app.extensions["kabinet.gateway"].revocations
        revocations.feed_max_age = 3600
        revocations.heartbeat(time.time())
        return app
    return _alive


@pytest.fixture
def make_app(minter, feed_alive):
    """A gateway app without a database (revocations in memory only) and chosen upstreams."""
    apps = []

    def _make(**settings):
        from kabinet_gateway.bootstrap import create_app
        settings.setdefault("database_url", None)
        settings.setdefault("key_source", minter.key_source)
        settings.setdefault("upstreams", {"identity": closed_port_url()})
        app = feed_alive(create_app(settings))
        apps.append(app)
        return app
    yield _make
    for app in apps:
        app.extensions["kabinet.gateway"].close()
