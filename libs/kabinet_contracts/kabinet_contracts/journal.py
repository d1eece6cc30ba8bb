"""Events of the journal service (no personal data in any of them)."""
