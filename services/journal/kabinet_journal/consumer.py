"""``python -m kabinet_journal.consumer``: keeps the replicas of identity (queue journal.identity,
or journal.<JOURNAL_CONSUMER_QUEUE> where test runs share a vhost); ``--declare`` and
``--until-idle`` serve the set-up in ``make run``."""
import os

from kabinet_kit.consumer import main
from kabinet_kit.logs import configure_logging

from .bootstrap import create_consumer
from .config import SERVICE

if __name__ == "__main__":
    configure_logging(SERVICE)
    main(create_consumer(name=os.environ.get("JOURNAL_CONSUMER_QUEUE", "identity")))
