"""A relay that stops closes its broker connection cleanly: the AMQP close handshake completes,
so neither the relay nor the broker logs a lost connection (what `--drain` does after every
`make run` seeding)."""
from __future__ import annotations

import logging


def test_closing_after_a_drain_is_a_clean_handshake(sample, broker, kit, caplog):
    tap = broker.tap()
    sample.write(5)
    relay = sample.relay(broker.url)
    caplog.set_level(logging.INFO)
    try:
        assert relay.drain() == 5
    finally:
        relay.close()
    assert sum(broker.read_ids(tap, 5).values()) == 5
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage()[:200] for r in errors]
    assert any("Closing connection (200)" in r.getMessage() for r in caplog.records)
    assert not any("StreamLostError" in r.getMessage() or "Broken pipe" in r.getMessage() for r in caplog.records)
