"""The fault suite's rig: the whole system (tests/kabinet_stack.py) with every process reaching
the broker, and on PostgreSQL its database, through fault proxies (kabinet_kit.testing.faults),
on a vhost of its own; a tap queue on every events exchange; the demo city's cells to write on.

Markers: ``chaos_long`` (`make chaos` only: minutes, or the whole broker), ``broker_wide`` (stops
or alarms the shared broker: other test runs notice), ``cluster`` (a three-node cluster)."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict

import pytest

from chaos.city import City
from chaos.conservation import Databases
from chaos.report import table
from chaos.rig import RIGS, Rig
from chaos.tap import Tap
from kabinet_kit.testing import BROKER_HOST, admin_amqp_url, private_vhost, service_amqp_url, test_db_kind
from kabinet_kit.testing.faults import FaultProxy
from kabinet_stack import Wiring, running_stack


@pytest.fixture(scope="session")
def rig(tmp_path_factory) -> Iterator[Rig]:
    kind = test_db_kind()
    host, _, port = BROKER_HOST.rpartition(":")
    with private_vhost("chaos") as vhost, FaultProxy(host, int(port)) as broker:
        database = None
        if kind != "sqlite":
            server = kind.rsplit("@", 1)[-1].split("/")[0]
            database = FaultProxy(server.rpartition(":")[0], int(server.rpartition(":")[2] or 5432)).start()
        wiring = Wiring(amqp_url=lambda service, process, v: broker.route(service_amqp_url(service, process, v)),
                        database_url=database.route if database else (lambda url: url))
        try:
            with running_stack(tmp_path_factory.mktemp("chaos-logs"), vhost, wiring) as stack:
                tap = Tap(admin_amqp_url(vhost)).start()
                dbs = Databases(stack)
                try:
                    r = Rig(stack, City.discover(stack), tap, dbs, admin_amqp_url(vhost), ["rabbitmqctl"],
                            "sqlite" if kind == "sqlite" else "postgresql", broker=broker, database=database)
                    RIGS.append(r)
                    yield r
                finally:
                    tap.stop()
                    dbs.dispose()
        finally:
            if database is not None:
                database.stop()


def pytest_terminal_summary(terminalreporter) -> None:
    rows = [asdict(row) for r in RIGS for row in r.rows]
    if rows:
        terminalreporter.write_sep("=", "fault suite")
        terminalreporter.write_line(table(rows))
