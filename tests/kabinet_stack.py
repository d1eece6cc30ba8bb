"""The whole system as real processes, for the end-to-end and the fault tests (``tests/e2e``,
``tests/chaos``; pytest.ini puts this folder on the path).

identity (web + relay), journal, preschool, portfolio and reports (web + relay + consumer) and the gateway
(web + consumer) start with ``python -m ...`` on free loopback ports, on fresh databases built by
their migrations, after the demo city is seeded the way ``make run`` does it (queues declared,
identity seeded and relayed, each consumer applying what is queued, then each service's own
seed), on a vhost of the caller's, each process that talks to the broker with its own account.

A fault test hands in how the processes reach the broker and the databases (through fault
proxies, or a cluster's list of nodes) and restarts single processes with extra environment.
Nothing here skips: a process that does not come up fails the test with the tail of its log.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from kombu import Connection

from kabinet_gateway.config import SERVICE_DIR as GATEWAY_DIR
from kabinet_identity.config import SERVICE_DIR as IDENTITY_DIR
from kabinet_journal.config import SERVICE_DIR as JOURNAL_DIR
from kabinet_kit.testing import admin_amqp_url, migrated_database, service_amqp_url
from kabinet_kit.testing.http import free_port
from kabinet_portfolio.config import SERVICE_DIR as PORTFOLIO_DIR
from kabinet_preschool.config import SERVICE_DIR as PRESCHOOL_DIR
from kabinet_reports.config import SERVICE_DIR as REPORTS_DIR

REPO = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "kabinet-demo"
CONSUMING_SERVICES = ("journal", "preschool", "portfolio", "reports")
SERVICE_DIRS = {"identity": IDENTITY_DIR, "journal": JOURNAL_DIR, "preschool": PRESCHOOL_DIR,
                "portfolio": PORTFOLIO_DIR, "reports": REPORTS_DIR, "gateway": GATEWAY_DIR}


class Process:
    def __init__(self, name: str, module: str, env: dict, log_dir: Path):
        self.name, self.module, self.env = name, module, env
        self.log_path = log_dir / f"{name}.log"
        self.popen: subprocess.Popen | None = None

    def start(self) -> Process:
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen([sys.executable, "-m", self.module], cwd=REPO, env=self.env, stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, timeout: float = 10) -> None:
        self.terminate()
        self.reap(timeout)

    def terminate(self) -> None:
        """SIGTERM to the process group (gunicorn's master and its workers, nothing else)."""
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGTERM)

    def reap(self, timeout: float = 10) -> None:
        """Wait for a process told to stop; SIGKILL it if it does not."""
        if self.popen is None:
            return
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL to the process group: no cleanup, no goodbye to the broker or the database."""
        if self.alive():
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(5)

    def wait_exit(self, timeout: float) -> int | None:
        """The exit code once the process ended by itself, or None if it still runs."""
        if self.popen is None:
            return None
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


def wait_http(url: str, process: Process, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            pytest.fail(f"{process.name} exited ({process.popen.returncode}):\n{process.tail()}", pytrace=False)
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    pytest.fail(f"{process.name} did not answer {url} within {timeout}s:\n{process.tail()}", pytrace=False)


def wait_queue(admin_url: str, queue: str, process: Process, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    with Connection(admin_url, transport="pyamqp", connect_timeout=5) as conn:
        while time.monotonic() < deadline:
            if not process.alive():
                pytest.fail(f"{process.name} exited:\n{process.tail()}", pytrace=False)
            try:
                conn.channel().queue_declare(queue=queue, passive=True)
                return
            except Exception:
                time.sleep(0.1)
    pytest.fail(f"{process.name} did not declare {queue}:\n{process.tail()}", pytrace=False)


def wait_feed(gateway: str, process: Process, timeout: float = 30) -> None:
    """Until identity's revocation heartbeat has reached the gateway (before it, every upstream but
    identity answers 503)."""
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        try:
            state = requests.get(f"{gateway}/readyz", timeout=2).json()["checks"].get("revocation_feed")
            if state == "ok":
                return
        except (requests.RequestException, ValueError, KeyError):
            pass
        time.sleep(0.2)
    pytest.fail(f"the revocation feed did not reach the gateway ({state}):\n{process.tail()}", pytrace=False)


def run_module(module: str, env: dict, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0:
        pytest.fail(f"{module} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}", pytrace=False)


@dataclass
class Wiring:
    """How the processes reach the broker and their databases (the defaults: directly)."""
    #: The broker URL of one process of a service (``relay``, ``consumer``; the gateway's ``web``)
    #: on the vhost (a fault test routes it through a proxy, or lists a cluster's nodes).
    amqp_url: Callable[[str, str, str], str] = service_amqp_url
    #: The administrator's URL on the vhost, for set-up checks.
    admin_url: Callable[[str], str] = admin_amqp_url
    #: A process's database URL from the one the test created.
    database_url: Callable[[str], str] = lambda url: url
    #: Added to every process's environment.
    env: dict[str, str] = field(default_factory=dict)


class Stack:
    def __init__(self, log_dir: Path, vhost: str, wiring: Wiring | None = None):
        self.log_dir = log_dir
        self.vhost = vhost
        self.wiring = wiring or Wiring()
        self.processes: dict[str, Process] = {}
        self.identity_port = free_port()
        self.gateway_port = free_port()
        self.ports = {name: free_port() for name in CONSUMING_SERVICES}
        self.run_id = uuid.uuid4().hex[:8]
        self.revocation_queue = f"revocations-e2e-{self.run_id}"
        self.consumer_queue = f"identity-e2e-{self.run_id}"
        #: The databases as the test created them (not routed): service → URL.
        self.databases: dict[str, str] = {}
        self.envs: dict[str, dict[str, str]] = {}

    @property
    def gateway(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def identity(self) -> str:
        return f"http://127.0.0.1:{self.identity_port}"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(self, name: str, module: str, env: dict) -> Process:
        process = Process(name, module, env, self.log_dir).start()
        self.processes[name] = process
        return process

    def restart(self, *names: str, env: dict[str, str] | None = None, drop: tuple[str, ...] = ()) -> None:
        """Stop ``names`` (all at once) and start them again with their environment, plus
        ``env``, without the variables in ``drop``."""
        processes = [self.processes[name] for name in names]
        for process in processes:
            process.terminate()
        for name, process in zip(names, processes, strict=True):
            process.reap()
            new_env = {k: v for k, v in {**process.env, **(env or {})}.items() if k not in drop}
            self.start(name, process.module, new_env)

    def restart_identity_web(self) -> None:
        self.restart("identity-web")
        wait_http(f"{self.identity}/healthz", self.processes["identity-web"])

    def stop_all(self) -> None:
        processes = list(reversed(self.processes.values()))
        for process in processes:
            process.terminate()
        for process in processes:
            process.reap()

    def dead(self) -> list[Process]:
        return [p for p in self.processes.values() if not p.alive()]

    # -- calls through the gateway -------------------------------------------------------
    def login(self, login: str, password: str = DEMO_PASSWORD) -> requests.Response:
        return requests.post(f"{self.gateway}/api/identity/auth/token", json={"login": login, "password": password},
                             timeout=10)

    def token(self, login: str) -> str:
        return self.token_with(login, DEMO_PASSWORD)

    def token_with(self, login: str, password: str) -> str:
        response = self.login(login, password)
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def get(self, path: str, token: str | None = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.get(f"{self.gateway}{path}", headers=headers, timeout=10, **kwargs)

    def post(self, path: str, token: str | None = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return requests.post(f"{self.gateway}{path}", headers=headers, timeout=10, **kwargs)


def _base_env(wiring: Wiring) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("IDENTITY_", "GATEWAY_", "JOURNAL_", "PRESCHOOL_", "PORTFOLIO_", "KABINET_FAULT"))}
    base.update(PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1", **wiring.env)
    return base


@contextmanager
def running_stack(log_dir: Path, vhost: str, wiring: Wiring | None = None) -> Iterator[Stack]:
    """Fresh databases, the demo city seeded, every process started and answering; everything
    stopped and dropped afterwards."""
    wiring = wiring or Wiring()
    with ExitStack() as cleanup:
        s = Stack(log_dir, vhost, wiring)
        for name, directory in SERVICE_DIRS.items():
            s.databases[name] = cleanup.enter_context(migrated_database(directory, name))
        db = {name: wiring.database_url(url) for name, url in s.databases.items()}
        base = _base_env(wiring)
        s.envs["identity"] = {**base, "IDENTITY_DATABASE_URL": db["identity"], "IDENTITY_PORT": str(s.identity_port),
                              "IDENTITY_WORKERS": "1", "IDENTITY_THREADS": "4", "IDENTITY_ARGON2_TIME_COST": "1",
                              "IDENTITY_ARGON2_MEMORY_KIB": "1024", "IDENTITY_REVOCATION_HEARTBEAT_SECONDS": "1"}
        for name in CONSUMING_SERVICES:
            p = name.upper()
            s.envs[name] = {**base, f"{p}_DATABASE_URL": db[name], f"{p}_PORT": str(s.ports[name]),
                            f"{p}_WORKERS": "1", f"{p}_JWKS_URL": f"{s.identity}/.well-known/jwks.json",
                            f"{p}_CONSUMER_QUEUE": s.consumer_queue}
        s.envs["portfolio"]["PORTFOLIO_DOCUMENT_DIR"] = str(log_dir / "portfolio-documents")
        # "archive": a service configured at the gateway but not running (the gateway's 503 and
        # missing-service answers are tested on it).
        absent = f"http://127.0.0.1:{free_port()}"
        s.envs["gateway"] = {**base, "GATEWAY_DATABASE_URL": db["gateway"], "GATEWAY_PORT": str(s.gateway_port),
                             "GATEWAY_WORKERS": "2", "GATEWAY_REVOCATION_QUEUE": s.revocation_queue,
                             # A short bound, so that a test can watch the feed go stale and recover.
                             "GATEWAY_REVOCATION_FEED_MAX_AGE": "6",
                             "GATEWAY_UPSTREAMS": (f"identity={s.identity},journal={s.url('journal')},"
                                                   f"preschool={s.url('preschool')},portfolio={s.url('portfolio')},"
                                                   f"reports={s.url('reports')},archive={absent}"),
                             "GATEWAY_PUBLIC_BROKER_VHOST": vhost,
                             # Every test logs in from 127.0.0.1; the limit itself is tested in the
                             # gateway's own tests.
                             "GATEWAY_LOGIN_RATE": "500/60"}

        def account(service: str, process: str) -> dict[str, str]:
            """The service's environment with the broker account of this process alone
            (``<SERVICE>_<PROCESS>_AMQP_URL``): a web process and the seeds get none, a relay
            cannot log in as its consumer."""
            return {**s.envs[service],
                    f"{service.upper()}_{process.upper()}_AMQP_URL": wiring.amqp_url(service, process, vhost)}

        cleanup.callback(s.stop_all)
        # The demo city, in the order `make seed` uses.
        for name in CONSUMING_SERVICES:
            run_module(f"kabinet_{name}.consumer", account(name, "consumer"), "--declare")
        run_module("kabinet_identity.seed", s.envs["identity"])
        run_module("kabinet_identity.relay", account("identity", "relay"), "--drain")
        for name in CONSUMING_SERVICES:
            run_module(f"kabinet_{name}.consumer", account(name, "consumer"), "--until-idle", "2")
            run_module(f"kabinet_{name}.seed", s.envs[name])
        s.start("identity-web", "kabinet_identity.web", s.envs["identity"])
        s.start("identity-relay", "kabinet_identity.relay", account("identity", "relay"))
        for name in CONSUMING_SERVICES:
            s.start(f"{name}-web", f"kabinet_{name}.web", s.envs[name])
            s.start(f"{name}-relay", f"kabinet_{name}.relay", account(name, "relay"))
            s.start(f"{name}-consumer", f"kabinet_{name}.consumer", account(name, "consumer"))
        consumer = s.start("gateway-consumer", "kabinet_gateway.consumer", account("gateway", "consumer"))
        s.start("gateway-web", "kabinet_gateway.web", account("gateway", "web"))
        wait_http(f"{s.identity}/healthz", s.processes["identity-web"])
        for name in CONSUMING_SERVICES:
            wait_http(f"{s.url(name)}/healthz", s.processes[f"{name}-web"])
        wait_http(f"{s.gateway}/healthz", s.processes["gateway-web"])
        wait_queue(wiring.admin_url(vhost), f"gateway.{s.revocation_queue}", consumer)
        wait_feed(s.gateway, s.processes["gateway-web"])
        yield s
