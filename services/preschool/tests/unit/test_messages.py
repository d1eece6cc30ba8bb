"""Every error text of the service reaches its users in Russian (and in English for those who ask)."""
from pathlib import Path

import kabinet_preschool
from kabinet_kit.i18n import KIT_MESSAGES
from kabinet_kit.testing.messages import untranslated
from kabinet_preschool.messages import MESSAGES


def test_every_error_text_has_its_translation():
    assert untranslated(Path(kabinet_preschool.__file__).parent, KIT_MESSAGES + MESSAGES) == []
