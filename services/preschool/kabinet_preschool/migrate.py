"""``python -m kabinet_preschool.migrate``: bring the schema to the newest revision (the
catalogue version 1 comes with revision 0002)."""
from kabinet_kit.migrations import upgrade

from .config import SERVICE_DIR, Settings

if __name__ == "__main__":
    settings = Settings()
    upgrade(SERVICE_DIR, settings.database_url)
    print(f"preschool: database migrated ({settings.database_url.split('@')[-1]})")
