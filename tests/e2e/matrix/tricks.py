"""Forged tokens and tricked paths, sent through the gateway and straight to the services.

Tokens that need identity's real signature (expired, another audience or issuer, a refresh
type, no expiry) are signed by identity's own key ring in a process with identity's settings:
the point is that a correctly signed token that is wrong in any other way is refused too."""
from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

SIGNER = """
import json, sys
from kabinet_identity.config import Settings
from kabinet_identity.credentials import KeyRing
from kabinet_kit.db import make_engine, make_session_factory
settings = Settings.load()
ring = KeyRing(make_session_factory(make_engine(settings.database_url)), settings.key_encryption_key.encode())
ring.load()
print(json.dumps([ring.sign(claims) for claims in json.load(sys.stdin)]))
"""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_as_identity(claims: list[dict], identity_env: dict, cwd: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", SIGNER], input=json.dumps(claims), env=identity_env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"signing as identity failed:\n{done.stderr[-2000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def forged_tokens(access_token: str, refresh_token: str, jwks: dict, identity_env: dict, cwd: str) -> dict[str, str]:
    """Name → a token every verifier must refuse, made from a real one of a demo login."""
    header_b64, payload_b64, signature = access_token.split(".")
    header, claims = json.loads(_unb64(header_b64)), json.loads(_unb64(payload_b64))
    now = int(time.time())
    kid = header["kid"]
    public = jwt.algorithms.RSAAlgorithm.from_jwk(json.dumps(next(k for k in jwks["keys"] if k["kid"] == kid)))
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def unsigned(head: dict, body: dict) -> str:
        return _b64(json.dumps(head).encode()) + "." + _b64(json.dumps(body).encode())

    hs_input = unsigned({"alg": "HS256", "typ": "JWT", "kid": kid}, claims)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    elevated = {**claims, "roles": [{"role": "department_officer", "organisation_id": None, "group_id": None}]}
    signed = sign_as_identity([
        {**claims, "iat": now - 1000, "exp": now - 60},
        {**claims, "aud": "kabinet-elsewhere"},
        {**claims, "iss": "someone-else"},
        {**claims, "typ": "refresh"},
        {k: v for k, v in claims.items() if k != "exp"},
    ], identity_env, cwd)
    return {
        "alg none": unsigned({"alg": "none", "typ": "JWT", "kid": kid}, claims) + ".",
        "alg none, no signature part": unsigned({"alg": "none", "typ": "JWT"}, claims),
        "HS256 signed with the RSA public key": hs_input + "." + _b64(
            hmac.new(pem, hs_input.encode(), hashlib.sha256).digest()),
        "unknown kid": jwt.encode(claims, stranger, algorithm="RS256", headers={"kid": "matrix-unknown-kid"}),
        "known kid, another key": jwt.encode(claims, stranger, algorithm="RS256", headers={"kid": kid}),
        "claims changed after signing": f"{header_b64}.{_b64(json.dumps(elevated).encode())}.{signature}",
        "expired": signed[0],
        "another audience": signed[1],
        "another issuer": signed[2],
        "typ refresh": signed[3],
        "no expiry": signed[4],
        "refresh token as access token": refresh_token,
        "empty": "",
    }


@dataclass(frozen=True)
class Raw:
    status: int
    body: str


def raw_request(base: str, method: str, raw_path: str, headers: dict[str, str] | None = None,
                body: bytes | None = None) -> Raw:
    """The path exactly as written: no client-side normalising of dot segments or escapes."""
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=20)
    try:
        conn.request(method, raw_path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Raw(response.status, response.read(4000).decode("utf-8", "replace"))
    finally:
        conn.close()


INTERNAL = ("metrics", "readyz", "healthz")


def internal_paths(service: str) -> list[str]:
    """Ways of spelling a service's operations endpoints below its gateway prefix."""
    out = []
    for name in INTERNAL:
        first, rest = name[0], name[1:]
        enc = f"%{ord(first):02x}{rest}"
        for tail in (name, enc, f"%25{ord(first):02x}{rest}", f"{enc.upper()}", f"./{name}", f"%2e/{name}",
                     f"%252e/{name}", f"/{name}", f"x/../{name}", f"x/%2e%2e/{name}", f"x/..%2f{name}",
                     f"x%2f..%2f{name}", f"x/%252e%252e/{name}", f"%2f{name}", f"%2F{name}", f"{name}/",
                     f"{name};x", f"{name}%00", f"{name}%23", f"{name.upper()}", f"{name}?format=json"):
            out.append(f"/api/{service}/{tail}")
    return out


def cross_service_paths(service: str, other_path: str) -> list[str]:
    """Ways of climbing out of ``service``'s prefix into ``other_path`` (another service's route)."""
    inner = other_path.removeprefix("/api/")
    return [f"/api/{service}/../{inner}", f"/api/{service}/%2e%2e/{inner}", f"/api/{service}/%2e%2e%2f{inner}",
            f"/api/{service}/..%2f{inner}", f"/api/{service}/%252e%252e/{inner}",
            f"/api/{service}/%252e%252e%252f{inner}", f"/api/{service}//../{inner}",
            f"/api/{service}/x/../../{inner}", f"/api/{service}/%2e%2e/%2e%2e/api/{inner}",
            f"/api/{service}/%5c..%5c{inner}", f"/api/{service}/..;/{inner}"]


def id_variants(path: str, object_id: str) -> list[str]:
    """``path`` (which holds ``object_id`` as a segment) spelled other ways a router may accept."""
    before, after = path.split(object_id, 1)
    head = before.rstrip("/")
    first = object_id[0]
    return [
        f"{before}%{ord(first):02x}{object_id[1:]}{after}",      # percent-encoded
        f"{before}%25{ord(first):02x}{object_id[1:]}{after}",    # double-encoded
        f"{head}%2f{object_id}{after}",                         # encoded slash
        f"{head}%252f{object_id}{after}",                       # double-encoded slash
        f"{head}//{object_id}{after}",                          # double slash
        f"{head}/./{object_id}{after}",                         # dot segment
        f"{head}/x/../{object_id}{after}",                      # dot-dot segment
        f"{head}/%2e/{object_id}{after}",                       # encoded dot segment
        f"{before}{object_id.upper()}{after}",                  # another spelling of the uuid
        f"{before}{object_id}{after}/",                         # trailing slash
        f"{before}{object_id};x{after}",                        # a path parameter
    ]


def looks_internal(text: str) -> bool:
    """A body that is a metrics page or a readiness report with detail."""
    return "# HELP" in text or "# TYPE" in text or "_bucket{" in text or '"checks"' in text
