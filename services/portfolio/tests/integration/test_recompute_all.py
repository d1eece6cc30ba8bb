"""POR-19 set-based: recomputing every pupil in the database gives each exactly the points the
Python scoring gives one pupil (awkward base points, every coefficient, achievements on the
anniversaries and on 29 February, every state), and an event for each changed total."""
import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.db import new_id
from kabinet_kit.testing import migrated_database
from kabinet_portfolio import models as m
from kabinet_portfolio.bootstrap import build_deps
from kabinet_portfolio.config import SERVICE_DIR, Settings
from kabinet_portfolio.points import INDIVIDUALITY, LEVELS, PARTICIPATION, RESULTS, Scored, total_cents
from kabinet_portfolio.scoring import recompute_all

TODAY = date(2028, 2, 29)
TABLE = {"time": [1.0, 0.85, 0.7, 0.55, 0.45], "participation": {"in_person": 1.0, "correspondence": 0.85,
                                                                  "remote": 0.65},
         "result": {"participant": 1.0, "prize_winner": 1.75, "winner": 2.35},
         "individuality": {"individual": 1.0, "team": 0.55}, "level": {k: 1.0 + n * 0.35 for n, k in enumerate(LEVELS)}}


def test_the_set_based_recompute_gives_the_python_scoring(tmp_path):
    rng = random.Random(19)
    now = datetime.now(UTC)
    days = [TODAY - timedelta(days=rng.randrange(2600)) for _ in range(60)]
    days += [date(TODAY.year - k, 2, 28) for k in range(1, 6)] + [date(2024, 2, 29), date(2020, 2, 29), TODAY]
    with migrated_database(SERVICE_DIR, "portfolio") as url:
        deps = build_deps(Settings.load({"database_url": url, "document_dir": str(tmp_path)}))
        with deps.session_factory.begin() as s:
            s.add(m.CoefficientTable(version=2, coefficients=TABLE, published_at=now))
            activities = [m.Activity(id=new_id(), title=f"a{n}", organiser="o", starts_on=date(2018, 1, 1),
                                     ends_on=TODAY, level=LEVELS[n % 6], category="social", base_points=base,
                                     version=1)
                          for n, base in enumerate((1.005, 7.35, 12.5, 3.333, 0.125, 10.0, 2.675))]
            s.add_all(activities)
            s.flush()
            pupils = [m.Pupil(id=new_id(), consent=True, rated=True, points_cents=rng.choice((0, 1234)),
                              points_version=rng.choice((1, 2))) for _ in range(30)]
            s.add_all(pupils)
            for pupil in pupils[:-3]:  # the last three have nothing: their points become 0
                for n, on in enumerate(rng.sample(days, 8)):
                    s.add(m.Achievement(
                        id=new_id(), pupil_id=pupil.id, activity_id=activities[n % 7].id, achieved_on=on,
                        participation=rng.choice(PARTICIPATION), individuality=rng.choice(INDIVIDUALITY),
                        result=rng.choice(RESULTS), date_given=on.isoformat(), sequence=1, created_at=now,
                        updated_at=now, state=rng.choice(("approved", "approved", "submitted", "deleted", "draft"))))
        with deps.session_factory.begin() as s:
            before = {p.id: p.points_cents for p in s.scalars(select(m.Pupil))}
            expected = {}
            for pupil_id in before:
                rows = s.execute(select(m.Activity.base_points, m.Activity.level, m.Achievement.participation,
                                        m.Achievement.individuality, m.Achievement.result, m.Achievement.achieved_on)
                                 .join(m.Activity, m.Activity.id == m.Achievement.activity_id)
                                 .where(m.Achievement.pupil_id == pupil_id, m.Achievement.state == "approved"))
                expected[pupil_id] = total_cents(TABLE, [Scored(*r) for r in rows], TODAY)
            outbox = s.query(m.OUTBOX).count()
            done = recompute_all(deps, s, TODAY)
        with Session(deps.session_factory.kw["bind"]) as s:
            after = {p.id: (p.points_cents, p.points_version, p.points_on) for p in s.scalars(select(m.Pupil))}
            assert after == {pid: (cents, 2, TODAY) for pid, cents in expected.items()}
            changed = sum(1 for pid in before if before[pid] != expected[pid])
            assert done == {"pupils": 30, "changed": changed, "version": 2} and changed > 20
            assert s.query(m.OUTBOX).count() - outbox == changed
        deps.session_factory.kw["bind"].dispose()
