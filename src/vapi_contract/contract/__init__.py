"""contract area."""
