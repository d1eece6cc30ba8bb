"""``python -m kabinet_reports.relay``: publishes the reports outbox to RabbitMQ
(``--drain`` publishes what is there now and exits)."""
from kabinet_kit.service import relay_main

from .bootstrap import SPEC
from .config import Settings

if __name__ == "__main__":
    relay_main(SPEC, Settings.load())
