"""Spreadsheet exports: text that would be a formula stays text (issue 11, low finding)."""
from kabinet_kit.exports import spreadsheet_safe


def test_formula_starts_get_an_apostrophe_and_other_values_stay():
    for text in ("=1+1", "+7 912", "-2", "@SUM(A1)", "\tx", "\r=x"):
        assert spreadsheet_safe(text) == "'" + text
    for value in ("Сложение дробей", "5 4", "н", "", 4.25, -3, None):
        assert spreadsheet_safe(value) == value
