"""The gateway's migrations build exactly the tables its models describe, and step down again."""
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from kabinet_gateway.config import SERVICE_DIR
from kabinet_gateway.models import metadata
from kabinet_kit.migrations import alembic_config, upgrade
from kabinet_kit.testing import migrated_database


def _differences(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_models_and_downgrades():
    with migrated_database(SERVICE_DIR, "gateway") as url:
        assert _differences(url) == []
        command.downgrade(alembic_config(SERVICE_DIR, url), "0001")
        upgrade(SERVICE_DIR, url)
        assert _differences(url) == []
