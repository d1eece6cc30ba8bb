"""The cases (role × operation × foreign objects), sending them, and what each answer means."""
from __future__ import annotations

import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .policy import ADMINISTRATORS_ONLY, DEPARTMENT_ANY_CHILD, DEPARTMENT_WRITES, DIRECTORY_READS, SHARED_KINDS, Pool
from .spec import Operation, example
from .world import Clients, World

REFUSED = (401, 403, 404)
# A write refused for its body, or for the version it claims to be made over (a document's save
# without If-Match: 428, 412): acceptable while the databases are unchanged.
INVALID = (400, 409, 412, 415, 422, 428)
MAX_FOREIGN = 2                  # foreign objects tried per kind and role (from different places)


@dataclass(frozen=True)
class Case:
    role: str
    op: Operation
    ids: tuple[tuple[str, str], ...]   # kind → id
    foreign: tuple[tuple[str, str], ...]   # kind → what the foreign object is
    why: str                            # "foreign" or "department only"
    variant: int = 0                    # which value of each choice the body takes

    def request(self, missing: bool = False) -> tuple[str, dict, object]:
        """(path, query, body); ``missing``: every foreign object replaced by one that does not exist."""
        ids = dict(self.ids)
        if missing:
            ids.update({kind: str(uuid.uuid4()) for kind, _ in self.foreign})
        path = self.op.template
        query: dict = {}
        for slot in self.op.slots:
            if slot.where == "path":
                path = path.replace("{" + slot.name + "}", ids[slot.kind])
            elif slot.where == "query" and slot.kind in ids:
                query[slot.name] = ids[slot.kind]
        for name, schema, required in self.op.query:
            if required:
                query[name] = example(schema, ids, name)
        foreign = frozenset(kind for kind, _ in self.foreign)
        body = example(self.op.body, ids, variant=self.variant, optional=foreign) if self.op.body is not None else None
        return path, query, body


@dataclass
class Result:
    case: Case
    status: int
    missing_status: int | None
    text: str
    verdict: str = ""
    missing_text: str | None = None


@dataclass
class Sweep:
    results: list[Result] = field(default_factory=list)
    seconds: float = 0.0

    def findings(self) -> list[Result]:
        return [r for r in self.results if r.verdict not in ("refused", "invalid", "filtered", "directory", "oracle")]

    def oracles(self) -> list[Result]:
        """Answers that tell a foreign object from a missing one."""
        return [r for r in self.results if r.verdict == "oracle" or r.verdict in ("refused", "invalid")
                and r.missing_status is not None and r.missing_status != r.status]


def build_cases(ops: list[Operation], pools: dict[str, Pool], world: World) -> list[Case]:
    cases = []
    for role, pool in pools.items():
        for op in ops:
            cases += _cases_for(role, op, pool, world)
    return cases


def _cases_for(role: str, op: Operation, pool: Pool, world: World) -> list[Case]:
    owned = [k for k in op.kinds - SHARED_KINDS]
    reachable = {k: pool.own[k].id for k in owned if k in pool.own}
    shared = {k: world.shared[k] for k in op.kinds & SHARED_KINDS}
    far = sorted(k for k in owned if k in pool.foreign)
    if pool.scope.department and (op.method, op.template) in DEPARTMENT_ANY_CHILD:
        far = [k for k in far if k not in ("child", "person")]
    # Where one foreign id among the role's own objects makes a refusal certain: the path or a
    # required field. An optional field may be ignored by the variant sent (a withdrawal names no
    # institution): such a write could rightly succeed, and change the city under the matrix.
    decisive = {s.kind for s in op.slots if s.where == "path" or s.required or op.method == "GET"}
    out: list[Case] = []

    def add(ids: dict[str, str], foreign: dict[str, str], why: str, variant: int = 0, mixed: bool = False) -> None:
        for slot in op.slots:  # a required id the role has none of its own for: a foreign one
            if slot.required and slot.kind not in ids and slot.kind in pool.foreign:
                ids[slot.kind] = pool.foreign[slot.kind][0].id
                foreign[slot.kind] = pool.foreign[slot.kind][0].label
        if mixed and not decisive & set(foreign):
            return
        if all(s.kind in ids for s in op.slots if s.where == "path"):
            case = Case(role, op, tuple(sorted(ids.items())), tuple(sorted(foreign.items())), why, variant)
            if case not in out:
                out.append(case)

    if far:
        rounds = max(len(pool.foreign[k]) for k in far)
        for i in range(min(rounds, MAX_FOREIGN)):
            picked = {k: pool.foreign[k][i % len(pool.foreign[k])] for k in far}
            add({**reachable, **shared, **{k: o.id for k, o in picked.items()}},
                {k: o.label for k, o in picked.items()}, "foreign", i)
        if len(owned) > 1:
            # One foreign object among the role's own: the service must check how they belong together.
            for j, k in enumerate(far):
                o = pool.foreign[k][0]
                add({**reachable, **shared, k: o.id}, {k: o.label}, "foreign", j, mixed=True)
    elif op.method != "GET" and op.path_kinds & DEPARTMENT_WRITES and not pool.scope.department:
        add({**reachable, **shared}, {}, "department only")
    if (op.method, op.template) in ADMINISTRATORS_ONLY and not (pool.scope.department or pool.scope.administered):
        add({**reachable, **shared}, {}, "administrators only")
    return out


def filters_only(case: Case) -> bool:
    foreign_kinds = {k for k, _ in case.foreign}
    return case.op.method == "GET" and all(s.where == "query" for s in case.op.slots if s.kind in foreign_kinds)


def verdict(result: Result, pool: Pool) -> str:
    case, status = result.case, result.status
    if status >= 500:
        return "error"
    if status in REFUSED:
        return "refused"
    if 200 <= status < 300:
        if case.op.method == "GET" and (case.op.method, case.op.template) in DIRECTORY_READS:
            return "directory"
        # A read naming foreign objects only in its query (a filter) may answer, as long as the answer
        # holds no id of any object the role must not reach and is the answer for missing objects
        # (so that the filter told nothing: figures of another institution carry no ids).
        if filters_only(case) and not any(i in result.text for i in pool.foreign_ids):
            if result.missing_text == result.text:
                return "filtered"
            if result.missing_status is not None and not 200 <= result.missing_status < 300:
                return "oracle"  # nothing of the object, but a missing one is answered otherwise
        return "allowed"
    if case.op.method != "GET" and status in INVALID:
        return "invalid"
    return "unexpected"


def run(clients: Clients, cases: list[Case], pools: dict[str, Pool], workers: int = 4) -> Sweep:
    started = time.monotonic()
    # The first case of each role and operation is also sent with missing objects in place of the
    # foreign ones: both must answer alike.
    twins, seen = set(), set()
    for c in cases:
        if c.foreign and (c.role, c.op.name) not in seen:
            seen.add((c.role, c.op.name))
            twins.add(id(c))

    def send(case: Case) -> Result:
        path, query, body = case.request()
        kwargs = {"params": query or None, "json": body} if body is not None else {"params": query or None}
        response = clients.call(case.role, case.op.method, path, **kwargs)
        missing = twin = None
        answered = 200 <= response.status_code < 300 and filters_only(case)
        refused = response.status_code in REFUSED + INVALID
        if case.foreign and (answered or refused and id(case) in twins):
            path, query, body = case.request(missing=True)
            kwargs = {"params": query or None, "json": body} if body is not None else {"params": query or None}
            other = clients.call(case.role, case.op.method, path, **kwargs)
            missing, twin = other.status_code, other.text
        result = Result(case, response.status_code, missing, response.text, missing_text=twin)
        result.verdict = verdict(result, pools[case.role])
        return result

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(send, cases))
    return Sweep(results, time.monotonic() - started)


def describe(result: Result) -> str:
    case = result.case
    path, query, _ = case.request()
    what = ", ".join(f"{k}: {label}" for k, label in case.foreign) or case.why
    url = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    head = f"{case.op.method} {case.op.template} as {case.role} ({what})"
    return f"{head} -> {result.status} [{url}] {result.text[:150]!r}"


def summary(sweep: Sweep, ops: list[Operation], roles: int) -> str:
    verdicts = Counter(r.verdict for r in sweep.results)
    statuses = Counter(r.status for r in sweep.results)
    by_service = Counter(r.case.op.service for r in sweep.results)
    methods = Counter(op.method for op in ops)
    lines = [
        f"security matrix: {len(ops)} operations naming ids ({len({op.template for op in ops})} paths; "
        + ", ".join(f"{m} {n}" for m, n in sorted(methods.items())) + f") × {roles} demo roles → "
        f"{len(sweep.results)} refused-case requests (+{sum(r.missing_status is not None for r in sweep.results)} "
        f"twins with missing ids) in {sweep.seconds:.1f}s",
        "  by service: " + ", ".join(f"{k} {v}" for k, v in sorted(by_service.items())),
        "  verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())),
        "  statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())),
        f"  findings (answered, failed or unexpected): {len(sweep.findings())}; foreign answered unlike missing: "
        f"{len(sweep.oracles())}",
    ]
    odd = Counter((r.case.op.method, r.case.op.template, r.status, r.missing_status) for r in sweep.oracles())
    lines += [f"    {method} {template}: {status} for a foreign object, {missing} for a missing one ({n} cases)"
              for (method, template, status, missing), n in sorted(odd.items())]
    return "\n".join(lines)
