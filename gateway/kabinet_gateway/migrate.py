"""``python -m kabinet_gateway.migrate``: bring the gateway's database to the latest revision."""
from __future__ import annotations

from kabinet_kit.logs import configure_logging
from kabinet_kit.migrations import upgrade

from .config import SERVICE, SERVICE_DIR, Settings


def main() -> None:
    configure_logging(SERVICE)
    upgrade(SERVICE_DIR, Settings.load().database_url)


if __name__ == "__main__":
    main()
