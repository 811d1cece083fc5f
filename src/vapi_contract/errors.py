"""Errors that end a command with a clear one-line message and a defined exit code."""


class VapiContractError(Exception):
    """Base class: `str(error)` is the one line shown to the user, `exit_code` the process status."""

    exit_code = 2


class UsageError(VapiContractError):
    exit_code = 2


class SpecSourceError(VapiContractError):
    """The spec could not be obtained or is not a usable OpenAPI document."""

    exit_code = 2


class TargetUnreachableError(VapiContractError):
    """The API under test could not be reached: a run that could not test is never a pass."""

    exit_code = 3
