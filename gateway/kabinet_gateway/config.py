"""Gateway settings from the environment, with working local defaults.

Upstreams: every known service has a default local URL (``http://127.0.0.1:<port>``, the port
taken from ``<SERVICE>_PORT`` when set). ``<SERVICE>_URL`` overrides one; ``GATEWAY_UPSTREAMS``
(``identity=http://10.0.0.5:8101,journal=http://...``) overrides several, and an empty URL
(``reports=``) removes a service from the gateway altogether.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from kabinet_kit.bus import amqp_url

SERVICE = "gateway"
SERVICE_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = SERVICE_DIR.parent

# The services behind the gateway and their default local ports.
DEFAULT_PORTS = {"identity": 8101, "journal": 8102, "preschool": 8103, "portfolio": 8104, "reports": 8105}


def _env(name: str, default: str) -> str:
    return os.environ.get(f"GATEWAY_{name}", default)


def parse_rate(text: str) -> tuple[int, float]:
    """``"10/60"`` → 10 requests per 60 seconds."""
    count, _, seconds = text.partition("/")
    count_i, seconds_f = int(count), float(seconds or 60)
    if count_i < 1 or seconds_f <= 0:
        raise ValueError(f"bad rate {text!r}: expected <count>/<seconds>")
    return count_i, seconds_f


def default_upstreams(environ=None) -> dict[str, str]:
    env = os.environ if environ is None else environ
    upstreams = {}
    for name, port in DEFAULT_PORTS.items():
        port = env.get(f"{name.upper()}_PORT", str(port))
        upstreams[name] = env.get(f"{name.upper()}_URL", f"http://127.0.0.1:{port}")
    for item in filter(None, (p.strip() for p in env.get("GATEWAY_UPSTREAMS", "").split(","))):
        name, _, url = item.partition("=")
        name = name.strip()
        if url.strip():
            upstreams[name] = url.strip().rstrip("/")
        else:
            upstreams.pop(name, None)
    return {k: v.rstrip("/") for k, v in upstreams.items()}


@dataclass
class Settings:
    database_url: str = field(default_factory=lambda: os.environ.get(
        "GATEWAY_DATABASE_URL", os.environ.get("DATABASE_URL", f"sqlite:///{REPO_ROOT / 'var' / 'gateway.db'}")))
    amqp_url: str = field(default_factory=lambda: amqp_url(SERVICE))
    upstreams: dict[str, str] = field(default_factory=default_upstreams)
    # Services the gateway cannot work without: /readyz fails when one is down.
    required_upstreams: tuple[str, ...] = field(default_factory=lambda: tuple(
        s.strip() for s in _env("REQUIRED_UPSTREAMS", "identity").split(",") if s.strip()))
    jwks_url: str | None = field(default_factory=lambda: os.environ.get("GATEWAY_JWKS_URL"))
    connect_timeout: float = field(default_factory=lambda: float(_env("CONNECT_TIMEOUT", "1.0")))
    read_timeout: float = field(default_factory=lambda: float(_env("READ_TIMEOUT", "30")))
    pool_maxsize: int = field(default_factory=lambda: int(_env("POOL_MAXSIZE", "16")))
    max_body_bytes: int = field(default_factory=lambda: int(_env("MAX_BODY_BYTES", str(25 * 1024 * 1024))))
    # Login and access-code redemption, per client IP: <count>/<seconds>.
    login_rate: str = field(default_factory=lambda: _env("LOGIN_RATE", "10/60"))
    redeem_rate: str = field(default_factory=lambda: _env("REDEEM_RATE", "5/300"))
    # How many proxies in front of the gateway append to X-Forwarded-For (0: the peer is the client).
    trusted_proxy_hops: int = field(default_factory=lambda: int(_env("TRUSTED_PROXY_HOPS", "0")))
    overview_deadline: float = field(default_factory=lambda: float(_env("OVERVIEW_DEADLINE", "1.5")))
    revocation_poll: float = field(default_factory=lambda: float(_env("REVOCATION_POLL", "0.25")))
    # A worker that could not read the revocation list for this long refuses authenticated calls.
    revocation_max_staleness: float = field(default_factory=lambda: float(_env("REVOCATION_MAX_STALENESS", "5")))
    # Revocations are kept longer than any access token lives, then pruned by the consumer.
    revocation_retention: float = field(default_factory=lambda: float(_env("REVOCATION_RETENTION", str(24 * 3600))))
    docs_cache_seconds: float = field(default_factory=lambda: float(_env("DOCS_CACHE_SECONDS", "30")))
    # What the AsyncAPI document tells outside subscribers about the broker.
    public_broker_host: str = field(default_factory=lambda: _env("PUBLIC_BROKER_HOST", "127.0.0.1:5672"))
    public_broker_vhost: str = field(default_factory=lambda: _env("PUBLIC_BROKER_VHOST", "kabinet"))
    health_timeout: float = field(default_factory=lambda: float(_env("HEALTH_TIMEOUT", "1.0")))

    def __post_init__(self):
        self.login_limit = parse_rate(self.login_rate)
        self.redeem_limit = parse_rate(self.redeem_rate)

    @property
    def effective_jwks_url(self) -> str:
        if self.jwks_url:
            return self.jwks_url
        return f"{self.upstreams.get('identity', 'http://127.0.0.1:8101')}/.well-known/jwks.json"

    @classmethod
    def from_mapping(cls, overrides: dict | None) -> "Settings":
        settings = cls()
        for key, value in (overrides or {}).items():
            if not hasattr(settings, key):
                raise KeyError(f"unknown gateway setting {key!r}")
            setattr(settings, key, value)
        settings.__post_init__()
        return settings
