"""``python -m kabinet_reports.consumer``: applies identity's and the journal's events to this
service's projections (queue reports.events, or reports.<REPORTS_CONSUMER_QUEUE> where test runs
share a vhost); ``--declare`` and ``--until-idle`` serve the set-up in ``make run``."""
from kabinet_kit.service import consumer_main

from .bootstrap import SPEC
from .config import Settings

if __name__ == "__main__":
    settings = Settings.load()
    consumer_main(SPEC, settings, name=settings.consumer_queue)
