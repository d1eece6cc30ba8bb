"""Kabinet event contracts. Importing the package registers every service's events."""
from . import identity, journal, portfolio, preschool, reports  # noqa: F401  (each module registers its service's events)
from .registry import (
                       PERSONAL_DATA_EXCHANGE,
                       PERSONAL_DATA_FIELDS,
                       REGISTRY,
                       SPECIAL_CATEGORY_MARKERS,
                       EventContract,
                       EventRegistry,
                       UnknownEventType,
)

__all__ = ["REGISTRY", "EventContract", "EventRegistry", "UnknownEventType", "PERSONAL_DATA_EXCHANGE",
           "PERSONAL_DATA_FIELDS", "SPECIAL_CATEGORY_MARKERS"]
