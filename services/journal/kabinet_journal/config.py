"""Journal settings from the environment, with working local defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kabinet_kit.bus import amqp_url

SERVICE = "journal"
SERVICE_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = SERVICE_DIR.parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(f"JOURNAL_{name}", default)


@dataclass
class Settings:
    database_url: str = field(default_factory=lambda: os.environ.get(
        "JOURNAL_DATABASE_URL", os.environ.get("DATABASE_URL", f"sqlite:///{REPO_ROOT / 'var' / 'journal.db'}")))
    amqp_url: str = field(default_factory=lambda: amqp_url(SERVICE))
    jwks_url: str = field(default_factory=lambda: _env("JWKS_URL", "http://127.0.0.1:8101/.well-known/jwks.json"))
    # "Topics are entered on the day" (seed 004 §3.2): the day is the institution's local day.
    timezone: str = field(default_factory=lambda: _env("TIMEZONE", "Asia/Yekaterinburg"))
    # Signing keys for tests (StaticKeySource); None in production, where JWKS is used.
    static_keys: dict | None = None
    # Or any key source (tests pass identity's LocalKeySource).
    key_source: object = None

    @classmethod
    def from_mapping(cls, overrides: dict | None) -> "Settings":
        settings = cls()
        for key, value in (overrides or {}).items():
            if hasattr(settings, key):
                setattr(settings, key, value)
        return settings
