"""``python -m kabinet_identity.relay``: publishes identity's outbox to RabbitMQ."""
from kabinet_kit.logs import configure_logging
from kabinet_kit.serve import stop_event_on_signals

from .bootstrap import create_relay
from .config import SERVICE

if __name__ == "__main__":
    configure_logging(SERVICE)
    create_relay().run(stop_event_on_signals())
