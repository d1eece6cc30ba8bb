"""The broker's users, permissions and exchanges as a RabbitMQ definitions document.

``deploy/rabbitmq/definitions.json`` is generated from :func:`build` (for the vhost
``kabinet``) and committed; :func:`load` imports the same document, rewritten for any vhost,
into the running broker with ``rabbitmqctl import_definitions``.

Accounts (login = name, development password ``kabinet-<name>``) come from the system's
:class:`Topology` (``KABINET_BROKER_TOPOLOGY``):

* a publishing service ``S`` configures and
  writes only its own ``S.*`` resources (its ``S.events`` exchange, its consumer queues and
  their ``S.dlx``/``S.retry``/``S.requeue`` exchanges) and reads its own resources, every
  ``<publisher>.events`` exchange and the personal-data exchange (internal services only);
* a consume-only process reads its own resources plus every ``*.events`` exchange, never the
  personal-data exchange;
* ``external`` (an outside municipal system) declares its own ``external.*`` queues, binds them
  to and reads from the ``*.events`` exchanges; it writes nowhere but its own resources;
* ``guest`` is not defined here (importing must not change its password) but keeps full
  permissions on the vhost: set-up and tests use it.

Remember RabbitMQ's checks: declaring/deleting needs *configure* on the resource; queue.bind
needs *write* on the queue and *read* on the exchange; basic.publish needs *write* on the
exchange; basic.consume/basic.get need *read* on the queue; declaring a queue with a
dead-letter exchange needs *read* on the queue and *write* on that exchange. Every regex is
anchored at both ends so that, e.g., a queue ``journal.identity-events`` is not mistaken for
an events exchange.

Command line::

    python -m kabinet_kit.broker_definitions write [--path FILE]   # regenerate the committed file
    python -m kabinet_kit.broker_definitions check [--path FILE]   # non-zero if it is stale
    python -m kabinet_kit.broker_definitions load --vhost kabinet-test [--path FILE]
"""
from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_VHOST = "kabinet"


@dataclass(frozen=True)
class Topology:
    """The accounts and exchanges of a system on the bus (the system names them, not the kit)."""
    #: Services that publish events on their own ``<service>.events`` topic exchange; they are
    #: trusted with personal data (may read the personal-data exchange).
    publishers: tuple[str, ...]
    #: Processes that only consume, from the public exchanges.
    consume_only: tuple[str, ...] = ()
    #: The outside systems' account.
    external: str = "external"
    personal_data_exchange: str = "personal.data"

    @property
    def consumers(self) -> tuple[str, ...]:
        """Everyone who runs an EventConsumer (and so owns ``S.dlx``, ``S.retry``, ``S.requeue``)."""
        return self.publishers + self.consume_only

    @property
    def internal(self) -> tuple[str, ...]:
        return self.publishers

    @property
    def users(self) -> tuple[str, ...]:
        return self.consumers + (self.external,)


#: Where the system's topology comes from: ``module:attribute``.
TOPOLOGY_ENV = "KABINET_BROKER_TOPOLOGY"
DEFAULT_TOPOLOGY = "kabinet_contracts.topology:TOPOLOGY"


def configured_topology() -> Topology:
    module_name, _, attribute = os.environ.get(TOPOLOGY_ENV, DEFAULT_TOPOLOGY).partition(":")
    topology = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(topology, Topology):
        raise TypeError(f"{module_name}:{attribute} is not a Topology")
    return topology


#: Name of the exchanges the consumer declares itself (direct, durable; see consumer.py).
CONSUMER_EXCHANGE_SUFFIXES = ("dlx", "retry", "requeue")

HASHING_ALGORITHM = "rabbit_password_hashing_sha256"
PASSWORD_ENV_PREFIX = "KABINET_BROKER_PASSWORD_"

DEFAULT_PATH = Path(__file__).resolve().parents[3] / "deploy" / "rabbitmq" / "definitions.json"


def development_password(user: str) -> str:
    return f"kabinet-{user}"


def password_hash(user: str, password: str) -> str:
    """``rabbit_password_hashing_sha256``: base64(salt + sha256(salt + password)).

    The 4-byte salt is derived from the user name, so regenerating gives the same file.
    """
    salt = hashlib.sha256(f"kabinet-broker-salt:{user}".encode()).digest()[:4]
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode("utf-8")).digest()).decode("ascii")


def _own(name: str) -> str:
    return rf"{re.escape(name)}\..+"


def _events_exchanges(topology: Topology) -> str:
    return rf"({'|'.join(topology.publishers)})\.events"


def permissions_for(user: str, topology: Topology | None = None) -> dict[str, str]:
    """The configure/write/read regexes of one account (the same on every vhost)."""
    topology = topology or configured_topology()
    own = _own(user)
    readable = [own, _events_exchanges(topology)]
    if user in topology.internal:
        readable.append(re.escape(topology.personal_data_exchange))
    return {
        "configure": f"^{own}$",
        "write": f"^{own}$",
        "read": f"^({'|'.join(readable)})$",
    }


def _exchange(name: str, vhost: str, kind: str) -> dict[str, Any]:
    # Exactly what kombu declares (Exchange(name, type=kind, durable=True)): re-declaring it
    # from the relay or a consumer is then equivalent, not a PRECONDITION_FAILED.
    return {"name": name, "vhost": vhost, "type": kind, "durable": True, "auto_delete": False,
            "internal": False, "arguments": {}}


def build(vhost: str = DEFAULT_VHOST, passwords: dict[str, str] | None = None,
          topology: Topology | None = None) -> dict[str, Any]:
    """The definitions document for ``vhost``.

    ``passwords`` overrides the development passwords per user (not for the committed file).
    """
    topology = topology or configured_topology()
    passwords = passwords or {}
    users = [{
        "name": user,
        "password_hash": password_hash(user, passwords.get(user, development_password(user))),
        "hashing_algorithm": HASHING_ALGORITHM,
        "tags": "",
        "limits": {},
    } for user in topology.users]
    permissions = [{"user": user, "vhost": vhost, **permissions_for(user, topology)} for user in topology.users]
    permissions.append({"user": "guest", "vhost": vhost, "configure": ".*", "write": ".*", "read": ".*"})
    exchanges = [_exchange(f"{s}.events", vhost, "topic") for s in topology.publishers]
    exchanges.append(_exchange(topology.personal_data_exchange, vhost, "topic"))
    exchanges += [_exchange(f"{s}.{suffix}", vhost, "direct")
                  for s in topology.consumers for suffix in CONSUMER_EXCHANGE_SUFFIXES]
    return {
        "users": users,
        "vhosts": [{"name": vhost}],
        "permissions": permissions,
        "topic_permissions": [],
        "parameters": [],
        "policies": [],
        "queues": [],
        "exchanges": exchanges,
        "bindings": [],
    }


def for_vhost(document: dict[str, Any], vhost: str) -> dict[str, Any]:
    """A copy of a definitions document with every vhost reference rewritten to ``vhost``."""
    doc = copy.deepcopy(document)
    doc["vhosts"] = [{**v, "name": vhost} for v in doc.get("vhosts", [])] or [{"name": vhost}]
    for key in ("permissions", "topic_permissions", "parameters", "policies", "queues", "exchanges",
                "bindings"):
        for item in doc.get(key, []):
            item["vhost"] = vhost
    return doc


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write(path: Path = DEFAULT_PATH) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(build()), encoding="utf-8")
    return path


def is_current(path: Path = DEFAULT_PATH) -> bool:
    """True if the file at ``path`` is exactly what :func:`build` generates now."""
    try:
        return Path(path).read_text(encoding="utf-8") == render(build())
    except FileNotFoundError:
        return False


# -- loading into the broker --------------------------------------------------------------
def _rabbitmqctl() -> str:
    ctl = os.environ.get("RABBITMQCTL") or shutil.which("rabbitmqctl") or (
        "/usr/sbin/rabbitmqctl" if Path("/usr/sbin/rabbitmqctl").exists() else None)
    if not ctl:
        raise RuntimeError("rabbitmqctl not found (set RABBITMQCTL to its path)")
    return ctl


def _run(*args: str, stdin: str | None = None, timeout: float = 60) -> str:
    cmd = [_rabbitmqctl(), *args]
    try:
        done = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"{' '.join(cmd)} timed out after {timeout}s") from exc
    except OSError as exc:
        raise RuntimeError(f"{' '.join(cmd)} could not run: {exc}") from exc
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {(done.stderr or done.stdout).strip()}")
    return done.stdout


def ensure_vhost(vhost: str) -> None:
    """Create ``vhost`` if missing (``add_vhost`` is a no-op for an existing one on 3.10)."""
    try:
        _run("add_vhost", vhost)
    except RuntimeError:
        # Versions that report an existing vhost as an error: fine if it is there.
        if vhost not in _run("--silent", "list_vhosts", "name").split():
            raise


def delete_vhost(vhost: str) -> None:
    """Remove ``vhost`` with its queues and exchanges (tests' private vhosts)."""
    _run("delete_vhost", vhost)


def passwords_from_env(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Non-development passwords from ``KABINET_BROKER_PASSWORD_<USER>`` (e.g. ``..._JOURNAL``)."""
    return {user: environ[f"{PASSWORD_ENV_PREFIX}{user.upper()}"] for user in configured_topology().users
            if environ.get(f"{PASSWORD_ENV_PREFIX}{user.upper()}")}


def load(vhost: str = DEFAULT_VHOST, document: dict[str, Any] | None = None,
         passwords: dict[str, str] | None = None) -> dict[str, Any]:
    """Import the definitions for ``vhost`` into the local broker; loading again is harmless.

    ``document`` (e.g. the committed file) is rewritten for ``vhost``; by default it is
    :func:`build` for that vhost. Returns the document that was imported.
    """
    doc = for_vhost(document, vhost) if document is not None else build(vhost, passwords)
    ensure_vhost(vhost)
    # The document goes in on standard input rather than as a temporary file: run as root,
    # the packaged rabbitmqctl re-executes itself as the ``rabbitmq`` user, which cannot read
    # a private temporary file (and a world-readable one would expose the password hashes).
    # rabbitmqctl waits for the node to finish the import before it exits.
    _run("import_definitions", stdin=render(doc))
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kabinet_kit.broker_definitions",
                                     description="Kabinet RabbitMQ definitions: write, check, load.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_write = sub.add_parser("write", help="regenerate the definitions file")
    p_write.add_argument("--path", type=Path, default=DEFAULT_PATH)
    p_check = sub.add_parser("check", help="exit 1 if the definitions file differs from build()")
    p_check.add_argument("--path", type=Path, default=DEFAULT_PATH)
    p_load = sub.add_parser("load", help="import the definitions into the local broker for a vhost")
    p_load.add_argument("--vhost", default=DEFAULT_VHOST)
    p_load.add_argument("--path", type=Path, default=None,
                        help="load this definitions file (rewritten for --vhost) instead of build()")
    args = parser.parse_args(argv)

    if args.command == "write":
        print(f"wrote {write(args.path)}")
        return 0
    if args.command == "check":
        if is_current(args.path):
            print(f"{args.path} is up to date")
            return 0
        print(f"{args.path} is stale: run `python -m kabinet_kit.broker_definitions write`", file=sys.stderr)
        return 1
    document = json.loads(args.path.read_text(encoding="utf-8")) if args.path else None
    passwords = passwords_from_env()
    if document is not None and passwords:
        parser.error("KABINET_BROKER_PASSWORD_* cannot be combined with --path")
    try:
        load(args.vhost, document, passwords)
    except RuntimeError as exc:
        print(f"load failed: {exc}", file=sys.stderr)
        return 2
    print(f"loaded definitions into vhost {args.vhost!r}")
    return 0


if __name__ == "__main__":
    # Run as a script this module is ``__main__``: the topology must be checked against the
    # importable module's Topology class, so the command runs from there.
    from kabinet_kit.broker_definitions import main as _main
    sys.exit(_main())
