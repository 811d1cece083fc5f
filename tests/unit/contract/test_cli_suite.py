"""The contract suite ships inside the package: `vapi-contract run` finds it there (never by walking up to a
checkout), runs it with a hermetic pytest command line from any folder, and the `pytest11` plugin that carries the
suite's options and hooks is inert in every other pytest session. The slow test builds a wheel, installs it into
a fresh virtualenv and runs from an empty folder, as a new user would."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from argparse import Namespace
from pathlib import Path

import pytest

import vapi_contract
from vapi_contract.contract import context, plugin
from vapi_contract.contract.cli import pytest_argv, suite_dir

REPO = Path(__file__).resolve().parents[3]
PLUGIN = "vapi_contract.contract.plugin"


def test_the_suite_resolves_inside_the_installed_package():
    suite = suite_dir()
    assert suite == Path(vapi_contract.__file__).resolve().parent / "contract" / "suite" == plugin.SUITE_DIR
    assert {p.name for p in suite.glob("*.py")} >= {"conftest.py", *plugin.SUITE_FILES}
    assert not (REPO / "tests" / "contract").exists()  # tests/ holds only the project's own tests


def test_the_plugin_is_the_installed_pytest11_entry_point():
    from importlib.metadata import entry_points

    found = [ep for ep in entry_points(group="pytest11") if ep.value == PLUGIN]
    # named after its module, so `-p vapi_contract.contract.plugin` (which `run` passes) is the same plugin
    assert [ep.name for ep in found] == [PLUGIN], "reinstall the package (make setup) to register the plugin"
    assert plugin.CONTEXT_ENV == context.CONTEXT_ENV


def test_the_run_command_line_is_hermetic():
    suite = suite_dir()
    argv = pytest_argv(Namespace(quiet=True, workers=2, pytest_args=["--", "-k", "auth"]), suite)
    assert argv[0] == str(suite)
    pairs = dict(itertools.pairwise(argv))
    assert pairs["-c"] == os.devnull  # no pytest.ini/pyproject.toml of the folder it is started in is read
    assert pairs["--rootdir"] == pairs["--confcutdir"] == str(suite)
    assert ["-p", PLUGIN] == argv[argv.index(PLUGIN) - 1:argv.index(PLUGIN) + 1]
    assert argv[-2:] == ["-k", "auth"] and "-n" in argv and "--" not in argv


def test_the_plugin_is_inert_outside_the_suite():
    """Any other pytest session of the environment loads the plugin: deciding that it is not the suite imports
    none of the run machinery."""
    code = ("import sys; from types import SimpleNamespace; import vapi_contract.contract.plugin as p; "
            "assert p._suites(SimpleNamespace(args=['tests/unit', '.'], option=SimpleNamespace(pyargs=True))) == (); "
            "print(sorted(m for m in sys.modules if m.startswith('vapi_contract.contract.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == ["['vapi_contract.contract.plugin']"]


def test_other_tests_keep_the_suites_parameter_names(tmp_path):
    """A test elsewhere (tests/unit/diff/test_rules.py has one) may use `family` or `operation_label` as its own
    parameter: the plugin parametrizes only the suite's tests."""
    (tmp_path / "test_elsewhere.py").write_text(
        "import pytest\n\n\n@pytest.mark.parametrize('family', ['a', 'b'])\n"
        "def test_own_family(family, operation_label):\n    assert family in 'ab' and operation_label == 'x'\n\n\n"
        "@pytest.fixture\ndef operation_label():\n    return 'x'\n")
    env = {k: v for k, v in os.environ.items() if k != "VAPI_CONTRACT_CONTEXT"}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_elsewhere.py"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0 and "2 passed" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]


def _run_env(tmp_path: Path) -> dict:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "VAPI_SPEC_URL": "off",
           "VAPI_SPEC_MIRROR": "", "VAPI_CONTRACT_STORE": str(tmp_path / "store")}
    env.pop("VAPI_CONTRACT_CONTEXT", None)
    return env


def _one_operation(command: list[str], spec: Path, cwd: Path, env: dict) -> tuple[int, Path, str]:
    report = cwd.parent / "run"
    done = subprocess.run([*command, "run", "--spec", str(spec), "--profile", "smoke", "--operations",
                           "GET /assistant", "--no-lifecycle", "--max-examples", "2", "--seed", "7",
                           "--report-dir", str(report), "-q"],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)
    return done.returncode, report, done.stdout + done.stderr


def _empty_folder(tmp_path: Path) -> Path:
    """An empty folder, except for a pytest configuration that would break the run if it were read."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "pytest.ini").write_text("[pytest]\naddopts = --no-such-option\n")
    return folder


def _assert_completed(code: int, report: Path, output: str) -> None:
    assert code in (0, 1), output[-3000:]  # 1: a spec gap of the real spec, never a crash or a missing suite
    meta = json.loads((report / "run.json").read_text())
    assert meta["status"] == "completed" and meta["target"]["kind"] == "twin", output[-3000:]
    ops = [json.loads(line) for p in report.glob("operations*.jsonl") for line in p.read_text().splitlines()]
    assert any(o["operation"] == "GET /assistant" and o["cases"] > 0 for o in ops), output[-3000:]


def test_run_from_an_empty_folder(tmp_path, newest_spec_path):
    folder = _empty_folder(tmp_path)
    code, report, output = _one_operation([sys.executable, "-m", "vapi_contract.cli"], newest_spec_path, folder,
                                          _run_env(tmp_path))
    _assert_completed(code, report, output)
    assert "cannot find the contract suite" not in output
    assert [p.name for p in folder.iterdir()] == ["pytest.ini"]  # nothing left in the user's folder


@pytest.mark.slow
def test_a_wheel_in_a_fresh_virtualenv_runs_from_an_empty_folder(tmp_path, newest_spec_path):
    """Offline: the wheel is built from a copy of the sources (the checkout gets no build/ folder), installed
    without dependencies into a new virtualenv, which borrows the dependencies of this environment through a .pth
    file (a path line only: this environment's editable install of the checkout is not activated by it)."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(REPO / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(source)],
                   check=True, capture_output=True, timeout=600)
    (wheel,) = wheels.glob("vapi_contract-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    Path(purelib, "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    folder = _empty_folder(tmp_path)
    env = _run_env(tmp_path)
    env.pop("PYTHONPATH", None)  # only what the new environment holds
    where = subprocess.run([str(python), "-c", "import vapi_contract; print(vapi_contract.__file__)"], cwd=folder,
                           env=env, check=True, capture_output=True, text=True).stdout.strip()
    assert Path(where).is_relative_to(venv), where  # the installed copy, not the checkout
    code, report, output = _one_operation([str(venv / "bin" / "vapi-contract")], newest_spec_path, folder, env)
    _assert_completed(code, report, output)
    assert [p.name for p in folder.iterdir()] == ["pytest.ini"]
