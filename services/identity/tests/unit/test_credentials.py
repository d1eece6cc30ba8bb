"""Passwords and token claims, without a database."""
from datetime import UTC, datetime

import pytest

from kabinet_identity.access_codes import CODE_ALPHABET, normalise_code
from kabinet_identity.config import Settings
from kabinet_identity.credentials import Passwords, access_claims, sha256_hex


@pytest.fixture(scope="module")
def passwords():
    return Passwords(time_cost=1, memory_kib=1024)


def test_argon2_hash_verifies_only_the_right_password(passwords):
    stored = passwords.hash("correct horse 7")
    assert stored.startswith("$argon2id$")
    assert passwords.verify(stored, "correct horse 7")
    assert not passwords.verify(stored, "correct horse 8")
    assert not passwords.verify(None, "anything")          # unknown login: decoy hash, still False
    assert not passwords.verify("not-a-hash", "anything")


def test_access_claims_are_short_lived_and_scoped():
    now = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    settings = Settings()  # the issuer and audience every service's verifier expects by default
    claims = access_claims(account_id="a", person_id="p", person_kind="staff", session_id="s",
                           roles=[{"role": "teacher", "organisation_id": "o", "group_id": None}], ttl=900,
                           issuer=settings.token_issuer, audience=settings.token_audience, now=now)
    assert claims["exp"] - claims["iat"] == 900
    assert (claims["aud"], claims["iss"], claims["typ"]) == ("kabinet", "kabinet-identity", "access")
    assert claims["sid"] == "s" and claims["sub"] == "a"


def test_codes_are_read_aloud_friendly_and_normalised():
    assert not set("01OI") & set(CODE_ALPHABET)
    assert normalise_code("abcd-efgh 2345") == "ABCDEFGH2345"
    assert sha256_hex("x") != sha256_hex("X")
