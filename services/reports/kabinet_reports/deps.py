"""What the reports use cases get: the kit's dependencies with this service's settings."""
from __future__ import annotations

from dataclasses import dataclass

from kabinet_kit.service import Deps as KitDeps

from .config import Settings


@dataclass
class Deps(KitDeps):
    settings: Settings
