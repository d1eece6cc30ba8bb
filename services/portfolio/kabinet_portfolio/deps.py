"""What the portfolio use cases get: the kit's dependencies with this service's settings and
its document store."""
from __future__ import annotations

from dataclasses import dataclass

from kabinet_kit.service import Deps as KitDeps

from .config import Settings
from .store import DocumentStore


@dataclass
class Deps(KitDeps):
    settings: Settings
    store: DocumentStore
