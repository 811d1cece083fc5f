"""twin area."""
