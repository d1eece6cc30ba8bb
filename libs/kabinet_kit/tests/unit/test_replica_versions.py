"""Replica order (issue 11, finding 6): ``advance`` lets through only an event newer than what
the replica holds for that entity, and ``copy_into(ordered=...)`` skips an older upsert."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import MetaData, create_engine
from sqlalchemy.orm import Session

from kabinet_kit.events import CloudEvent
from kabinet_kit.replicas import advance, copy_into, forget, forgotten, replica_versions_table

metadata = MetaData()
VERSIONS = replica_versions_table(metadata)


@pytest.fixture()
def session() -> Iterator[Session]:
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as s:
        yield s
    engine.dispose()


def test_only_a_newer_sequence_passes_and_is_remembered(session):
    assert advance(session, VERSIONS, "role", "a1", 2)
    assert not advance(session, VERSIONS, "role", "a1", 1)  # the late grant
    assert not advance(session, VERSIONS, "role", "a1", 2)  # the same change again
    assert advance(session, VERSIONS, "role", "a1", 3)
    assert not advance(session, VERSIONS, "role", "a1", 2)
    # Another entity, or another kind with the same key, has an order of its own.
    assert advance(session, VERSIONS, "role", "a2", 1)
    assert advance(session, VERSIONS, "consent", "a1", 1)


def test_a_forgotten_entity_lets_nothing_through_again(session):
    """An erased person: no later event, of any sequence, brings its data back."""
    assert advance(session, VERSIONS, "person", "p1", 3)
    assert not forgotten(session, VERSIONS, "person", "p1")
    forget(session, VERSIONS, "person", "p1")
    forget(session, VERSIONS, "person", "p1")  # a second erasure changes nothing
    assert forgotten(session, VERSIONS, "person", "p1")
    assert not advance(session, VERSIONS, "person", "p1", 4)
    assert not forgotten(session, VERSIONS, "person", "p2") and not forgotten(session, VERSIONS, "role", "p1")


def test_same_lets_a_second_event_of_the_held_change_through(session):
    assert advance(session, VERSIONS, "consent", "c:p", 1, same=True)
    assert advance(session, VERSIONS, "consent", "c:p", 1, same=True)
    assert advance(session, VERSIONS, "consent", "c:p", 2)
    assert not advance(session, VERSIONS, "consent", "c:p", 1, same=True)


def test_an_event_without_a_sequence_is_applied_and_changes_no_order(session):
    assert advance(session, VERSIONS, "role", "a1", None)
    assert advance(session, VERSIONS, "role", "a1", 1)


@dataclass
class Role:
    id: str
    role: str | None = None


class RoleSession:
    """The ORM part a handler uses (get/add) over a real session for the versions table."""

    def __init__(self, real: Session):
        self.real, self.rows = real, {}

    def get(self, model, key):
        return self.rows.get(key)

    def add(self, row) -> None:
        self.rows[row.id] = row

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_copy_into_ordered_skips_an_older_event(session):
    handler = copy_into(Role, key={"id": "assignment_id"}, fields={"role": "role"}, ordered=(VERSIONS, "role"))
    fake = RoleSession(session)

    def event(role: str, sequence: int) -> CloudEvent:
        return CloudEvent(type="identity.role.assigned.v1", source="/kabinet/identity",
                          data={"assignment_id": "a1", "role": role, "sequence": sequence})

    handler(fake, event("tutor", 2))
    handler(fake, event("teacher", 1))
    assert fake.rows["a1"] == Role("a1", "tutor")


def test_a_forgotten_entity_takes_no_later_event(session):
    """An erased person: an update or disclosure delivered after the erasure is older."""
    assert advance(session, VERSIONS, "person", "p1", 3)
    forget(session, VERSIONS, "person", "p1")
    assert not advance(session, VERSIONS, "person", "p1", 4)
    assert not advance(session, VERSIONS, "person", "p1", 4, same=True)
    forget(session, VERSIONS, "person", "p2")  # erased before anything about it arrived
    assert not advance(session, VERSIONS, "person", "p2", 1, same=True)
