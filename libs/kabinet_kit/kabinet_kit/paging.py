"""One way for every list endpoint to page: ``?limit=&offset=`` in, ``{items, total, limit, offset}`` out.

A client builds one pager for the whole API. The page size is bounded (a list must never be a
way to read a whole table in one answer) and the order is stable: a list's ``order`` must end in
a unique column, so that rows do not move between pages when others share a sort key.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar, cast

from marshmallow import fields, validate
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .schemas import Schema

MAX_LIMIT = 200
DEFAULT_LIMIT = 50

T = TypeVar("T")


class PageQuery(Schema):
    """The paging part of a list's query; a list's own filters derive from it."""

    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"Rows in this page (at most {MAX_LIMIT})."})
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0),
                            metadata={"description": "Rows to skip from the start of the list."})


# Keyed by the item schema too: two services in one process (tests) may both name a "ConsentPage".
_pages: dict[tuple[object, str], type[Schema]] = {}


def page_schema(item_schema: type[Schema] | Schema, name: str) -> type[Schema]:
    """The documented page of ``item_schema`` under ``name`` (one class per item schema and name)."""
    key = (item_schema, name)
    if key not in _pages:
        _pages[key] = cast(type[Schema], Schema.from_dict({
            "items": fields.List(fields.Nested(item_schema), required=True),
            "total": fields.Integer(required=True, metadata={"description": "Rows in the whole list."}),
            "limit": fields.Integer(required=True),
            "offset": fields.Integer(required=True),
        }, name=name))
    return _pages[key]


def page(items: Sequence[Any], total: int, query: dict[str, Any]) -> dict[str, Any]:
    return {"items": list(items), "total": total, "limit": query["limit"], "offset": query["offset"]}


def paginate(session: Session, statement: Select[*tuple[Any, ...]], query: dict[str, Any], *,
             scalars: bool = True) -> dict[str, Any]:
    """One page of ``statement`` (which must carry its stable ``order_by``) and the list's total."""
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    window = statement.limit(query["limit"]).offset(query["offset"])
    rows: Sequence[Any] = session.scalars(window).all() if scalars else session.execute(window).all()
    return page(rows, total, query)


def page_list(items: Iterable[T], query: dict[str, Any], key: Callable[[T], Any] | None = None) -> dict[str, Any]:
    """One page of a list computed in memory (already bounded by its owner), in ``key`` order if given."""
    rows = sorted(items, key=key) if key is not None else list(items)
    start = query["offset"]
    return page(rows[start:start + query["limit"]], len(rows), query)
