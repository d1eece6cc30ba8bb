"""Journal settings: the kit's base (database, broker, tokens, web) and the journal's own."""
from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator

from kabinet_kit.migrations import service_dir
from kabinet_kit.settings import ServiceSettings

SERVICE = "journal"
#: The folder holding migrations/ (with alembic.ini): the checkout's or the installed package's.
SERVICE_DIR = service_dir(__file__)


class Settings(ServiceSettings, env_prefix="JOURNAL_"):
    service = SERVICE
    default_port = 8102

    # The institution's local day decides whether a topic was entered on the day (JRN-01).
    timezone: str = "Asia/Yekaterinburg"
    # The queue journal.<name> of identity's events (test runs sharing a vhost use their own).
    consumer_queue: str = "identity"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value
