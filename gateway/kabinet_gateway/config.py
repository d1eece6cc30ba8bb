"""Gateway settings: the kit's ``ServiceSettings`` (``GATEWAY_*``) plus the gateway's own.

Upstreams: the deployed services (identity, journal, preschool, portfolio, reports) have a default
local URL (``http://127.0.0.1:<port>``, the port taken from ``<SERVICE>_PORT`` when set). A service
listed as not deployed (none now) has none: the gateway sends it nothing, not even probes,
until ``<SERVICE>_URL`` or ``GATEWAY_UPSTREAMS`` names its URL — whatever listens on its usual
port would otherwise receive every caller's token. ``<SERVICE>_URL`` sets one;
``GATEWAY_UPSTREAMS`` (``identity=http://10.0.0.5:8101,portfolio=http://...``) sets several, and
an empty URL (``journal=`` or ``JOURNAL_URL=``) removes a service from the gateway altogether.
A mapping given in code (tests) replaces the defaults whole.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator
from pydantic_settings import NoDecode

from kabinet_kit.migrations import service_dir
from kabinet_kit.settings import ServiceSettings

SERVICE = "gateway"
SERVICE_DIR = service_dir(__file__)

# The deployed services and their default local ports.
DEFAULT_PORTS = {"identity": 8101, "journal": 8102, "preschool": 8103, "portfolio": 8104, "reports": 8105}
# Services the gateway knows of but that are not deployed: an upstream only with an explicit URL.
UNDEPLOYED: tuple[str, ...] = ()
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


def parse_rate(text: str) -> tuple[int, float]:
    """``"10/60"`` → 10 requests per 60 seconds."""
    count, _, seconds = text.partition("/")
    count_i, seconds_f = int(count), float(seconds or 60)
    if count_i < 1 or seconds_f <= 0:
        raise ValueError(f"bad rate {text!r}: expected <count>/<seconds>")
    return count_i, seconds_f


def default_upstreams(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    env = os.environ if environ is None else environ
    upstreams = {}
    for name, port in DEFAULT_PORTS.items():
        local_port = env.get(f"{name.upper()}_PORT", str(port))
        upstreams[name] = env.get(f"{name.upper()}_URL", f"http://127.0.0.1:{local_port}").strip()
    for name in UNDEPLOYED:
        upstreams[name] = env.get(f"{name.upper()}_URL", "").strip()
    return {name: url for name, url in upstreams.items() if url}


def parse_upstreams(text: str, base: Mapping[str, str]) -> dict[str, str]:
    """``identity=http://...,portfolio=`` applied on top of ``base`` (an empty URL removes one)."""
    upstreams = dict(base)
    for item in filter(None, (p.strip() for p in text.split(","))):
        name, _, url = item.partition("=")
        if url.strip():
            upstreams[name.strip()] = url.strip()
        else:
            upstreams.pop(name.strip(), None)
    return upstreams


class Settings(ServiceSettings, env_prefix="GATEWAY_"):
    service = SERVICE
    default_port = 8080

    # Empty: identity's JWKS behind the identity upstream.
    jwks_url: str = ""
    # False runs without a database: revocations live in memory only (unit tests).
    database: bool = True
    upstreams: Annotated[dict[str, str], NoDecode] = Field(default_factory=default_upstreams)
    # Services the gateway cannot work without: /readyz fails when one is down.
    required_upstreams: Annotated[tuple[str, ...], NoDecode] = ("identity",)
    connect_timeout: float = Field(default=1.0, gt=0)
    read_timeout: float = Field(default=30.0, gt=0)
    pool_maxsize: int = Field(default=16, ge=1)
    max_body_bytes: int = Field(default=25 * 1024 * 1024, ge=0)
    # Login and access-code redemption, per client IP: <count>/<seconds>.
    login_rate: str = "10/60"
    redeem_rate: str = "5/300"
    # How many proxies in front of the gateway append to X-Forwarded-For (0: the peer is the client).
    trusted_proxy_hops: int = Field(default=0, ge=0)
    overview_deadline: float = Field(default=1.5, gt=0)
    # The overview asks the journal's control for this zone's current month (the institutions' day).
    overview_timezone: str = "Asia/Yekaterinburg"
    revocation_poll: float = Field(default=0.25, gt=0)
    # A worker that could not read the revocation list for this long refuses authenticated calls.
    revocation_max_staleness: float = Field(default=5.0, gt=0)
    # Identity's heartbeat older than this: the revocation feed is stale, and authenticated calls
    # to every upstream but identity are refused (identity writes one every 5 s by default).
    revocation_feed_max_age: float = Field(default=30.0, gt=0)
    # Revocations are kept longer than any access token lives, then pruned by the consumer.
    revocation_retention: float = Field(default=24 * 3600.0)
    # The consumer's queue is gateway.<name>; tests sharing a vhost give each run its own.
    revocation_queue: str = "revocations"
    docs_cache_seconds: float = Field(default=30.0, ge=0)
    # What the AsyncAPI document tells outside subscribers about the broker.
    public_broker_host: str = "127.0.0.1:5672"
    public_broker_vhost: str = "kabinet"
    health_timeout: float = Field(default=1.0, gt=0)
    # The web process's broker account (gateway-web, no rights): /readyz reports whether the
    # broker answers. Empty: reported as not configured.
    web_amqp_url: str = Field(default="", repr=False)
    # Browser origins (scheme://host[:port]) allowed to call the API cross-origin; comma-separated
    # in the environment. Empty: same-origin only.
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    # The browser session's cookies (kabinet_gateway.browser): SameSite (Lax or Strict; None only
    # over https, for a front end on another site) and Secure (unset: when the request came over
    # https, by the scheme or, behind trusted proxies, X-Forwarded-Proto).
    session_same_site: Literal["Lax", "Strict", "None"] = "Lax"
    session_cookie_secure: bool | None = None
    # Upstreams get requests only while their /healthz says ok (kabinet_gateway.upstream_health),
    # checked this often in the background (and by a request finding one unhealthy).
    upstream_check_interval: float = Field(default=2.0, gt=0)

    @model_validator(mode="before")
    @classmethod
    def _no_database(cls, data: Any) -> Any:
        # ``database_url=None`` (the tests' way of saying "no database") is ``database=False``.
        if isinstance(data, dict) and "database_url" in data and data["database_url"] is None:
            data = {**data, "database": False}
            del data["database_url"]
        return data

    @field_validator("upstreams", mode="before")
    @classmethod
    def _upstreams(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_upstreams(value, default_upstreams())
        return value

    @field_validator("upstreams")
    @classmethod
    def _strip_slashes(cls, value: dict[str, str]) -> dict[str, str]:
        return {name: url.rstrip("/") for name, url in value.items()}

    @field_validator("required_upstreams", mode="before")
    @classmethod
    def _names(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(s.strip() for s in value.split(",") if s.strip())
        return value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = tuple(s.strip() for s in value.split(",") if s.strip())
        for origin in value:
            if not ORIGIN.match(origin):
                raise ValueError(f"{origin!r} is not an origin: scheme://host[:port], no path, no '*'")
        return value

    @field_validator("login_rate", "redeem_rate")
    @classmethod
    def _rate(cls, value: str) -> str:
        parse_rate(value)
        return value

    @field_validator("overview_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _identity_jwks(self) -> Settings:
        if not self.jwks_url:
            self.jwks_url = f"{self.upstreams.get('identity', 'http://127.0.0.1:8101')}/.well-known/jwks.json"
        return self

    @property
    def login_limit(self) -> tuple[int, float]:
        return parse_rate(self.login_rate)

    @property
    def redeem_limit(self) -> tuple[int, float]:
        return parse_rate(self.redeem_rate)
