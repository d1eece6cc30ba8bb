"""Text that people open in a spreadsheet (CSV and XLSX exports)."""
from __future__ import annotations

from typing import Any

# A cell starting with one of these is a formula to Excel and LibreOffice: text typed by one
# user (a lesson topic) would run as a formula on another's machine (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """The cell as text that stays text: a leading apostrophe before a formula character.
    Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
