"""Every fault on the single local broker (and, on PostgreSQL, between the services and their
database): the load's accepted writes are all applied exactly once everywhere afterwards."""
from __future__ import annotations

import pytest

from chaos.faults import SINGLE_BROKER
from kabinet_kit.testing import test_db_kind


def _cases():
    for scenario in SINGLE_BROKER:
        if scenario.database and test_db_kind() == "sqlite":
            continue  # a SQLite database is a file: no connection to cut (not a skip: no such case)
        marks = []
        if scenario.length == "long":
            marks.append(pytest.mark.chaos_long)
        if scenario.broker_wide:
            marks.append(pytest.mark.broker_wide)
        yield pytest.param(scenario, id=scenario.fault, marks=marks)


@pytest.mark.parametrize("scenario", list(_cases()))
def test_nothing_lost_nothing_applied_twice(rig, scenario):
    row = rig.run(scenario)
    assert row.applied == row.accepted
