"""Preschool settings from the environment, with working local defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kabinet_kit.bus import amqp_url

SERVICE = "preschool"
SERVICE_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = SERVICE_DIR.parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(f"PRESCHOOL_{name}", default)


@dataclass
class Settings:
    database_url: str = field(default_factory=lambda: os.environ.get(
        "PRESCHOOL_DATABASE_URL", os.environ.get("DATABASE_URL", f"sqlite:///{REPO_ROOT / 'var' / 'preschool.db'}")))
    amqp_url: str = field(default_factory=lambda: amqp_url(SERVICE))
    jwks_url: str = field(default_factory=lambda: _env("JWKS_URL", "http://127.0.0.1:8101/.well-known/jwks.json"))
    # Cells of fewer children than this are suppressed in kindergarten and city figures.
    min_cell: int = field(default_factory=lambda: int(_env("MIN_CELL", "5")))
    # The guardians' activity indicator counts visits within this many days.
    activity_days: int = field(default_factory=lambda: int(_env("ACTIVITY_DAYS", "30")))
    key_source: object = None  # tests pass a StaticKeySource / LocalKeySource

    @classmethod
    def from_mapping(cls, overrides: dict | None) -> "Settings":
        settings = cls()
        for key, value in (overrides or {}).items():
            if hasattr(settings, key):
                setattr(settings, key, value)
        return settings
