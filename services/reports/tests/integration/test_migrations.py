"""The migrations build exactly the schema the models describe (Alembic's autogenerate finds
nothing to add, drop or alter on a freshly migrated database), and go down and up again."""
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from kabinet_kit.migrations import alembic_config
from kabinet_kit.testing import migrated_database
from kabinet_reports.config import SERVICE_DIR
from kabinet_reports.models import Base


def test_migrated_schema_matches_the_models(database_url):
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_the_schema_goes_down_and_up_again():
    with migrated_database(SERVICE_DIR, "reports-roundtrip") as url:
        config = alembic_config(SERVICE_DIR, url)
        command.downgrade(config, "base")
        command.upgrade(config, "head")
