#!/usr/bin/env python3
"""Journal benchmark: one school year of a school of 33 classes × 25 pupils (825 pupils),
10 subjects per class, four quarters, about three lessons a week per subject, every pupil's
attendance at every lesson and 10 marks per pupil per subject per term — generated straight
into a PostgreSQL database built by the journal's migrations (COPY), then measured over HTTP
against real processes: the journal web (gunicorn) behind the gateway web (gunicorn), tokens
signed by a key this script serves as JWKS to both.

* the teacher's grid (group × subject × term: pupils, lessons, marks, attendance),
  20 concurrent clients — goal p95 ≤ 50 ms (through the gateway; direct for comparison);
* saving a 25-pupil grid (25 marks + 25 attendance cells, with audit rows and events) — goal ≤ 50 ms;
* a pupil's diary for a term (as the guardian, consent checked), 20 concurrent clients — goal p95 ≤ 30 ms.

Each read is measured with 1, 5 and --clients clients calling back to back (closed loop: the
figures at 20 show the machine's throughput limit), then with --clients clients pausing about
--think seconds between requests, as people do.

Run: .venv/bin/python tests/perf/journal_school.py [--clients 20] [--duration 10] [--workers 2] [--think 0.5]
     (PERF_PG=postgresql://postgres@127.0.0.1:5432)
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import jwt
from sqlalchemy import create_engine, text

from kabinet_gateway.revocations import record_heartbeat
from kabinet_journal.config import SERVICE_DIR
from kabinet_kit.db import make_engine, make_session_factory
from kabinet_kit.events import utcnow
from kabinet_kit.gateway_proof import HEADER, SECRET_ENV, sign
from kabinet_kit.migrations import upgrade
from kabinet_kit.testing.http import free_port, wait_ready
from kabinet_kit.testing.tokens import TokenMinter

REPO = Path(__file__).resolve().parents[2]
# The secret the gateway signs with and the journal checks; direct calls carry the proof too.
os.environ.setdefault(SECRET_ENV, secrets.token_hex(16))
SERVER = os.environ.get("PERF_PG", "postgresql://postgres@127.0.0.1:5432").rstrip("/")
GRADES, LETTERS, PUPILS = range(1, 12), ("А", "Б", "В"), 25
SUBJECTS = ("Математика", "Русский язык", "Литература", "Английский язык", "История", "Обществознание",
            "Биология", "География", "Физическая культура", "Музыка")
TEACHERS = 40
MARKS_PER_TERM = 10
# The year placed so that today falls in the open fourth quarter, a month into it: the grid saves
# go into lessons that have taken place (nothing is recorded in a future one).
_SHIFT = date.today() - date(2027, 4, 30)
QUARTERS = [(start + _SHIFT, end + _SHIFT) for start, end in (
    (date(2026, 9, 1), date(2026, 10, 25)), (date(2026, 11, 5), date(2026, 12, 29)),
    (date(2027, 1, 11), date(2027, 3, 21)), (date(2027, 3, 31), date(2027, 5, 31)))]
KINDS = (("oral", 1), ("homework", 1), ("test", 2), ("control", 3))
KID = "perf-journal-key"
LAST = ("Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков", "Морозов")
FIRST = ("Иван", "Мария", "Артём", "Дарья", "Максим", "Полина", "Кирилл", "Софья", "Егор", "Алиса")


def uid() -> str:
    return str(uuid.uuid4())


def copy_rows(raw, table: str, columns: tuple[str, ...], rows) -> int:
    n = 0
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def seed_school(url: str) -> dict:
    rng = random.Random(2026)
    now = datetime.now(UTC)
    org, year = uid(), uid()
    groups, pupils_of, loads, teachers = [], {}, [], [(uid(), uid()) for _ in range(TEACHERS)]
    subjects = [(uid(), org, name) for name in SUBJECTS]
    for grade in GRADES:
        for letter in LETTERS:
            gid = uid()
            groups.append((gid, org, year, "school_class", f"{grade}{letter}", grade))
            pupils_of[gid] = [uid() for _ in range(PUPILS)]
    for g, group in enumerate(groups):
        for s, subject in enumerate(subjects):
            teacher = teachers[(s * 4 + g % 4) % TEACHERS]
            loads.append((uid(), org, year, group[0], subject[0], teacher[0], "five"))
    terms = [(uid(), org, year, "quarter", n, start, end, now if n < 4 else None)
             for n, (start, end) in enumerate(QUARTERS, start=1)]
    # Lessons: three weekdays per load (periods spread so a group has no two at once).
    lessons_of: dict[tuple[str, str], list[tuple[str, date]]] = {}
    lesson_rows = []
    for i, (load_id, _o, _y, group_id, _s, teacher, _sc) in enumerate(loads):
        days = {(i % 5) + 1, ((i + 2) % 5) + 1, ((i + 4) % 5) + 1}
        period = 1 + (i % 7)
        for term in terms:
            lessons = []
            day = term[5]
            n = 0
            while day <= term[6]:
                if day.isoweekday() in days:
                    lid = uid()
                    entered = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
                    lesson_rows.append((lid, load_id, term[0], group_id, day, period, "lesson",
                                        f"Тема урока {n + 1}", f"§ {n + 1}, № {n * 3 + 1}–{n * 3 + 5}", None, False,
                                        entered, teacher, teacher, teacher, entered))
                    lessons.append((lid, day))
                    n += 1
                day += timedelta(days=1)
            lessons_of[(load_id, term[0])] = lessons

    def marks():
        for load_id, _o, _y, group_id, _s, teacher, _sc in loads:
            for term in terms:
                lessons = lessons_of[(load_id, term[0])]
                for child in pupils_of[group_id]:
                    for lid, _day in rng.sample(lessons, MARKS_PER_TERM):
                        kind, weight = KINDS[rng.randrange(4)]
                        yield (uid(), lid, load_id, term[0], child, kind, weight, str(rng.choice("2334445555")),
                               teacher, now)

    def attendance():
        for load_id, _o, _y, group_id, _s, teacher, _sc in loads:
            for term in terms:
                for lid, _day in lessons_of[(load_id, term[0])]:
                    for child in pupils_of[group_id]:
                        roll = rng.random()
                        status = ("absent_ill" if roll < 0.03 else "absent_valid" if roll < 0.04
                                  else "absent_unexcused" if roll < 0.045 else "late" if roll < 0.06 else "present")
                        yield (lid, child, load_id, term[0], status, teacher, now)

    def term_marks():
        for load_id, _o, _y, group_id, _s, teacher, _sc in loads:
            for term in terms[:3]:
                for child in pupils_of[group_id]:
                    yield (uid(), load_id, child, "term", term[0], str(rng.choice("345")), teacher, now)

    guardians = {}  # child → (account, person)
    engine = create_engine(url)
    raw = engine.raw_connection()
    counts = {}
    try:
        db = raw.driver_connection
        copy_rows(db, "organisations", ("id", "kind", "name", "short_name"),
                  [(org, "school", "МАОУ «Средняя общеобразовательная школа № 33»", "Школа № 33")])
        copy_rows(db, "academic_years", ("id", "name", "starts_on", "ends_on"),
                  [(year, "2026/2027", date(2026, 9, 1) + _SHIFT, date(2027, 8, 31) + _SHIFT)])
        copy_rows(db, "groups", ("id", "organisation_id", "academic_year_id", "kind", "name", "grade_level"), groups)
        people, accounts, roles, stays, guardianships, consents = [], [], [], [], [], []
        for n, (account, person) in enumerate(teachers):
            people.append((person, "staff", LAST[n % 10], "Учитель", None))
            accounts.append((account, person, "staff", org, True))
            roles.append((uid(), account, "teacher", org, None))
        for group_id, children in pupils_of.items():
            for n, child in enumerate(children):
                people.append((child, "child", LAST[n % 10], FIRST[(n // 10 + n) % 10], None))
                stays.append((child, org, group_id, date(2026, 9, 1) + _SHIFT))
                account, person = uid(), uid()
                guardians[child] = (account, person, group_id)
                accounts.append((account, person, "guardian", None, True))
                guardianships.append((uid(), person, child))
                consents.append((child, "e_diary", uid()))
        copy_rows(db, "person_names", ("person_id", "kind", "last_name", "first_name", "middle_name"), people)
        copy_rows(db, "accounts", ("id", "person_id", "person_kind", "organisation_id", "active"), accounts)
        copy_rows(db, "role_assignments", ("id", "account_id", "role", "organisation_id", "group_id"), roles)
        copy_rows(db, "memberships", ("child_id", "organisation_id", "group_id", "starts_on"), stays)
        copy_rows(db, "guardianships", ("id", "guardian_person_id", "child_id"), guardianships)
        copy_rows(db, "consents", ("child_id", "purpose", "consent_id"), consents)
        copy_rows(db, "subjects", ("id", "organisation_id", "name"), subjects)
        copy_rows(db, "teaching_loads", ("id", "organisation_id", "academic_year_id", "group_id", "subject_id",
                                         "teacher_account_id", "scale"), loads)
        copy_rows(db, "terms", ("id", "organisation_id", "academic_year_id", "kind", "number", "starts_on", "ends_on",
                                "closed_at"), terms)
        counts["lessons"] = copy_rows(db, "lessons", (
            "id", "load_id", "term_id", "group_id", "date", "period", "kind", "topic", "homework", "material",
            "topic_late", "topic_entered_at", "topic_entered_by", "created_by", "updated_by", "updated_at"),
            lesson_rows)
        counts["marks"] = copy_rows(db, "marks", ("id", "lesson_id", "load_id", "term_id", "child_id", "kind", "weight",
                                                  "value", "author_account_id", "recorded_at"), marks())
        counts["attendance"] = copy_rows(db, "attendance", ("lesson_id", "child_id", "load_id", "term_id", "status",
                                                            "author_account_id", "recorded_at"), attendance())
        counts["term marks"] = copy_rows(db, "term_marks", ("id", "load_id", "child_id", "period", "term_id", "value",
                                                            "author_account_id", "recorded_at"), term_marks())
        db.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    teacher_person = {a: p for a, p in teachers}
    return {"loads": [(ld[0], ld[3], ld[5], teacher_person[ld[5]]) for ld in loads], "terms": [t[0] for t in terms],
            "pupils_of": pupils_of, "guardians": guardians, "lessons_of": lessons_of, "counts": counts}


# -- tokens and the JWKS this script serves ---------------------------------------------------
class Keys:
    """The kit's token minter, with its public key served as identity's JWKS would be."""

    def __init__(self):
        self.minter = TokenMinter(KID)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.minter.private_key.public_key()))
        self.jwks = json.dumps({"keys": [{**jwk, "kid": KID, "use": "sig", "alg": "RS256"}]}).encode()

    def token(self, account: str, person: str) -> str:
        return self.minter.token(account, person, ttl=3600)


def serve_jwks(keys: Keys) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(keys.jwks)))
            self.end_headers()
            self.wfile.write(keys.jwks)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/.well-known/jwks.json"


# -- processes -------------------------------------------------------------------------------
def start_processes(tmp: Path, journal_db: str, jwks_url: str, workers: str) -> tuple[str, str, list]:
    journal_port, gateway_port = free_port(), free_port()
    journal, gateway = f"http://127.0.0.1:{journal_port}", f"http://127.0.0.1:{gateway_port}"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("JOURNAL_", "GATEWAY_"))}
    base["PYTHONUNBUFFERED"] = "1"
    env_j = {**base, "JOURNAL_DATABASE_URL": journal_db, "JOURNAL_PORT": str(journal_port),
             "JOURNAL_WORKERS": workers, "JOURNAL_JWKS_URL": jwks_url}
    env_g = {**base, "GATEWAY_DATABASE_URL": f"sqlite:///{tmp}/gateway.db", "GATEWAY_PORT": str(gateway_port),
             "GATEWAY_WORKERS": workers, "GATEWAY_UPSTREAMS": f"journal={journal}", "GATEWAY_JWKS_URL": jwks_url,
             "GATEWAY_REQUIRED_UPSTREAMS": "journal", "GATEWAY_REVOCATION_FEED_MAX_AGE": "86400"}
    log = open(tmp / "processes.log", "ab")  # noqa: SIM115 - the processes write to it until they stop
    subprocess.run([sys.executable, "-m", "kabinet_gateway.migrate"], cwd=REPO, env=env_g, check=True, stdout=log,
                   stderr=log)
    # No identity runs here: the revocation feed's heartbeat as the gateway's consumer records it.
    engine = make_engine(env_g["GATEWAY_DATABASE_URL"])
    with make_session_factory(engine).begin() as session:
        record_heartbeat(session, utcnow())
    engine.dispose()
    procs = [subprocess.Popen([sys.executable, "-m", m], cwd=REPO, env=e, stdout=log, stderr=log,
                              start_new_session=True)
             for m, e in (("kabinet_journal.web", env_j), ("kabinet_gateway.web", env_g))]
    wait_ready(journal, procs[0], timeout=40)
    wait_ready(gateway, procs[1], timeout=40)
    return journal, gateway, procs


# -- load ------------------------------------------------------------------------------------
TICK = os.sysconf("SC_CLK_TCK")


def group_cpu_seconds(pgid: int) -> float:
    """CPU (user + system) used so far by the live processes of one process group: a gunicorn
    master and its workers, started in their own session."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # fields from the state on: state, ppid, pgrp, …, utime (11), stime (12)
            total += int(fields[11]) + int(fields[12])
    return total / TICK


def run_clients(base: str, requests_for, clients: int, duration: float, warmup: float = 1.0,
                think: float = 0.0, direct: bool = False) -> tuple[list, int, int]:
    """``clients`` threads, each on its own keep-alive connection, calling ``requests_for(i, n)``
    (→ method, path, token, body) back to back, or pausing about ``think`` seconds between
    requests (a teacher reads the grid before the next click); latencies after the warm-up, in ms,
    the errors after it, and the number of requests answered in all (warm-up included)."""
    parts = urlsplit(base)
    pauses = random.Random(5)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    answered = [0] * clients
    start = time.monotonic() + 0.2
    measure_from, stop = start + warmup, start + warmup + duration

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        n = 0
        while time.monotonic() < start:
            time.sleep(0.001)
        while time.monotonic() < stop:
            # What the request needs first (a save's If-Match read) is not part of its latency.
            method, path, token, body, *extra = requests_for(i, n)
            t0 = time.monotonic()
            n += 1
            headers = {**(extra[0] if extra else {}), "Authorization": f"Bearer {token}"}
            if direct:  # the proof the gateway would add
                headers[HEADER] = sign(os.environ[SECRET_ENV], method, path, headers["Authorization"])
            payload = None
            if body is not None:
                payload = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            try:
                conn.request(method, path, body=payload, headers=headers)
                response = conn.getresponse()
                data = response.read()
                answered[i] += 1
                ok = response.status == 200
                if not ok and errors[i] < 3:
                    print(f"  ! {response.status} {path}: {data[:200]!r}")
            except OSError:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            if t0 >= measure_from:
                if ok:
                    latencies[i].append((time.monotonic() - t0) * 1000)
                else:
                    errors[i] += 1
            if think:
                time.sleep(think * pauses.uniform(0.5, 1.5))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [x for xs in latencies for x in xs], sum(errors), sum(answered)


def report(name: str, times: list[float], errors: int, goal: str, seconds: float | None = None,
           cpu: str = "") -> None:
    times = sorted(times)
    if not times:
        print(f"{name:<60} no successful requests ({errors} errors)")
        return
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    rate = f"{len(times) / seconds:6.0f} req/s  " if seconds else ""
    print(f"{name:<60} n={len(times):<5} {rate}p50={statistics.median(times):6.1f} ms  p95={p95:6.1f} ms  "
          f"max={times[-1]:6.1f} ms  errors={errors}   goal {goal}{cpu}")


class CpuMeter:
    """CPU per request of the journal and gateway processes over one run (warm-up included:
    the processes cannot tell measured requests from the others)."""

    def __init__(self, procs: list):
        self.groups = [("journal", procs[0].pid), ("gateway", procs[1].pid)]

    def __enter__(self):
        self.start = [group_cpu_seconds(pgid) for _, pgid in self.groups]
        return self

    def __exit__(self, *exc):
        self.used = [group_cpu_seconds(pgid) - s for (_, pgid), s in zip(self.groups, self.start, strict=True)]

    def per_request(self, requests: int, via_gateway: bool) -> str:
        if not requests:
            return ""
        parts = [f"{name} {1000 * used / requests:.1f}" for (name, _), used in zip(self.groups, self.used, strict=True)
                 if via_gateway or name == "journal"]
        return "   CPU ms/req: " + ", ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--workers", default="2", help="gunicorn workers per service")
    parser.add_argument("--think", type=float, default=0.5,
                        help="seconds between one client's requests in the think-time run (0: skip it)")
    args = parser.parse_args()

    name = f"kt_journal_perf_{uuid.uuid4().hex[:8]}"
    admin = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{SERVER}/{name}"
    procs: list[subprocess.Popen] = []
    try:
        started = time.perf_counter()
        upgrade(SERVICE_DIR, url)
        school = seed_school(url)
        c = school["counts"]
        print(f"seeded 33 classes × {PUPILS} pupils = {33 * PUPILS} pupils, {len(school['loads'])} teaching loads, "
              f"{c['lessons']} lessons, {c['marks']} marks, {c['attendance']} attendance cells, "
              f"{c['term marks']} term marks in {time.perf_counter() - started:.1f} s")
        keys = Keys()
        jwks_server, jwks_url = serve_jwks(keys)
        with tempfile.TemporaryDirectory(prefix="kabinet-journal-perf-") as tmp:
            journal, gateway, procs = start_processes(Path(tmp), url, jwks_url, args.workers)
            print(f"journal web (gunicorn, {args.workers} workers × 4 threads) at {journal}, "
                  f"gateway web (gunicorn, {args.workers} workers) at {gateway}; "
                  f"{os.cpu_count()} CPUs shared with PostgreSQL and the clients")
            tokens = {}

            def token(account, person):
                if account not in tokens:
                    tokens[account] = keys.token(account, person)
                return tokens[account]

            rng = random.Random(7)
            loads, terms = school["loads"], school["terms"]

            def grid(prefix):
                def make(i, n):
                    load_id, _group, teacher, person = loads[rng.randrange(len(loads))]
                    return "GET", f"{prefix}/loads/{load_id}/grid?term_id={terms[rng.randrange(4)]}", \
                        token(teacher, person), None
                return make

            children = list(school["guardians"].items())

            def diary(prefix):
                def make(i, n):
                    child, (account, person, _g) = children[rng.randrange(len(children))]
                    return "GET", f"{prefix}/diary/{child}?term_id={terms[rng.randrange(4)]}", \
                        token(account, person), None
                return make

            for clients in sorted({1, 5, args.clients}):
                for base, prefix, label in ((gateway, "/api/journal", "gateway"), (journal, "", "direct")):
                    goal = "p95 ≤ 50 ms" if clients == args.clients and label == "gateway" else "(info)"
                    with CpuMeter(procs) as cpu:
                        times, errors, answered = run_clients(base, grid(prefix), clients, args.duration,
                                                              direct=label == "direct")
                    report(f"teacher's grid, {clients} clients, {label}", times, errors, goal, args.duration,
                           cpu.per_request(answered, label == "gateway"))
                for base, prefix, label in ((gateway, "/api/journal", "gateway"), (journal, "", "direct")):
                    goal = "p95 ≤ 30 ms" if clients == args.clients and label == "gateway" else "(info)"
                    with CpuMeter(procs) as cpu:
                        times, errors, answered = run_clients(base, diary(prefix), clients, args.duration,
                                                              direct=label == "direct")
                    report(f"pupil's term diary (guardian), {clients} clients, {label}", times, errors, goal,
                           args.duration, cpu.per_request(answered, label == "gateway"))

            # The same 20 clients as people use the journal: a pause of about --think seconds between clicks.
            if args.think:
                for label, make, goal in (("teacher's grid", grid, "p95 ≤ 50 ms"),
                                          ("pupil's term diary (guardian)", diary, "p95 ≤ 30 ms")):
                    with CpuMeter(procs) as cpu:
                        times, errors, answered = run_clients(gateway, make("/api/journal"), args.clients,
                                                              args.duration, think=args.think)
                    report(f"{label}, {args.clients} clients, {args.think:g} s think, gateway", times, errors, goal,
                           args.duration, cpu.per_request(answered, True))

            # Saving whole 25-pupil grids into the open fourth quarter: one client, then 20 at once.
            open_term = terms[3]
            sequence = iter(range(10 ** 9))

            held = date.today() - timedelta(days=1)  # past in the journal's time zone too

            def version(base, path, bearer):
                """The grid's ETag, read just before the save (a save is made over the version read)."""
                parts = urlsplit(base)
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                try:
                    conn.request("GET", path, headers={"Authorization": f"Bearer {bearer}"})
                    response = conn.getresponse()
                    response.read()
                    return response.getheader("ETag") or "*"
                finally:
                    conn.close()

            def save(base, prefix):
                def make(i, n):
                    k = next(sequence)
                    load_id, group_id, teacher, person = loads[k % len(loads)]
                    lessons = [le for le in school["lessons_of"][(load_id, open_term)] if le[1] <= held]
                    lesson = lessons[(k // len(loads)) % len(lessons)][0]
                    pupils = school["pupils_of"][group_id]
                    body = {"marks": [{"lesson_id": lesson, "child_id": p, "value": 2 + (k + j) % 4, "kind": "test"}
                                      for j, p in enumerate(pupils)],
                            "attendance": [{"lesson_id": lesson, "child_id": p,
                                            "status": "absent_ill" if (k + j) % 17 == 0 else "present"}
                                           for j, p in enumerate(pupils)]}
                    path = f"{prefix}/loads/{load_id}/grid?term_id={open_term}"
                    bearer = token(teacher, person)
                    return "POST", path, bearer, body, {"If-Match": version(base, path, bearer)}
                return make

            with CpuMeter(procs) as cpu:
                times, errors, answered = run_clients(gateway, save(gateway, "/api/journal"), 1, args.duration / 2,
                                                      warmup=0.5)
            report("saving a 25-pupil grid (25 marks + 25 attendance), 1 client, gateway", times, errors, "≤ 50 ms",
                   args.duration / 2, cpu.per_request(answered, True))
            with CpuMeter(procs) as cpu:
                times, errors, answered = run_clients(gateway, save(gateway, "/api/journal"), args.clients,
                                                      args.duration / 2, warmup=0.5)
            report(f"saving a 25-pupil grid, {args.clients} clients, gateway", times, errors, "(info)",
                   args.duration / 2, cpu.per_request(answered, True))
        jwks_server.shutdown()
    finally:
        for proc in procs:
            try:
                os.killpg(proc.pid, 15)
                proc.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
