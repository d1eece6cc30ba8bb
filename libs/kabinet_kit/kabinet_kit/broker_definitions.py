"""The broker's users, permissions and exchanges as a RabbitMQ definitions document.

``deploy/rabbitmq/definitions.json`` is generated from :func:`build` (for the vhost
``kabinet``) and committed; :func:`load` imports the same document, rewritten for any vhost,
into the running broker with ``rabbitmqctl import_definitions``.

Every process kind logs in with its own account (development password ``kabinet-<login>``),
from the system's :class:`Topology` (``KABINET_BROKER_TOPOLOGY``):

* ``S-relay`` (a publishing service ``S``) declares and publishes to its own exchanges only —
  ``S.events`` and any other exchange the topology names ``S.*`` (identity's personal-data
  exchange) — and reads nothing;
* ``S-consumer`` (every consuming process) declares, binds, reads and writes its own ``S.*``
  queues and its ``S.dlx``/``S.retry``/``S.requeue`` exchanges, never the relay's exchanges;
  it reads every ``<publisher>.events`` exchange and, for internal services only, the
  personal-data exchange;
* ``S-web`` (a web process that probes the broker for its readiness) may open the vhost and
  nothing else;
* ``external`` (an outside municipal system) declares its own ``external.*`` queues, binds them
  to and reads from the ``*.events`` exchanges; it writes nowhere but its own resources;
* ``guest`` has nothing: loading clears its permissions (an older version gave it everything),
  and those of the older one-account-per-service logins (``journal``, ...);
* the administrator ``kabinet-admin`` (set-up, tests' inspection) has every right on the vhosts
  that were loaded; it is not in the committed file: :func:`load` adds it with the password of
  ``KABINET_BROKER_ADMIN_PASSWORD`` or of a private file made on first use.

RabbitMQ's checks: declaring/deleting needs *configure* on the resource; queue.bind needs
*write* on the queue and *read* on the exchange; basic.publish needs *write* on the exchange
(the default exchange is ``amq.default``, which no pattern here matches); basic.get,
basic.consume and queue.purge need *read* on the queue; declaring a queue with a dead-letter
exchange needs *read* on the queue and *write* on that exchange. Every regex is anchored at both
ends so that, e.g., a queue ``journal.identity-events`` is not mistaken for an events exchange;
the consumer's ``(?!...)`` (PCRE, as RabbitMQ evaluates them) keeps the relay's exchanges out.

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
import hmac
import importlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .broker_topology import Topology, permissions_for
from .settings import local_secret

DEFAULT_VHOST = "kabinet"

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

def _exchange(name: str, vhost: str, kind: str) -> dict[str, Any]:
    # Exactly what kombu declares (Exchange(name, type=kind, durable=True)): re-declaring it
    # from the relay or a consumer is then equivalent, not a PRECONDITION_FAILED.
    return {"name": name, "vhost": vhost, "type": kind, "durable": True, "auto_delete": False,
            "internal": False, "arguments": {}}


def _user(name: str, password: str) -> dict[str, Any]:
    return {"name": name, "password_hash": password_hash(name, password), "hashing_algorithm": HASHING_ALGORITHM,
            "tags": "", "limits": {}}


def build(vhost: str = DEFAULT_VHOST, passwords: dict[str, str] | None = None,
          topology: Topology | None = None) -> dict[str, Any]:
    """The definitions document for ``vhost``.

    ``passwords`` overrides the development passwords per user (not for the committed file).
    """
    topology = topology or configured_topology()
    passwords = passwords or {}
    users = [_user(user, passwords.get(user, development_password(user))) for user in topology.users]
    permissions = [{"user": user, "vhost": vhost, **permissions_for(user, topology)} for user in topology.users]
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


def _export(attempts: int = 4) -> dict[str, Any]:
    """The broker's definitions. A node busy with other imports may answer with an Erlang error
    term (``{badrpc,timeout}``) instead of JSON: asked again, after a pause, before giving up."""
    out = ""
    for attempt in range(attempts):
        out = _run("--silent", "export_definitions", "-", "--format", "json")
        try:
            loaded: dict[str, Any] = json.loads(out)
            return loaded
        except json.JSONDecodeError:
            time.sleep(1 + 2 * attempt)
    raise RuntimeError(f"rabbitmqctl export_definitions gave no JSON {attempts} times; last: {out[:300]!r}")


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


def password_variable(user: str) -> str:
    """``KABINET_BROKER_PASSWORD_<USER>``, ``-`` as ``_`` (``..._JOURNAL_CONSUMER``)."""
    return f"{PASSWORD_ENV_PREFIX}{user.upper().replace('-', '_')}"


def passwords_from_env(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """Non-development passwords from ``KABINET_BROKER_PASSWORD_<USER>``."""
    return {user: environ[password_variable(user)] for user in configured_topology().users
            if environ.get(password_variable(user))}


# -- the administrator and the accounts that must have nothing -----------------------------
ADMIN_USER = "kabinet-admin"
ADMIN_PASSWORD_ENV = "KABINET_BROKER_ADMIN_PASSWORD"
ADMIN_PASSWORD_FILE = "broker-admin.password"
#: Whoever had rights on a Kabinet vhost before: loading takes them away (beyond the topology's
#: services themselves, the logins of the older one-account-per-service scheme).
STRIPPED_USERS = ("guest",)


def admin_password_path() -> Path:
    """The broker is one per machine, and so is its administrator: the password lives in the
    user's configuration folder, shared by every checkout (and CI's clean clone) on the machine."""
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "kabinet" / ADMIN_PASSWORD_FILE


def admin_password() -> str:
    """``KABINET_BROKER_ADMIN_PASSWORD``, else ``~/.config/kabinet/broker-admin.password`` (0600,
    folder 0700, made with a random password on first use)."""
    if os.environ.get(ADMIN_PASSWORD_ENV):
        return os.environ[ADMIN_PASSWORD_ENV]
    path = admin_password_path()
    return local_secret(path.name, path.parent)


def _password_matches(user: dict[str, Any], password: str) -> bool:
    """Whether an exported user's hash is ``password`` (salted SHA-256/512, RabbitMQ's schemes)."""
    digest = {"rabbit_password_hashing_sha256": hashlib.sha256,
              "rabbit_password_hashing_sha512": hashlib.sha512}.get(user.get("hashing_algorithm", ""))
    if digest is None:
        return False
    raw = base64.b64decode(user.get("password_hash", ""))
    return hmac.compare_digest(raw[4:], digest(raw[:4] + password.encode("utf-8")).digest())


def _admin_entries(vhost: str, password: str, existing: dict[str, Any], reset: bool) -> dict[str, list[Any]]:
    """The administrator's user (unless it exists with that password) and permissions on ``vhost``."""
    current = next((u for u in existing.get("users", []) if u.get("name") == ADMIN_USER), None)
    if current is not None and not reset and not _password_matches(current, password):
        raise RuntimeError(
            f"the broker user {ADMIN_USER} exists with another password than this checkout's: set "
            f"{ADMIN_PASSWORD_ENV} to its password (kept in {admin_password_path()} unless "
            f"another environment set it), or give it this one with --reset-admin-password")
    users = [] if current is not None and not reset else [_user(ADMIN_USER, password)]
    return {"users": users, "permissions": [
        {"user": ADMIN_USER, "vhost": vhost, "configure": ".*", "write": ".*", "read": ".*"}]}


def load(vhost: str = DEFAULT_VHOST, document: dict[str, Any] | None = None,
         passwords: dict[str, str] | None = None, *, admin_secret: str | None = None,
         reset_admin_password: bool = False) -> dict[str, Any]:
    """Import the definitions for ``vhost`` into the local broker; loading again is harmless.

    ``document`` (e.g. the committed file) is rewritten for ``vhost``; by default it is
    :func:`build` for that vhost. The administrator gets every right on ``vhost`` (created with
    ``admin_secret``, default :func:`admin_password`; an existing one keeps its password, and
    a different one is an error unless ``reset_admin_password``); guest and the retired
    accounts lose theirs. Returns the document that was imported (without the administrator).
    """
    doc = for_vhost(document, vhost) if document is not None else build(vhost, passwords)
    ensure_vhost(vhost)
    # What the broker holds now (users with their hashes, permissions): to verify the
    # administrator's password and to see whose permissions must go, in one call.
    existing = _export()
    admin = _admin_entries(vhost, admin_secret or admin_password(), existing, reset_admin_password)
    full = {**doc, "users": doc["users"] + admin["users"], "permissions": doc["permissions"] + admin["permissions"]}
    # The document goes in on standard input rather than as a temporary file: run as root,
    # the packaged rabbitmqctl re-executes itself as the ``rabbitmq`` user, which cannot read
    # a private temporary file (and a world-readable one would expose the password hashes).
    # rabbitmqctl waits for the node to finish the import before it exits.
    _run("import_definitions", stdin=render(full))
    granted = {p["user"] for p in full["permissions"]}
    stripped = set(STRIPPED_USERS) | set(configured_topology().consumers)
    for permission in existing.get("permissions", []):
        if permission.get("vhost") == vhost and permission.get("user") in stripped - granted:
            _run("clear_permissions", "-p", vhost, permission["user"])
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
    p_load.add_argument("--reset-admin-password", action="store_true",
                        help=f"give an existing {ADMIN_USER} this checkout's password")
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
        load(args.vhost, document, passwords, reset_admin_password=args.reset_admin_password)
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
