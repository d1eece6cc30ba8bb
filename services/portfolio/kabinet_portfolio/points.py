"""Rating points (seed 003 §7.4, POR-18): base unit of the activity × time coefficient (by full
years since the achievement) × participation type × result × individuality × level, from a
versioned coefficient table the department edits. Pure; the seed gives no figures, so the
defaults below are this project's own (README, "Portfolio points").

Points are kept in hundredths (each achievement rounded to the hundredth, then summed), so two
pupils with the same achievements tie exactly.
"""
from __future__ import annotations

from calendar import isleap
from dataclasses import dataclass
from datetime import date
from typing import Any

from kabinet_kit.errors import InvalidInput

LEVELS = ("international", "all_russian", "interregional", "regional", "municipal", "inter_school")
RESULTS = ("participant", "prize_winner", "winner")
PARTICIPATION = ("in_person", "correspondence", "remote")
INDIVIDUALITY = ("individual", "team")

DEFAULT_COEFFICIENTS: dict[str, Any] = {
    # The coefficient for 0, 1, 2, ... full years since the achievement; the last one holds after.
    "time": [1.0, 0.8, 0.6, 0.4],
    "participation": {"in_person": 1.0, "correspondence": 0.8, "remote": 0.7},
    "result": {"participant": 1.0, "prize_winner": 2.0, "winner": 3.0},
    "individuality": {"individual": 1.0, "team": 0.6},
    "level": {"international": 3.0, "all_russian": 2.5, "interregional": 2.0, "regional": 1.6,
              "municipal": 1.3, "inter_school": 1.0},
}
_KEYS = {"participation": PARTICIPATION, "result": RESULTS, "individuality": INDIVIDUALITY, "level": LEVELS}


def validate_table(table: Any) -> dict[str, Any]:
    """A complete table of positive coefficients, or InvalidInput naming what is wrong."""
    errors: dict[str, list[str]] = {}
    if not isinstance(table, dict):
        raise InvalidInput("The coefficient table is an object.", errors={"coefficients": ["Must be an object."]})
    time = table.get("time") or []
    if not (isinstance(time, list) and 1 <= len(time) <= 30 and all(_positive(v) for v in time)):
        errors["time"] = ["A list of 1 to 30 positive numbers (0, 1, 2, ... full years)."]
    for name, keys in _KEYS.items():
        given = table.get(name)
        if not isinstance(given, dict) or set(given) != set(keys) or not all(_positive(v) for v in given.values()):
            errors[name] = [f"Positive numbers for exactly: {', '.join(keys)}."]
    unknown = set(table) - {"time", *_KEYS}
    if unknown:
        errors["_schema"] = [f"Unknown parts: {', '.join(sorted(unknown))}."]
    if errors:
        raise InvalidInput("The coefficient table is incomplete or invalid.", errors=errors)
    return {"time": [float(v) for v in time], **{n: {k: float(v) for k, v in table[n].items()} for n in _KEYS}}


def _positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= 100


def full_years(since: date, today: date) -> int:
    years = today.year - since.year - ((today.month, today.day) < (since.month, since.day))
    return max(0, years)


@dataclass(frozen=True)
class Scored:
    base_points: float
    level: str
    participation: str
    individuality: str
    result: str
    achieved_on: date


def points_cents(table: dict[str, Any], item: Scored, today: date) -> int:
    return cents_of(table, item.base_points, item.level, item.participation, item.individuality, item.result,
                    time_bucket(table, full_years(item.achieved_on, today)))


def time_bucket(table: dict[str, Any], years: int) -> int:
    """Which time coefficient holds after ``years`` full years (the last one holds after)."""
    return min(years, len(table["time"]) - 1)


def cents_of(table: dict[str, Any], base_points: float, level: str, participation: str, individuality: str,
             result: str, bucket: int) -> int:
    value = (base_points * table["time"][bucket] * table["participation"][participation]
             * table["result"][result] * table["individuality"][individuality] * table["level"][level])
    return int(round(value * 100))


def anniversaries(table: dict[str, Any], today: date) -> list[date]:
    """The days 1, 2, … full years before ``today``, one for each time coefficient after the
    first: an achievement on or before the k-th has at least k full years (a 29 February
    today looks back to 28 February in a common year)."""
    out = []
    for k in range(1, len(table["time"])):
        year = today.year - k
        day = today.day if not (today.month == 2 and today.day == 29 and not isleap(year)) else 28
        out.append(date(year, today.month, day))
    return out


def total_cents(table: dict[str, Any], items: list[Scored], today: date) -> int:
    return sum(points_cents(table, item, today) for item in items)


def next_anniversary_passed(achieved_on: date, last: date | None, today: date) -> bool:
    """Whether a full year since the achievement completed after ``last`` (the day the points
    were computed) and by ``today``: the time coefficient may have changed."""
    return last is None or full_years(achieved_on, today) != full_years(achieved_on, last)
