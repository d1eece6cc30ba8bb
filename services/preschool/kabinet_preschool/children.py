"""Children as this service knows them: reachable by the caller or not, and shown by name only
under a preschool_cabinet consent, otherwise by a stable pseudonym in the group (PRE-06)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kabinet_kit.errors import NotFound, PermissionDenied

from .access import Caller, can_read_child, can_read_group, can_write_child, pseudonym
from .models import Child, ChildName, ChildNumber, Group


def reachable_child(session: Session, caller: Caller, child_id: str, *, write: bool = False,
                    lock: bool = False) -> Child:
    """The child if the caller may reach it. Unknown and foreign children look the same (404), so
    an id cannot be probed; a child the caller sees but may not write for is refused (403).
    ``lock`` holds the child's row until commit, so two saves checked against one version of a
    child's document run one after the other (the second then fails its If-Match)."""
    child = session.get(Child, child_id, with_for_update=lock)
    if child is None or not can_read_child(caller, child.id, child.organisation_id, child.group_id):
        raise NotFound("No such child.")
    if write and not can_write_child(caller, child.group_id):
        raise PermissionDenied("Only the educator of the child's own group may record this.")
    return child


def display_name(session: Session, child: Child) -> tuple[str, bool]:
    name = session.get(ChildName, child.id) if child.consent else None
    if name is not None:
        return " ".join(p for p in (name.last_name, name.first_name) if p), True
    number = session.scalar(select(ChildNumber.number).where(
        ChildNumber.child_id == child.id, ChildNumber.group_id == child.group_id)) if child.group_id else None
    return pseudonym(number or 0), False


def visible_group(session: Session, caller: Caller, group_id: str) -> Group:
    """The group if the caller may see it; unknown and foreign groups look the same (404)."""
    group = session.get(Group, group_id)
    if group is None or not can_read_group(caller, group.organisation_id, group.id):
        raise NotFound("No such group.")
    return group


def group_children(session: Session, caller: Caller, group_id: str) -> dict[str, Any]:
    group = visible_group(session, caller, group_id)
    rows = session.execute(
        select(Child, ChildNumber.number, ChildName).join(ChildNumber, (ChildNumber.child_id == Child.id) &
                                                          (ChildNumber.group_id == group.id))
        .outerjoin(ChildName, (ChildName.child_id == Child.id) & Child.consent.is_(True))
        .where(Child.group_id == group.id).order_by(ChildNumber.number)).all()
    children = [{"child_id": c.id, "number": n,
                 "display_name": f"{name.last_name} {name.first_name}" if name else pseudonym(n),
                 "named": name is not None} for c, n, name in rows]
    return {"group_id": group.id, "name": group.name, "age_band": group.age_band, "children": children}
