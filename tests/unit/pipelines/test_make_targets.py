"""The Make targets of the three jobs: secrets never reach make's echoed command lines, and `make drift` works
end to end against a real loopback spec server and webhook."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[3]
SECRET_KEY = "sk-live-0123456789abcdef"
SECRET_HOOK = "http://127.0.0.1:9/hooks/T000/B000/very-secret-token"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args: str, env: dict[str, str] | None = None, dry: bool = False) -> subprocess.CompletedProcess:
    # STAMP + -o: never rebuild the venv from a test, whatever the lock says
    command = ["make", "--no-print-directory", "STAMP=.venv/.test-stamp", "-o", ".venv/.test-stamp",
               *(["-n"] if dry else []), *args]
    return subprocess.run(command, check=False, cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


@pytest.mark.parametrize("target", ["nightly", "gate CANDIDATE=x.json TARGET=http://127.0.0.1:1", "drift",
                                    "run SHARD=1/4 PROFILE=nightly", "twin"])
def test_echoed_commands_never_contain_secrets(target):
    result = make(*target.split(), env={"VAPI_API_KEY": SECRET_KEY, "VAPI_DRIFT_WEBHOOK": SECRET_HOOK}, dry=True)
    assert result.returncode == 0, result.stderr
    assert "vapi-contract " + target.split()[0] in result.stdout
    assert SECRET_KEY not in result.stdout + result.stderr
    assert "very-secret-token" not in result.stdout + result.stderr


def test_a_failing_job_names_its_own_exit_code_and_the_cli_returns_it(tmp_path, newest_spec_path):
    """make can only exit 2; its line names the command's code (3: target unreachable), and the command CI calls
    (.venv/bin/vapi-contract, after `make setup`) returns that code itself."""
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"VAPI_API_KEY": SECRET_KEY, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = [f"TARGET=http://127.0.0.1:{port}", f"SPEC={newest_spec_path}", f"REPORT_DIR={tmp_path / 'run'}"]
    through_make = make("run", *args, env=env)
    assert through_make.returncode == 2 and "vapi-contract exited 3" in through_make.stderr
    direct = subprocess.run([str(REPO / ".venv" / "bin" / "vapi-contract"), "run", "--target", f"http://127.0.0.1:{port}",
                             "--spec", str(newest_spec_path), "--report-dir", str(tmp_path / "run2")],
                            check=False, cwd=REPO, capture_output=True, text=True, timeout=120,
                            env={**os.environ, **env})
    assert direct.returncode == 3, direct.stderr
    assert SECRET_KEY not in through_make.stdout + through_make.stderr + direct.stderr


def _lock_pins() -> dict[str, tuple[str, int]]:
    """requirements.lock as {canonical name: (exact version, number of hashes)}."""
    pins: dict[str, tuple[str, int]] = {}
    name = None
    for line in (REPO / "requirements.lock").read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("--hash=sha256:"):
            version, hashes = pins[name]
            pins[name] = (version, hashes + 1)
            continue
        requirement = stripped.rstrip("\\ ").split(";")[0].strip()
        assert "==" in requirement, f"not an exact pin in requirements.lock: {stripped}"
        raw, version = requirement.split("==")
        name = canonicalize_name(raw)
        pins[name] = (version.strip(), 0)
    return pins


def test_the_lock_pins_every_dependency_exactly_within_pyprojects_ranges():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]]
    pins = _lock_pins()
    assert all(hashes for _, hashes in pins.values()), "a pin without --hash: pip --require-hashes refuses the lock"
    for requirement in declared:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement} is declared but not in requirements.lock: run make lock"
        version = pins[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"requirements.lock pins {name}=={version}, outside pyproject's {requirement.specifier}: run make lock")


def test_setup_installs_the_lock_then_the_project_without_resolving():
    # -n -B: print (never run) the install recipe even when the venv is current
    recipe = subprocess.run(["make", "--no-print-directory", "-n", "-B", "setup"], cwd=REPO, capture_output=True,
                            text=True, timeout=60, check=True).stdout
    assert "--require-hashes -r requirements.lock" in recipe and "--no-deps -e ." in recipe
    assert "-e '.[dev]'" not in recipe and "-e .[dev]" not in recipe


def test_gate_without_candidate_is_a_usage_error():
    result = make("gate", env={"CANDIDATE": ""})
    assert result.returncode != 0 and "usage: make gate CANDIDATE=SRC" in result.stderr


class _Server:
    """Serves one spec at /api-json (switchable) and records webhook POSTs, on loopback."""

    def __init__(self):
        self.spec = b""
        self.posts: list[bytes] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(outer.spec)))
                self.end_headers()
                self.wfile.write(outer.spec)

            def do_POST(self):
                outer.posts.append(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = _Server()
    yield s
    s.close()


def test_make_drift_snapshots_a_change_writes_alerts_and_posts_the_webhook(tmp_path, server, spec_history,
                                                                           history_versions):
    old, new = (gzip.decompress((spec_history / v["file"]).read_bytes()) for v in history_versions[-2:])
    hook = f"{server.url}/hooks/very-secret-token"
    env = {"VAPI_SPEC_URL": f"{server.url}/api-json", "VAPI_CONTRACT_STORE": str(tmp_path / "store"),
           "VAPI_DRIFT_WEBHOOK": hook, "XDG_CACHE_HOME": str(tmp_path / "cache"),
           # debounce off: alert the change at once (the default waits until a change has lasted a day)
           "DRIFT_ARGS": f"--alert-dir {tmp_path / 'alerts'} --debounce-minutes 0 --debounce-fetches 0"}
    server.spec = old
    first = make("drift", env=env)
    assert first.returncode == 0, first.stderr
    server.spec = new
    second = make("drift", env=env)
    assert second.returncode in (0, 1), second.stderr
    assert "very-secret-token" not in first.stdout + second.stdout
    assert list((tmp_path / "alerts").iterdir()), "no alert file written"
    assert server.posts and json.loads(server.posts[-1])  # a Slack-compatible JSON payload
    index = json.loads((tmp_path / "store" / "index.json").read_text())
    assert len(index["snapshots"]) == 2


@pytest.mark.slow
def test_make_nightly_end_to_end_on_a_small_real_spec(tmp_path, scorecard_spec):
    """`make nightly` as the README runs it: spec stage, a real contract run on a twin, dashboard, history."""
    pytest.importorskip("vapi_contract.contract.cli")
    out, hist = tmp_path / "night", tmp_path / "history.json"
    env = {"VAPI_SPEC_URL": "off", "VAPI_CONTRACT_STORE": str(tmp_path / "store"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), "VAPI_API_KEY": SECRET_KEY}
    result = make("nightly", f"SOURCE={scorecard_spec}",
                  f"NIGHTLY_ARGS=--out {out} --history {hist} --max-examples 5 --seed 3", env=env)
    assert result.returncode in (0, 2), result.stderr[-2000:]  # make says 2 when the night has new findings
    night = json.loads((out / "nightly.json").read_text())
    assert night["exit_code"] in (0, 1) and night["contract"]["operation_counts"]
    assert (out / "index.html").exists() and json.loads(hist.read_text())["nights"]
    assert SECRET_KEY not in result.stdout + result.stderr
    assert not any(SECRET_KEY in p.read_text(errors="replace") for p in out.rglob("*") if p.is_file()
                   and p.suffix in (".json", ".html", ".md", ".xml", ".jsonl"))
