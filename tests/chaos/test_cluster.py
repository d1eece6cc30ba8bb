"""The same load on a three-node RabbitMQ cluster with quorum queues; the node every client
connects to first is killed under load. Clients move to the other nodes (kombu's failover list
for the consumers, the relay's own list), the quorum queues elect new leaders, nothing is lost.
`make chaos` only: three more Erlang nodes on a shared machine."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

from chaos.city import City
from chaos.cluster import Cluster
from chaos.conservation import Databases
from chaos.faults import Scenario, rabbitmqctl
from chaos.rig import RIGS, Rig
from chaos.tap import Tap
from kabinet_kit import broker_definitions
from kabinet_kit.testing import admin_amqp_url, service_amqp_url
from kabinet_stack import Wiring, running_stack

pytestmark = [pytest.mark.cluster, pytest.mark.chaos_long]
QUORUM = {f"{p}_QUEUE_TYPE": "quorum" for p in ("IDENTITY", "JOURNAL", "PRESCHOOL", "PORTFOLIO", "GATEWAY")}


def _account(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.username or "", parts.password or ""


@contextmanager
def _rabbitmqctl_of(cluster: Cluster) -> Iterator[None]:
    previous = os.environ.get("RABBITMQCTL")
    os.environ["RABBITMQCTL"] = str(cluster.ctl_script())
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("RABBITMQCTL", None)
        else:
            os.environ["RABBITMQCTL"] = previous


@pytest.fixture(scope="module")
def cluster_rig(tmp_path_factory) -> Iterator[Rig]:
    base = tmp_path_factory.mktemp("cluster")
    cluster = Cluster(base).start()
    vhost = "kabinet-chaos-cluster"
    try:
        with _rabbitmqctl_of(cluster):
            broker_definitions.load(vhost)  # the accounts, kabinet_kit.testing's administrator among them
        admin = cluster.urls(*_account(admin_amqp_url(vhost)), vhost)
        wiring = Wiring(amqp_url=lambda service, process, v: cluster.urls(
                            *_account(service_amqp_url(service, process, v)), v),
                        admin_url=lambda v: admin, env=QUORUM)
        with running_stack(tmp_path_factory.mktemp("cluster-logs"), vhost, wiring) as stack:
            tap = Tap(admin, quorum=True).start()
            dbs = Databases(stack)
            try:
                rig = Rig(stack, City.discover(stack), tap, dbs, admin, cluster.nodes[1].ctl,
                          "3-node cluster, quorum queues", cluster=cluster)
                RIGS.append(rig)
                yield rig
            finally:
                tap.stop(delete=False)
                dbs.dispose()
    finally:
        cluster.stop()


def test_quorum_queues_on_every_node(cluster_rig):
    out = rabbitmqctl(cluster_rig.cluster.nodes[1].ctl, "list_queues", "-p", cluster_rig.stack.vhost, "name", "type",
                      "--silent")
    types = dict(line.split("\t") for line in out.splitlines() if "\t" in line)
    queue = f"journal.{cluster_rig.stack.consumer_queue}"
    assert types[queue] == "quorum" and types[f"{queue}.retry"] == "quorum" and types[f"{queue}.dead"] == "quorum"


def test_a_node_killed_under_load_loses_nothing(cluster_rig):
    row = cluster_rig.run(Scenario("cluster node killed under load (recovery from the kill)", "node_killed",
                                   length="long"))
    assert row.applied == row.accepted
