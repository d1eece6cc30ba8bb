"""``python -m kabinet_preschool.migrate``: bring the schema to the newest revision (the
catalogue version 1 comes with revision 0002)."""
from kabinet_kit.service import migrate_main

from .bootstrap import SPEC
from .config import Settings

if __name__ == "__main__":
    migrate_main(SPEC, Settings.load())
