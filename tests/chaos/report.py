"""The table of a fault run: printed at the end of every chaos test session, and written to
docs/chaos.md by `make chaos` (``python tests/chaos/report.py RESULTS --write docs/chaos.md``)."""
from __future__ import annotations

import argparse
import json
import os
import platform
from datetime import date
from pathlib import Path

HEADER = ("scenario", "setup", "writes accepted", "applied", "lost", "applied twice", "no answer", "time to recover")


def table(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for r in rows:
        recover = "not recovered" if r["recover_s"] is None else f"{r['recover_s']:.1f} s"
        lines.append(f"| {r['scenario']} | {r['setup']} | {r['accepted']} | {r['applied']} | {r['lost']} | "
                     f"{r['twice']} | {r['unanswered']} | {recover} |")
    return "\n".join(lines)


def machine() -> str:
    cpus = os.cpu_count()
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{platform.node()} ({platform.system()} {platform.release()}, {cpus} CPUs{memory}, Python " \
           f"{platform.python_version()})"


NOTE = """# Fault suite: the last `make chaos`

{when} on {machine}.

Each row: a load of writes through the gateway (marks and attendance in the journal, observations
in the preschool cabinet, consents given and revoked in identity) while one fault is injected
(see `tests/chaos/`). *Applied*: accepted writes found exactly once in every projection that
should hold them (the service's own table, the event on a tap queue counted by event id, and for
consents the journal's, preschool's and portfolio's replicas). *No answer*: writes whose client got no answer
or a 5xx (they may be applied once or not at all, and were checked so). *Time to recover*: from
the end of the fault until everything accepted had arrived everywhere (the load runs on for 2 s
after the fault).

{table}
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("results", type=Path)
    parser.add_argument("--write", type=Path)
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.results.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(table(rows))
    if args.write:
        args.write.write_text(NOTE.format(when=date.today().isoformat(), machine=machine(), table=table(rows)),
                              encoding="utf-8")
        print(f"written to {args.write}")
    bad = [r for r in rows if r["lost"] or r["twice"] or r["recover_s"] is None]
    raise SystemExit(1 if bad else 0)


if __name__ == "__main__":
    main()
