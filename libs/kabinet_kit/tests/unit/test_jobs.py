"""A service's jobs process: one round with --once; a failed round fails a --once run."""
import pytest

from kabinet_kit.jobs import jobs_main


def test_once_runs_one_round():
    rounds = []
    jobs_main("test", lambda: rounds.append(1) or {"done": len(rounds)}, ["--once"])
    assert rounds == [1]


def test_a_failed_round_fails_a_once_run():
    def broken():
        raise RuntimeError("database away")
    with pytest.raises(RuntimeError):
        jobs_main("test", broken, ["--once"])
