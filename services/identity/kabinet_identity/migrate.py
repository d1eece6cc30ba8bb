"""``python -m kabinet_identity.migrate``: bring the database schema to the newest revision."""
from kabinet_kit.service import migrate_main

from .bootstrap import SPEC, build_deps
from .config import Settings

if __name__ == "__main__":
    settings = Settings.load()
    migrate_main(SPEC, settings)
    # The first signing key is made here, before several web workers could race to make one.
    build_deps(settings).keys.load()
