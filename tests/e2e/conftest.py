"""End-to-end fixtures: identity (web + relay), journal, preschool and portfolio (web + relay + consumer)
and the gateway (web + consumer) as real processes started with ``python -m ...`` on free
loopback ports, the demo city seeded the way ``make run`` does it (queues declared, identity
seeded and relayed, each consumer applying what is queued, then each service's own seed), fresh databases from
kabinet_kit.testing (SQLite or PostgreSQL by KABINET_TEST_DB), and the real broker on a vhost of
the run's own (``private_vhost``, deleted afterwards) with each service's own account from
deploy/rabbitmq. Tests talk to the gateway only.

Nothing here skips: a missing broker, database server or a process that does not come up
fails the tests (with the tail of its log).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from kombu import Connection

from kabinet_gateway.config import SERVICE_DIR as GATEWAY_DIR
from kabinet_identity.config import SERVICE_DIR as IDENTITY_DIR
from kabinet_journal.config import SERVICE_DIR as JOURNAL_DIR
from kabinet_kit.testing import admin_amqp_url, migrated_database, private_vhost, service_amqp_url
from kabinet_kit.testing.http import free_port
from kabinet_portfolio.config import SERVICE_DIR as PORTFOLIO_DIR
from kabinet_preschool.config import SERVICE_DIR as PRESCHOOL_DIR

REPO = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "kabinet-demo"


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
        if not self.alive():
            return
        # The process group: gunicorn's master and its workers, nothing else.
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(5)

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


def wait_queue(vhost: str, queue: str, process: Process, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    with Connection(admin_amqp_url(vhost), transport="pyamqp", connect_timeout=5) as conn:
        while time.monotonic() < deadline:
            if not process.alive():
                pytest.fail(f"{process.name} exited:\n{process.tail()}", pytrace=False)
            try:
                conn.channel().queue_declare(queue=queue, passive=True)
                return
            except Exception:
                time.sleep(0.1)
    pytest.fail(f"{process.name} did not declare {queue}:\n{process.tail()}", pytrace=False)


def account(env: dict, service: str, process: str, vhost: str) -> dict:
    """``env`` with the broker account of this process alone (``<SERVICE>_<PROCESS>_AMQP_URL``):
    a web process and the seeds get none, a relay cannot log in as its consumer."""
    return {**env, f"{service.upper()}_{process.upper()}_AMQP_URL": service_amqp_url(service, process, vhost)}


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


class Stack:
    def __init__(self, log_dir: Path, vhost: str):
        self.log_dir = log_dir
        self.vhost = vhost
        self.processes: dict[str, Process] = {}
        self.identity_port = free_port()
        self.gateway_port = free_port()
        self.ports = {"journal": free_port(), "preschool": free_port(), "portfolio": free_port()}
        self.run_id = uuid.uuid4().hex[:8]
        self.revocation_queue = f"revocations-e2e-{self.run_id}"

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

    def restart_identity_web(self) -> None:
        process = self.processes["identity-web"]
        process.stop()
        self.start("identity-web", process.module, process.env)
        wait_http(f"{self.identity}/healthz", self.processes["identity-web"])

    def stop_all(self) -> None:
        for process in reversed(list(self.processes.values())):
            process.stop()

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


@pytest.fixture(scope="session")
def broker() -> Iterator[str]:
    """The run's own vhost (its name), with deploy/rabbitmq's accounts and exchanges."""
    with private_vhost("e2e") as vhost:
        yield vhost


@pytest.fixture(scope="session")
def stack(broker, tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("e2e-logs")
    with migrated_database(IDENTITY_DIR, "identity") as identity_db, \
            migrated_database(JOURNAL_DIR, "journal") as journal_db, \
            migrated_database(PRESCHOOL_DIR, "preschool") as preschool_db, \
            migrated_database(PORTFOLIO_DIR, "portfolio") as portfolio_db, \
            migrated_database(GATEWAY_DIR, "gateway") as gateway_db:
        s = Stack(log_dir, broker)
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("IDENTITY_", "GATEWAY_", "JOURNAL_", "PRESCHOOL_", "PORTFOLIO_"))}
        base.update(PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1")
        identity_env = {**base, "IDENTITY_DATABASE_URL": identity_db, "IDENTITY_PORT": str(s.identity_port),
                        "IDENTITY_WORKERS": "1",
                        "IDENTITY_THREADS": "4", "IDENTITY_ARGON2_TIME_COST": "1",
                        "IDENTITY_ARGON2_MEMORY_KIB": "1024", "IDENTITY_REVOCATION_HEARTBEAT_SECONDS": "1"}
        service_envs = {}
        for name, db in (("journal", journal_db), ("preschool", preschool_db), ("portfolio", portfolio_db)):
            p = name.upper()
            service_envs[name] = {**base, f"{p}_DATABASE_URL": db, f"{p}_PORT": str(s.ports[name]),
                                  f"{p}_WORKERS": "1",
                                  f"{p}_JWKS_URL": f"{s.identity}/.well-known/jwks.json",
                                  f"{p}_CONSUMER_QUEUE": f"identity-e2e-{s.run_id}"}
        service_envs["portfolio"]["PORTFOLIO_DOCUMENT_DIR"] = str(log_dir / "portfolio-documents")
        absent = f"http://127.0.0.1:{free_port()}"  # services not started in this run
        gateway_env = {**base, "GATEWAY_DATABASE_URL": gateway_db, "GATEWAY_PORT": str(s.gateway_port),
                       "GATEWAY_WORKERS": "2",
                       "GATEWAY_REVOCATION_QUEUE": s.revocation_queue,
                       # A short bound, so that a test can watch the feed go stale and recover.
                       "GATEWAY_REVOCATION_FEED_MAX_AGE": "6",
                       "GATEWAY_UPSTREAMS": (f"identity={s.identity},journal={s.url('journal')},"
                                             f"preschool={s.url('preschool')},portfolio={s.url('portfolio')},"
                                             f"reports={absent}"),
                       "GATEWAY_PUBLIC_BROKER_VHOST": broker,
                       # Every test logs in from 127.0.0.1; the limit itself is tested in the gateway's own tests.
                       "GATEWAY_LOGIN_RATE": "500/60"}
        try:
            # The demo city, in the order `make seed` uses.
            for name, env in service_envs.items():
                run_module(f"kabinet_{name}.consumer", account(env, name, "consumer", broker), "--declare")
            run_module("kabinet_identity.seed", identity_env)
            run_module("kabinet_identity.relay", account(identity_env, "identity", "relay", broker), "--drain")
            for name, env in service_envs.items():
                run_module(f"kabinet_{name}.consumer", account(env, name, "consumer", broker), "--until-idle", "2")
                run_module(f"kabinet_{name}.seed", env)
            s.start("identity-web", "kabinet_identity.web", identity_env)
            s.start("identity-relay", "kabinet_identity.relay", account(identity_env, "identity", "relay", broker))
            for name, env in service_envs.items():
                s.start(f"{name}-web", f"kabinet_{name}.web", env)
                s.start(f"{name}-relay", f"kabinet_{name}.relay", account(env, name, "relay", broker))
                s.start(f"{name}-consumer", f"kabinet_{name}.consumer", account(env, name, "consumer", broker))
            consumer = s.start("gateway-consumer", "kabinet_gateway.consumer",
                               account(gateway_env, "gateway", "consumer", broker))
            s.start("gateway-web", "kabinet_gateway.web", account(gateway_env, "gateway", "web", broker))
            wait_http(f"{s.identity}/healthz", s.processes["identity-web"])
            for name in service_envs:
                wait_http(f"{s.url(name)}/healthz", s.processes[f"{name}-web"])
            wait_http(f"{s.gateway}/healthz", s.processes["gateway-web"])
            wait_queue(broker, f"gateway.{s.revocation_queue}", consumer)
            wait_feed(s.gateway, s.processes["gateway-web"])
            yield s
        finally:
            s.stop_all()
