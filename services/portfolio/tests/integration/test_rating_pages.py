"""POR-21..23 at any offset: a rating page read from either end of the index gives every pupil
the same place as ranking the whole rating would (ties ranked equally, 1, 1, 3), in the same
order, for the city, a school and a class; opted-out pupils are absent."""
import random

import pytest
from sqlalchemy.orm import Session

from kabinet_kit.db import make_engine, new_id
from kabinet_kit.testing import migrated_database
from kabinet_portfolio import models as m
from kabinet_portfolio.access import Caller
from kabinet_portfolio.config import SERVICE_DIR
from kabinet_portfolio.ratings import rating


@pytest.fixture(scope="module")
def city():
    with migrated_database(SERVICE_DIR, "portfolio") as url:
        engine = make_engine(url)
        rng = random.Random(3)
        schools = [new_id(), new_id()]
        classes = {new_id(): schools[n % 2] for n in range(4)}
        with Session(engine) as session, session.begin():
            session.add_all(m.Organisation(id=s, kind="school", name=s, short_name=s) for s in schools)
            session.add_all(m.Group(id=g, organisation_id=s, name="5А") for g, s in classes.items())
            for n in range(57):
                group = rng.choice(list(classes))
                rated = n % 9 != 0
                session.add(m.Pupil(id=new_id(), organisation_id=classes[group], group_id=group, consent=True,
                                    opted_out=not rated, rated=rated, points_cents=rng.choice((0, 150, 300, 975))
                                    + rng.randrange(3) * 100, points_version=1))
        yield engine, schools, list(classes)
        engine.dispose()


def expected(session: Session, where) -> list[tuple[int, int, str]]:
    pupils = sorted((p for p in session.query(m.Pupil) if p.rated and where(p)), key=lambda p: (-p.points_cents, p.id))
    return [(1 + sum(q.points_cents > p.points_cents for q in pupils), p.points_cents, p.id) for p in pupils]


def test_every_page_of_every_rating_places_pupils_as_the_whole_ranking_does(city):
    engine, schools, classes = city
    caller = Caller("department-account", "department-person", grants=(), children=frozenset())
    scopes = [("city", None, lambda p: True)]
    scopes += [("school", s, lambda p, s=s: p.organisation_id == s) for s in schools]
    scopes += [("class", g, lambda p, g=g: p.group_id == g) for g in classes]
    with Session(engine) as session:
        for scope, key, where in scopes:
            whole = expected(session, where)
            ids = {p.id: p for p in session.query(m.Pupil)}
            for limit in (1, 4, 7):
                for offset in range(len(whole) + 2):
                    page = rating(session, caller, scope, key, limit, offset)
                    assert page["total"] == len(whole)
                    got = [(r["place"], round(r["points"] * 100)) for r in page["items"]]
                    assert got == [(place, points) for place, points, _id in whole[offset:offset + limit]], \
                        (scope, limit, offset)
            assert all(ids[i].rated for _p, _c, i in whole)
