"""Preschool settings: the kit's base (database, broker, tokens, server) and this service's own,
read from ``PRESCHOOL_*`` (or secrets files) and checked when a process starts."""
from __future__ import annotations

from pydantic import Field

from kabinet_kit.migrations import service_dir
from kabinet_kit.settings import ServiceSettings

SERVICE = "preschool"
SERVICE_DIR = service_dir(__file__)


class Settings(ServiceSettings, env_prefix="PRESCHOOL_"):
    service = SERVICE
    default_port = 8103

    # Cells of fewer children than this are suppressed in kindergarten and city figures (PRE-05).
    min_cell: int = Field(default=5, ge=1, le=100)
    # The guardians' activity indicator counts visits within this many days (PRE-11).
    activity_days: int = Field(default=30, ge=1, le=366)
    # The consumer's queue is preschool.<consumer_queue>; test runs sharing a vhost use their own.
    consumer_queue: str = Field(default="identity", min_length=1, max_length=100)
