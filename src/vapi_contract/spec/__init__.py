"""spec area."""
