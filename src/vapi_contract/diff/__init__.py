"""diff area."""
