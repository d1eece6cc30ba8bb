"""Is a new revision of an event's JSON Schema still the same major version?

Within a major version the change must work in both directions:

* events published under the old schema stay readable by the new consumers (a replay of the
  history, a producer not yet upgraded), so nothing may become required, narrower or
  non-nullable;
* events published under the new schema stay readable by the old consumers (they are deployed
  independently), so nothing may disappear, change type or format, become optional or
  nullable, or take values the old schema refuses.

What remains compatible is adding an optional field (old consumers drop it) and editing
descriptions. Everything else needs a new major version (``.v2``) with its own snapshot.
"""
from __future__ import annotations

from typing import Any

JsonSchema = dict[str, Any]

# Keywords whose any change alters the set of accepted values one way or the other.
_EXACT = ("format", "const", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
          "minLength", "maxLength", "minItems", "maxItems")


def breaking_changes(old_schema: JsonSchema, new_schema: JsonSchema) -> list[str]:
    """Every change from ``old_schema`` to ``new_schema`` that would break a consumer or an
    already published event, one message each naming the field (``data.<path>``). Empty when the
    new schema may replace the old one within the same major version."""
    problems: list[str] = []
    _compare("data", old_schema, new_schema, problems)
    return problems


def _types(schema: JsonSchema) -> set[str]:
    kind = schema.get("type")
    if kind is None:
        return set()
    return set(kind) if isinstance(kind, list) else {kind}


def _compare(path: str, old: JsonSchema, new: JsonSchema, problems: list[str]) -> None:
    old_types, new_types = _types(old), _types(new)
    if old_types - {"null"} != new_types - {"null"}:
        problems.append(f"{path}: type changed from {_show(old_types - {'null'})} to {_show(new_types - {'null'})}")
    if "null" in old_types and "null" not in new_types and new_types:
        problems.append(f"{path}: made non-nullable (published events may hold null)")
    if "null" in new_types and "null" not in old_types and old_types:
        problems.append(f"{path}: made nullable (consumers of the old schema do not expect null)")
    for keyword in _EXACT:
        if old.get(keyword) != new.get(keyword):
            problems.append(f"{path}: {keyword} changed from {old.get(keyword)!r} to {new.get(keyword)!r}")
    _compare_enum(path, old, new, problems)
    _compare_properties(path, old, new, problems)
    _compare_items(path, old, new, problems)


def _compare_enum(path: str, old: JsonSchema, new: JsonSchema, problems: list[str]) -> None:
    if "enum" not in old and "enum" not in new:
        return
    if "enum" not in new:
        problems.append(f"{path}: enum removed (consumers of the old schema refuse other values)")
        return
    if "enum" not in old:
        problems.append(f"{path}: enum added (published events may hold other values)")
        return
    # None belongs to nullability, reported above.
    removed = [v for v in old["enum"] if v not in new["enum"] and v is not None]
    added = [v for v in new["enum"] if v not in old["enum"] and v is not None]
    if removed:
        problems.append(f"{path}: enum narrowed, {removed!r} no longer allowed (published events may hold them)")
    if added:
        problems.append(f"{path}: enum widened with {added!r} (consumers of the old schema refuse them)")


def _compare_properties(path: str, old: JsonSchema, new: JsonSchema, problems: list[str]) -> None:
    old_props: JsonSchema = old.get("properties", {})
    new_props: JsonSchema = new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for name, old_field in old_props.items():
        where = f"{path}.{name}"
        if name not in new_props:
            problems.append(f"{where}: field removed")
            continue
        if name in old_required and name not in new_required:
            problems.append(f"{where}: no longer required (consumers of the old schema rely on it)")
        if name in new_required and name not in old_required:
            problems.append(f"{where}: newly required (published events may lack it)")
        _compare(where, old_field, new_props[name], problems)
    for name in new_props.keys() - old_props.keys():
        if name in new_required:
            problems.append(f"{path}.{name}: new field is required (published events lack it)")
    _compare_extra(path, old.get("additionalProperties", True), new.get("additionalProperties", True), problems)


def _compare_extra(path: str, old: Any, new: Any, problems: list[str]) -> None:
    """``additionalProperties``: true for event data (fields may be added), a schema for maps."""
    if isinstance(old, dict) and isinstance(new, dict):
        _compare(f"{path}.*", old, new, problems)
    elif old != new:
        problems.append(f"{path}: additionalProperties changed from {old!r} to {new!r}")


def _compare_items(path: str, old: JsonSchema, new: JsonSchema, problems: list[str]) -> None:
    if isinstance(old.get("items"), dict) or isinstance(new.get("items"), dict):
        _compare(f"{path}[]", old.get("items") or {}, new.get("items") or {}, problems)
    old_tuple: list[JsonSchema] = old.get("prefixItems", [])
    new_tuple: list[JsonSchema] = new.get("prefixItems", [])
    # Length changes are reported above; here the common positions are compared.
    for index, (old_item, new_item) in enumerate(zip(old_tuple, new_tuple, strict=False)):
        _compare(f"{path}[{index}]", old_item, new_item, problems)


def _show(types: set[str]) -> str:
    return "/".join(sorted(types)) or "any"
