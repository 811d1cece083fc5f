"""Top-level pytest configuration: the contract suite's command-line options are registered here so that
plain `pytest tests/contract --target ...` works (see tests/contract/)."""
