"""Who is on Kabinet's bus: the kit's broker definitions are generated from this (the kit itself
names no service)."""
from __future__ import annotations

from kabinet_kit.broker_topology import Topology

from .registry import PERSONAL_DATA_EXCHANGE

TOPOLOGY = Topology(
    # Services that publish on their own ``<service>.events`` exchange and may read personal data.
    publishers=("identity", "journal", "preschool", "portfolio", "reports"),
    # Processes that only consume: the gateway reads the public exchanges, never identity.pd.
    consume_only=("gateway",),
    # The gateway's /readyz tells whether the broker answers: an account that may do nothing.
    web_probes=("gateway",),
    external="external",
    personal_data_exchange=PERSONAL_DATA_EXCHANGE,
)
