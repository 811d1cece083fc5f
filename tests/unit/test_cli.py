import subprocess
import sys

from vapi_contract.cli import main


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_unknown_command_is_a_one_line_usage_error():
    proc = subprocess.run(
        [sys.executable, "-m", "vapi_contract.cli", "no-such-command"], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") <= 1 and "error" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_output_piped_into_a_closed_reader_is_not_a_traceback():
    proc = subprocess.run(
        f"{sys.executable} -m vapi_contract.cli --help | head -c 10 >/dev/null; "
        f"{sys.executable} -c \"import sys; from vapi_contract.cli import main; sys.exit(main(['spec', 'list', '--help']))\" | head -c 1",
        shell=True, capture_output=True, text=True,
    )
    assert "Traceback" not in proc.stderr
