"""A contract finding as the suite passes it around: one typed, frozen object from the check that raised it to the
test that reports it, and the same object the run dir records and the report reads (the evidence model)."""

from ..evidence.model import Finding

__all__ = ["Finding"]
