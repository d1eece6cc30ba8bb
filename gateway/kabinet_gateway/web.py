"""``python -m kabinet_gateway.web``: the gateway under gunicorn (GATEWAY_PORT, default 8080)."""
from __future__ import annotations

from kabinet_kit.logs import configure_logging
from kabinet_kit.serve import run_gunicorn

from .bootstrap import create_app
from .config import SERVICE


def main() -> None:
    configure_logging(SERVICE)
    run_gunicorn(create_app, service=SERVICE, default_port=8080)


if __name__ == "__main__":
    main()
