"""Replica handlers: an event's fields copied into the service's own row, inserted or updated."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kabinet_kit.events import CloudEvent
from kabinet_kit.replicas import as_date, copy_into, upsert


@dataclass
class Year:
    id: str
    name: str | None = None
    starts_on: date | None = None
    active: bool = False


class FakeSession:
    def __init__(self):
        self.rows: dict[tuple[type, object], object] = {}

    def get(self, model, key):
        return self.rows.get((model, key))

    def add(self, row) -> None:
        self.rows[(type(row), row.id)] = row


def event(**data) -> CloudEvent:
    return CloudEvent(type="identity.academic_year.created.v1", source="/kabinet/identity", data=data)


def test_copy_into_inserts_then_updates_the_same_row():
    handler = copy_into(Year, key={"id": "academic_year_id"}, fields={"name": "name", "starts_on": "starts_on"},
                        dates=("starts_on",), constants={"active": True})
    session = FakeSession()
    handler(session, event(academic_year_id="y1", name="2026/2027", starts_on="2026-09-01"))
    row = session.get(Year, "y1")
    assert row == Year("y1", "2026/2027", date(2026, 9, 1), True)
    handler(session, event(academic_year_id="y1", name="2026/27", starts_on="2026-09-02"))
    assert session.get(Year, "y1") is row and row.name == "2026/27" and row.starts_on == date(2026, 9, 2)
    assert len(session.rows) == 1


def test_copy_into_skips_what_the_condition_refuses():
    handler = copy_into(Year, key={"id": "academic_year_id"}, fields={"name": "name"},
                        when=lambda d: d.get("kind") == "kindergarten")
    session = FakeSession()
    handler(session, event(academic_year_id="y1", name="x", kind="school"))
    assert session.rows == {}


def test_upsert_and_as_date():
    session = FakeSession()
    upsert(session, Year, {"id": "y2"}, {"name": "a"})
    upsert(session, Year, {"id": "y2"}, {"name": "b"})
    assert session.get(Year, "y2").name == "b"
    assert as_date("2026-01-31") == date(2026, 1, 31) and as_date(None) is None
    assert as_date(date(2020, 1, 1)) == date(2020, 1, 1)
