import shlex
import subprocess
import sys

from vapi_contract.cli import main


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_unknown_command_is_a_one_line_usage_error():
    proc = subprocess.run(
        [sys.executable, "-m", "vapi_contract.cli", "no-such-command"], capture_output=True, text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") <= 1 and "error" in proc.stderr
    assert "Traceback" not in proc.stderr


SPAMMING_CLI = """
import sys
from vapi_contract import cli

def spam(args):
    for _ in range(20000):
        print("x" * 10)

original = cli.build_parser

def build():
    parser = original()
    parser._subparsers._group_actions[0].add_parser("spam").set_defaults(handler=spam)
    return parser

cli.build_parser = build
sys.exit(cli.main(["spam"]))
"""


def test_output_piped_into_a_closed_reader_is_not_a_traceback():
    # 200 KB of output into `head -c 1`: the writer gets EPIPE long before it finishes.
    proc = subprocess.run(
        f"{sys.executable} -c {shlex.quote(SPAMMING_CLI)} | head -c 1 >/dev/null; exit ${{PIPESTATUS[0]}}",
        shell=True, capture_output=True, text=True, executable="/bin/bash", check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 141


CRASHING_CLI = """
import sys
from vapi_contract import cli

def crash(args):
    raise TypeError("a bug")

original = cli.build_parser

def build():
    parser = original()
    parser._subparsers._group_actions[0].add_parser("crash").set_defaults(handler=crash)
    return parser

cli.build_parser = build
sys.exit(cli.main(["crash"]))
"""


def test_a_crash_is_exit_3_never_1():
    """1 means "something new" (README: exit codes); a bug gives no verdict: 3, with its traceback."""
    proc = subprocess.run([sys.executable, "-c", CRASHING_CLI], capture_output=True, text=True, check=False)
    assert proc.returncode == 3
    assert "TypeError: a bug" in proc.stderr and "internal error" in proc.stderr.splitlines()[-1]


def test_every_help_shows_the_defaults_it_does_not_state_itself():
    import argparse

    from vapi_contract.cli import build_parser

    def walk(parser):
        yield parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    yield from walk(sub)

    missing = []
    for parser in walk(build_parser()):
        text = parser.format_help()
        for action in parser._actions:
            default = action.default
            if (action.option_strings and default not in (None, False, argparse.SUPPRESS, [], ())
                    and not isinstance(action, argparse._VersionAction) and action.help
                    and f"default: {default}" not in " ".join(text.split())
                    and "default" not in action.help.lower()):
                missing.append(f"{parser.prog} {action.option_strings[0]}")
    assert not missing, missing


def test_baseline_has_one_name_per_meaning_and_the_old_name_still_works():
    """--baseline meant three things; each now has its own name, and the old one stays an alias."""
    from vapi_contract.cli import build_parser

    parser = build_parser()
    for argv in (["gate", "--candidate", "c", "--production", "p"], ["spec", "validate", "--known-errors", "p"],
                 ["run", "--accepted", "p"], ["nightly", "--accepted", "p"], ["report", "build", "d", "--accepted", "p"],
                 ["gate", "--candidate", "c", "--baseline", "p"], ["run", "--baseline", "p"]):
        assert str(parser.parse_args(argv).baseline) == "p", argv
