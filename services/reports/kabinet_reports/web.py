"""``python -m kabinet_reports.web``: the HTTP API under gunicorn."""
from kabinet_kit.serve import serve_web

from .bootstrap import create_app
from .config import Settings

if __name__ == "__main__":
    serve_web(Settings.load(), create_app)
