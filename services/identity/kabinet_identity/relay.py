"""``python -m kabinet_identity.relay``: publishes identity's outbox to RabbitMQ, writing the
revocation feed's heartbeat and the revocation of expired role grants into it as it runs
(``--drain`` publishes what is there now and exits)."""
from kabinet_kit.service import relay_main

from .bootstrap import SPEC, create_heartbeat, create_role_expiry
from .config import Settings

if __name__ == "__main__":
    settings = Settings.load()
    relay_main(SPEC, settings, periodic=[create_heartbeat(settings), create_role_expiry(settings)])
