"""Sealed text: what a process must keep in its database but nobody reading the database may read
(a response holding a one-time secret, for instance).

Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) under a key derived from the
process's secret for one purpose, so that one secret serves several uses without one use's
ciphertext opening under another's key.
"""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class SealBroken(ValueError):
    """The sealed text was altered, or sealed under another secret."""


class Seal:
    def __init__(self, secret: str | bytes, purpose: str):
        if not secret:
            raise ValueError("a seal needs a secret")
        raw = secret.encode() if isinstance(secret, str) else secret
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(raw)
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode("ascii")

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, UnicodeError) as exc:
            raise SealBroken("cannot open the sealed text") from exc
