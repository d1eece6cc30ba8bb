"""``python -m kabinet_identity.migrate``: bring the database schema to the newest revision."""
from kabinet_kit.migrations import upgrade

from .bootstrap import build_deps
from .config import SERVICE_DIR, Settings

if __name__ == "__main__":
    settings = Settings()
    upgrade(SERVICE_DIR, settings.database_url)
    # The first signing key is made here, before several web workers could race to make one.
    build_deps(settings).keys.load()
    print(f"identity: database migrated ({settings.database_url.split('@')[-1]})")
