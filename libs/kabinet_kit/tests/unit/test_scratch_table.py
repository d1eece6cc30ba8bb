"""``scratch_table``: rows computed in Python joined by one set-based statement, the table gone
after the block (and with the transaction's rollback if the block fails)."""
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, inspect, select, update

from kabinet_kit.db import make_engine, make_session_factory, scratch_table


def test_a_scratch_table_feeds_one_update_and_is_dropped():
    engine = make_engine("sqlite://")
    items = Table("items", MetaData(), Column("id", String(10), primary_key=True), Column("price", Integer))
    items.create(engine)
    factory = make_session_factory(engine)
    with factory.begin() as session:
        session.execute(insert(items), [{"id": f"i{n}", "price": 1} for n in range(5)])
    with factory.begin() as session:
        with scratch_table(session, "new_prices", [Column("id", String(10), primary_key=True),
                                                   Column("price", Integer)],
                           [{"id": "i1", "price": 10}, {"id": "i3", "price": 30}]) as prices:
            new = select(prices.c.price).where(prices.c.id == items.c.id).scalar_subquery()
            session.execute(update(items).values(price=func.coalesce(new, items.c.price)))
        assert not inspect(session.connection()).has_table("new_prices", schema="temp")
    with factory() as session:
        assert dict(session.execute(select(items.c.id, items.c.price)).all()) == {
            "i0": 1, "i1": 10, "i2": 1, "i3": 30, "i4": 1}
    with pytest.raises(RuntimeError), factory.begin() as session:
        with scratch_table(session, "doomed", [Column("n", Integer)], [{"n": 1}]):
            raise RuntimeError("the block fails")
    with factory.begin() as session:  # the rollback took it away: the name is free again
        with scratch_table(session, "doomed", [Column("n", Integer)]) as again:
            assert session.scalar(select(func.count()).select_from(again)) == 0
    engine.dispose()
