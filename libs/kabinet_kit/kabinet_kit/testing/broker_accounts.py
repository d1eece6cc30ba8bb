"""Connecting as each broker account (pika, as an outside system would) for the tests of what the
accounts may do: see deploy/rabbitmq/README.md. Development passwords; the administrator's from
:func:`kabinet_kit.broker_definitions.admin_password`."""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import pika
from pika.exceptions import ChannelClosedByBroker, ProbableAccessDeniedError

from ..broker_definitions import ADMIN_USER, admin_password
from . import BROKER_HOST, TEST_VHOST

ACCESS_REFUSED = 403


def relay(service: str) -> str:
    return f"{service}-relay"


def consumer(service: str) -> str:
    return f"{service}-consumer"


def connect(user: str, vhost: str = TEST_VHOST, password: str | None = None) -> Any:
    """A blocking pika connection as ``user`` (development password unless given)."""
    if password is None:
        password = admin_password() if user == ADMIN_USER else "guest" if user == "guest" else f"kabinet-{user}"
    host, _, port = BROKER_HOST.partition(":")
    return pika.BlockingConnection(pika.ConnectionParameters(
        host=host, port=int(port or 5672), virtual_host=vhost, credentials=pika.PlainCredentials(user, password),
        connection_attempts=1, socket_timeout=5, blocked_connection_timeout=5))


class Accounts:
    """Connections as each account, unique queue names, and clean-up of what a test created."""

    def __init__(self, vhost: str = TEST_VHOST):
        self.vhost = vhost
        self.uid = uuid.uuid4().hex[:8]
        self._connections: dict[str, Any] = {}
        self.queues: list[str] = []

    def channel(self, user: str) -> Any:
        """A fresh channel (a refusal closes the channel it happened on) with publisher confirms."""
        conn = self._connections.get(user)
        if conn is None or conn.is_closed:
            conn = self._connections[user] = connect(user, self.vhost)
        ch = conn.channel()
        ch.confirm_delivery()
        return ch

    def name(self, owner: str, template: str = "{owner}.perm-{uid}") -> str:
        """A unique queue name (``<owner>.perm-<uid>`` by default), deleted by the administrator."""
        queue = template.format(owner=owner, uid=self.uid)
        self.queues.append(queue)
        return queue

    def own_queue(self, service: str, template: str = "{owner}.perm-{uid}",
                  bind_to: tuple[str, str] | None = None) -> str:
        """A queue ``<service>.…`` declared (and bound) by the service's consumer account."""
        queue = self.name(service, template)
        ch = self.channel(consumer(service))
        ch.queue_declare(queue, durable=True)
        if bind_to:
            ch.queue_bind(queue, bind_to[0], routing_key=bind_to[1])
        return queue

    def close(self) -> None:
        for conn in self._connections.values():
            if conn.is_open:
                conn.close()
        if self.queues:
            admin = connect(ADMIN_USER, self.vhost)
            try:
                ch = admin.channel()
                for queue in self.queues:
                    ch.queue_delete(queue)
            finally:
                admin.close()


def publish(ch: Any, exchange: str, routing_key: str, body: bytes = b"{}") -> None:
    """Publish with a confirm, so that a refusal surfaces here and not later."""
    ch.basic_publish(exchange, routing_key, body, pika.BasicProperties(delivery_mode=2))


def get_one(ch: Any, queue: str, timeout: float = 3.0) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        method, _props, body = ch.basic_get(queue, auto_ack=True)
        if method is not None:
            return bytes(body)
        assert time.monotonic() < deadline, f"nothing arrived in {queue}"
        time.sleep(0.02)


def assert_refused(action: Callable[..., Any], *args: Any, **kwargs: Any) -> ChannelClosedByBroker:
    """The broker closes the channel with ACCESS_REFUSED (403)."""
    try:
        action(*args, **kwargs)
    except ChannelClosedByBroker as exc:
        assert exc.reply_code == ACCESS_REFUSED, exc
        return exc
    raise AssertionError(f"the broker allowed {getattr(action, '__name__', action)}{args}")


def assert_cannot_open_vhost(user: str, vhost: str = TEST_VHOST, password: str | None = None) -> None:
    """The broker refuses the connection to the vhost itself (no permissions there at all)."""
    try:
        connect(user, vhost, password).close()
    except ProbableAccessDeniedError as exc:
        assert "access to vhost" in str(exc) and "refused" in str(exc), exc
        return
    raise AssertionError(f"{user} opened the vhost {vhost}")
