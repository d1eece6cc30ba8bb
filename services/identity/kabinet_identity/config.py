"""Identity settings from the environment, with working local defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kabinet_kit.bus import amqp_url

SERVICE = "identity"
SERVICE_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = SERVICE_DIR.parent.parent


def _env(name: str, default: str) -> str:
    return os.environ.get(f"IDENTITY_{name}", default)


@dataclass
class Settings:
    database_url: str = field(default_factory=lambda: os.environ.get(
        "IDENTITY_DATABASE_URL", os.environ.get("DATABASE_URL", f"sqlite:///{REPO_ROOT / 'var' / 'identity.db'}")))
    amqp_url: str = field(default_factory=lambda: amqp_url(SERVICE))
    access_token_ttl: int = field(default_factory=lambda: int(_env("ACCESS_TOKEN_TTL", "900")))
    refresh_token_ttl: int = field(default_factory=lambda: int(_env("REFRESH_TOKEN_TTL", str(30 * 24 * 3600))))
    max_failed_logins: int = field(default_factory=lambda: int(_env("MAX_FAILED_LOGINS", "5")))
    lockout_seconds: int = field(default_factory=lambda: int(_env("LOCKOUT_SECONDS", "900")))
    access_code_ttl_days: int = field(default_factory=lambda: int(_env("ACCESS_CODE_TTL_DAYS", "14")))
    redeem_attempts_per_window: int = field(default_factory=lambda: int(_env("REDEEM_ATTEMPTS", "10")))
    redeem_window_seconds: int = field(default_factory=lambda: int(_env("REDEEM_WINDOW_SECONDS", "900")))
    argon2_time_cost: int = field(default_factory=lambda: int(_env("ARGON2_TIME_COST", "3")))
    argon2_memory_kib: int = field(default_factory=lambda: int(_env("ARGON2_MEMORY_KIB", "65536")))
    # Only trust X-Forwarded-For from the gateway in front of us.
    trust_forwarded_for: bool = field(default_factory=lambda: _env("TRUST_FORWARDED_FOR", "1") == "1")

    @classmethod
    def from_mapping(cls, overrides: dict | None) -> "Settings":
        settings = cls()
        for key, value in (overrides or {}).items():
            if hasattr(settings, key):
                setattr(settings, key, value)
        return settings
