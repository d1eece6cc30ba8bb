"""Kabinet event contracts. Importing the package registers every service's events."""
from .registry import (PERSONAL_DATA_EXCHANGE, PERSONAL_DATA_FIELDS, REGISTRY, EventContract, EventRegistry,
                       UnknownEventType)
from . import identity  # noqa: F401  (registers identity events)

__all__ = ["REGISTRY", "EventContract", "EventRegistry", "UnknownEventType", "PERSONAL_DATA_EXCHANGE",
           "PERSONAL_DATA_FIELDS"]
