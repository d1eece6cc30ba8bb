"""The instrument first: the conservation check counts what is lost and what is applied twice
(on a load without faults, sabotaged by hand), and its verdict per write follows the rules."""
from __future__ import annotations

import uuid

from sqlalchemy import create_engine, delete

from chaos.conservation import check, verdict
from chaos.faults import Scenario
from kabinet_journal.models import Attendance


def test_verdicts():
    assert verdict("accepted", [1, 1, 1]) == "applied"
    assert verdict("accepted", [1, 0, 1]) == "lost"
    assert verdict("accepted", [1, 2]) == "twice"
    assert verdict("refused", [0, 0]) == "none"
    assert verdict("refused", [1, 0]) == "twice"      # written although the client was told no
    assert verdict("unknown", [0, 0]) == "none"       # not committed: fine
    assert verdict("unknown", [1, 1]) == "applied"    # committed: fine, once
    assert verdict("unknown", [1, 0]) == "lost"       # committed, but its event never came
    assert verdict("unknown", [2, 2]) == "twice"


def test_the_check_sees_a_lost_and_a_doubled_write(rig):
    load, before, _ = rig.drive(Scenario("no fault", "nothing"))
    tally, recovered = rig.settle(load, before)
    assert tally.clean and recovered is not None and tally.accepted > 0, tally.problems
    # Sabotage: one accepted attendance disappears from the journal's table, one observation's
    # event arrives again under a second id (a duplicate no consumer could recognise).
    attendance = next(w for w in load.writes if w.kind == "attendance" and w.outcome == "accepted")
    engine = create_engine(rig.stack.databases["journal"])
    with engine.begin() as conn:
        conn.execute(delete(Attendance).where(Attendance.lesson_id == attendance.key[0],
                                              Attendance.child_id == attendance.key[1]))
    engine.dispose()
    observation = next(w for w in load.writes if w.kind == "observation" and w.outcome == "accepted")
    child, round_id, indicator = observation.key
    [event] = rig.tap.matching("preschool.observation.recorded.v1", child_id=child, round_id=round_id,
                               indicator_id=indicator)
    copy = {**event, "id": str(uuid.uuid4())}
    with rig.tap.lock:
        rig.tap.events[copy["id"]] = copy
    tally = check(rig.stack, rig.dbs, rig.tap, load, before)
    assert (tally.lost, tally.twice) == (1, 1), tally.problems
    assert any(str(attendance.key) in p for p in tally.problems)
    with rig.tap.lock:
        del rig.tap.events[copy["id"]]
