"""Passwords (argon2), signing keys, access tokens and opaque refresh tokens."""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kabinet_kit.events import utcnow
from kabinet_kit.tokens import ACCESS_TOKEN_TYPE, ALGORITHM

from .models import SigningKey

PLAIN_PEM = "-----BEGIN PRIVATE KEY-----"  # PKCS#8 unencrypted; encrypted ones say ENCRYPTED


class Passwords:
    def __init__(self, time_cost: int, memory_kib: int):
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        # Verifying against a throwaway hash for unknown logins keeps timing the same as for
        # known ones, so the response time does not tell which part was wrong.
        self._decoy = self._hasher.hash(secrets.token_hex(16))

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._decoy, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def _b64(n: int) -> str:
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class KeyRing:
    """The RSA keys that sign access tokens; the newest signs, all unretired ones verify."""

    def __init__(self, session_factory: sessionmaker, encryption_key: bytes):
        self.session_factory = session_factory
        # The private keys are stored encrypted with it (PKCS#8, best available encryption).
        self.encryption_key = encryption_key
        self._keys: dict[str, tuple[rsa.RSAPrivateKey, rsa.RSAPublicKey]] = {}
        self._current: str | None = None

    def load(self) -> None:
        with self.session_factory() as session:
            rows = session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))
                                   .order_by(SigningKey.created_at)).all()
            if not rows:
                self._create(session)
                rows = session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))
                                       .order_by(SigningKey.created_at)).all()
            self._encrypt_plain(session, rows)
        self._keys = {}
        for row in rows:
            private = serialization.load_pem_private_key(row.private_pem.encode(), password=self.encryption_key)
            if not isinstance(private, rsa.RSAPrivateKey):  # tokens are RS256: only RSA keys are ever stored
                raise ValueError(f"Signing key {row.kid} is not an RSA key.")
            self._keys[row.kid] = (private, private.public_key())
        self._current = rows[-1].kid

    def _encrypt_plain(self, session: Session, rows: Sequence[SigningKey]) -> None:
        """Keys stored before they were encrypted at rest are encrypted now."""
        plain = [row for row in rows if PLAIN_PEM in row.private_pem]
        for row in plain:
            row.private_pem = self._pem(serialization.load_pem_private_key(row.private_pem.encode(), password=None))
        if plain:
            session.commit()

    def _pem(self, private: PrivateKeyTypes) -> str:
        return private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.BestAvailableEncryption(self.encryption_key)).decode()

    def _create(self, session: Session) -> None:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        numbers = private.public_key().public_numbers()
        thumb = json.dumps({"e": _b64(numbers.e), "kty": "RSA", "n": _b64(numbers.n)}, separators=(",", ":"))
        kid = base64.urlsafe_b64encode(hashlib.sha256(thumb.encode()).digest()).rstrip(b"=").decode()[:32]
        pem = self._pem(private)
        try:
            session.add(SigningKey(kid=kid, private_pem=pem, created_at=utcnow()))
            session.commit()
        except IntegrityError:  # another worker created one at the same moment
            session.rollback()

    def public_keys(self) -> dict[str, rsa.RSAPublicKey]:
        if not self._keys:
            self.load()
        return {kid: pair[1] for kid, pair in self._keys.items()}

    def public_key(self, kid: str) -> rsa.RSAPublicKey | None:
        """The key for a token's kid; reloads once when another process added a key."""
        if kid not in self._keys:
            self.load()
        pair = self._keys.get(kid)
        return pair[1] if pair else None

    def jwks(self) -> dict:
        keys = []
        for kid, public in self.public_keys().items():
            numbers = public.public_numbers()
            keys.append({"kty": "RSA", "kid": kid, "use": "sig", "alg": ALGORITHM,
                         "n": _b64(numbers.n), "e": _b64(numbers.e)})
        return {"keys": keys}

    def sign(self, claims: dict) -> str:
        if not self._current:
            self.load()
        kid = self._current
        assert kid is not None, "load() always leaves a current key"
        private = self._keys[kid][0]
        return jwt.encode(claims, private, algorithm=ALGORITHM, headers={"kid": kid})


def access_claims(*, account_id: str, person_id: str, person_kind: str, session_id: str, roles: list[dict],
                  ttl: int, issuer: str, audience: str, now: datetime | None = None) -> dict:
    """Claims of an access token; ``issuer`` and ``audience`` are what every verifier is set to expect."""
    now = now or utcnow()
    return {
        "iss": issuer, "aud": audience, "typ": ACCESS_TOKEN_TYPE, "sub": account_id, "pid": person_id,
        "kind": person_kind, "sid": session_id, "roles": roles, "jti": str(uuid.uuid4()),
        # iat to the microsecond (RFC 7519 allows a fraction): a password change cuts off exactly.
        "iat": now.timestamp(), "exp": int((now + timedelta(seconds=ttl)).timestamp()),
    }
