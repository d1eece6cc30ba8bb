"""The revocation list's cut-offs at their boundaries, without a database (issue 11, finding 4)."""
from __future__ import annotations

from datetime import UTC, datetime

from kabinet_gateway.revocations import PASSWORD_CHANGED, RevocationList, revocation_row
from kabinet_kit.events import CloudEvent

ACCOUNT = "6fa459ea-ee8a-3ca4-894e-db77e160355e"
CHANGED_AT = datetime(2026, 9, 1, 10, 0, 0, 500_000, tzinfo=UTC)


class Row:
    def __init__(self, **fields):
        self.__dict__.update(fields)


def _list_after(event: CloudEvent) -> RevocationList:
    revoked = RevocationList(None)
    revoked.apply(Row(**revocation_row(event)))
    return revoked


def test_a_password_change_cuts_off_exactly_at_its_instant():
    event = CloudEvent(type=PASSWORD_CHANGED, source="/kabinet/identity",
                       data={"account_id": ACCOUNT, "sessions_revoked_before": CHANGED_AT.isoformat()})
    cutoff = CHANGED_AT.timestamp()
    assert revocation_row(event)["issued_before"] == cutoff
    revoked = _list_after(event)
    # The same second as the change: before it refused, at or after it accepted.
    assert revoked.is_revoked(ACCOUNT, "s", cutoff - 0.000_001)
    assert revoked.is_revoked(ACCOUNT, "s", CHANGED_AT.replace(microsecond=100_000).timestamp())
    assert not revoked.is_revoked(ACCOUNT, "s", cutoff)
    assert not revoked.is_revoked(ACCOUNT, "s", CHANGED_AT.replace(microsecond=700_000).timestamp())
    assert not revoked.is_revoked("another-account", "s", cutoff - 10)


def test_a_later_change_moves_the_cut_off_and_an_earlier_one_does_not():
    revoked = RevocationList(None)
    for at in (CHANGED_AT, CHANGED_AT.replace(microsecond=900_000), CHANGED_AT.replace(microsecond=200_000)):
        revoked.apply(Row(**revocation_row(CloudEvent(type=PASSWORD_CHANGED, source="/kabinet/identity", data={
            "account_id": ACCOUNT, "sessions_revoked_before": at.isoformat()}))))
    assert revoked.is_revoked(ACCOUNT, "s", CHANGED_AT.replace(microsecond=899_999).timestamp())
    assert not revoked.is_revoked(ACCOUNT, "s", CHANGED_AT.replace(microsecond=900_000).timestamp())


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_feed_is_fresh_only_while_its_newest_heartbeat_is_within_the_bound():
    clock = Clock(1_800_000_000.0)
    feed = RevocationList(None, feed_max_age=30, wall_clock=clock)
    assert not feed.feed_fresh and feed.feed_state() == "stale since 2027-01-15T08:00:00+00:00"  # never heard
    feed.heartbeat(clock.now - 10)
    assert feed.feed_fresh and feed.feed_state() == "ok"
    clock.now += 20  # the heartbeat is 30 s old: still within
    assert feed.feed_fresh
    clock.now += 0.5
    assert not feed.feed_fresh and feed.feed_state() == "stale since 2027-01-15T08:00:20+00:00"
    feed.heartbeat(clock.now - 300)  # a late old one changes nothing
    assert not feed.feed_fresh
    feed.heartbeat(clock.now - 1)
    assert feed.feed_fresh
