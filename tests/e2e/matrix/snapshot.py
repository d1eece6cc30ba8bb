"""Row counts and a checksum of every table of every service's database, to show that refused
requests changed nothing anywhere (directly, or through the events they would have caused)."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.engine import Engine

# Tables that legitimately grow while the matrix runs, with why. They are append-only: rows that
# were there before the sweep must be exactly as they were.
APPEND_ONLY = {
    ("identity", "audit_records"): "identity records every read of a person's record, a refused one too (152-FZ)",
}
# The revocation feed's heartbeat (issue 11, finding 4) travels every second whatever the matrix
# does: its rows are left out, and the table that only holds the latest one altogether.
HEARTBEAT = "identity.revocations.heartbeat.v1"
HEARTBEAT_ROWS = {("identity", "outbox_events"), ("gateway", "processed_events")}
LEFT_OUT = {("gateway", "revocation_feed")}


@dataclass(frozen=True)
class Table:
    rows: int
    digest: str          # over every row, in primary-key order
    prefix_digest: str   # over the first rows (as many as an earlier snapshot had): append-only tables


Snapshot = dict[tuple[str, str], Table]


class Databases:
    def __init__(self, urls: dict[str, str]):
        self.engines: dict[str, Engine] = {name: create_engine(url) for name, url in urls.items()}
        self.meta: dict[str, MetaData] = {}
        for name, engine in self.engines.items():
            meta = MetaData()
            meta.reflect(engine)
            self.meta[name] = meta
        missing = [key for key in APPEND_ONLY if key[0] in self.meta and key[1] not in self.meta[key[0]].tables]
        assert not missing, f"append-only tables named here do not exist (renamed?): {missing}"

    def snapshot(self, prefix: Snapshot | None = None) -> Snapshot:
        """``prefix``: an earlier snapshot, whose row counts bound the append-only tables' prefix digest."""
        out: Snapshot = {}
        for name, engine in self.engines.items():
            with engine.connect() as conn:
                for table in self.meta[name].sorted_tables:
                    key = (name, table.name)
                    if key in LEFT_OUT:
                        continue
                    order = list(table.primary_key.columns) or list(table.columns)
                    bound = prefix[key].rows if prefix and key in prefix else None
                    digest, rows, head = hashlib.sha256(), 0, ""
                    query = select(table).order_by(*order)
                    if key in HEARTBEAT_ROWS:
                        query = query.where(table.c.event_type != HEARTBEAT)
                    for row in conn.execute(query):
                        if rows == bound:
                            head = digest.hexdigest()
                        digest.update(repr(tuple(row)).encode())
                        rows += 1
                    whole = digest.hexdigest()
                    head = whole if bound is None or rows <= bound else head
                    out[key] = Table(rows, whole, head)
        return out

    def quiet(self, timeout: float = 30.0, interval: float = 0.5, prefix: Snapshot | None = None) -> Snapshot:
        """A snapshot taken once two in a row agree (relays and consumers have settled)."""
        deadline = time.monotonic() + timeout
        last = self.snapshot(prefix)
        while time.monotonic() < deadline:
            time.sleep(interval)
            now = self.snapshot(prefix)
            if now == last:
                return now
            last = now
        raise AssertionError(f"the databases did not settle within {timeout}s: {sorted(changes(last, now))}")

    def dispose(self) -> None:
        for engine in self.engines.values():
            engine.dispose()


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """What differs, leaving the append-only tables' new rows aside."""
    out = []
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        if b is None or a is None:
            out.append(f"{key[0]}.{key[1]}: table {'added' if b is None else 'removed'}")
        elif key in APPEND_ONLY:
            if a.rows < b.rows or a.prefix_digest != b.prefix_digest:
                out.append(f"{key[0]}.{key[1]}: rows that were there changed ({b.rows} → {a.rows} rows)")
        elif a != b:
            out.append(f"{key[0]}.{key[1]}: {b.rows} → {a.rows} rows" + (", contents changed" if a.digest != b.digest
                                                                         else ""))
    return out


def grown(before: Snapshot, after: Snapshot) -> dict[str, int]:
    return {f"{k[0]}.{k[1]}": after[k].rows - before[k].rows for k in APPEND_ONLY if k in before and k in after}
