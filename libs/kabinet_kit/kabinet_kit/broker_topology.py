"""Who may do what on the bus: a system's :class:`Topology` and each account's RabbitMQ
permission regexes (see :mod:`kabinet_kit.broker_definitions`, which writes and loads them)."""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Topology:
    """The accounts and exchanges of a system on the bus (the system names them, not the kit)."""
    #: Services that publish events on their own ``<service>.events`` topic exchange; their
    #: consumers are trusted with personal data (may read the personal-data exchange).
    publishers: tuple[str, ...]
    #: Processes that only consume, from the public exchanges.
    consume_only: tuple[str, ...] = ()
    #: The outside systems' account.
    external: str = "external"
    #: Published by the service its name starts with (``identity.pd``: identity's relay).
    personal_data_exchange: str = "personal.data"
    #: Services whose web process opens a connection only to tell that the broker answers.
    web_probes: tuple[str, ...] = ()

    @property
    def consumers(self) -> tuple[str, ...]:
        """Everyone who runs an EventConsumer (and so owns ``S.dlx``, ``S.retry``, ``S.requeue``)."""
        return self.publishers + self.consume_only

    @property
    def internal(self) -> tuple[str, ...]:
        return self.publishers

    def outgoing(self, service: str) -> tuple[str, ...]:
        """The exchanges ``service``'s relay publishes to: its events and what else is named after it."""
        own = [f"{service}.events"] if service in self.publishers else []
        if self.personal_data_exchange.startswith(f"{service}."):
            own.append(self.personal_data_exchange)
        return tuple(own)

    @property
    def users(self) -> tuple[str, ...]:
        return (tuple(relay_account(s) for s in self.publishers)
                + tuple(consumer_account(s) for s in self.consumers)
                + tuple(web_account(s) for s in self.web_probes) + (self.external,))


def relay_account(service: str) -> str:
    return f"{service}-relay"


def consumer_account(service: str) -> str:
    return f"{service}-consumer"


def web_account(service: str) -> str:
    return f"{service}-web"


def _own(name: str) -> str:
    return rf"{re.escape(name)}\..+"


def _events_exchanges(topology: Topology) -> str:
    return rf"({'|'.join(topology.publishers)})\.events"


def _anchored(*alternatives: str) -> str:
    if not alternatives:
        return "^$"  # matches no resource name
    return f"^{alternatives[0]}$" if len(alternatives) == 1 else f"^({'|'.join(alternatives)})$"


def _consumer_own(service: str, topology: Topology) -> str:
    """``S.*`` except the exchanges S's relay publishes to."""
    relays = [name.removeprefix(f"{service}.") for name in topology.outgoing(service)]
    if not relays:
        return _own(service)
    return rf"{re.escape(service)}\.(?!({'|'.join(re.escape(r) for r in relays)})$).+"


def permissions_for(user: str, topology: Topology) -> dict[str, str]:
    """The configure/write/read regexes of one account (the same on every vhost)."""
    for service in topology.publishers:
        if user == relay_account(service):
            outgoing = _anchored(*(re.escape(name) for name in topology.outgoing(service)))
            return {"configure": outgoing, "write": outgoing, "read": "^$"}
    for service in topology.consumers:
        if user == consumer_account(service):
            own = _consumer_own(service, topology)
            readable = [own, _events_exchanges(topology)]
            if service in topology.internal:
                readable.append(re.escape(topology.personal_data_exchange))
            return {"configure": _anchored(own), "write": _anchored(own), "read": _anchored(*readable)}
    if user in (web_account(s) for s in topology.web_probes):
        return {"configure": "^$", "write": "^$", "read": "^$"}
    if user == topology.external:
        own = _own(user)
        return {"configure": _anchored(own), "write": _anchored(own),
                "read": _anchored(own, _events_exchanges(topology))}
    raise ValueError(f"{user!r} is not an account of the topology")
