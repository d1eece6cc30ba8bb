"""the outbox flags rows whose data hold personal data; the relay scrubs them once published (issue 11, Low)

Revision ID: 0004
Revises: 0003
"""
from alembic import op

from kabinet_kit.migrations import add_outbox_personal_flag

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_outbox_personal_flag(op, personal_exchanges=("identity.pd",))


def downgrade() -> None:
    with op.batch_alter_table('outbox_events') as batch:
        batch.drop_column('personal')
