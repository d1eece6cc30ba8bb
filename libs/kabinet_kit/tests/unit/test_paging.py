"""The one paging contract every list endpoint shares."""
from __future__ import annotations

import pytest
from marshmallow import ValidationError
from sqlalchemy import Integer, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from kabinet_kit.paging import MAX_LIMIT, PageQuery, page_list, page_schema, paginate


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "row"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(10))


def test_query_defaults_and_bounds():
    assert PageQuery().load({}) == {"limit": 50, "offset": 0}
    with pytest.raises(ValidationError) as too_big:
        PageQuery().load({"limit": str(MAX_LIMIT + 1)})
    assert "limit" in too_big.value.messages
    with pytest.raises(ValidationError) as negative:
        PageQuery().load({"offset": "-1"})
    assert "offset" in negative.value.messages


def test_paginate_counts_the_whole_list_and_keeps_the_order():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all([Row(id=i, name="same") for i in range(1, 8)])
        session.flush()
        statement = select(Row).order_by(Row.name, Row.id)
        first = paginate(session, statement, {"limit": 3, "offset": 0})
        last = paginate(session, statement, {"limit": 3, "offset": 6})
    assert first["total"] == 7 and [r.id for r in first["items"]] == [1, 2, 3]
    assert (last["limit"], last["offset"]) == (3, 6) and [r.id for r in last["items"]] == [7]


def test_page_list_sorts_before_cutting():
    result = page_list([3, 1, 2, 5, 4], {"limit": 2, "offset": 2}, key=lambda v: v)
    assert result == {"items": [3, 4], "total": 5, "limit": 2, "offset": 2}


def test_page_schema_is_one_class_per_name():
    item = type("ItemOut", (PageQuery,), {})
    assert page_schema(item, "ItemPage") is page_schema(item, "ItemPage")
    assert set(page_schema(item, "ItemPage")().fields) == {"items", "total", "limit", "offset"}


def test_two_services_may_name_their_pages_alike():
    one = type("OneOut", (PageQuery,), {})
    other = type("OtherOut", (PageQuery,), {})
    assert page_schema(one, "ConsentPage") is not page_schema(other, "ConsentPage")
    assert page_schema(other, "ConsentPage")().fields["items"].inner.schema.__class__ is other
