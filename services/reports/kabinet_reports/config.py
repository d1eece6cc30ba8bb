"""Reports settings: the kit's base (database, broker, tokens, server) and this service's own,
read from ``REPORTS_*`` (or secrets files) and checked when a process starts."""
from __future__ import annotations

from pydantic import Field

from kabinet_kit.migrations import service_dir
from kabinet_kit.settings import ServiceSettings

SERVICE = "reports"
SERVICE_DIR = service_dir(__file__)


class Settings(ServiceSettings, env_prefix="REPORTS_"):
    service = SERVICE
    default_port = 8105

    # The consumer's queue is reports.<consumer_queue>; test runs sharing a vhost use their own.
    consumer_queue: str = Field(default="events", min_length=1, max_length=100)
    # The local day (report dates, "the last 30 days"): Perm.
    timezone: str = "Asia/Yekaterinburg"
