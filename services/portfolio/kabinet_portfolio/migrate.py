"""``python -m kabinet_portfolio.migrate``: bring the schema to the newest revision (catalogue
version 1 and coefficient table version 1 come with revision 0001)."""
from kabinet_kit.service import migrate_main

from .bootstrap import SPEC
from .config import Settings

if __name__ == "__main__":
    migrate_main(SPEC, Settings.load())
