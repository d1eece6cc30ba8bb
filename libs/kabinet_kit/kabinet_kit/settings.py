"""Settings every Kabinet process reads, validated when the process starts.

A service declares ``class JournalSettings(ServiceSettings, env_prefix="JOURNAL_")`` with its
own fields; each field is read from ``<PREFIX><NAME>`` in the environment, or from a file of
that name in ``KABINET_SECRETS_DIR`` (how Kubernetes and compose hand over secrets). A bad
value stops the process at start with the variable named, instead of failing a request later.
"""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .ops import DEFAULT_OPS_ALLOW, parse_networks

#: Where ``make run`` keeps local SQLite files: <repository>/var.
LOCAL_DATA_DIR = Path(__file__).resolve().parents[3] / "var"
SECRETS_DIR_ENV = "KABINET_SECRETS_DIR"
#: The secret shared by the gateway and the services (gateway_proof.py): a variable, or a file.
GATEWAY_PROOF_ENV = "KABINET_GATEWAY_PROOF"
GATEWAY_PROOF_FILE = "gateway-proof"

S = TypeVar("S", bound="ServiceSettings")
#: The processes that log in to the broker, each with its own account (deploy/rabbitmq/README.md).
BROKER_PROCESSES = ("relay", "consumer")


class ConfigurationError(RuntimeError):
    """A setting the starting process needs is missing; the message names the variable."""


def local_secret(name: str, directory: Path = LOCAL_DATA_DIR) -> str:
    """A random secret kept in ``<directory>/<name>`` (0600, folder 0700), made on first use: the
    development default of a secret that production hands over (environment or secrets file)."""
    path = directory / name
    if not path.exists():
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        draft = directory / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(32))
        try:
            os.link(draft, path)  # atomic, and refuses to replace what a parallel process made
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text(encoding="utf-8").strip()


def shared_gateway_proof(environ: Mapping[str, str] | None = None) -> str:
    """``KABINET_GATEWAY_PROOF``, else the file ``gateway-proof`` in ``KABINET_SECRETS_DIR``; or ''."""
    env = os.environ if environ is None else environ
    secret = env.get(GATEWAY_PROOF_ENV, "").strip()
    directory = env.get(SECRETS_DIR_ENV, "").strip()
    if not secret and directory:
        try:
            secret = (Path(directory) / GATEWAY_PROOF_FILE).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            pass
    return secret


class ServiceSettings(BaseSettings):
    """What every service needs; subclasses add their own fields and set ``service``."""

    model_config = SettingsConfigDict(extra="ignore", validate_default=True, arbitrary_types_allowed=True)

    service: ClassVar[str] = ""
    default_port: ClassVar[int] = 8000

    # Empty means: the generic DATABASE_URL, then the local default.
    database_url: str = ""
    # The broker, each process with its own least-privilege account: <PREFIX>RELAY_AMQP_URL,
    # <PREFIX>CONSUMER_AMQP_URL. No default and no shared fallback: see broker_url().
    relay_amqp_url: str = Field(default="", repr=False)
    consumer_amqp_url: str = Field(default="", repr=False)
    host: str = "127.0.0.1"
    port: int = Field(default=0, ge=0, le=65535)
    workers: int = Field(default=2, ge=1, le=64)
    threads: int = Field(default=4, ge=1, le=64)
    # Access tokens: identity signs them, every service verifies them with identity's JWKS.
    jwks_url: str = "http://127.0.0.1:8101/.well-known/jwks.json"
    token_issuer: str = "kabinet-identity"
    token_audience: str = "kabinet"
    # Tests put their own signing keys here instead of JWKS (an object, not an environment value).
    key_source: Any = Field(default=None, exclude=True)
    # The consumers' queues: classic (one broker) or quorum (a cluster; production). A queue keeps
    # the type it was first declared with, so a vhost changes type only with new queues.
    queue_type: Literal["classic", "quorum"] = "classic"
    # Signs (gateway) and checks (services) the proof that a request came through the gateway;
    # empty: the shared KABINET_GATEWAY_PROOF or $KABINET_SECRETS_DIR/gateway-proof (gateway_proof.py).
    gateway_proof: str = Field(default="", repr=False, exclude=True)
    # Addresses (networks) that may read /metrics and /readyz's detail: the scrapers and probes.
    ops_allow: Annotated[tuple[str, ...], NoDecode] = DEFAULT_OPS_ALLOW

    @field_validator("ops_allow", mode="before")
    @classmethod
    def _ops_allow(cls, value: Any) -> tuple[str, ...]:
        return parse_networks(value)

    @model_validator(mode="after")
    def _fill_defaults(self) -> ServiceSettings:
        if not self.database_url:
            local_file = LOCAL_DATA_DIR / f"{self.service or 'kabinet'}.db"
            self.database_url = os.environ.get("DATABASE_URL", f"sqlite:///{local_file}")
        if not self.port:
            self.port = self.default_port
        if not self.gateway_proof:
            self.gateway_proof = shared_gateway_proof()
        if not self.database_url.startswith(("sqlite://", "postgresql://", "postgresql+psycopg://")):
            raise ValueError(f"database_url must be sqlite:// or postgresql://, not {self.database_url!r}")
        # Several brokers (a cluster) are joined by ";": clients move to the next when one fails.
        for process in BROKER_PROCESSES:
            url = getattr(self, f"{process}_amqp_url")
            if url and not all(part.strip().startswith(("amqp://", "amqps://")) for part in url.split(";")):
                raise ValueError(f"{process}_amqp_url must be amqp:// or amqps:// (several joined by ';')")
        return self

    def broker_url(self, process: str) -> str:
        """The broker URL of the ``relay`` or the ``consumer``; a missing one stops that process."""
        url: str = getattr(self, f"{process}_amqp_url")
        if not url:
            variable = f"{self.model_config.get('env_prefix', '')}{process}_amqp_url".upper()
            raise ConfigurationError(
                f"{variable} is not set: the {process} logs in to the broker with its own account, "
                f"amqp://<login>:<password>@<host>:5672/<vhost> (development: deploy/local.env)")
        return url

    @classmethod
    def load(cls: type[S], overrides: dict[str, Any] | None = None) -> S:
        """The settings from the environment (and secrets files), with test overrides on top."""
        known = {k: v for k, v in (overrides or {}).items() if k in cls.model_fields}
        secrets_dir = os.environ.get(SECRETS_DIR_ENV)
        if secrets_dir:
            return cls(_secrets_dir=secrets_dir, **known)
        return cls(**known)
