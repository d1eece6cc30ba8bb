"""Corrections by the responsible persons (seed 000 §3.4) and the two-rounds check (§3.5),
without a database."""
from datetime import date

import pytest

from kabinet_kit.errors import PermissionDenied
from kabinet_preschool.observations import CHANGED, ChildFacts, IndicatorFacts, Recorded, RoundFacts, decide
from kabinet_preschool.round_check import missing_rounds

CHILD = ChildFacts("c1", "kg1", "g1", "senior")
ROUND = RoundFacts("r1", "kg1", "open", catalogue_version_id=10, catalogue_version=1)
INDICATORS = {1: IndicatorFacts(1, "senior", 3, 10, "sport"), 2: IndicatorFacts(2, "senior", 3, 10, "sport")}


def test_a_correction_changes_an_educators_entry_and_is_marked_for_the_audit():
    [write] = decide(CHILD, ROUND, INDICATORS, {1: Recorded(1, None, "g1")}, [{"indicator_id": 1, "level": 3}],
                     correcting=True)
    assert (write.previous_level, write.level, write.event, write.correction) == (1, 3, CHANGED, True)


def test_the_educators_own_change_is_not_a_correction():
    [write] = decide(CHILD, ROUND, INDICATORS, {1: Recorded(1, None, "g1")}, [{"indicator_id": 1, "level": 3}])
    assert write.event == CHANGED and not write.correction


def test_a_correction_cannot_enter_what_the_educator_has_not():
    with pytest.raises(PermissionDenied):
        decide(CHILD, ROUND, INDICATORS, {1: Recorded(1, None, "g1")},
               [{"indicator_id": 1, "level": 2}, {"indicator_id": 2, "level": 2}], correcting=True)


YEAR = (date(2026, 9, 1), date(2027, 5, 31))


@pytest.mark.parametrize(("deadlines", "missing"), [
    ([], ["start", "end"]),
    ([date(2026, 10, 15)], ["end"]),
    ([date(2026, 10, 15), date(2026, 11, 20)], ["end"]),  # two rounds, both at the start
    ([date(2027, 4, 15)], ["start"]),
    ([date(2026, 10, 15), date(2027, 4, 15)], []),
    ([date(2026, 10, 15), date(2027, 1, 30), date(2027, 4, 15)], []),  # a third round is allowed
])
def test_the_year_needs_a_round_at_its_start_and_one_at_its_end(deadlines, missing):
    assert missing_rounds(*YEAR, deadlines) == missing
