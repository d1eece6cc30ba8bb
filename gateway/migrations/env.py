from kabinet_gateway.config import Settings
from kabinet_gateway.models import metadata
from kabinet_kit.migrations import run_alembic_env

run_alembic_env(metadata, Settings().database_url)
