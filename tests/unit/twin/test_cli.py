"""`vapi-contract twin` in the foreground: announces where it serves, stops on Ctrl-C, one-line errors."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import httpx

from vapi_contract.twin.faults import FAULTS

CLI = [sys.executable, "-m", "vapi_contract.cli", "twin"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=60, check=False)


def test_help_lists_every_fault():
    result = run("--help")
    assert result.returncode == 0
    for name in FAULTS:
        assert name in result.stdout


def test_unknown_fault_is_one_line_exit_2():
    result = run("--fault", "nope", "--spec", "x.json")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "unknown twin fault 'nope'" in result.stderr


def test_negative_seed_objects_is_one_line_exit_2():
    result = run("--seed-objects", "-1", "--spec", "x.json")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "--seed-objects must be" in result.stderr


def test_missing_spec_is_one_line_exit_2(tmp_path):
    result = run("--spec", str(tmp_path / "missing.json"), "--port", "0")
    assert result.returncode == 2
    assert result.stderr.strip() == f"vapi-contract: error: spec file not found: {tmp_path / 'missing.json'}"


def test_bad_tokens_file_is_one_line_exit_2(tmp_path, oldest_spec_path):
    tokens = tmp_path / "tokens.json"
    tokens.write_text('{"orgs": {}}')
    result = run("--spec", str(oldest_spec_path), "--tokens", str(tokens))
    assert result.returncode == 2 and "tokens file" in result.stderr and "Traceback" not in result.stderr


def test_serves_in_foreground_with_custom_tokens_and_stops_on_interrupt(tmp_path, oldest_spec_path):
    tokens = tmp_path / "tokens.json"
    tokens.write_text('{"orgs": {"acme": "acme-secret", "globex": "globex-secret"}, "admin": "root"}')
    process = subprocess.Popen([*CLI, "--spec", str(oldest_spec_path), "--port", "0", "--tokens", str(tokens)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        url = re.search(r"serving (http://\S+)", line).group(1)
        assert "acme=acme-secret" in process.stdout.readline()
        response = None
        for _ in range(200):
            try:
                response = httpx.get(url + "/assistant", headers={"Authorization": "Bearer acme-secret"})
                break
            except httpx.ConnectError:
                pass
        assert response is not None and response.status_code == 200
        assert httpx.get(url + "/assistant", headers={"Authorization": "Bearer twin-token-org-a"}).status_code == 401
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def test_without_spec_serves_the_mirrors_newest_offline(tmp_path, spec_history, history_versions):
    env = dict(os.environ, VAPI_CONTRACT_STORE=str(tmp_path / "empty-store"), VAPI_SPEC_MIRROR=str(spec_history),
               VAPI_SPEC_URL="http://127.0.0.1:9/never-fetched")
    process = subprocess.Popen([*CLI, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env)
    try:
        url = re.search(r"serving (http://\S+)", process.stdout.readline()).group(1)
        health = httpx.get(url + "/__twin/health").json()
        assert health["version"] is not None
        served = httpx.get(url + "/api-json").json()
        assert len(served["paths"]) == history_versions[-1]["paths"]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert "newest version in the mirror" in process.stderr.read()


def test_without_spec_or_sources_is_one_line_exit_2(tmp_path):
    env = dict(os.environ, VAPI_CONTRACT_STORE=str(tmp_path / "empty"), VAPI_SPEC_MIRROR=str(tmp_path / "none"))
    result = subprocess.run([*CLI, "--port", "0"], capture_output=True, text=True, timeout=60, env=env, check=False)
    assert result.returncode == 2 and "no --spec given" in result.stderr and "Traceback" not in result.stderr


def test_port_in_use_is_one_line_exit_2(oldest_spec_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run("--spec", str(oldest_spec_path), "--port", str(taken.getsockname()[1]))
    assert result.returncode == 2
    assert result.stderr.strip().startswith("vapi-contract: error: cannot listen on 127.0.0.1:")
    assert "\n" not in result.stderr.strip()
