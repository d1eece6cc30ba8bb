"""Sealed text opens only under the secret and purpose it was sealed with."""
import pytest

from kabinet_kit.sealing import Seal, SealBroken


def test_sealed_text_opens_with_the_same_secret_and_purpose_only():
    seal = Seal("process secret", "responses")
    sealed = seal.seal('{"code": "ABCD-EFGH-JKLM", "name": "Иванова"}')
    assert "ABCD" not in sealed and "Иванова" not in sealed
    assert Seal("process secret", "responses").open(sealed) == '{"code": "ABCD-EFGH-JKLM", "name": "Иванова"}'
    for other in (Seal("another secret", "responses"), Seal("process secret", "another purpose")):
        with pytest.raises(SealBroken):
            other.open(sealed)
    with pytest.raises(SealBroken):
        seal.open(sealed[:-4] + "AAAA")
    with pytest.raises(ValueError):
        Seal("", "responses")
