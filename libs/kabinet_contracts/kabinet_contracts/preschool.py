"""Events of the preschool cabinet service (no personal data in any of them)."""
