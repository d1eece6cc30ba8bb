"""scrub the reason of absence from stored attendance events (journal.attendance.marked.v1 → v2)

The outbox is the journal's event history (and holds what is not published yet): an illness is
health data (152-FZ art. 10), so no stored public event may keep ``absent_ill`` and the like.
Every v1 row becomes the v2 event with ``status`` reduced to present / late / absent; rows not
yet published go out as v2.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 11:50:00
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

V1, V2 = "journal.attendance.marked.v1", "journal.attendance.marked.v2"


def upgrade() -> None:
    outbox = sa.table("outbox_events", sa.column("id", sa.BigInteger), sa.column("event_type", sa.String),
                      sa.column("routing_key", sa.String), sa.column("body", sa.Text))
    conn = op.get_bind()
    rows = conn.execute(sa.select(outbox.c.id, outbox.c.body).where(outbox.c.event_type == V1)).all()
    for row_id, body in rows:
        event = json.loads(body)
        status = event["data"]["status"]
        event["type"] = V2
        event["data"]["status"] = "absent" if status.startswith("absent") else status
        conn.execute(sa.update(outbox).where(outbox.c.id == row_id)
                     .values(event_type=V2, routing_key=V2, body=json.dumps(event, ensure_ascii=False, separators=(",", ":"))))


def downgrade() -> None:
    # The reasons are gone for good; v2 rows are valid history as they are.
    pass
