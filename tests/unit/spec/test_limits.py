"""Bounds on local sources (issue 11 item 1): gzip bombs, endless devices, huge or alias-bombed YAML, absurd
nesting. Each is one line and exit 2, fast, with bounded memory; the real published specs pass untouched."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vapi_contract.errors import SpecSourceError
from vapi_contract.spec.limits import Inflater, Limits, check_shape, inflate
from vapi_contract.spec.sources import load, load_file, parse_document

HISTORY = Path(__file__).resolve().parents[3].parent / "shared" / "vapi-spec-history"
MIN = '{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "x": %s}'


def _fails(source, match) -> str:
    with pytest.raises(SpecSourceError, match=match) as info:
        load(str(source))
    assert "\n" not in str(info.value) and info.value.exit_code == 2
    return str(info.value)


def _cli_peak(*argv: str, env=None) -> tuple[subprocess.CompletedProcess, int]:
    code = ("import resource, sys\nfrom vapi_contract.cli import main\nrc = main(sys.argv[1:])\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\nsys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})}, timeout=120)
    *lines, peak = proc.stderr.splitlines()
    proc.stderr = "\n".join(lines) + "\n"
    return proc, int(peak) // 1024


def test_gzip_bomb_file_is_refused_with_bounded_memory(tmp_path):
    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip.compress(bytes(16 << 20), compresslevel=9) * 64)  # ~1 MB -> 1 GiB
    for argv in (["spec", "fetch", "--source", str(bomb), "--store", str(tmp_path / "store")],
                 ["spec", "validate", str(bomb), "--store", str(tmp_path / "store")]):
        proc, peak_mb = _cli_peak(*argv)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc
        assert "inflates to more than 32 MB (VAPI_SPEC_MAX_BYTES)" in proc.stderr
        assert peak_mb < 512, f"peak RSS {peak_mb} MB"
    assert not (tmp_path / "store").exists()


def test_endless_device_is_refused_at_once(tmp_path):
    started = time.monotonic()
    _fails("/dev/zero", "not a regular file")
    proc, _ = _cli_peak("spec", "fetch", "--source", "/dev/zero", "--store", str(tmp_path / "store"))
    assert proc.returncode == 2 and "not a regular file: /dev/zero" in proc.stderr
    assert time.monotonic() - started < 30


def test_a_fifo_is_read_up_to_the_cap_only(tmp_path, monkeypatch):
    """A pipe is a legitimate source (`<(curl ...)`) but may never end: read no more than the cap."""
    import threading

    monkeypatch.setenv("VAPI_SPEC_MAX_BYTES", "64K")
    fifo = tmp_path / "spec.json"
    os.mkfifo(fifo)
    stop = threading.Event()

    def writer():
        try:
            with open(fifo, "wb") as fh:
                while not stop.is_set():
                    fh.write(b" " * 4096)
        except BrokenPipeError:
            pass

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        _fails(fifo, "larger than 64K|larger than 65536 bytes")
    finally:
        stop.set()
        thread.join(timeout=5)


def test_plain_file_over_the_cap(tmp_path, monkeypatch):
    monkeypatch.setenv("VAPI_SPEC_MAX_BYTES", "64K")
    big = tmp_path / "big.json"
    big.write_text(MIN % json.dumps("a" * 70_000))
    _fails(big, "larger than")
    small = tmp_path / "small.json"
    small.write_text(MIN % json.dumps("a" * 60_000))
    assert load(str(small)).document["x"] == "a" * 60_000


def test_too_many_values_json_and_yaml(tmp_path, monkeypatch):
    monkeypatch.setenv("VAPI_SPEC_MAX_NODES", "1000")
    many = tmp_path / "many.json"
    many.write_text(MIN % json.dumps([{}] * 2000))
    _fails(many, "up to 40[0-9][0-9] values, more than 1000 allowed")
    yml = tmp_path / "many.yaml"
    yml.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx:\n" + "- {}\n" * 2000)
    _fails(yml, "more than 1000 values")


def test_yaml_alias_bomb_is_refused_before_anything_expands_it(tmp_path):
    """Nine levels of ten aliases each: 10^9 values once JSON, the twin or a walker expands them."""
    lines = ["openapi: 3.0.3", "info: {title: t, version: '1'}", "paths: {}", f"x-a0: &a0 [{', '.join(['lol'] * 10)}]"]
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"x-a{level}: &a{level} [{refs}]")
    bomb = tmp_path / "laughs.yaml"
    bomb.write_text("\n".join(lines) + "\n")
    started = time.monotonic()
    _fails(bomb, "once YAML aliases are expanded")
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("depth", [65, 5_000, 200_000])
def test_deep_json_is_one_line(tmp_path, depth):
    deep = tmp_path / "deep.json"
    deep.write_text(MIN % ("[" * depth + "]" * depth))
    _fails(deep, "nested deeper than 64 levels")


@pytest.mark.parametrize("depth", [65, 200_000])
def test_deep_yaml_is_one_line(tmp_path, depth):
    deep = tmp_path / "deep.yaml"
    deep.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx: " + "[" * depth + "]" * depth)
    _fails(deep, "nested deeper than 64 levels|exceeded maximum nesting depth")  # ours, or libyaml's own


def test_depth_at_the_limit_passes_and_is_configurable(tmp_path, monkeypatch):
    at_limit = tmp_path / "at.json"
    at_limit.write_text(MIN % ("[" * 63 + "]" * 63))  # 63 arrays inside the top-level object: 64 levels
    assert load(str(at_limit)).document["openapi"] == "3.0.3"
    monkeypatch.setenv("VAPI_SPEC_MAX_DEPTH", "10")
    _fails(at_limit, "nested deeper than 10 levels")


@pytest.mark.parametrize("env,value", [("VAPI_SPEC_MAX_BYTES", "0"), ("VAPI_SPEC_MAX_BYTES", "lots"),
                                       ("VAPI_SPEC_MAX_NODES", "-5"), ("VAPI_SPEC_MAX_DEPTH", "500"),
                                       ("VAPI_SPEC_MAX_DEPTH", "1.5")])
def test_impossible_limits_in_the_environment(env, value, monkeypatch):
    monkeypatch.setenv(env, value)
    with pytest.raises(SpecSourceError, match=env):
        Limits.from_env()


def test_sizes_read_from_the_environment(monkeypatch):
    for text, expected in (("1048576", 1 << 20), ("64K", 64 << 10), ("32M", 32 << 20), ("1GiB", 1 << 30)):
        monkeypatch.setenv("VAPI_SPEC_MAX_BYTES", text)
        assert Limits.from_env().max_bytes == expected


def test_inflater_multi_member_padding_and_truncation():
    limits = Limits(max_bytes=1000)
    assert inflate(gzip.compress(b"ab") + gzip.compress(b"cd") + b"\0\0", "x", limits) == b"abcd"
    with pytest.raises(SpecSourceError, match="truncated"):
        inflate(gzip.compress(b"a" * 500)[:-12], "x", limits)
    with pytest.raises(SpecSourceError, match="corrupt"):
        inflate(b"\x1f\x8bnot gzip at all", "x", limits)
    inflater = Inflater("x", limits)
    with pytest.raises(SpecSourceError, match="inflates to more than 1000 bytes"):
        inflater.feed(gzip.compress(b"a" * 1001))


def test_check_shape_counts_shared_subtrees_once_and_finds_cycles():
    shared = [1] * 10
    doc = {"a": [shared] * 10, "b": shared}
    for may_share in (True, False):  # expanded: doc, a, 10 lists of 10, b of 10 = 123 values either way
        check_shape(doc, "x", Limits(max_nodes=123, max_depth=3), shared=may_share)
        with pytest.raises(SpecSourceError, match="more than 122 values"):
            check_shape(doc, "x", Limits(max_nodes=122), shared=may_share)
        with pytest.raises(SpecSourceError, match="deeper than 2 levels"):
            check_shape(doc, "x", Limits(max_depth=2), shared=may_share)
    loop: list = []
    loop.append(loop)
    with pytest.raises(SpecSourceError, match="cyclic"):
        check_shape({"x": loop}, "x", Limits(), shared=True)
    with pytest.raises(SpecSourceError, match="deeper than"):
        check_shape({"x": loop}, "x", Limits())  # JSON cannot loop; the plain walk still ends


def test_quirks_walker_on_a_document_built_in_code_is_one_line():
    """Documents that skip sources.load (built in Python) still end in SpecSourceError, not RecursionError."""
    from vapi_contract.spec.quirks import normalize

    schema: dict = {"type": "string"}
    for _ in range(3000):
        schema = {"type": "object", "properties": {"a": schema}}
    doc = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
           "components": {"schemas": {"Deep": schema}}}
    with pytest.raises(SpecSourceError, match="nested too deeply"):
        normalize(doc)


@pytest.mark.skipif(not HISTORY.is_dir(), reason="needs ../shared/vapi-spec-history")
def test_the_largest_published_versions_fit_the_default_limits_with_room():
    limits = Limits()
    largest = sorted((p for p in HISTORY.glob("*.json*") if p.name != "index.json"), key=lambda p: p.stat().st_size)
    for path in largest[-3:]:
        loaded = load_file(path)
        check_shape(loaded.document, path.name, limits)
        assert len(loaded.raw) < limits.max_bytes / 8


def test_parse_document_refuses_bytes_over_the_cap_before_decoding():
    with pytest.raises(SpecSourceError, match="larger than"):
        parse_document(b" " * 2000, "x", Limits(max_bytes=1000))


def test_yaml_status_codes_are_text_as_in_json(tmp_path):
    """`200:` next to `default:` made key sorting fail, so such a YAML spec could not be snapshotted."""
    from vapi_contract.spec.store import SnapshotStore

    spec = tmp_path / "codes.yaml"
    spec.write_text("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n"
                    "        200: {description: ok}\n        default: {description: other}\n")
    loaded = load(str(spec))
    assert list(loaded.document["paths"]["/a"]["get"]["responses"]) == ["200", "default"]
    entry, created = SnapshotStore(tmp_path / "store").add(loaded, validate=False)
    assert created and entry.operations == 1


@pytest.mark.parametrize("value,match", [("!!binary aGVsbG8=", "bytes value"), ("!!set {a, b}", "set value"),
                                         ("{? [a, b] : c}", "unhashable key")])
def test_yaml_values_json_cannot_hold_are_one_line(tmp_path, value, match):
    spec = tmp_path / "odd.yaml"
    spec.write_text(f"openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx: {value}\n")
    _fails(spec, match)
