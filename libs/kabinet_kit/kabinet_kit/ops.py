"""Who may read the operations endpoints (``/metrics``, ``/readyz``'s detail): the addresses in
``<PREFIX>_OPS_ALLOW``, loopback by default. Counters, upstream names and error classes map the
deployment for an attacker, so an outside client learns only whether a process is ready."""
from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app, request

DEFAULT_OPS_ALLOW = ("127.0.0.0/8", "::1/128")
OPS_ALLOW_KEY = "KABINET_OPS_ALLOW"
#: A callable giving the client's address; the gateway installs its own (it knows its proxies).
CLIENT_ADDRESS_KEY = "kabinet.client_address"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(value: str | Iterable[str]) -> tuple[str, ...]:
    """``"10.0.0.0/8, 192.168.1.5"`` → normalised networks; raises ValueError on a bad one."""
    items = value.split(",") if isinstance(value, str) else value
    return tuple(str(ipaddress.ip_network(item.strip(), strict=False)) for item in items if item.strip())


def networks(allow: Iterable[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in allow)


def ops_caller_allowed() -> bool:
    address_of: Callable[[], str | None] = current_app.extensions.get(CLIENT_ADDRESS_KEY, lambda: request.remote_addr)
    try:
        address = ipaddress.ip_address(address_of() or "")
    except ValueError:
        return False
    allowed: tuple[Network, ...] = current_app.config.get(OPS_ALLOW_KEY, networks(DEFAULT_OPS_ALLOW))
    return any(address in network for network in allowed)


def visible_readiness(body: dict[str, Any]) -> dict[str, Any]:
    """The readiness body as this caller may see it: the status alone for outsiders."""
    return body if ops_caller_allowed() else {"status": body["status"]}
