"""Helpers for the replicas a service keeps of another service's facts, kept by its consumer.

A handler runs in the consumer's transaction with the processed-event record, so it only has
to be an upsert or a delete; :func:`copy_into` builds the common case from a field mapping.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

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


def as_date(value: date | str | None) -> date | None:
    """A date from event data (validated events carry ISO strings)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def copy_into(model: type[Any], key: Mapping[str, str], fields: Mapping[str, str], *,
              dates: tuple[str, ...] = (), constants: Mapping[str, Any] | None = None,
              when: Callable[[dict[str, Any]], bool] | None = None) -> Handler:
    """A handler that upserts ``model`` from event data.

    ``key`` and ``fields`` map column → event field; columns in ``dates`` are parsed as dates;
    ``constants`` are set on every upsert; ``when`` skips events it answers False for.
    """
    def handler(session: Session, event: CloudEvent) -> None:
        data = event.data
        if when is not None and not when(data):
            return
        values: dict[str, Any] = {column: data.get(name) for column, name in fields.items()}
        for column in dates:
            values[column] = as_date(values[column])
        values.update(constants or {})
        upsert(session, model, {column: data[name] for column, name in key.items()}, values)
    return handler
