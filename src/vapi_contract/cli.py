"""`vapi-contract` command line: each area registers its own subcommands from its `cli` module."""

from __future__ import annotations

import argparse
import importlib
import sys

from . import __version__
from .errors import VapiContractError

# Each module exposes `register(subparsers)`; handlers import their heavy dependencies lazily.
AREA_MODULES = (
    "vapi_contract.spec.cli",
    "vapi_contract.diff.cli",
    "vapi_contract.twin.cli",
    "vapi_contract.contract.cli",
    "vapi_contract.report.cli",
    "vapi_contract.pipelines.cli",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other usage error
        self.exit(2, f"{self.prog}: error: {message}\n")


class _ShowDefaults(argparse.HelpFormatter):
    """Appends `(default: X)` to an option's help when it has a real default the help does not state already
    (None and False say nothing a reader needs; profile-dependent defaults say so in their help)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if (default in (None, False, argparse.SUPPRESS, [], ()) or "%(default)" in text or "default" in text.lower()
                or not action.option_strings or isinstance(action, argparse._VersionAction)):
            return text
        return f"{text} (default: %(default)s)"


def _show_defaults(parser: argparse.ArgumentParser) -> None:
    """Every subcommand's --help shows its defaults, whatever formatter its area chose."""
    for action in parser._actions:
        for sub in (getattr(action, "choices", None) or {}).values() if isinstance(
                action, argparse._SubParsersAction) else ():
            if not issubclass(sub.formatter_class, _ShowDefaults):
                sub.formatter_class = type("Formatter", (_ShowDefaults, sub.formatter_class), {})
            _show_defaults(sub)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="vapi-contract", description=__doc__)
    parser.add_argument("--version", action="version", version=f"vapi-contract {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in AREA_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # area not built yet
                continue
            raise
        module.register(subparsers)
    _show_defaults(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except VapiContractError as exc:
        print(f"vapi-contract: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("vapi-contract: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and friends: stop quietly, like other CLI tools
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception:  # noqa: BLE001 -- a bug, not a verdict: exit 1 would read as "something new" (README)
        import traceback

        traceback.print_exc()
        print("vapi-contract: internal error (traceback above): no verdict, exit 3", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
