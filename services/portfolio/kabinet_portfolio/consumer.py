"""``python -m kabinet_portfolio.consumer``: applies identity's events to this service's replicas
(queue portfolio.identity, or portfolio.<PORTFOLIO_CONSUMER_QUEUE> where test runs share a
vhost); ``--declare`` and ``--until-idle`` serve the set-up in ``make run``."""
from kabinet_kit.service import consumer_main

from .bootstrap import SPEC
from .config import Settings

if __name__ == "__main__":
    settings = Settings.load()
    consumer_main(SPEC, settings, name=settings.consumer_queue)
