"""A kindergarten's current round, and the children whose card is not yet filled."""
from collections import Counter
from types import SimpleNamespace

from kabinet_preschool.my_round import current_round, unfilled_cards


def _round(number, status):
    return SimpleNamespace(number=number, status=status)


def test_the_current_round_is_the_latest_open_else_the_latest():
    one, two, three = _round(1, "open"), _round(2, "closed"), _round(3, "open")
    assert current_round([one, two, three]) is three
    assert current_round([one, two]) is one
    assert current_round([_round(1, "closed"), two]) is two
    assert current_round([]) is None


def test_a_card_counts_for_a_child_until_every_indicator_has_a_level():
    filled = Counter({("a", 1): 3, ("a", 2): 1, ("b", 1): 2})
    assert unfilled_cards({1: 3, 2: 2}, filled, ["a", "b", "c"]) == Counter({1: 2, 2: 3})
