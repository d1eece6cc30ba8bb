"""What identity's use cases get from the wiring (built in bootstrap.py, imported from here)."""
from __future__ import annotations

from dataclasses import dataclass

from kabinet_kit.sealing import Seal
from kabinet_kit.service import Deps as KitDeps

from .config import Settings
from .credentials import KeyRing, Passwords


@dataclass
class Deps(KitDeps):
    settings: Settings
    passwords: Passwords
    keys: KeyRing
    #: Seals what identity stores but a reader of its database must not read (replayable responses).
    seal: Seal
