from kabinet_identity.config import Settings
from kabinet_identity.models import Base
from kabinet_kit.migrations import run_alembic_env

run_alembic_env(Base.metadata, Settings().database_url)
