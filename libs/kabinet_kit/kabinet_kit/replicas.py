"""Helpers for the replicas a service keeps of another service's facts, kept by its consumer.

A handler runs in the consumer's transaction with the processed-event record, so it only has
to be an upsert or a delete; :func:`copy_into` builds the common case from a field mapping.

The inbox stops a second copy of one event, not an older event applied after a newer one (a
retry comes back late). Events about one entity carry its sequence, so a replica remembers the
last one applied per entity in ``replica_versions`` (kept when the replica row is deleted) and
:func:`advance` lets through only what is newer; :func:`forget` ends an entity's order for good
(an erased entity: nothing delivered later brings it back).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Column, MetaData, String, Table, delete, insert, select, update
from sqlalchemy.orm import Session

from .events import CloudEvent

Handler = Callable[[Session, CloudEvent], None]


def upsert(session: Session, model: type[Any], key: Mapping[str, Any], values: Mapping[str, Any]) -> Any:
    """Insert the row with primary key ``key`` or update it to ``values``; returns it."""
    identity = tuple(key.values())
    row = session.get(model, identity if len(identity) > 1 else identity[0])
    if row is None:
        row = model(**key, **values)
        session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    return row


def replica_versions_table(metadata: MetaData) -> Table:
    """The last sequence applied per entity (``entity`` names its kind, ``key`` identifies it)."""
    return Table(
        "replica_versions", metadata,
        Column("entity", String(60), primary_key=True),
        Column("key", String(200), primary_key=True),
        Column("sequence", BigInteger, nullable=False),
    )


def advance(session: Session, versions: Table, entity: str, key: str, sequence: int | None, *,
            same: bool = False) -> bool:
    """Record ``sequence`` as the last applied for the entity and answer True if the event is
    newer than what the replica holds (or, with ``same``, as new: a second event of the same
    change); False means the event is older and must change nothing.

    An event without a sequence (published before entities carried one) is applied as before.
    """
    if sequence is None:
        return True
    where = (versions.c.entity == entity, versions.c.key == key)
    held = session.scalar(select(versions.c.sequence).where(*where).with_for_update())
    if held is None:
        session.execute(insert(versions).values(entity=entity, key=key, sequence=sequence))
        return True
    if sequence < held or (sequence == held and not same):
        return False
    if sequence > held:
        session.execute(update(versions).where(*where).values(sequence=sequence))
    return True


#: The sequence of an entity that is gone for good: above any sequence an event can carry.
FORGOTTEN = 2**63 - 1


def forget(session: Session, versions: Table, entity: str, key: str) -> None:
    """The entity is gone for good (its data erased): from now on :func:`advance` lets nothing
    about it through and :func:`forgotten` says so, so a late event cannot bring its data back."""
    advance(session, versions, entity, key, FORGOTTEN)


def forgotten(session: Session, versions: Table, entity: str, key: str) -> bool:
    held = session.scalar(select(versions.c.sequence).where(versions.c.entity == entity, versions.c.key == key))
    return held == FORGOTTEN


def as_date(value: date | str | None) -> date | None:
    """A date from event data (validated events carry ISO strings)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def copy_into(model: type[Any], key: Mapping[str, str], fields: Mapping[str, str], *,
              dates: tuple[str, ...] = (), constants: Mapping[str, Any] | None = None,
              when: Callable[[dict[str, Any]], bool] | None = None,
              ordered: tuple[Table, str] | None = None) -> Handler:
    """A handler that upserts ``model`` from event data.

    ``key`` and ``fields`` map column → event field; columns in ``dates`` are parsed as dates;
    ``constants`` are set on every upsert; ``when`` skips events it answers False for;
    ``ordered`` (the versions table and the entity's name) skips events older than the replica
    (the entity is keyed by the event's ``key`` fields, its order is the event's ``sequence``).
    """
    def handler(session: Session, event: CloudEvent) -> None:
        data = event.data
        if when is not None and not when(data):
            return
        if ordered is not None and not advance(session, ordered[0], ordered[1],
                                               ":".join(str(data[name]) for name in key.values()),
                                               data.get("sequence")):
            return
        values: dict[str, Any] = {column: data.get(name) for column, name in fields.items()}
        for column in dates:
            values[column] = as_date(values[column])
        values.update(constants or {})
        upsert(session, model, {column: data[name] for column, name in key.items()}, values)
    return handler


#: The entity names under which :func:`role_assignment_handlers` orders its events.
ROLE_ENTITY = "role_assignment"  # keyed by the assignment's id
ACCOUNT_ENTITY = "account"  # keyed by the account's id


def role_assignment_handlers(model: type[Any], versions: Table, fields: Mapping[str, str], *,
                             soft: bool,
                             on_deactivated: Callable[[Session, str], None] | None = None) -> dict[str, Handler]:
    """The handlers of ``identity.role.assigned/revoked`` and ``identity.account.deactivated``
    for a replica of role assignments (``model``: ``id``, ``account_id`` and the columns of
    ``fields``, column → event field).

    With ``soft`` the model has an ``active`` column that a revocation or a deactivation clears
    (the row stays for what refers to it); otherwise the rows are deleted. Each assignment and
    each account is applied in its own order: a revocation or deactivation delayed past a newer
    event changes nothing. ``on_deactivated(session, account_id)`` adds what the service also
    ends with the account (it runs only for a current deactivation).
    """
    assigned = copy_into(model, key={"id": "assignment_id"}, fields=fields,
                         constants={"active": True} if soft else None, ordered=(versions, ROLE_ENTITY))

    def end(session: Session, *where: Any) -> None:
        if soft:
            session.execute(update(model).where(*where).values(active=False))
        else:
            session.execute(delete(model).where(*where))

    def revoked(session: Session, event: CloudEvent) -> None:
        d = event.data
        if advance(session, versions, ROLE_ENTITY, str(d["assignment_id"]), d.get("sequence")):
            end(session, model.id == d["assignment_id"])

    def deactivated(session: Session, event: CloudEvent) -> None:
        d = event.data
        if not advance(session, versions, ACCOUNT_ENTITY, str(d["account_id"]), d.get("sequence")):
            return
        if on_deactivated is not None:
            on_deactivated(session, str(d["account_id"]))
        end(session, model.account_id == d["account_id"])

    return {"identity.role.assigned.v1": assigned, "identity.role.revoked.v1": revoked,
            "identity.account.deactivated.v1": deactivated}
