"""Named points in the consumer and the relay where a fault test makes one process die or stall
at an exact moment, which no signal sent from outside can hit reliably.

A test sets ``KABINET_FAULT=<point>:<action>[@<n>]`` in the environment of the one process it
means; without that variable (everywhere outside fault tests) every point is a no-op that costs
one dictionary lookup. Points:

* ``consumer.before_commit``: the handler has run, its transaction is not committed;
* ``consumer.after_commit``: the transaction is committed, the message not yet acked;
* ``relay.after_confirm``: the broker confirmed a batch, the relay has not marked it published.

Actions: ``exit`` ends the process at once (``os._exit``, as a SIGKILL would: no cleanup, no
ack, no commit) with :data:`FAULT_EXIT_CODE`; ``sleep=<seconds>`` stalls there on every pass (a
slow handler). ``@<n>`` fires from the n-th pass on (default: the first).
"""
from __future__ import annotations

import os
import sys
import time

ENV = "KABINET_FAULT"
FAULT_EXIT_CODE = 97
POINTS = ("consumer.before_commit", "consumer.after_commit", "relay.after_confirm")

_passes: dict[str, int] = {}


def parse(spec: str) -> tuple[str, str, float, int]:
    """``point:action[@n]`` → (point, action, seconds, n); ValueError naming what is wrong."""
    point, _, rest = spec.partition(":")
    action, _, nth = rest.partition("@")
    action, _, argument = action.partition("=")
    if point not in POINTS:
        raise ValueError(f"{ENV}: unknown point {point!r}; one of {', '.join(POINTS)}")
    if action not in ("exit", "sleep") or (action == "sleep") != bool(argument):
        raise ValueError(f"{ENV}: action must be exit or sleep=<seconds>, not {rest!r}")
    return point, action, float(argument or 0), int(nth or 1)


def fault_point(name: str) -> None:
    """Die or stall here if this process's ``KABINET_FAULT`` names this point."""
    spec = os.environ.get(ENV)
    if not spec:
        return
    point, action, seconds, nth = parse(spec)
    if point != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] < nth:
        return
    if action == "sleep":
        time.sleep(seconds)
        return
    sys.stderr.write(f"{ENV}: exiting at {name} (pass {_passes[name]})\n")
    sys.stderr.flush()
    os._exit(FAULT_EXIT_CODE)
