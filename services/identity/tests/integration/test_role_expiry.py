"""Role grants with an end date (seed 004 §4.1, issue 12): past it, the grant is out of new
tokens and /me at once, and identity's relay process revokes it with the event a manual
revocation sends, which reaches the bus through the outbox."""
import json
import time
import uuid
from datetime import timedelta

import jwt
import pytest
from kombu import Connection, Queue

from kabinet_identity.bootstrap import create_relay, create_role_expiry
from kabinet_identity.config import Settings
from kabinet_identity.models import OUTBOX
from kabinet_kit.events import utcnow
from kabinet_kit.testing import admin_amqp_url, service_amqp_url


def _roles_in_token(api, login):
    token = api.login(login).json["access_token"]
    return jwt.decode(token, options={"verify_signature": False})["roles"]


@pytest.fixture()
def revocations():
    name = f"test.identity-roles.{uuid.uuid4().hex[:8]}"
    with Connection(admin_amqp_url(), connect_timeout=5) as conn:
        channel = conn.channel()
        Queue(name, durable=False, auto_delete=False)(channel).declare()
        channel.queue_bind(queue=name, exchange="identity.events", routing_key="#")
        yield name
        channel.queue_delete(name)


def _received(queue_name):
    messages = []
    with Connection(admin_amqp_url(), connect_timeout=5) as conn:
        queue = conn.SimpleQueue(queue_name, no_ack=True, queue_opts={"durable": False, "auto_delete": False})
        while True:
            try:
                messages.append(json.loads(queue.get(timeout=1).body))
            except queue.Empty:
                break
        queue.close()
    return messages


def test_an_expired_grant_leaves_the_token_and_is_revoked_on_the_bus(fresh_api, revocations):
    school1 = next(r["organisation_id"] for r in fresh_api.me("deputy1")["roles"])
    deputy = fresh_api.me("deputy1")["account_id"]
    until = utcnow() + timedelta(seconds=1.5)
    grant = fresh_api.ok("school1-admin", "POST", f"/accounts/{deputy}/roles", 201, json={
        "role": "teacher", "organisation_id": school1, "valid_until": until.isoformat()})
    assert grant["valid_until"]
    assert "teacher" in {r["role"] for r in _roles_in_token(fresh_api, "deputy1")}
    time.sleep(max(0.0, (until - utcnow()).total_seconds()) + 0.1)
    # Past its end date: out of tokens and /me before the relay process gets to it.
    assert "teacher" not in {r["role"] for r in _roles_in_token(fresh_api, "deputy1")}
    fresh_api.forget("deputy1")
    assert "teacher" not in {r["role"] for r in fresh_api.me("deputy1")["roles"]}
    assert "deputy_director" in {r["role"] for r in fresh_api.me("deputy1")["roles"]}
    settings = Settings.load({"database_url": fresh_api.deps.settings.database_url})
    expiry = create_role_expiry(settings)
    expiry.once()
    expiry.once()  # nothing twice
    revoked = [d for t, d in fresh_api.outbox(OUTBOX) if t == "identity.role.revoked.v1"]
    assert [d["assignment_id"] for d in revoked] == [grant["assignment_id"]]
    assert revoked[0]["sequence"] == 2 and revoked[0]["account_id"] == deputy
    account = fresh_api.ok("school1-admin", "GET", f"/accounts/{deputy}")
    assert next(r for r in account["roles"] if r["assignment_id"] == grant["assignment_id"])["revoked_at"]
    relay = create_relay(Settings(database_url=settings.database_url,
                                  relay_amqp_url=service_amqp_url("identity", "relay")))
    try:
        relay.drain()
    finally:
        relay.close()
        expiry.session_factory.kw["bind"].dispose()
    on_bus = [e for e in _received(revocations) if e["type"] == "identity.role.revoked.v1"]
    assert [e["data"]["assignment_id"] for e in on_bus] == [grant["assignment_id"]]


def test_a_grant_cannot_end_in_the_past(fresh_api):
    school1 = next(r["organisation_id"] for r in fresh_api.me("deputy1")["roles"])
    deputy = fresh_api.me("deputy1")["account_id"]
    refused = fresh_api.problem("school1-admin", "POST", f"/accounts/{deputy}/roles", 422, json={
        "role": "teacher", "organisation_id": school1, "valid_until": (utcnow() - timedelta(days=1)).isoformat()})
    assert "valid_until" in refused["errors"]
    naive = fresh_api.problem("school1-admin", "POST", f"/accounts/{deputy}/roles", 422, json={
        "role": "teacher", "organisation_id": school1, "valid_until": "2030-01-01T00:00:00"})
    assert "valid_until" in naive["errors"]
