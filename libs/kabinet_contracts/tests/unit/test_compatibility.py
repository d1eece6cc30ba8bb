"""Every registered event type matches its frozen snapshot: a change that would break a consumer
of the snapshot (or an event already published under it) fails here and needs a new major."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from marshmallow import Schema, fields, validate

from kabinet_contracts import REGISTRY, EventContract, EventRegistry
from kabinet_contracts.compatibility import breaking_changes
from kabinet_contracts.journal import MarkEvent
from kabinet_contracts.json_schema import to_json_schema
from kabinet_contracts.snapshots import COMMAND, SNAPSHOT_DIR, check, current_schema, load_snapshot, main, stale, write

CONTRACTS = list(REGISTRY)
MARK = "journal.mark.recorded.v1"


@pytest.mark.parametrize("contract", CONTRACTS, ids=[c.type for c in CONTRACTS])
def test_current_schema_is_compatible_with_its_snapshot(contract: EventContract) -> None:
    snapshot = load_snapshot(contract.type)
    assert snapshot is not None, f"{contract.type} has no snapshot: run `{COMMAND}` and commit it"
    assert breaking_changes(snapshot, current_schema(contract)) == []


def test_the_package_check_finds_no_problem() -> None:
    assert check() == []


def test_snapshots_ship_inside_the_package() -> None:
    assert SNAPSHOT_DIR.parent.name == "kabinet_contracts"
    assert {p.stem for p in SNAPSHOT_DIR.glob("*.json")} == {c.type for c in CONTRACTS}


def _mark_with(**overrides: fields.Field[Any]) -> type[Schema]:
    """journal.mark.recorded.v1's schema with some fields replaced or added."""
    return Schema.from_dict({**MarkEvent().fields, **overrides})


def _mark_snapshot() -> dict[str, Any]:
    snapshot = load_snapshot(MARK)
    assert snapshot is not None
    return copy.deepcopy(snapshot)


def test_a_removed_field_is_breaking() -> None:
    snapshot = _mark_snapshot()
    current = copy.deepcopy(snapshot)
    del current["properties"]["previous_value"]
    changes = breaking_changes(snapshot, current)
    assert changes == ["data.previous_value: field removed"]


def test_a_removed_required_field_in_the_marshmallow_schema_is_breaking() -> None:
    shrunk = Schema.from_dict({n: f for n, f in MarkEvent().fields.items() if n != "weight"})
    changes = breaking_changes(_mark_snapshot(), to_json_schema(shrunk))
    assert any("data.weight" in c and "removed" in c for c in changes), changes


def test_a_retyped_field_is_breaking() -> None:
    changes = breaking_changes(_mark_snapshot(), to_json_schema(_mark_with(weight=fields.Float(required=True))))
    assert changes == ["data.weight: type changed from integer to number"]


def test_a_changed_format_is_breaking() -> None:
    changes = breaking_changes(_mark_snapshot(), to_json_schema(_mark_with(date=fields.AwareDateTime(required=True))))
    assert changes == ["data.date: format changed from 'date' to 'date-time'"]


def test_a_newly_required_field_is_breaking() -> None:
    stricter = _mark_with(value=fields.String(required=True, allow_none=True))
    changes = breaking_changes(_mark_snapshot(), to_json_schema(stricter))
    assert changes == ["data.value: newly required (published events may lack it)"]


def test_a_new_required_field_is_breaking() -> None:
    added = _mark_with(comment=fields.String(required=True))
    assert breaking_changes(_mark_snapshot(), to_json_schema(added)) == [
        "data.comment: new field is required (published events lack it)"]


def test_a_field_no_longer_required_is_breaking() -> None:
    assert breaking_changes(_mark_snapshot(), to_json_schema(_mark_with(weight=fields.Integer()))) == [
        "data.weight: no longer required (consumers of the old schema rely on it)"]


def test_a_narrowed_or_widened_enum_is_breaking() -> None:
    narrowed_schema = _mark_with(scale=fields.String(required=True, validate=validate.OneOf(["five"])))
    widened_schema = _mark_with(scale=fields.String(required=True,
                                                    validate=validate.OneOf(["five", "pass_fail", "ten"])))
    narrowed = breaking_changes(_mark_snapshot(), to_json_schema(narrowed_schema))
    assert len(narrowed) == 1 and "data.scale: enum narrowed" in narrowed[0] and "pass_fail" in narrowed[0]
    widened = breaking_changes(_mark_snapshot(), to_json_schema(widened_schema))
    assert len(widened) == 1 and "data.scale: enum widened" in widened[0] and "ten" in widened[0]


def test_nullability_changes_are_breaking() -> None:
    not_null = _mark_with(value=fields.String(load_default=""))
    nullable = _mark_with(kind=fields.String(required=True, allow_none=True))
    assert breaking_changes(_mark_snapshot(), to_json_schema(not_null)) == [
        "data.value: made non-nullable (published events may hold null)"]
    assert breaking_changes(_mark_snapshot(), to_json_schema(nullable)) == [
        "data.kind: made nullable (consumers of the old schema do not expect null)"]


def test_adding_an_optional_field_is_compatible() -> None:
    extended = _mark_with(added_in_minor=fields.String(allow_none=True, load_default=None))
    assert breaking_changes(_mark_snapshot(), to_json_schema(extended)) == []


def test_refusing_additional_properties_is_breaking() -> None:
    snapshot = _mark_snapshot()
    assert snapshot["additionalProperties"] is True
    closed = {**copy.deepcopy(snapshot), "additionalProperties": False}
    assert breaking_changes(snapshot, closed) == ["data: additionalProperties changed from True to False"]


def test_changes_inside_lists_and_nested_objects_are_found() -> None:
    class Item(Schema):
        code = fields.String(required=True)

    class Old(Schema):
        items = fields.List(fields.Nested(Item), required=True)
        tags = fields.List(fields.String(), required=True)

    class ItemRetyped(Schema):
        code = fields.Integer(required=True)

    class New(Schema):
        items = fields.List(fields.Nested(ItemRetyped), required=True)
        tags = fields.List(fields.String(validate=validate.Length(max=10)), required=True)
    assert breaking_changes(to_json_schema(Old), to_json_schema(New)) == [
        "data.items[].code: type changed from string to integer",
        "data.tags[]: maxLength changed from None to 10"]


# -- the snapshot files and their command, on a folder of the test's own -------------------------
def _registry(schema: type[Schema]) -> EventRegistry:
    registry = EventRegistry()
    registry.register("journal.thing.done.v1", schema, {}, "A thing.")
    return registry


class Thing(Schema):
    thing_id = fields.UUID(required=True)
    size = fields.Integer(required=True)


class ThingRetyped(Schema):
    thing_id = fields.UUID(required=True)
    size = fields.String(required=True)


class ThingExtended(Thing):
    colour = fields.String(allow_none=True, load_default=None)


def test_a_type_without_a_snapshot_fails_with_the_command(tmp_path: Path) -> None:
    problems = check(_registry(Thing), tmp_path)
    assert len(problems) == 1 and "journal.thing.done.v1: no snapshot" in problems[0] and COMMAND in problems[0]
    assert write(_registry(Thing), tmp_path) == ["journal.thing.done.v1"]
    assert check(_registry(Thing), tmp_path) == []
    assert write(_registry(Thing), tmp_path) == []  # nothing to do the second time


def test_a_breaking_change_fails_and_is_never_written(tmp_path: Path) -> None:
    write(_registry(Thing), tmp_path)
    frozen = (tmp_path / "journal.thing.done.v1.json").read_text()
    problems = check(_registry(ThingRetyped), tmp_path)
    assert problems == ["journal.thing.done.v1: data.size: type changed from integer to string "
                        "(a breaking change needs a new major version)"]
    assert write(_registry(ThingRetyped), tmp_path, update=True) == []
    assert (tmp_path / "journal.thing.done.v1.json").read_text() == frozen
    assert main(["--check", "--dir", str(tmp_path)]) == 1  # the package's registry differs from this folder


def test_a_compatible_change_passes_and_may_be_refreshed(tmp_path: Path) -> None:
    write(_registry(Thing), tmp_path)
    assert check(_registry(ThingExtended), tmp_path) == []
    assert stale(_registry(ThingExtended), tmp_path) == ["journal.thing.done.v1"]
    assert write(_registry(ThingExtended), tmp_path) == []  # only --update rewrites an existing snapshot
    assert write(_registry(ThingExtended), tmp_path, update=True) == ["journal.thing.done.v1"]
    assert stale(_registry(ThingExtended), tmp_path) == []


def test_a_new_major_gets_its_own_snapshot_and_a_dropped_type_is_noticed(tmp_path: Path) -> None:
    write(_registry(Thing), tmp_path)
    both = _registry(Thing)
    both.register("journal.thing.done.v2", ThingRetyped, {}, "A thing, sized in words.")
    assert check(both, tmp_path)[0].startswith("journal.thing.done.v2: no snapshot")
    assert write(both, tmp_path) == ["journal.thing.done.v2"]
    assert check(both, tmp_path) == []
    only_v2 = EventRegistry()
    only_v2.register("journal.thing.done.v2", ThingRetyped, {}, "A thing, sized in words.")
    assert check(only_v2, tmp_path) == [
        "journal.thing.done.v1: snapshot journal.thing.done.v1.json has no registered type; delete the file "
        "deliberately once no consumer reads this version any more"]


def test_the_command_writes_missing_snapshots(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--dir", str(tmp_path)]) == 0
    assert len(list(tmp_path.glob("*.json"))) == len(CONTRACTS)
    assert MARK in capsys.readouterr().out
    assert main(["--check", "--dir", str(tmp_path)]) == 0
