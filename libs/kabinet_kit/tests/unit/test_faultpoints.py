"""The fault points' switch: inert without KABINET_FAULT, a clear error for a bad value, and a
process that really ends (with its code) or stalls where the variable says."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from kabinet_kit import faultpoints
from kabinet_kit.faultpoints import FAULT_EXIT_CODE, fault_point, parse


@pytest.fixture(autouse=True)
def fresh_counts(monkeypatch):
    monkeypatch.setattr(faultpoints, "_passes", {})


def test_parse():
    assert parse("consumer.before_commit:exit") == ("consumer.before_commit", "exit", 0.0, 1)
    assert parse("relay.after_confirm:exit@3") == ("relay.after_confirm", "exit", 0.0, 3)
    assert parse("consumer.after_commit:sleep=0.5") == ("consumer.after_commit", "sleep", 0.5, 1)
    for bad in ("consumer.nowhere:exit", "relay.after_confirm:explode", "relay.after_confirm:sleep",
                "relay.after_confirm:exit=2"):
        with pytest.raises(ValueError, match="KABINET_FAULT"):
            parse(bad)


def test_exit_ends_the_process_there_with_the_fault_code():
    code = ("from kabinet_kit.faultpoints import fault_point\n"
            "fault_point('relay.after_confirm'); print('first pass survived', flush=True)\n"
            "fault_point('consumer.before_commit'); print('other point survived', flush=True)\n"
            "fault_point('relay.after_confirm'); print('never printed', flush=True)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={"KABINET_FAULT": "relay.after_confirm:exit@2", "PATH": ""})
    assert done.returncode == FAULT_EXIT_CODE
    assert done.stdout.splitlines() == ["first pass survived", "other point survived"]
    assert "exiting at relay.after_confirm (pass 2)" in done.stderr


def test_sleep_stalls_every_pass(monkeypatch):
    monkeypatch.setenv(faultpoints.ENV, "consumer.before_commit:sleep=0.2")
    started = time.monotonic()
    fault_point("consumer.before_commit")
    fault_point("consumer.before_commit")
    fault_point("consumer.after_commit")  # not this one
    assert 0.4 <= time.monotonic() - started < 1.0


def test_without_the_variable_nothing_happens(monkeypatch):
    monkeypatch.delenv(faultpoints.ENV, raising=False)
    started = time.monotonic()
    for point in faultpoints.POINTS:
        fault_point(point)
    assert time.monotonic() - started < 0.05
