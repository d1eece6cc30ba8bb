"""RabbitMQ transport details shared by the relay and the consumers (kombu over py-amqp)."""
from __future__ import annotations

import os

from kombu.connection import Connection
from kombu.entity import Exchange

CONNECT_TIMEOUT = float(os.environ.get("AMQP_CONNECT_TIMEOUT", "5"))


def connect(url: str, *, heartbeat: int = 30, confirm_publish: bool = False) -> Connection:
    """A kombu connection that never waits forever: connect, socket and confirm timeouts."""
    options = {"confirm_publish": True} if confirm_publish else {}
    return Connection(
        url, connect_timeout=CONNECT_TIMEOUT, heartbeat=heartbeat, transport_options=options,
        transport="pyamqp",
    )


def events_exchange(service: str) -> Exchange:
    return Exchange(f"{service}.events", type="topic", durable=True)


def broker_reachable(url: str, timeout: float = 2.0) -> bool:
    conn = Connection(url, connect_timeout=timeout, transport="pyamqp")
    try:
        conn.ensure_connection(max_retries=1, timeout=timeout)
        return True
    except Exception:
        return False
    finally:
        conn.release()
