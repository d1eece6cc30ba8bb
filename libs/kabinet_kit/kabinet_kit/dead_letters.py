"""Look at and replay a consumer's dead letters (``<queue>.dead``).

    python -m kabinet_kit.dead_letters --queue journal.identity list
    python -m kabinet_kit.dead_letters --queue journal.identity show 1
    python -m kabinet_kit.dead_letters --queue journal.identity replay --id EVENT_ID   (or --all)

The broker URL is ``--url``, else ``<SERVICE>_CONSUMER_AMQP_URL`` (also from a file in
``KABINET_SECRETS_DIR``): the service's consumer account suffices, everything used is its own
``<service>.*``. Looking takes nothing away: messages are fetched unacknowledged and handed back
when the channel closes. A replayed message is published to ``<service>.requeue`` (routing key =
the queue, back into the consumer's queue) and acked in the dead queue only after the broker
confirmed that publish: a crash in between leaves a duplicate, which the consumer's
idempotency absorbs, never a loss.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pydantic_settings import SettingsConfigDict

from .bus import connect
from .consumer import ATTEMPTS_HEADER, ERROR_HEADER, FAILURES_HEADER
from .events import CONTENT_TYPE
from .settings import ConfigurationError, ServiceSettings

#: Headers that describe the message's past failures; a replay starts it afresh.
RESET_HEADERS = (ATTEMPTS_HEADER, FAILURES_HEADER, ERROR_HEADER, "x-death", "x-first-death-exchange",
                 "x-first-death-queue", "x-first-death-reason", "x-last-death-exchange",
                 "x-last-death-queue", "x-last-death-reason")


@dataclass
class DeadLetter:
    position: int
    event_id: str | None
    event_type: str | None
    attempts: int
    error: str
    headers: dict[str, Any]
    properties: dict[str, Any]
    body: bytes
    delivery_tag: int


def service_of(queue: str) -> str:
    service, dot, _ = queue.partition(".")
    if not dot or not service:
        raise ValueError(f"{queue!r} is not a consumer queue <service>.<name>")
    return service


def amqp_url_for(service: str) -> str:
    """The service consumer's broker URL as the consumer reads it (environment or secrets folder)."""
    class Settings(ServiceSettings):
        model_config = SettingsConfigDict(env_prefix=f"{service.upper()}_", extra="ignore")

    return Settings.load().broker_url("consumer")


def _event_type(body: bytes) -> str | None:
    try:
        value = json.loads(body).get("type")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


@contextmanager
def dead_letters(url: str, queue: str) -> Iterator[tuple[Any, list[DeadLetter]]]:
    """The channel and every message now in ``<queue>.dead``, held unacknowledged: what the
    caller does not ack goes back to the queue, in order, when the channel closes."""
    conn = connect(url, heartbeat=0, confirm_publish=True)
    try:
        channel = conn.channel()
        waiting = channel.queue_declare(queue=f"{queue}.dead", passive=True).message_count
        found: list[DeadLetter] = []
        for position in range(1, waiting + 1):
            message = channel.basic_get(queue=f"{queue}.dead", no_ack=False)
            if message is None:
                break
            headers = dict(message.headers or {})
            properties = dict(message.properties)
            # py-amqp decodes a body whose content_encoding names a text encoding: undo that.
            raw = message.body if isinstance(message.body, bytes) else message.body.encode(
                properties.get("content_encoding") or "utf-8")
            found.append(DeadLetter(
                position=position, event_id=properties.get("message_id"), event_type=_event_type(raw),
                attempts=int(headers.get(ATTEMPTS_HEADER, 0)), error=str(headers.get(ERROR_HEADER, "")),
                headers=headers, properties=properties, body=raw, delivery_tag=message.delivery_tag))
        yield channel, found
    finally:
        conn.release()


def replay(channel: Any, queue: str, letter: DeadLetter) -> None:
    """Back into the consumer's queue with a fresh retry budget; acked once confirmed."""
    headers = {k: v for k, v in letter.headers.items() if k not in RESET_HEADERS}
    properties: dict[str, Any] = {"content_type": letter.properties.get("content_type") or CONTENT_TYPE,
                                  "delivery_mode": 2, "application_headers": headers}
    if letter.properties.get("content_encoding"):
        properties["content_encoding"] = letter.properties["content_encoding"]
    if letter.event_id:
        properties["message_id"] = letter.event_id
    from amqp import Message
    # The channel is in confirm mode: basic_publish returns after the broker's ack, raises otherwise.
    channel.basic_publish(Message(letter.body, **properties), exchange=f"{service_of(queue)}.requeue",
                          routing_key=queue, mandatory=True, confirm_timeout=10)
    channel.basic_ack(letter.delivery_tag)


def _print_list(letters: list[DeadLetter]) -> None:
    if not letters:
        print("no dead letters")
    for d in letters:
        print(f"{d.position}\t{d.event_id or '-'}\t{d.event_type or '-'}\tattempts={d.attempts}\t{d.error or '-'}")


def _print_one(letter: DeadLetter) -> None:
    print(f"position: {letter.position}\nevent id: {letter.event_id or '-'}\ntype: {letter.event_type or '-'}\n"
          f"attempts: {letter.attempts}\nerror: {letter.error or '-'}")
    print()
    print(letter.body.decode("utf-8", errors="replace"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kabinet_kit.dead_letters",
                                     description="list, show and replay a consumer's dead letters")
    parser.add_argument("--queue", required=True, help="the consumer queue, e.g. journal.identity")
    parser.add_argument("--url", help="broker URL (default: <SERVICE>_CONSUMER_AMQP_URL)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="every dead letter: position, event id, type, attempts, error")
    p_show = sub.add_parser("show", help="one dead letter with its body")
    p_show.add_argument("position", type=int, help="its position in the list (from 1)")
    p_replay = sub.add_parser("replay", help="publish back to the consumer's queue")
    which = p_replay.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true")
    which.add_argument("--id", dest="event_id", help="the event id to replay")
    args = parser.parse_args(argv)

    try:
        url = args.url or amqp_url_for(service_of(args.queue))
    except (ValueError, ConfigurationError) as exc:
        parser.error(str(exc))
    with dead_letters(url, args.queue) as (channel, letters):
        if args.command == "list":
            _print_list(letters)
        elif args.command == "show":
            chosen = [d for d in letters if d.position == args.position]
            if not chosen:
                print(f"no dead letter at position {args.position}", file=sys.stderr)
                return 1
            _print_one(chosen[0])
        else:
            chosen = [d for d in letters if args.all or d.event_id == args.event_id]
            if args.event_id and not chosen:
                print(f"no dead letter with event id {args.event_id}", file=sys.stderr)
                return 1
            for letter in chosen:
                replay(channel, args.queue, letter)
            print(f"replayed {len(chosen)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
