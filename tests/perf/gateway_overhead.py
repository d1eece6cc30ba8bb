#!/usr/bin/env python3
"""Gateway overhead: the same read endpoint called directly and through the gateway.

    .venv/bin/python tests/perf/gateway_overhead.py [--threads 8] [--duration 5] [--rounds 3] [--me-only]
        [--identity URL --gateway URL]   # measure running processes instead of starting them

Without URLs it starts its own identity web (fresh SQLite database, demo city seeded) and
gateway web as real gunicorn processes on free loopback ports, logs in as ``guardian1`` and
calls identity's ``GET /me`` (and ``GET /healthz``, the hop alone) under concurrent load
(bounded threads, bounded time, loopback only): directly at ``<identity>/me`` and through
``<gateway>/api/identity/me``, alternating ``--rounds`` times. Prints requests/s and p50/p99
for both, the throughput ratio and the latency added at p50. Goal: ratio ≥ 70 %, added p50 ≤ 2 ms.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from kabinet_kit.gateway_proof import HEADER, SECRET_ENV, sign
from kabinet_kit.settings import shared_gateway_proof
from kabinet_kit.testing.http import free_port, wait_ready

REPO = Path(__file__).resolve().parents[2]
# Services answer only what the gateway signs: direct calls carry the proof too, with the secret of
# the processes measured (KABINET_GATEWAY_PROOF or KABINET_SECRETS_DIR), or one made for those started here.
os.environ.setdefault(SECRET_ENV, shared_gateway_proof() or secrets.token_hex(16))


def start_stack(tmp: Path, workers: str) -> tuple[str, str, list[subprocess.Popen]]:
    identity_port, gateway_port = free_port(), free_port()
    identity = f"http://127.0.0.1:{identity_port}"
    gateway = f"http://127.0.0.1:{gateway_port}"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("IDENTITY_", "GATEWAY_"))}
    base["PYTHONUNBUFFERED"] = "1"
    env_i = {**base, "IDENTITY_DATABASE_URL": f"sqlite:///{tmp}/identity.db", "IDENTITY_PORT": str(identity_port),
             "IDENTITY_WORKERS": workers, "IDENTITY_ARGON2_TIME_COST": "1", "IDENTITY_ARGON2_MEMORY_KIB": "1024"}
    env_g = {**base, "GATEWAY_DATABASE_URL": f"sqlite:///{tmp}/gateway.db", "GATEWAY_PORT": str(gateway_port),
             "GATEWAY_WORKERS": workers, "GATEWAY_UPSTREAMS": f"identity={identity}"}
    with open(tmp / "processes.log", "ab") as log:
        for module, env in (("kabinet_identity.migrate", env_i), ("kabinet_identity.seed", env_i),
                            ("kabinet_gateway.migrate", env_g)):
            subprocess.run([sys.executable, "-m", module], cwd=REPO, env=env, check=True, stdout=log, stderr=log)
        procs = [subprocess.Popen([sys.executable, "-m", m], cwd=REPO, env=e, stdout=log, stderr=log,
                                  start_new_session=True)
                 for m, e in (("kabinet_identity.web", env_i), ("kabinet_gateway.web", env_g))]
    wait_ready(identity, procs[0])
    wait_ready(gateway, procs[1])
    return identity, gateway, procs


def login(gateway: str, user: str, password: str) -> str:
    parts = urlsplit(gateway)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("POST", "/api/identity/auth/token", body=json.dumps({"login": user, "password": password}),
                 headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"login failed: {response.status} {body[:200]!r}")
    return json.loads(body)["access_token"]


def load(url: str, path: str, token: str, threads: int, duration: float, warmup: float, direct: bool = False) -> dict:
    parts = urlsplit(url)
    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[list[float]] = [[] for _ in range(threads)]
    errors = [0] * threads
    start_at = time.monotonic() + 0.2
    measure_from = start_at + warmup
    stop_at = measure_from + duration

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        mine = latencies[i]
        while time.monotonic() < start_at:
            time.sleep(0.001)
        while True:
            t0 = time.monotonic()
            if t0 >= stop_at:
                break
            try:
                if direct:  # the proof the gateway would add, made per request as the gateway does
                    headers[HEADER] = sign(os.environ[SECRET_ENV], "GET", path, headers["Authorization"])
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            t1 = time.monotonic()
            if t0 >= measure_from:
                if ok:
                    mine.append(t1 - t0)
                else:
                    errors[i] += 1
        conn.close()

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    all_latencies = sorted(x for part in latencies for x in part)
    n = len(all_latencies)
    if n == 0:
        raise SystemExit(f"no successful requests to {url}{path} ({sum(errors)} errors)")
    return {"requests": n, "errors": sum(errors), "rps": n / duration,
            "p50_ms": statistics.median(all_latencies) * 1000,
            "p99_ms": all_latencies[min(n - 1, int(n * 0.99))] * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--identity", help="identity base URL (e.g. http://127.0.0.1:8101)")
    parser.add_argument("--gateway", help="gateway base URL (e.g. http://127.0.0.1:8080)")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--duration", type=float, default=5.0, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--me-only", action="store_true", help="skip the /healthz comparison")
    parser.add_argument("--workers", default="2", help="gunicorn workers per service when started here")
    parser.add_argument("--login", default="guardian1")
    parser.add_argument("--password", default="kabinet-demo")
    args = parser.parse_args()
    if args.threads < 1 or args.threads > 64 or args.duration > 60 or args.rounds > 10:
        parser.error("keep the load bounded: 1-64 threads, at most 60 s per phase, at most 10 rounds")
    for url in (args.identity, args.gateway):
        if url and urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            parser.error("loopback addresses only")

    procs: list[subprocess.Popen] = []
    tmp = tempfile.TemporaryDirectory(prefix="kabinet-perf-")
    try:
        if args.identity and args.gateway:
            identity, gateway = args.identity.rstrip("/"), args.gateway.rstrip("/")
        else:
            identity, gateway, procs = start_stack(Path(tmp.name), args.workers)
        token = login(gateway, args.login, args.password)
        print(f"{args.threads} client threads, {args.duration:.0f} s per phase (+{args.warmup:.0f} s warm-up), "
              f"{args.rounds} alternating rounds, median of rounds; cores: {os.cpu_count()}")
        endpoints = [("GET /me (token checked by gateway and identity, database read)", "/me", "/api/identity/me"),
                     ("GET /healthz (the hop alone: no token, no database)", "/healthz", "/api/identity/healthz")]
        for title, direct_path, gateway_path in endpoints[: 1 if args.me_only else 2]:
            print(title)
            results = {"direct": [], "gateway": []}
            for round_no in range(1, args.rounds + 1):
                for name, base, path in (("direct", identity, direct_path), ("gateway", gateway, gateway_path)):
                    r = load(base, path, token, args.threads, args.duration, args.warmup, direct=name == "direct")
                    results[name].append(r)
                    print(f"  round {round_no} {name:<8} {r['rps']:8.1f} req/s   p50 {r['p50_ms']:6.2f} ms   "
                          f"p99 {r['p99_ms']:7.2f} ms   ({r['requests']} ok, {r['errors']} errors)")
            summary = {name: {k: statistics.median(r[k] for r in rounds) for k in ("rps", "p50_ms", "p99_ms")}
                       for name, rounds in results.items()}
            d, g = summary["direct"], summary["gateway"]
            print(f"  direct : {d['rps']:8.1f} req/s  p50 {d['p50_ms']:6.2f} ms  p99 {d['p99_ms']:7.2f} ms")
            print(f"  gateway: {g['rps']:8.1f} req/s  p50 {g['p50_ms']:6.2f} ms  p99 {g['p99_ms']:7.2f} ms")
            print(f"  throughput through the gateway: {g['rps'] / d['rps'] * 100:.1f} % of direct (goal >= 70 %)")
            print(f"  added latency under load: p50 {g['p50_ms'] - d['p50_ms']:+.2f} ms (goal <= 2 ms), "
                  f"p99 {g['p99_ms'] - d['p99_ms']:+.2f} ms")
            # One client: the hop's own cost without queueing for the two shared cores.
            d1 = load(identity, direct_path, token, 1, min(args.duration, 3), 0.5, direct=True)
            g1 = load(gateway, gateway_path, token, 1, min(args.duration, 3), 0.5)
            print(f"  single client: direct p50 {d1['p50_ms']:.2f} ms, gateway p50 {g1['p50_ms']:.2f} ms, "
                  f"added {g1['p50_ms'] - d1['p50_ms']:+.2f} ms")
        return 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
