#!/usr/bin/env python3
"""Gateway overhead: the same endpoints called directly, through nginx and through the gateway.

    .venv/bin/python tests/perf/gateway_overhead.py [--connections 8] [--duration 5] [--rounds 3]
        [--identity URL --gateway URL]   # measure running processes instead of starting them

Without URLs it starts its own identity web (fresh SQLite database, demo city seeded) and
gateway web as real gunicorn processes on free loopback ports, and an nginx reverse proxy in
front of identity (a temporary config, run as the current user: the reference for what a proxy
hop costs). It logs in as ``guardian1`` and loads, with wrk (bounded connections and time,
loopback only):

* the cheap route, identity's ``/.well-known/jwks.json`` (no database; public at the gateway);
* ``GET /me`` (token checked by the gateway and identity, a database read);

directly, through nginx (``/api/identity/...``) and through the gateway, alternating ``--rounds``
times; then each with one connection for the added p50. Goals (issue 12): through the gateway
at least 60 % of direct throughput with 8 connections (nginx ~72 %), at most 1 ms added p50 with
one connection. Compare the ratios within one run: the machine is shared.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
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


NGINX_CONF = """
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/nginx-body;
    proxy_temp_path {tmp}/nginx-proxy;
    fastcgi_temp_path {tmp}/nginx-fastcgi;
    uwsgi_temp_path {tmp}/nginx-uwsgi;
    scgi_temp_path {tmp}/nginx-scgi;
    upstream identity {{ server {upstream}; keepalive 16; }}
    server {{
        listen 127.0.0.1:{port};
        location /api/identity/ {{
            proxy_pass http://identity/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For $remote_addr;
        }}
    }}
}}
"""


def start_nginx(tmp: Path, identity: str) -> tuple[str, subprocess.Popen]:
    """nginx in front of identity, as the current user, from a temporary config."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        raise SystemExit("nginx is missing: scripts/ensure-tools.sh nginx wrk (apt-get install -y nginx wrk)")
    port = free_port()
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, upstream=urlsplit(identity).netloc, port=port))
    with open(tmp / "nginx.log", "ab") as log:
        proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"],
                                stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    wait_ready(url, proc, path="/api/identity/healthz")
    return url, proc


_WRK_LATENCY = re.compile(r"^\s*50%\s+([0-9.]+)(us|ms|s)\s*$", re.M)
_WRK_RPS = re.compile(r"^Requests/sec:\s+([0-9.]+)", re.M)
_WRK_NON2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_WRK_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


_WRK_TOTAL = re.compile(r"^\s*(\d+) requests in", re.M)
_TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def tree_cpu_ms(pids: list[int]) -> float:
    """CPU time (user + system) used so far by these processes and their children (the workers)."""
    total, todo, seen = 0.0, list(pids), set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) * _TICK_MS
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def load(url: str, path: str, headers: dict[str, str], connections: int, duration: float,
         pids: list[int] | None = None) -> dict:
    """wrk on one URL: requests/s and p50 (ms); errors are non-2xx answers and socket errors;
    with ``pids``, the CPU those processes spent per request (ms), which a shared machine's
    noise hardly moves."""
    cpu_before = tree_cpu_ms(pids) if pids else 0.0
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is missing: scripts/ensure-tools.sh nginx wrk (apt-get install -y nginx wrk)")
    command = [wrk, "--latency", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{duration:g}s"]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    out = subprocess.run(command + [url + path], capture_output=True, text=True, timeout=duration + 30).stdout
    rps, p50 = _WRK_RPS.search(out), _WRK_LATENCY.search(out)
    if rps is None or p50 is None:
        raise SystemExit(f"wrk said nothing usable for {url}{path}:\n{out}")
    errors = sum(int(n) for n in (_WRK_NON2XX.findall(out) + [x for m in _WRK_ERRORS.findall(out) for x in m]))
    if errors and float(rps.group(1)) * duration <= errors:
        raise SystemExit(f"only errors from {url}{path}:\n{out}")
    total = _WRK_TOTAL.search(out)
    cpu = (tree_cpu_ms(pids) - cpu_before) / int(total.group(1)) if pids and total and int(total.group(1)) else None
    return {"rps": float(rps.group(1)), "p50_ms": float(p50.group(1)) * _UNIT[p50.group(2)], "errors": errors,
            "cpu_ms": cpu}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--identity", help="identity base URL (e.g. http://127.0.0.1:8101)")
    parser.add_argument("--gateway", help="gateway base URL (e.g. http://127.0.0.1:8080)")
    parser.add_argument("--nginx", help="an nginx proxying /api/identity/ to identity (default: started here)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=float, default=5.0, help="measured seconds per phase")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cheap-only", action="store_true", help="skip the GET /me comparison")
    parser.add_argument("--workers", default="2", help="gunicorn workers per service when started here")
    parser.add_argument("--login", default="guardian1")
    parser.add_argument("--password", default="kabinet-demo")
    args = parser.parse_args()
    if args.connections < 1 or args.connections > 64 or args.duration > 30 or args.rounds > 10:
        parser.error("keep the load bounded: 1-64 connections, at most 30 s per phase, at most 10 rounds")
    for url in (args.identity, args.gateway, args.nginx):
        if url and urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            parser.error("loopback addresses only")

    procs: list[subprocess.Popen] = []
    tmp = tempfile.TemporaryDirectory(prefix="kabinet-perf-")
    try:
        if args.identity and args.gateway:
            identity, gateway = args.identity.rstrip("/"), args.gateway.rstrip("/")
        else:
            identity, gateway, procs = start_stack(Path(tmp.name), args.workers)
        if args.nginx:
            nginx = args.nginx.rstrip("/")
        else:
            nginx, nginx_proc = start_nginx(Path(tmp.name), identity)
            procs.append(nginx_proc)
        # CPU per request of each process tree (only for the processes started here).
        hop_pids: dict[str, list[int] | None] = {"direct": None, "nginx": None, "gateway": None}
        if len(procs) == 3:
            hop_pids = {"direct": [procs[0].pid], "nginx": [procs[2].pid], "gateway": [procs[1].pid]}
        token = login(gateway, args.login, args.password)
        bearer = f"Bearer {token}"
        print(f"wrk, {args.connections} connections, {args.duration:g} s per phase, {args.rounds} alternating rounds, "
              f"median of rounds; cores: {os.cpu_count()}")
        endpoints = [
            ("GET /.well-known/jwks.json (cheap: no database, public at the gateway)", "/.well-known/jwks.json", {}),
            ("GET /me (token checked by gateway and identity, database read)", "/me", {"Authorization": bearer}),
        ]
        for title, path, headers in endpoints[: 1 if args.cheap_only else 2]:
            print(title)
            direct_headers = dict(headers)
            if "Authorization" in headers:  # the proof the gateway would add (good for a minute)
                direct_headers[HEADER] = sign(os.environ[SECRET_ENV], "GET", path, bearer)
            targets = {"direct": (identity, path, direct_headers),
                       "nginx": (nginx, "/api/identity" + path, direct_headers),
                       "gateway": (gateway, "/api/identity" + path, headers)}
            results: dict[str, list[dict]] = {name: [] for name in targets}
            for round_no in range(1, args.rounds + 1):
                for name, (base, target, hdrs) in targets.items():
                    r = load(base, target, hdrs, args.connections, args.duration, hop_pids[name])
                    results[name].append(r)
                    cpu = f"   {r['cpu_ms']:.2f} ms CPU/request in the {name if name != 'direct' else 'identity'}" \
                        if r["cpu_ms"] is not None else ""
                    print(f"  round {round_no} {name:<8} {r['rps']:8.1f} req/s   p50 {r['p50_ms']:6.2f} ms"
                          f"   ({r['errors']} errors){cpu}")
            summary = {name: {k: statistics.median(r[k] for r in rounds) for k in ("rps", "p50_ms")}
                       for name, rounds in results.items()}
            if results["direct"][0]["cpu_ms"] is not None:
                cpu = {name: statistics.median(r["cpu_ms"] for r in rounds) for name, rounds in results.items()}
                print(f"  CPU per request: identity {cpu['direct']:.2f} ms, nginx {cpu['nginx']:.2f} ms, "
                      f"gateway {cpu['gateway']:.2f} ms -> on saturated cores the hop keeps "
                      f"{cpu['direct'] / (cpu['direct'] + cpu['nginx']) * 100:.0f} % (nginx) and "
                      f"{cpu['direct'] / (cpu['direct'] + cpu['gateway']) * 100:.0f} % (gateway) of direct throughput")
            d = summary["direct"]
            for name in ("nginx", "gateway"):
                x = summary[name]
                print(f"  {name:<8}: {x['rps']:8.1f} req/s = {x['rps'] / d['rps'] * 100:5.1f} % of direct "
                      f"({d['rps']:.1f}); p50 {x['p50_ms']:.2f} ms vs {d['p50_ms']:.2f} ms")
            # One connection: the hop's own cost without queueing for the shared cores.
            single = {name: load(base, target, hdrs, 1, min(args.duration, 3))
                      for name, (base, target, hdrs) in targets.items()}
            p50 = {name: r["p50_ms"] for name, r in single.items()}
            print(f"  one connection p50: direct {p50['direct']:.2f} ms, nginx {p50['nginx']:.2f} ms "
                  f"({p50['nginx'] - p50['direct']:+.2f}), gateway {p50['gateway']:.2f} ms "
                  f"({p50['gateway'] - p50['direct']:+.2f}); goals: >= 60 % of direct, <= 1 ms added")
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
