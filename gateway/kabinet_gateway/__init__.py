"""Kabinet API gateway."""
