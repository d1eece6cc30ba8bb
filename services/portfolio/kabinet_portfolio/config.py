"""Portfolio settings: the kit's base (database, broker, tokens, server) and this service's own,
read from ``PORTFOLIO_*`` (or secrets files) and checked when a process starts."""
from __future__ import annotations

from pydantic import Field, model_validator

from kabinet_kit.migrations import service_dir
from kabinet_kit.settings import LOCAL_DATA_DIR, ServiceSettings

SERVICE = "portfolio"
SERVICE_DIR = service_dir(__file__)
MB = 1024 * 1024


class Settings(ServiceSettings, env_prefix="PORTFOLIO_"):
    service = SERVICE
    default_port = 8104

    # Evidence documents live outside the database, by content hash, in a folder only this
    # service's user can read (POR-11). Empty: var/portfolio-documents.
    document_dir: str = ""
    # Seed 003 §2.7: JPG or PDF of at most 2 MB.
    max_document_bytes: int = Field(default=2 * MB, ge=1024, le=50 * MB)
    # The consumer's queue is portfolio.<consumer_queue>; test runs sharing a vhost use their own.
    consumer_queue: str = Field(default="identity", min_length=1, max_length=100)
    # The local day (working days, "today" of dates and overdue disputes): Perm.
    timezone: str = "Asia/Yekaterinburg"

    @model_validator(mode="after")
    def _document_dir(self) -> Settings:
        if not self.document_dir:
            self.document_dir = str(LOCAL_DATA_DIR / "portfolio-documents")
        return self
