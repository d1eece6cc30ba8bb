"""Identity's events applied in each entity's order (``kabinet_kit.replicas``): an erased person is
forgotten, so a late disclosure does not bring the name back; an account's deactivation ends
every role of the account, and an older one delivered late changes nothing newer."""
from sqlalchemy import select

from kabinet_contracts import REGISTRY
from kabinet_kit.replicas import FORGOTTEN
from kabinet_kit.testing.feed import EventFeed
from kabinet_portfolio import models as m


def _sequence(w, entity: str, key: str) -> int | None:
    with w.session() as s:
        return s.scalar(select(m.VERSIONS.c.sequence).where(m.VERSIONS.c.entity == entity, m.VERSIONS.c.key == key))


def test_an_erased_pupil_is_forgotten_and_a_late_disclosure_brings_no_name_back(fresh_world):
    w = fresh_world
    ivan = w.person_of("pupil1")
    feed = EventFeed(REGISTRY, w.consumer)
    try:
        with w.session() as s:
            assert s.get(m.PupilName, ivan) is not None
        feed.send(("identity.person.erased.v1", {"person_id": ivan}))
        with w.session() as s:
            assert s.get(m.PupilName, ivan) is None
        assert _sequence(w, "person", ivan) == FORGOTTEN
        # A disclosure published before the erasure, delivered after it by a retry.
        feed.send(("identity.person.disclosed.v1", {
            "person_id": ivan, "kind": "child", "last_name": "Петров", "first_name": "Иван", "purpose": "portfolio",
            "sequence": 3, "consent_sequence": 10**6}))
        with w.session() as s:
            assert s.get(m.PupilName, ivan) is None
    finally:
        feed.close()


def test_a_deactivated_account_loses_every_role_in_order(fresh_world):
    w = fresh_world
    c5a = w.group("5А")
    assert any("name" in r for r in w.as_("tutor1", "GET", f"/ratings/classes/{c5a}").json["items"])
    me = w.idn("tutor1", "GET", "/me").json
    feed = EventFeed(REGISTRY, w.consumer)
    try:
        feed.send(("identity.account.deactivated.v1", {"account_id": me["account_id"], "person_id": me["person_id"],
                                                       "reason": "employment_ended", "sequence": 50}))
        assert _sequence(w, "account", me["account_id"]) == 50
        with w.session() as s:
            assert not any(s.scalars(select(m.RoleAssignment.active)
                                     .where(m.RoleAssignment.account_id == me["account_id"])))
        # An older deactivation delivered late leaves the order where it is.
        feed.send(("identity.account.deactivated.v1", {"account_id": me["account_id"], "person_id": me["person_id"],
                                                       "reason": "employment_ended", "sequence": 7}))
        assert _sequence(w, "account", me["account_id"]) == 50
    finally:
        feed.close()
    # A stale token meets no role here: names and reviews are gone.
    assert all("name" not in r for r in w.as_("tutor1", "GET", f"/ratings/classes/{c5a}").json["items"])
    assert w.as_("tutor1", "GET", "/review").status_code == 403
    assert w.as_("tutor1", "GET", f"/classes/{c5a}/report.pdf").status_code == 404
