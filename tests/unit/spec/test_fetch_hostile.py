"""Hostile and unlucky HTTP sources (issue 11 items 1, 5, 6): bombs, trickling servers, redirect loops, bad
timeouts. Each ends in one line and exit 2, quickly, with the store untouched. Real servers on 127.0.0.1."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time

import pytest

from vapi_contract.errors import SpecSourceError
from vapi_contract.spec.fetch import FetchOptions
from vapi_contract.spec.sources import load, load_url

GIB = 1 << 30


@pytest.fixture(scope="module")
def gib_of_zeros_gz() -> bytes:
    """1 GiB of zeros as 64 gzip members of 16 MiB (~1 MB in all; one member would take 10 s to build)."""
    return gzip.compress(bytes(16 << 20), compresslevel=9) * 64


def _fails(url, match, **kwargs) -> str:
    with pytest.raises(SpecSourceError, match=match) as info:
        load(url, **kwargs)
    assert "\n" not in str(info.value) and info.value.exit_code == 2
    return str(info.value)


def _cli(*argv: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """The CLI in a child that reports its own peak RSS (KiB) on the last stderr line."""
    code = ("import resource, sys\nfrom vapi_contract.cli import main\nrc = main(sys.argv[1:])\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\nsys.exit(rc)")
    return subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})}, timeout=timeout)


def _one_line_exit_2(proc) -> tuple[str, int]:
    *lines, peak = proc.stderr.splitlines()
    assert proc.returncode == 2, proc
    assert len(lines) == 1 and lines[0].startswith("vapi-contract: error: "), proc.stderr
    return lines[0], int(peak) // 1024  # MB


# -- decompression and size bounds ---------------------------------------------------------------------
def test_content_encoding_gzip_bomb_is_refused_within_the_cap(spec_server, gib_of_zeros_gz, tmp_path):
    """Content-Encoding inflates past the download cap unless the inflate itself is bounded."""
    url = spec_server.route("/api-json", spec_server.Reply(200, gib_of_zeros_gz, {"Content-Encoding": "gzip"}))
    proc = _cli("spec", "fetch", "--source", url, "--store", str(tmp_path / "store"))
    line, peak_mb = _one_line_exit_2(proc)
    assert "inflates to more than 32 MB" in line and "VAPI_SPEC_MAX_BYTES" in line
    assert peak_mb < 512, f"peak RSS {peak_mb} MB"
    assert not (tmp_path / "store").exists()


def test_gzip_file_served_as_is_and_double_gzip_are_bounded(spec_server, monkeypatch):
    monkeypatch.setenv("VAPI_SPEC_MAX_BYTES", "1M")
    bomb = gzip.compress(bytes(64 << 20), compresslevel=6)  # one member, ~64 KB -> 64 MiB
    R = spec_server.Reply
    _fails(spec_server.route("/a.json.gz", R(200, bomb)), "inflates to more than 1 MB")
    _fails(spec_server.route("/b.json.gz", R(200, gzip.compress(bomb), {"Content-Encoding": "gzip"})),
           "inflates to more than 1 MB")


def test_plain_body_over_the_cap(spec_server, monkeypatch):
    monkeypatch.setenv("VAPI_SPEC_MAX_BYTES", "64K")
    url = spec_server.route("/api-json", spec_server.Reply(200, b'{"openapi": "3.0.0", "x": "' + b"a" * 100_000))
    _fails(url, "larger than 64K|larger than 65536 bytes")


def test_unknown_content_encoding_is_one_line(spec_server, spec_bytes_min):
    url = spec_server.route("/api-json", spec_server.Reply(200, spec_bytes_min, {"Content-Encoding": "br"}))
    _fails(url, "unsupported Content-Encoding br")


def test_deflate_content_encoding_is_understood(spec_server, spec_bytes_min):
    import zlib

    url = spec_server.route("/api-json", spec_server.Reply(200, zlib.compress(spec_bytes_min),
                                                           {"Content-Encoding": "deflate"}))
    assert load(url).document["openapi"] == "3.0.3"


# -- a deadline per attempt -----------------------------------------------------------------------------
@pytest.mark.parametrize("slow_headers", [False, True], ids=["trickling-body", "trickling-headers"])
def test_trickling_server_cannot_outlast_the_timeout(trickle, slow_headers):
    """A byte every 0.3 s resets a per-read timeout forever; the attempt's deadline does not care."""
    server = trickle(0.3, slow_headers=slow_headers)
    started = time.monotonic()
    _fails(server.url(), r"timed out after 1s$", fetch_options=FetchOptions(timeout=1.0, retries=0))
    assert time.monotonic() - started < 2.5


def test_each_retry_gets_its_own_deadline_and_the_whole_stays_bounded(trickle):
    server = trickle(0.2)
    started = time.monotonic()
    _fails(server.url(), "timed out after 0.8s after 3 attempts",
           fetch_options=FetchOptions(timeout=0.8, retries=2, backoff=0.05, max_delay=0.1))
    assert time.monotonic() - started < 5 and len(server.requests) == 3


def test_spec_fetch_cli_and_drift_loader_honour_the_env_timeout(trickle, tmp_path, monkeypatch):
    server = trickle(0.5)
    started = time.monotonic()
    proc = _cli("spec", "fetch", "--source", server.url(), "--store", str(tmp_path / "store"),
                env={"VAPI_SPEC_TIMEOUT": "1", "VAPI_SPEC_RETRIES": "0"}, timeout=30)
    line, _ = _one_line_exit_2(proc)
    assert "timed out after 1s" in line and time.monotonic() - started < 15
    # `drift` loads through load_url (diff/drift.py): the same deadline
    monkeypatch.setenv("VAPI_SPEC_TIMEOUT", "1")
    started = time.monotonic()
    with pytest.raises(SpecSourceError, match="timed out after 1s"):
        load_url(server.url())
    assert time.monotonic() - started < 2.5


def test_deadline_holds_when_called_from_inside_an_event_loop(trickle, spec_server, spec_bytes_min):
    """A server handler (the twin's admin endpoint) may call load() on its loop's thread."""
    import asyncio

    server = trickle(0.3)
    good = spec_server.route("/ok", spec_server.Reply(200, spec_bytes_min))

    async def handler():
        assert load(good).document["openapi"] == "3.0.3"
        with pytest.raises(SpecSourceError, match="timed out"):
            load(server.url(), fetch_options=FetchOptions(timeout=0.8, retries=0))

    asyncio.run(handler())


# -- redirects, bad timeouts ----------------------------------------------------------------------------
def test_redirect_loop_is_one_line(spec_server, tmp_path):
    url = spec_server.url("/loop")
    spec_server.route("/loop", spec_server.Reply(302, b"", {"Location": url}))
    _fails(url, "more than 10 redirects")
    proc = _cli("spec", "fetch", "--source", url, "--store", str(tmp_path / "store"))
    line, _ = _one_line_exit_2(proc)
    assert "redirect loop" in line and not (tmp_path / "store").exists()


@pytest.mark.parametrize("env,value", [
    ("VAPI_SPEC_TIMEOUT", "nan"), ("VAPI_SPEC_TIMEOUT", "-1"), ("VAPI_SPEC_TIMEOUT", "0"),
    ("VAPI_SPEC_TIMEOUT", "inf"), ("VAPI_SPEC_TIMEOUT", "soon"), ("VAPI_SPEC_RETRIES", "-1"),
    ("VAPI_SPEC_RETRIES", "1.5"), ("VAPI_SPEC_BACKOFF", "nan"), ("VAPI_SPEC_BACKOFF", "-0.5"),
])
def test_impossible_timeouts_in_the_environment(env, value, monkeypatch):
    monkeypatch.setenv(env, value)
    with pytest.raises(SpecSourceError, match=env) as info:
        FetchOptions.from_env()
    assert "\n" not in str(info.value)


def test_nan_timeout_through_the_cli(spec_server, spec_bytes_min, tmp_path):
    url = spec_server.route("/api-json", spec_server.Reply(200, spec_bytes_min))
    line, _ = _one_line_exit_2(_cli("spec", "fetch", "--source", url, "--store", str(tmp_path / "s"),
                                    env={"VAPI_SPEC_TIMEOUT": "nan"}))
    assert "VAPI_SPEC_TIMEOUT='nan'" in line and not spec_server.requests


def test_options_refuse_impossible_values():
    for bad in ({"timeout": float("nan")}, {"timeout": -1}, {"retries": -2}, {"backoff": float("inf")}):
        with pytest.raises(SpecSourceError):
            FetchOptions(**bad)


def test_a_bad_setting_is_an_error_not_a_fallback(spec_server, spec_bytes_min, fixtures, tmp_path, monkeypatch):
    """With a snapshot to fall back on, an impossible VAPI_SPEC_TIMEOUT must still stop the default resolution
    (nightly, drift): serving an older spec would hide the broken setting."""
    from vapi_contract.spec.sources import load_file
    from vapi_contract.spec.store import SnapshotStore

    store = SnapshotStore(tmp_path / "store")
    store.add(load_file(fixtures / "openapi31.json"), validate=False)
    monkeypatch.setenv("VAPI_SPEC_URL", spec_server.route("/api-json", spec_server.Reply(200, spec_bytes_min)))
    for env, value in (("VAPI_SPEC_TIMEOUT", "nan"), ("VAPI_SPEC_MAX_DEPTH", "100000")):
        monkeypatch.setenv(env, value)
        with pytest.raises(SpecSourceError, match=env):
            load(store=store)
        monkeypatch.delenv(env)
    assert load(store=store).document["openapi"] == "3.0.3"


# -- malformed URLs, keys and answers -------------------------------------------------------------------
@pytest.mark.parametrize("url,match", [
    ("http://127.0.0.1:99999/x", "Port out of range"), ("http://127.0.0.1:abc/x", "Port could not be cast"),
    ("http://", "no host"), ("http://:80/x", "no host"), ("ftp-ish://x/y", "spec file not found"),
])
def test_malformed_urls_are_one_line(url, match):
    _fails(url, match)


@pytest.mark.parametrize("key", ["ab\ncd", "clé-non-ascii", "two words"])
def test_a_key_no_header_can_carry_is_refused_and_never_echoed(spec_server, spec_bytes_min, monkeypatch, key):
    url = spec_server.route("/api-json", spec_server.Reply(200, spec_bytes_min))
    monkeypatch.setenv("VAPI_SPEC_URL", url)
    monkeypatch.setenv("VAPI_API_KEY", key)
    message = _fails(url, "VAPI_API_KEY holds characters")
    assert key not in message and not spec_server.requests


@pytest.mark.parametrize("payload,match", [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n{\"openapi\"", "transport error"),  # cut mid-body
    (b"NOT HTTP AT ALL\r\n\r\n", "transport error"),
    (b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n", "transport error"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nbad\r\n", "transport error"),
    (b"", "transport error"),  # closed without a word
])
def test_malformed_answers_are_one_line(raw_server, payload, match):
    _fails(raw_server(payload), match, fetch_options=FetchOptions(timeout=3, retries=1, backoff=0.01))


def test_an_etag_that_cannot_be_sent_back_is_not_remembered(spec_server, spec_bytes_min, tmp_path):
    from vapi_contract.spec.store import SnapshotStore

    store = SnapshotStore(tmp_path / "store")
    url = spec_server.route("/api-json", spec_server.Reply(200, spec_bytes_min, {"ETag": '"caf\xe9"'}))
    store.add(load(url, store=store), validate=False)
    again = load(url, store=store)  # used to raise UnicodeEncodeError building If-None-Match
    assert again.document["openapi"] == "3.0.3" and "If-None-Match" not in spec_server.hits("/api-json")[1]["headers"]
