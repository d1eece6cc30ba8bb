"""Today in Perm: report dates and the 30 days of items 9 and 13 are local days."""
from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from kabinet_kit.events import utcnow


def local_today(timezone: str) -> date:
    return utcnow().astimezone(ZoneInfo(timezone)).date()
