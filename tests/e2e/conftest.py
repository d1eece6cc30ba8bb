"""End-to-end fixtures: the whole system as real processes (``tests/kabinet_stack.py``) on a
vhost of the run's own (``private_vhost``, deleted afterwards), fresh databases from
kabinet_kit.testing (SQLite or PostgreSQL by KABINET_TEST_DB) and the demo city seeded the way
``make run`` does it. Tests talk to the gateway only.

Nothing here skips: a missing broker, database server or a process that does not come up
fails the tests (with the tail of its log).
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from kabinet_kit.testing import private_vhost
from kabinet_stack import Stack, running_stack


@pytest.fixture(scope="session")
def broker() -> Iterator[str]:
    """The run's own vhost (its name), with deploy/rabbitmq's accounts and exchanges."""
    with private_vhost("e2e") as vhost:
        yield vhost


@pytest.fixture(scope="session")
def stack(broker, tmp_path_factory) -> Iterator[Stack]:
    with running_stack(tmp_path_factory.mktemp("e2e-logs"), broker) as s:
        yield s


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The fuzz run writes random (valid) data into the demo city: it goes after every other test.
    items.sort(key=lambda item: item.get_closest_marker("fuzz") is not None)
