"""pipelines area."""
