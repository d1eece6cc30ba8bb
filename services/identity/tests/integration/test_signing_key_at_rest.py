"""The private key that signs every access token is encrypted at rest (issue 11, finding 8)."""
from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from kabinet_identity.bootstrap import create_app
from kabinet_identity.models import SigningKey
from kabinet_kit.service import app_deps

from .conftest import FAST_HASHING, Api


def stored_pems(api: Api) -> list[str]:
    with api.deps.session_factory() as session:
        return list(session.scalars(select(SigningKey.private_pem)))


def test_the_stored_signing_key_needs_the_key_encryption_key(api: Api) -> None:
    """issue 11, finding 8: identity's database held the signing key as a plain PEM: whoever
    read the file could sign tokens for anyone."""
    assert api.login("teacher1").status_code == 200  # identity still signs...
    assert api.me("teacher1")["login"] == "teacher1"  # ...and verifies
    pems = stored_pems(api)
    assert pems
    for pem in pems:
        assert "BEGIN ENCRYPTED PRIVATE KEY" in pem and "BEGIN PRIVATE KEY" not in pem
        with pytest.raises(TypeError):  # "password was not given but private key is encrypted"
            serialization.load_pem_private_key(pem.encode(), password=None)
        with pytest.raises(ValueError):
            serialization.load_pem_private_key(pem.encode(), password=b"a guess")
        password = api.deps.settings.key_encryption_key.encode()
        assert serialization.load_pem_private_key(pem.encode(), password=password)


def test_a_key_stored_in_plain_before_the_fix_is_encrypted_on_start(database_url: str, api: Api) -> None:
    """issue 11, finding 8: a database from before the fix is not left holding a plain key."""
    with api.deps.session_factory() as session:
        row = session.scalars(select(SigningKey)).first()
        assert row is not None
        password = api.deps.settings.key_encryption_key.encode()
        key = serialization.load_pem_private_key(row.private_pem.encode(), password=password)
        row.private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()).decode()
        session.commit()
    restarted = Api(create_app({"database_url": database_url, **FAST_HASHING}))
    assert restarted.login("teacher1").status_code == 200
    assert all("BEGIN ENCRYPTED PRIVATE KEY" in pem for pem in stored_pems(restarted))
    app_deps(restarted.app).session_factory.kw["bind"].dispose()
