"""Role grants in force, and their end: by a manager, by deactivation, or by their end date
passing (seed 004 §4.1: temporary access), which identity's relay process notices on a timer."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from kabinet_kit.events import utcnow
from kabinet_kit.outbox import EventRecorder

from .models import RoleAssignment

REVOKED = "identity.role.revoked.v1"


def in_force(now: datetime) -> ColumnElement[bool]:
    """Not revoked and not past its end date: what tokens, /me and the rules see, even in the
    moments before the relay process revokes an expired grant."""
    return RoleAssignment.revoked_at.is_(None) & or_(RoleAssignment.valid_until.is_(None),
                                                      RoleAssignment.valid_until > now)


def revoke_assignment(events: EventRecorder, session: Session, assignment: RoleAssignment) -> None:
    """The one way a grant ends: replicas (journal, preschool, portfolio) follow its event."""
    if assignment.revoked_at is None:
        assignment.revoked_at = utcnow()
        assignment.sequence += 1
        events.record(session, REVOKED, {
            "assignment_id": assignment.id, "account_id": assignment.account_id, "role": assignment.role,
            "sequence": assignment.sequence})


class RoleExpiry:
    """``write(session)`` for the kit's PeriodicWrite: revokes the grants whose end date passed."""

    def __init__(self, events: EventRecorder, batch: int = 500):
        self.events = events
        self.batch = batch

    def __call__(self, session: Session) -> None:
        self.expire(session)

    def expire(self, session: Session) -> int:
        due = session.scalars(select(RoleAssignment).where(
            RoleAssignment.revoked_at.is_(None), RoleAssignment.valid_until <= utcnow())
            .order_by(RoleAssignment.valid_until, RoleAssignment.id).limit(self.batch)
            .with_for_update(skip_locked=True)).all()
        for assignment in due:
            revoke_assignment(self.events, session, assignment)
        return len(due)
