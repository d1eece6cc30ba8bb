"""Year marks computed from term marks when the year is closed."""
import pytest

from kabinet_journal.yearend import year_mark


@pytest.mark.parametrize("terms, expected", [
    (["5", "4", "5"], "5"),   # 4.67
    (["4", "3"], "4"),        # 3.5 rounds half up
    (["3", "3", "4"], "3"),   # 3.33
    (["2", "2", "3"], "2"),
    (["5"], "5"),
    ([], None),
])
def test_five_point_year_mark_is_the_rounded_mean_of_term_marks(terms, expected):
    assert year_mark("five", terms) == expected


def test_pass_fail_year_mark_needs_every_term_passed():
    assert year_mark("pass_fail", ["pass", "pass"]) == "pass"
    assert year_mark("pass_fail", ["pass", "fail", "pass"]) == "fail"
    assert year_mark("pass_fail", []) is None
