"""Top-level pytest configuration: the contract suite's command-line options are registered here so that
plain `pytest tests/contract --target ...` works (see tests/contract/). Registration only: cheap, no side effects
for the project's other test folders."""


def pytest_addoption(parser):
    from vapi_contract.contract.options import add_to_pytest

    add_to_pytest(parser)
