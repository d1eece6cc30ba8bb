"""A three-node RabbitMQ cluster on this machine, for the fault suite only: nodes
``kabinet-c1@localhost``… on AMQP ports 5681-5683 (distribution 25681-25683), each with its own
data, log and configuration under a temporary folder and one Erlang cookie of its own (the
local broker's is not touched), joined to the first node. Killed whole (SIGKILL to each node's
process group) and removed afterwards."""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from chaos.faults import rabbitmqctl

RABBITMQ_BIN = Path(os.environ.get("RABBITMQ_BIN", "/usr/lib/rabbitmq/bin"))
FIRST_PORT = int(os.environ.get("KABINET_CLUSTER_FIRST_PORT", "5681"))


class Node:
    def __init__(self, cluster: Cluster, n: int):
        self.n = n
        self.name = f"kabinet-c{n}@localhost"
        self.port = FIRST_PORT + n - 1
        self.dist_port = 20000 + self.port
        self.dir = cluster.base / f"c{n}"
        self.cluster = cluster
        self.popen: subprocess.Popen | None = None

    @property
    def ctl(self) -> list[str]:
        return ["env", f"HOME={self.cluster.home}", str(RABBITMQ_BIN / "rabbitmqctl"), "-n", self.name]

    def env(self) -> dict[str, str]:
        d = self.dir
        env_file = d / "rabbitmq-env.conf"
        env_file.write_text(f"NODENAME={self.name}\nNODE_PORT={self.port}\nDIST_PORT={self.dist_port}\n"
                            "ERL_EPMD_ADDRESS=127.0.0.1\n")
        (d / "rabbitmq.conf").write_text(f"listeners.tcp.1 = 127.0.0.1:{self.port}\n"
                                         "cluster_partition_handling = pause_minority\n")
        (d / "enabled_plugins").write_text("[].\n")
        keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL")}
        return {**keep, "HOME": str(self.cluster.home), "RABBITMQ_NODENAME": self.name,
                "RABBITMQ_NODE_PORT": str(self.port), "RABBITMQ_DIST_PORT": str(self.dist_port),
                "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1", "RABBITMQ_CONF_ENV_FILE": str(env_file),
                "RABBITMQ_CONFIG_FILE": str(d / "rabbitmq.conf"), "RABBITMQ_ENABLED_PLUGINS_FILE":
                str(d / "enabled_plugins"), "RABBITMQ_MNESIA_BASE": str(d / "mnesia"),
                "RABBITMQ_LOG_BASE": str(d / "log"), "RABBITMQ_PID_FILE": str(d / "pid"),
                "RABBITMQ_ADVANCED_CONFIG_FILE": str(d / "advanced.config"),
                "ERL_FLAGS": "-kernel inet_dist_use_interface {127,0,0,1}"}

    def start(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        with open(self.dir / "server.log", "ab") as log:
            self.popen = subprocess.Popen([str(RABBITMQ_BIN / "rabbitmq-server")], env=self.env(), stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True, cwd=self.dir)

    def await_startup(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.popen is not None and self.popen.poll() is None, \
                f"{self.name} exited:\n{(self.dir / 'server.log').read_text(errors='replace')[-3000:]}"
            done = subprocess.run([*self.ctl, "-q", "await_startup", "--timeout", "10"], capture_output=True, text=True,
                                  timeout=60)
            if done.returncode == 0:
                return
            time.sleep(1)
        raise AssertionError(f"{self.name} did not start:\n{(self.dir / 'server.log').read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL to the node and everything it started (a host that loses power)."""
        if self.popen is not None and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None


class Cluster:
    def __init__(self, base: Path, size: int = 3):
        self.base = base
        self.home = base / "home"
        self.nodes = [Node(self, n) for n in range(1, size + 1)]

    def start(self) -> Cluster:
        for node in self.nodes:
            with socket.socket() as s:
                assert s.connect_ex(("127.0.0.1", node.port)) != 0, f"port {node.port} is taken: another cluster?"
        self.home.mkdir(parents=True, exist_ok=True)
        cookie = self.home / ".erlang.cookie"
        cookie.write_text(secrets.token_hex(20))
        cookie.chmod(0o400)
        for node in self.nodes:
            node.start()
        for node in self.nodes:
            node.await_startup()
        first = self.nodes[0]
        for node in self.nodes[1:]:
            rabbitmqctl(node.ctl, "stop_app")
            rabbitmqctl(node.ctl, "join_cluster", first.name)
            rabbitmqctl(node.ctl, "start_app")
            node.await_startup()
        running = rabbitmqctl(first.ctl, "eval", "length(rabbit_nodes:all_running()).")
        assert running.strip() == str(len(self.nodes)), f"cluster of {running} nodes"
        return self

    def ctl_script(self) -> Path:
        """A rabbitmqctl for the first node, for kabinet_kit.broker_definitions (RABBITMQCTL)."""
        script = self.base / "rabbitmqctl"
        script.write_text("#!/bin/sh\nexec " + " ".join(self.nodes[0].ctl) + ' "$@"\n')
        script.chmod(0o700)
        return script

    def urls(self, user: str, password: str, vhost: str) -> str:
        """Every node's URL, joined the way kombu and the relay take a list of brokers."""
        return ";".join(f"amqp://{user}:{password}@127.0.0.1:{node.port}/{vhost}" for node in self.nodes)

    def stop(self) -> None:
        for node in self.nodes:
            node.kill()
        shutil.rmtree(self.base, ignore_errors=True)
