"""Entry-point helpers: gunicorn started from ``python -m <service>.web``, and signal-aware loops."""
from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from .logs import configure_logging
from .settings import ServiceSettings


class _Gunicorn(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type information
    def __init__(self, factory: Callable[[], Flask], options: dict[str, Any]):
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.factory()


def run_gunicorn(factory: Callable[[], Flask], *, service: str, host: str, port: int, workers: int,
                 threads: int) -> None:
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 30,
        "accesslog": None,  # the app logs one JSON line per request itself
        "proc_name": f"kabinet-{service}",
        # gunicorn's control socket defaults to one path per user: several services would share it.
        "control_socket_disable": True,
    }
    _Gunicorn(factory, options).run()


def stop_event_on_signals() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def serve_web(settings: ServiceSettings, factory: Callable[[], Flask]) -> None:
    """``python -m <service>.web``: JSON logs, then the app under gunicorn as the settings say."""
    configure_logging(settings.service)
    run_gunicorn(factory, service=settings.service, host=settings.host, port=settings.port,
                 workers=settings.workers, threads=settings.threads)
