"""Proof that a request came through the gateway, so that a service never answers a token the
gateway would refuse (a revoked session, a feed it cannot vouch for).

The gateway adds ``X-Kabinet-Gateway: t=<unix seconds>,sig=<hex>`` to every request it
forwards, the signature an HMAC-SHA256 with a secret only the gateway and the services hold,
over ``t|METHOD|path?query|sha256(Authorization)``: a proof is good for that one request line
and that one token, ``MAX_SKEW`` seconds either side of its time; it cannot carry another
token, and a captured one is worthless a minute later. Services refuse (401) every request
without a good proof, except their operations endpoints and the paths a service declares
public to other processes (identity's JWKS).

The secret: ``KABINET_GATEWAY_PROOF``, or the file ``gateway-proof`` in ``KABINET_SECRETS_DIR``
(``python -m kabinet_kit.gateway_proof init`` makes one there). Without one a service refuses
every API request, and says so when it starts.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import time
from collections.abc import Iterable
from pathlib import Path

from flask import Flask, request

from .errors import Unauthenticated
from .settings import GATEWAY_PROOF_ENV, GATEWAY_PROOF_FILE, SECRETS_DIR_ENV, local_secret

HEADER = "X-Kabinet-Gateway"
SECRET_ENV, SECRET_FILE = GATEWAY_PROOF_ENV, GATEWAY_PROOF_FILE
MAX_SKEW = 60
#: Never behind a proof: the operations endpoints keep their own rules (``<PREFIX>_OPS_ALLOW``).
OPS_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
APP_KEY = "kabinet.gateway_proof"

log = logging.getLogger("kabinet.gateway_proof")


def request_target(path: str, query: bytes | str = b"") -> str:
    """``path`` (decoded, as the service routes on it) and the raw query string, as signed."""
    raw = query.decode("latin-1") if isinstance(query, bytes) else query
    return f"{path}?{raw}" if raw else path


def _signature(secret: str, stamp: int, method: str, target: str, authorization: str) -> str:
    token_digest = hashlib.sha256(authorization.encode("utf-8")).hexdigest()
    message = f"{stamp}|{method.upper()}|{target}|{token_digest}".encode()
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, method: str, target: str, authorization: str | None, now: float | None = None) -> str:
    """The header value for one request."""
    stamp = int(time.time() if now is None else now)
    return f"t={stamp},sig={_signature(secret, stamp, method, target, authorization or '')}"


def refusal(secret: str, header: str | None, method: str, target: str, authorization: str | None,
            now: float | None = None) -> str | None:
    """Why the proof does not vouch for this request, or None when it does."""
    if not secret:
        return "no gateway proof secret is configured"
    if not header:
        return "missing gateway proof"
    parts = dict(item.partition("=")[::2] for item in header.split(","))
    try:
        stamp = int(parts.get("t", ""))
    except ValueError:
        return "malformed gateway proof"
    current = time.time() if now is None else now
    if abs(current - stamp) > MAX_SKEW:
        return "stale gateway proof"
    expected = _signature(secret, stamp, method, target, authorization or "")
    if not hmac.compare_digest(expected, parts.get("sig", "")):
        return "gateway proof does not match the request"
    return None


def require_gateway_proof(app: Flask, secret: str, *, public: Iterable[str] = ()) -> None:
    """Refuse every request to ``app`` without a good proof, but the operations endpoints and
    ``public`` paths (exact)."""
    open_paths = OPS_PATHS | frozenset(public)
    app.extensions[APP_KEY] = secret
    if not secret:
        log.error(f"no gateway proof secret ({SECRET_ENV} or {SECRETS_DIR_ENV}/{SECRET_FILE}): "
                  "every API request will be refused")

    @app.before_request
    def _check_gateway_proof() -> None:
        if request.path in open_paths:
            return
        target = request_target(request.script_root + request.path, request.query_string)
        reason = refusal(secret, request.headers.get(HEADER), request.method, target,
                         request.headers.get("Authorization"))
        if reason is not None:
            raise Unauthenticated("This service answers only requests forwarded by the gateway.", reason=reason)


def init_secret(directory: Path) -> Path:
    """Make ``<directory>/gateway-proof`` (folder 0700, file 0600) unless it exists."""
    local_secret(SECRET_FILE, directory)
    directory.chmod(0o700)  # an existing folder too: the secret is the services' alone
    return directory / SECRET_FILE


def main(argv: list[str] | None = None) -> None:
    import argparse
    parser = argparse.ArgumentParser(description="the secret the gateway signs forwarded requests with")
    parser.add_argument("command", choices=["init"], help="make the secret file unless it exists")
    parser.add_argument("--dir", default=os.environ.get(SECRETS_DIR_ENV, ""),
                        help=f"the secrets folder (default ${SECRETS_DIR_ENV})")
    args = parser.parse_args(argv)
    if not args.dir:
        parser.error(f"give --dir or set {SECRETS_DIR_ENV}")
    print(f"gateway proof secret: {init_secret(Path(args.dir).resolve())}")


if __name__ == "__main__":
    main()
