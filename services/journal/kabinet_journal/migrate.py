"""``python -m kabinet_journal.migrate``: bring the database schema to the newest revision."""
from kabinet_kit.migrations import upgrade

from .config import SERVICE_DIR, Settings

if __name__ == "__main__":
    settings = Settings()
    upgrade(SERVICE_DIR, settings.database_url)
    print(f"journal: database migrated ({settings.database_url.split('@')[-1]})")
