"""Working days by the Russian production calendar (weekends, federal holidays and the days
off moved by the Government's decree, and Saturdays made working days), from the ``holidays``
library — a maintained calendar, not a list of our own (POR-24)."""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=16)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("RU", years=range(year - 1, year + 2))


def is_working_day(day: date) -> bool:
    return bool(_calendar(day.year).is_working_day(day))


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (seed 003 §8.1: the answer is due within five)."""
    current, counted = start, 0
    while counted < days:
        current += timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return current
