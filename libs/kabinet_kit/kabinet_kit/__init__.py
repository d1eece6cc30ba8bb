"""Kabinet shared infrastructure. No domain words live here: services bring those."""
