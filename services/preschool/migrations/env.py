from kabinet_kit.migrations import run_alembic_env
from kabinet_preschool.config import Settings
from kabinet_preschool.models import Base

run_alembic_env(Base.metadata, Settings.load().database_url)
