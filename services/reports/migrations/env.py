from kabinet_kit.migrations import run_alembic_env
from kabinet_reports.config import Settings
from kabinet_reports.models import Base

run_alembic_env(Base.metadata, Settings.load().database_url)
