"""``python -m kabinet_journal.relay``: publishes the journal outbox to RabbitMQ
(``--drain`` publishes what is there now and exits)."""
from kabinet_kit.logs import configure_logging
from kabinet_kit.relay import main

from .bootstrap import create_relay
from .config import SERVICE

if __name__ == "__main__":
    configure_logging(SERVICE)
    main(create_relay())
