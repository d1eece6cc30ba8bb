"""Two relays on one outbox at the same time (FOR UPDATE SKIP LOCKED on PostgreSQL, BEGIN
IMMEDIATE on SQLite): every row is published exactly once while both run."""
from __future__ import annotations

import threading
import time

N = 2000


def test_two_relays_drain_one_backlog_without_publishing_a_row_twice(sample, broker, amqp_url, db_kind):
    tap = broker.tap()
    ids = []
    for _ in range(4):
        ids += sample.write(N // 4)
    relays = [sample.relay(amqp_url, batch_size=50) for _ in range(2)]
    for relay in relays:
        relay._connect()  # both connected before the race starts
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    # Each relay records the rows it published (row ids are the outbox primary keys).
    claimed: list[list[int]] = [[], []]
    spans: list[list[float]] = [[0.0, 0.0], [0.0, 0.0]]

    def run(i: int) -> None:
        relay = relays[i]
        real_publish = relay._publish_batch

        def publish(rows):
            claimed[i].extend(r.id for r in rows)
            return real_publish(rows)

        relay._publish_batch = publish
        try:
            barrier.wait(10)
            spans[i][0] = time.monotonic()
            relay.drain()
            spans[i][1] = time.monotonic()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for relay in relays:
        relay.close()
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)

    assert sample.unpublished() == 0
    assert relays[0].stats.published + relays[1].stats.published == N
    # No row was claimed by both relays...
    assert not set(claimed[0]) & set(claimed[1])
    assert len(claimed[0]) + len(claimed[1]) == N
    # ...while both were running...
    assert spans[0][0] < spans[1][1] and spans[1][0] < spans[0][1], spans
    if db_kind == "postgresql":
        # ...and on PostgreSQL both published (SKIP LOCKED hands each its own rows). SQLite
        # serialises the relays with its write lock, which is not fair: one may do all the work.
        assert relays[0].stats.published > 0 and relays[1].stats.published > 0, (
            relays[0].stats.published, relays[1].stats.published)
    # ...and the broker received each event exactly once.
    received = broker.read_ids(tap, expected=N)
    assert set(received) == set(ids)
    assert sum(received.values()) == N
