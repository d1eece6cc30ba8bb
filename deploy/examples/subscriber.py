#!/usr/bin/env python3
"""Example outside subscriber to Kabinet events — pika only, as another municipal system would.

It connects with the ``external`` account, declares its own durable queue ``external.<name>``,
binds it to the event types given on the command line on a ``*.events`` exchange, and prints
each event (a CloudEvents 1.0 JSON envelope) as one JSON line on standard output. Messages are
acknowledged only after they were printed, so nothing is lost if the subscriber stops; while
it is down the broker keeps its queue filling.

    pip install pika
    python subscriber.py --url amqp://external:kabinet-external@127.0.0.1:5672/kabinet \\
        --queue external.my-system identity.account.deactivated.v1 'identity.child.#'

Delivery is at least once: de-duplicate on the event's ``id``. The ``identity.pd`` exchange
(personal data) is internal: the broker refuses the external account there, and this script
then exits with status 2.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time

import pika
from pika.exceptions import (
    AMQPConnectionError,
    ChannelClosedByBroker,
    ConnectionClosedByBroker,
    ProbableAccessDeniedError,
    ProbableAuthenticationError,
)

DEFAULT_URL = "amqp://external:kabinet-external@127.0.0.1:5672/kabinet"
ACCESS_REFUSED = 403


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Print Kabinet events as JSON lines.")
    parser.add_argument("types", nargs="+", help="event types (routing keys) to bind, e.g. "
                                                 "identity.account.deactivated.v1; topic wildcards * and # work")
    parser.add_argument("--url", default=os.environ.get("KABINET_AMQP_URL", DEFAULT_URL),
                        help="AMQP URL of the external account (env KABINET_AMQP_URL)")
    parser.add_argument("--queue", default="external.example",
                        help="your own queue; the external account may only use names starting with 'external.'")
    parser.add_argument("--exchange", default="identity.events",
                        help="exchange to bind to: <service>.events (default identity.events)")
    parser.add_argument("--count", type=int, default=0, help="exit after this many events (0: run until stopped)")
    args = parser.parse_args(argv)
    if not args.queue.startswith("external."):
        parser.error("the queue name must start with 'external.'")
    return args


def subscribe(args: argparse.Namespace) -> int:
    connection = pika.BlockingConnection(pika.URLParameters(args.url))
    channel = connection.channel()
    # A durable queue of our own: events published while we are away wait for us.
    channel.queue_declare(queue=args.queue, durable=True)
    for event_type in args.types:
        channel.queue_bind(queue=args.queue, exchange=args.exchange, routing_key=event_type)
    channel.basic_qos(prefetch_count=50)
    log(f"subscribed: queue={args.queue} exchange={args.exchange} types={','.join(args.types)}")

    received = 0

    def on_message(ch, method, properties, body):
        nonlocal received
        try:
            event = json.loads(body)
        except ValueError:
            event = {"undecodable": body.decode("utf-8", "replace")}
        print(json.dumps(event, ensure_ascii=False, separators=(",", ":")), flush=True)
        ch.basic_ack(delivery_tag=method.delivery_tag)
        received += 1
        if args.count and received >= args.count:
            ch.stop_consuming()

    channel.basic_consume(queue=args.queue, on_message_callback=on_message)
    try:
        channel.start_consuming()
    finally:
        if connection.is_open:
            connection.close()
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    delay = 1.0
    while True:
        try:
            return subscribe(args)
        except ChannelClosedByBroker as exc:
            if exc.reply_code == ACCESS_REFUSED:
                log(f"access refused: {exc.reply_text}")
                return 2
            log(f"channel closed by the broker: {exc.reply_code} {exc.reply_text}")
            return 1
        except ConnectionClosedByBroker as exc:
            if exc.reply_code == ACCESS_REFUSED:
                log(f"access refused: {exc.reply_text}")
                return 2
            log(f"connection closed by the broker ({exc.reply_code} {exc.reply_text}); reconnecting in {delay:.0f}s")
        except (ProbableAuthenticationError, ProbableAccessDeniedError) as exc:
            log(f"login refused (check the account, password and vhost): {exc!r}")
            return 2
        except AMQPConnectionError as exc:
            log(f"broker unreachable ({exc!r}); reconnecting in {delay:.0f}s")
        except KeyboardInterrupt:
            return 0
        try:
            time.sleep(delay)
        except KeyboardInterrupt:
            return 0
        delay = min(delay * 2, 30.0)


if __name__ == "__main__":
    sys.exit(main())
