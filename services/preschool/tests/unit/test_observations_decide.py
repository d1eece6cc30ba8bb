"""The observation rule without a database: which indicator, level, round and child
combinations are accepted, what is written and which event each write sends."""
from types import SimpleNamespace

import pytest

from kabinet_kit.errors import Conflict, InvalidInput
from kabinet_preschool.cabinet import card_dynamics
from kabinet_preschool.observations import (
    CHANGED,
    RECORDED,
    ChildFacts,
    IndicatorFacts,
    Recorded,
    RoundFacts,
    Write,
    decide,
    observation_event,
)

CHILD = ChildFacts("c1", "kg1", "g1", "senior")
ROUND = RoundFacts("r1", "kg1", "open", catalogue_version_id=10, catalogue_version=2)
INDICATORS = {
    1: IndicatorFacts(1, "senior", 3, 10, "sport"),
    2: IndicatorFacts(2, "senior", 4, 10, "sport"),
    3: IndicatorFacts(3, "senior", 3, 10, "speech"),
    4: IndicatorFacts(4, "middle", 3, 10, "sport"),   # another age band
    5: IndicatorFacts(5, "senior", 3, 9, "sport"),    # another catalogue version
}


def _refused(*args, **kwargs) -> dict:
    with pytest.raises(InvalidInput) as caught:
        decide(*args, **kwargs)
    return caught.value.errors


def test_new_levels_are_recorded_with_their_count_and_event():
    writes = decide(CHILD, ROUND, INDICATORS, {}, [{"indicator_id": 1, "level": 3, "note": "n"},
                                                   {"indicator_id": 2, "level": 4}])
    assert writes == [Write(1, "sport", 3, "n", None, RECORDED, (("g1", 3, 1),)),
                      Write(2, "sport", 4, None, None, RECORDED, (("g1", 4, 1),))]


def test_a_changed_level_moves_the_count_in_the_group_it_was_made_in():
    existing = {1: Recorded(2, None, "g-before-transfer")}
    [write] = decide(CHILD, ROUND, INDICATORS, existing, [{"indicator_id": 1, "level": 3}])
    assert write == Write(1, "sport", 3, None, 2, CHANGED, (("g-before-transfer", 2, -1), ("g-before-transfer", 3, 1)))


def test_a_changed_note_sends_an_event_but_leaves_the_counts():
    [write] = decide(CHILD, ROUND, INDICATORS, {1: Recorded(2, "old", "g1")},
                     [{"indicator_id": 1, "level": 2, "note": "new"}])
    assert write.event == CHANGED and write.counts == () and write.previous_level == 2 and write.note == "new"


def test_the_same_level_and_note_again_writes_nothing():
    [write] = decide(CHILD, ROUND, INDICATORS, {1: Recorded(2, "n", "g1")},
                     [{"indicator_id": 1, "level": 2, "note": "n"}])
    assert write.event is None and write.counts == ()


def test_a_level_outside_the_indicators_scale_is_refused():
    assert _refused(CHILD, ROUND, INDICATORS, {}, [{"indicator_id": 1, "level": 4}]) == {
        "level": ["The level must be between 1 and 3."]}
    assert "level" in _refused(CHILD, ROUND, INDICATORS, {}, [{"indicator_id": 2, "level": 0}])
    assert decide(CHILD, ROUND, INDICATORS, {}, [{"indicator_id": 2, "level": 4}])[0].level == 4


def test_indicators_of_another_age_band_version_or_card_and_unknown_ones_are_refused():
    errors = _refused(CHILD, ROUND, INDICATORS, {}, [{"indicator_id": 4, "level": 1}])
    assert "middle age band" in errors["indicator_id"][0] and "senior" in errors["indicator_id"][0]
    errors = _refused(CHILD, ROUND, INDICATORS, {}, [{"indicator_id": 5, "level": 1}])
    assert errors["indicator_id"] == ["The indicator is not in catalogue version 2 of this round."]
    errors = _refused(CHILD, ROUND, INDICATORS, {}, [{"indicator_id": 3, "level": 1}], card_code="sport")
    assert errors["indicator_id"] == ["The indicator is not on the card «sport»."]
    assert _refused(CHILD, ROUND, INDICATORS, {}, [{"indicator_id": 99, "level": 1}]) == {
        "indicator_id": ["No such indicator."]}


def test_a_card_is_all_or_nothing_and_errors_name_the_item():
    items = [{"indicator_id": 1, "level": 2}, {"indicator_id": 2, "level": 9}, {"indicator_id": 1, "level": 1}]
    errors = _refused(CHILD, ROUND, INDICATORS, {}, items, card_code="sport", field_prefix="observations")
    assert errors == {"observations.1.level": ["The level must be between 1 and 4."],
                      "observations.2.indicator_id": ["The indicator appears twice."]}


def test_a_round_of_another_kindergarten_or_none_is_unknown_and_a_closed_one_is_final():
    other = RoundFacts("r2", "kg2", "open", 10, 2)
    for round_ in (None, other):
        assert _refused(CHILD, round_, INDICATORS, {}, [{"indicator_id": 1, "level": 1}]) == {
            "round_id": ["No such round for this child's kindergarten."]}
    closed = RoundFacts("r1", "kg1", "closed", 10, 2)
    with pytest.raises(Conflict):
        decide(CHILD, closed, INDICATORS, {}, [{"indicator_id": 1, "level": 1}])


def test_the_event_carries_no_note_and_names_the_round_and_version():
    write = Write(1, "sport", 3, "a private note", 2, CHANGED)
    event = observation_event(write, SimpleNamespace(id=7, group_id="g1"), "c1", ROUND)
    assert event == {"observation_id": "7", "child_id": "c1", "round_id": "r1", "organisation_id": "kg1",
                     "group_id": "g1", "card_code": "sport", "indicator_id": 1, "catalogue_version": 2,
                     "level": 3, "previous_level": 2}


def test_card_dynamics_count_indicators_up_same_and_down_between_consecutive_rounds():
    rounds = [SimpleNamespace(id=f"r{n}", number=n) for n in (1, 2, 3)]
    card = {"code": "sport", "title": "Спорт", "indicators": [{"id": 1}, {"id": 2}, {"id": 3}]}
    level = lambda n: SimpleNamespace(level=n)  # noqa: E731
    observations = {1: {"r1": level(1), "r2": level(2), "r3": level(2)}, 2: {"r1": level(3), "r2": level(2)},
                    3: {"r2": level(1)}}
    assert card_dynamics(card, rounds, observations) == [
        {"card_code": "sport", "card_title": "Спорт", "from_round": 1, "to_round": 2,
         "improved": 1, "same": 0, "declined": 1},
        {"card_code": "sport", "card_title": "Спорт", "from_round": 2, "to_round": 3,
         "improved": 0, "same": 1, "declined": 0}]
