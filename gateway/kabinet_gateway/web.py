"""``python -m kabinet_gateway.web``: the gateway under gunicorn (GATEWAY_PORT, default 8080)."""
from __future__ import annotations

from kabinet_kit.serve import serve_web

from .bootstrap import create_app
from .config import Settings


def main() -> None:
    serve_web(Settings.load(), create_app)


if __name__ == "__main__":
    main()
