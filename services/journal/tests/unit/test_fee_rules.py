"""The parent fee rule (JRN-09): which days are charged, which rate and exemption apply."""
from datetime import date
from decimal import Decimal

import pytest

from kabinet_journal.fees import Exemption, Rate, month_fee, parse_month, rate_on
from kabinet_kit.errors import InvalidInput

D = lambda day: date(2026, 9, day)  # noqa: E731


def test_attended_and_unexcused_days_are_charged_ill_and_valid_absences_are_not():
    days = {D(1): "present", D(2): "present", D(3): "absent_ill", D(4): "absent_valid", D(7): "absent_unexcused"}
    fee = month_fee(days, [Rate(date(2026, 1, 1), Decimal("150.00"), False)], [])
    assert fee.charged_days == 3
    assert (fee.days["present"], fee.days["absent_ill"], fee.days["absent_valid"], fee.days["absent_unexcused"]) == \
        (2, 1, 1, 1)
    assert fee.amount == fee.full_amount == Decimal("450.00")


def test_a_group_rate_overrides_the_institutions_and_a_new_rate_applies_from_its_day():
    rates = [Rate(date(2026, 1, 1), Decimal("150.00"), False), Rate(D(15), Decimal("200.00"), False),
             Rate(D(20), Decimal("120.50"), True)]
    assert rate_on(D(14), rates) == Decimal("150.00")
    assert rate_on(D(15), rates) == Decimal("200.00")
    assert rate_on(D(21), rates) == Decimal("120.50")
    fee = month_fee({D(14): "present", D(16): "present", D(21): "present"}, rates, [])
    assert fee.amount == Decimal("470.50")


def test_exemptions_lower_the_days_they_cover_and_the_largest_counts():
    rate = [Rate(date(2026, 1, 1), Decimal("101.01"), False)]
    large_family = Exemption(D(10), None, 50, "large_family")
    disability = Exemption(D(20), D(25), 100, "disability")
    days = {D(1): "present", D(10): "present", D(11): "present", D(21): "present"}
    fee = month_fee(days, rate, [large_family, disability])
    # 101.01 + 50.505 + 50.505 + 0, rounded once at the end.
    assert fee.amount == Decimal("202.02")
    assert fee.full_amount == Decimal("404.04")
    assert (fee.exemption_percent, fee.exemption_kind) == (100, "disability")


def test_a_fully_exempt_child_pays_nothing_and_a_missing_rate_leaves_the_fee_uncomputed():
    rate = [Rate(D(10), Decimal("150.00"), False)]
    exempt = month_fee({D(11): "present"}, rate, [Exemption(D(1), None, 100, "orphan")])
    assert exempt.amount == Decimal("0.00") and exempt.full_amount == Decimal("150.00")
    missing = month_fee({D(2): "present", D(11): "present"}, rate, [])
    assert missing.amount is None and missing.days_without_rate == [D(2)]


def test_no_days_no_fee():
    fee = month_fee({}, [], [])
    assert fee.amount == Decimal("0.00") and fee.charged_days == 0


@pytest.mark.parametrize("text", ["2026-13", "2026", "september", ""])
def test_a_bad_month_names_the_field(text):
    with pytest.raises(InvalidInput) as err:
        parse_month(text)
    assert "month" in err.value.errors


def test_month_bounds():
    assert parse_month("2027-02") == (date(2027, 2, 1), date(2027, 2, 28))
