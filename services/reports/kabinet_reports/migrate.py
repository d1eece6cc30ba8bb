"""``python -m kabinet_reports.migrate``: bring the schema to the newest revision."""
from kabinet_kit.service import migrate_main

from .bootstrap import SPEC
from .config import Settings

if __name__ == "__main__":
    migrate_main(SPEC, Settings.load())
