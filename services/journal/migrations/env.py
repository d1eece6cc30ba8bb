from kabinet_journal.config import Settings
from kabinet_journal.models import Base
from kabinet_kit.migrations import run_alembic_env

run_alembic_env(Base.metadata, Settings.load().database_url)
