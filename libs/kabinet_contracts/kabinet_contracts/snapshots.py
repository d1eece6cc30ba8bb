"""Frozen JSON Schemas of every published event type: ``kabinet_contracts/schemas/<type>.json``.

``python -m kabinet_contracts.snapshots``            write the snapshots that are missing
``python -m kabinet_contracts.snapshots --update``   also refresh those changed compatibly
``python -m kabinet_contracts.snapshots --check``    fail on a missing snapshot or a breaking change

A snapshot is what consumers of that major version were built against; the compatibility test
(tests/unit/test_compatibility.py) compares every registered schema to it with
``breaking_changes``. A snapshot is never rewritten across a breaking change: that change
needs a new type ``...v<major+1>``, which gets a snapshot of its own.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from .compatibility import JsonSchema, breaking_changes
from .json_schema import DRAFT, to_json_schema
from .registry import REGISTRY, EventContract

SNAPSHOT_DIR = Path(__file__).parent / "schemas"
COMMAND = "python -m kabinet_contracts.snapshots"


def snapshot_path(event_type: str, directory: Path = SNAPSHOT_DIR) -> Path:
    return directory / f"{event_type}.json"


def current_schema(contract: EventContract) -> JsonSchema:
    """The snapshot a contract would have if it were written now."""
    return {"$schema": DRAFT, "title": contract.type, **to_json_schema(contract.schema)}


def load_snapshot(event_type: str, directory: Path = SNAPSHOT_DIR) -> JsonSchema | None:
    path = snapshot_path(event_type, directory)
    if not path.exists():
        return None
    loaded: JsonSchema = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def render(schema: JsonSchema) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def check(contracts: Iterable[EventContract] = REGISTRY, directory: Path = SNAPSHOT_DIR) -> list[str]:
    """Problems that must fail the build: a type without a snapshot, a breaking change, a
    snapshot whose type is no longer registered."""
    problems: list[str] = []
    types: set[str] = set()
    for contract in contracts:
        types.add(contract.type)
        snapshot = load_snapshot(contract.type, directory)
        if snapshot is None:
            problems.append(f"{contract.type}: no snapshot at {snapshot_path(contract.type, directory)}; "
                            f"run `{COMMAND}` and commit the file")
            continue
        problems += [f"{contract.type}: {change} (a breaking change needs a new major version)"
                     for change in breaking_changes(snapshot, current_schema(contract))]
    for path in sorted(directory.glob("*.json")):
        if path.stem not in types:
            # A published type cannot vanish unnoticed: consumers may still read it.
            problems.append(f"{path.stem}: snapshot {path.name} has no registered type; delete the file "
                            "deliberately once no consumer reads this version any more")
    return problems


def stale(contracts: Iterable[EventContract] = REGISTRY, directory: Path = SNAPSHOT_DIR) -> list[str]:
    """Types whose snapshot differs from the schema compatibly (e.g. an optional field added)."""
    out = []
    for contract in contracts:
        snapshot = load_snapshot(contract.type, directory)
        if snapshot is not None and snapshot != current_schema(contract) \
                and not breaking_changes(snapshot, current_schema(contract)):
            out.append(contract.type)
    return out


def write(contracts: Iterable[EventContract] = REGISTRY, directory: Path = SNAPSHOT_DIR, *,
          update: bool = False) -> list[str]:
    """Write missing snapshots (and, with ``update``, refresh compatible ones); returns the
    types written. Never overwrites a snapshot across a breaking change."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for contract in contracts:
        snapshot = load_snapshot(contract.type, directory)
        schema = current_schema(contract)
        if snapshot == schema or (snapshot is not None and (not update or breaking_changes(snapshot, schema))):
            continue
        snapshot_path(contract.type, directory).write_text(render(schema), encoding="utf-8")
        written.append(contract.type)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0] if __doc__ else None)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="compare only; exit 1 on a problem")
    mode.add_argument("--update", action="store_true", help="also refresh snapshots changed compatibly")
    parser.add_argument("--dir", type=Path, default=SNAPSHOT_DIR, help="snapshot folder (default: the package's)")
    args = parser.parse_args(argv)
    if not args.check:
        for event_type in write(REGISTRY, args.dir, update=args.update):
            print(f"wrote {snapshot_path(event_type, args.dir)}")
    problems = check(REGISTRY, args.dir)
    for problem in problems:
        print(problem, file=sys.stderr)
    for event_type in stale(REGISTRY, args.dir):
        print(f"{event_type}: changed compatibly; `{COMMAND} --update` refreshes its snapshot")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
