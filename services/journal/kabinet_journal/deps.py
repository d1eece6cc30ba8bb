"""What the journal's use cases get from the wiring (built in bootstrap.py, imported from here)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from kabinet_kit.service import Deps as KitDeps

from .config import Settings


@dataclass
class Deps(KitDeps):
    settings: Settings


def local_today(deps: Deps) -> date:
    """Today in the institution's time zone (the journal's day, not the server's)."""
    return datetime.now(ZoneInfo(deps.settings.timezone)).date()
