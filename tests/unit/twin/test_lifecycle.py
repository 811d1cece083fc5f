"""The twin runs as a real server in a child process: it starts, answers, stops cleanly and leaves no orphan."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import httpx
import pytest

from vapi_contract.errors import TargetUnreachableError, UsageError
from vapi_contract.twin.server import start_twin


def _gone(pid: int, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # a zombie child of ours counts as gone once reaped
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return True
        except ChildProcessError:
            pass
        time.sleep(0.05)
    return False


def test_starts_on_free_port_serves_and_stops(oldest_spec_path):
    twin = start_twin(spec=oldest_spec_path, port=0)
    try:
        assert twin.port > 0 and twin.base_url == f"http://127.0.0.1:{twin.port}"
        health = httpx.get(twin.base_url + "/__twin/health").json()
        assert health["status"] == "ok" and health["operations"] > 0
        assert httpx.get(twin.base_url + "/assistant", headers=twin.headers()).status_code == 200
    finally:
        twin.stop()
    assert not twin.alive()
    assert _gone(twin.pid)
    with pytest.raises(httpx.ConnectError):
        httpx.get(twin.base_url + "/__twin/health", timeout=1)


def test_context_manager_and_document_spec(oldest_spec):
    with start_twin(spec=oldest_spec) as twin:
        served = httpx.get(twin.base_url + "/api-json").json()
        assert served["paths"].keys() == oldest_spec["paths"].keys()
        temp_files = list(twin._cleanup)
        assert all(p.exists() for p in temp_files)
    assert not twin.alive()
    assert not any(p.exists() for p in temp_files)


def test_child_exits_when_its_parent_is_killed(oldest_spec_path, tmp_path):
    """A parent that dies without calling stop() (a killed CI job) must not leave the twin running."""
    script = textwrap.dedent(f"""
        import sys, time
        from vapi_contract.twin.server import start_twin
        twin = start_twin(spec={str(oldest_spec_path)!r})
        print(twin.pid, flush=True)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    child_pid = int(parent.stdout.readline())
    os.kill(child_pid, 0)  # running
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    assert _gone(child_pid, within=5)


def test_unknown_fault_is_a_usage_error():
    with pytest.raises(UsageError, match="known faults"):
        start_twin(spec="unused.json", fault="no-such-fault")


def test_bad_spec_fails_fast_with_the_reason(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(TargetUnreachableError, match="invalid JSON"):
        start_twin(spec=bad)


def test_listening_socket_is_tcp_so_asyncio_sets_nodelay():
    """Without IPPROTO_TCP asyncio skips TCP_NODELAY and every keep-alive response stalls ~40 ms (Nagle)."""
    import socket

    from vapi_contract.twin.server import bind

    sock = bind("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()
