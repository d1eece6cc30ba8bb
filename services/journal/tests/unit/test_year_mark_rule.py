"""Year marks computed from term marks when the year is closed."""
from datetime import date

import pytest

from kabinet_journal.yearend import decide_year_marks, year_mark


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


def test_year_marks_are_decided_for_the_pupils_in_the_group_on_the_day():
    on = date(2027, 5, 31)
    stays = {"5a": [("ivan", date(2026, 9, 1), None), ("maria", date(2026, 9, 1), None),
                    ("left", date(2026, 9, 1), date(2027, 3, 1)), ("new", date(2027, 5, 1), None)],
             "5b": [("olga", date(2026, 9, 1), None)]}
    term_values = {("maths", "ivan"): ["4", "5", "4", "5"], ("maths", "left"): ["2", "2"],
                   ("maths", "maria"): ["5", "5"], ("pe", "olga"): ["pass", "fail"]}
    out = decide_year_marks(on, [("maths", "5a", "five"), ("pe", "5b", "pass_fail")], stays, term_values,
                            {("maths", "maria")})
    # Ivan computed (4.5 → 5); Maria's set mark kept; the leaver counts for nothing; the newcomer
    # has no term mark; Olga failed a term.
    assert out.computed == [("maths", "ivan", "5"), ("pe", "olga", "fail")]
    assert (out.kept, out.missing) == (1, 1)
    assert decide_year_marks(on, [], stays, term_values, set()).computed == []
