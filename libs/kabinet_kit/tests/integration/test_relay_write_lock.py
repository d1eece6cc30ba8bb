"""While the relay waits for the broker's confirms, the service keeps writing: on SQLite the
relay holds no write lock during the wait (issue 11, finding 10)."""
from __future__ import annotations

import threading
import time


def test_a_stalled_broker_does_not_stall_the_services_writes(sample, broker, amqp_url):
    """issue 11, finding 10: on SQLite the relay held BEGIN IMMEDIATE across the confirm wait
    (up to 10 s), so every write of the service waited for the broker."""
    tap = broker.tap()
    ids = sample.write(5)
    relay = sample.relay(amqp_url)
    waiting, broker_answers = threading.Event(), threading.Event()
    real_confirmed = relay._confirmed

    def stalled_confirms(sent):
        waiting.set()
        broker_answers.wait(30)  # a broker that does not confirm yet
        return real_confirmed(sent)

    relay._confirmed = stalled_confirms
    published: list[int] = []
    worker = threading.Thread(target=lambda: published.append(relay.drain_once()))
    worker.start()
    try:
        assert waiting.wait(10), "the relay never reached the confirm wait"
        started = time.monotonic()
        written: list[str] = []
        writer = threading.Thread(target=lambda: written.extend(sample.write(1)))
        writer.start()
        writer.join(3)
        took = time.monotonic() - started
        assert written, f"a service write was still blocked after {took:.1f} s while the relay awaited confirms"
    finally:
        broker_answers.set()
        worker.join(30)
        writer.join(30)
        relay.close()
    assert published == [5]  # the batch is still published and marked once the broker confirms
    assert set(broker.read_ids(tap, expected=5)) == set(ids)
    assert sample.unpublished() == 1  # the write made during the wait, for the next round
