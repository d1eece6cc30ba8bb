"""``python -m kabinet_journal.web``: the HTTP API under gunicorn."""
from kabinet_kit.logs import configure_logging
from kabinet_kit.serve import run_gunicorn

from .bootstrap import create_app
from .config import SERVICE

if __name__ == "__main__":
    configure_logging(SERVICE)
    run_gunicorn(create_app, service=SERVICE, default_port=8102)
