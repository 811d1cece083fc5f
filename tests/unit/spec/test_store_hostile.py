"""The store under an unlucky operator (issue 11 items 3, 6): a file where the folder should be, a damaged
index, a read-only or full disk, credentials from an older index, a too-deep snapshot. Each command ends in one
line and exit 2, and the store is left as it was."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

from vapi_contract.spec.sources import load, load_file
from vapi_contract.spec.store import SnapshotStore


def run(*argv: str, env=None, preexec_fn=None, wrap=()) -> subprocess.CompletedProcess:
    return subprocess.run([*wrap, sys.executable, "-m", "vapi_contract.cli", *argv], capture_output=True, text=True,
                          check=False, env={**os.environ, **(env or {})}, timeout=180, preexec_fn=preexec_fn)


def one_line_exit_2(proc, *fragments: str) -> str:
    assert proc.returncode == 2, proc
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("vapi-contract: error: "), proc.stderr
    for fragment in fragments:
        assert fragment in proc.stderr, proc.stderr
    return proc.stderr


@pytest.fixture
def filled(tmp_path, fixtures) -> SnapshotStore:
    store = SnapshotStore(tmp_path / "store")
    store.add(load_file(fixtures / "openapi31.json"), validate=False)
    return store


def test_store_that_is_a_file(tmp_path, fixtures):
    not_a_folder = tmp_path / "store.txt"
    not_a_folder.write_text("hello")
    for argv in (["spec", "fetch", "--source", str(fixtures / "openapi31.json")], ["spec", "list"],
                 ["spec", "show", "latest"], ["spec", "validate", "latest"]):
        one_line_exit_2(run(*argv, "--store", str(not_a_folder)), "is a file, not a folder")
    assert not_a_folder.read_text() == "hello"


@pytest.mark.parametrize("damage", ["missing-sha", "operations-text", "entry-is-text", "file-escapes-store",
                                    "validation-text", "etags-list", "id-null"])
def test_damaged_index_entry_is_one_line_and_left_alone(filled, fixtures, damage):
    index = json.loads(filled.index_path.read_text())
    entry = index["snapshots"][0]
    if damage == "missing-sha":
        del entry["sha256"]
    elif damage == "operations-text":
        entry["operations"] = "many"
    elif damage == "entry-is-text":
        index["snapshots"][0] = "oops"
    elif damage == "file-escapes-store":
        entry["file"] = "../../../../etc/passwd"
    elif damage == "validation-text":
        entry["validation"] = "fine"
    elif damage == "etags-list":
        index["etags"] = ["x"]
    else:
        entry["id"] = None
    filled.index_path.write_text(json.dumps(index))
    before = filled.index_path.read_bytes()
    store = str(filled.root)
    for argv in (["spec", "list"], ["spec", "show", "latest"], ["spec", "quirks", "latest"],
                 ["spec", "fetch", "--source", str(fixtures / "minimal.yaml")]):
        one_line_exit_2(run(*argv, "--store", store), str(filled.index_path))
    assert filled.index_path.read_bytes() == before


@pytest.fixture
def unshare():
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False) if shutil.which("unshare") \
        else None
    if probe is None or probe.returncode != 0:
        pytest.skip("needs `unshare -m` (a private mount namespace) to make a read-only bind mount")


def test_read_only_store(filled, fixtures, unshare):
    """A real read-only mount (EROFS): reads still work, a write is one line, nothing changes."""
    root = str(filled.root)
    script = ('mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"')
    wrap = ["unshare", "-m", "sh", "-c", script, "sh", root]
    before = filled.index_path.read_bytes()
    proc = run("spec", "fetch", "--source", str(fixtures / "minimal.yaml"), "--store", root, wrap=wrap)
    one_line_exit_2(proc, "Read-only file system")
    listed = run("spec", "list", "--store", root, wrap=wrap)
    assert listed.returncode == 0 and "openapi31.json" in listed.stdout
    assert filled.index_path.read_bytes() == before


def test_full_disk_under_the_store(filled, fixtures):
    """RLIMIT_FSIZE makes the kernel refuse writes past a few bytes (EFBIG), as a full disk refuses them
    (ENOSPC): the snapshot or index write fails in one line and the old index survives, no temp file left."""
    import resource

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))

    before = filled.index_path.read_bytes()
    files_before = sorted(p.name for p in filled.root.rglob("*"))
    proc = run("spec", "fetch", "--source", str(fixtures / "semantic-errors.json"), "--store", str(filled.root),
               preexec_fn=small_files)
    one_line_exit_2(proc, "cannot write", "File too large")
    assert filled.index_path.read_bytes() == before
    assert sorted(p.name for p in filled.root.rglob("*")) == files_before


def test_an_index_written_before_redaction_is_shown_and_rewritten_clean(filled, spec_server, spec_bytes_min):
    index = json.loads(filled.index_path.read_text())
    index["snapshots"][0]["source"] = "http://user:old-secret@host/spec.json?token=old-token"
    index["etags"] = {"http://user:old-secret@host/spec.json": {"etag": '"x"', "snapshot": "gone"}}
    filled.index_path.write_text(json.dumps(index))
    assert filled.entries()[0].source == "http://***@host/spec.json?token=***"
    listed = run("spec", "list", "--store", str(filled.root))
    assert "old-secret" not in listed.stdout and "old-token" not in listed.stdout
    filled.add(load(spec_server.route("/s", spec_server.Reply(200, spec_bytes_min))), validate=False)
    text = filled.index_path.read_text()
    assert "old-secret" not in text and "old-token" not in text


def test_a_too_deep_snapshot_is_refused_by_every_reader(tmp_path):
    """A spec snapshotted under a generous VAPI_SPEC_MAX_DEPTH (or before the bound existed) must not take
    quirks, validate, the twin or a run down later: each is one line, exit 2."""
    schema: dict = {"type": "string"}
    for _ in range(80):
        schema = {"type": "object", "properties": {"a": schema}}
    doc = {"openapi": "3.0.3", "info": {"title": "deep", "version": "1"}, "paths": {},
           "components": {"schemas": {"Deep": schema}}}
    source = tmp_path / "deep.json"
    source.write_text(json.dumps(doc))
    store = str(tmp_path / "store")
    fetched = run("spec", "fetch", "--source", str(source), "--store", store, env={"VAPI_SPEC_MAX_DEPTH": "200"})
    assert fetched.returncode == 0, fetched
    env = {"VAPI_CONTRACT_STORE": store}
    for argv in (["spec", "quirks", "latest"], ["spec", "validate", "latest"], ["twin", "--spec", "latest", "--port",
                 "0"], ["run", "--spec", "latest", "--report-dir", str(tmp_path / "run"), "--profile", "smoke"]):
        one_line_exit_2(run(*argv, env=env), "nested deeper than 64 levels (VAPI_SPEC_MAX_DEPTH)")


@pytest.mark.parametrize("damage", ["altered", "truncated"])
def test_a_damaged_snapshot_is_never_served_and_the_next_fetch_repairs_it(filled, fixtures, damage):
    """Issue 11 item 9: verify on read (sha256 of the canonical bytes), repair on the next fetch."""
    import gzip

    entry = filled.latest()
    path = filled.root / entry.file
    good = path.read_bytes()
    if damage == "altered":  # valid gzip, valid JSON, not what the index says
        path.write_bytes(gzip.compress(gzip.decompress(good).replace(b"OpenAPI 3.1 sample", b"OpenAPI 3.1 sampl3")))
    else:
        path.write_bytes(good[: len(good) // 2])
    store = str(filled.root)
    for argv in (["spec", "show", "latest", "--document"], ["spec", "quirks", "latest"]):
        one_line_exit_2(run(*argv, "--store", store), entry.file.split("/")[-1])
    fetched = run("spec", "fetch", "--source", str(fixtures / "openapi31.json"), "--store", store)
    assert fetched.returncode == 0 and fetched.stdout.startswith("unchanged"), fetched
    assert gzip.decompress(path.read_bytes()) == gzip.decompress(good)
    assert run("spec", "show", "latest", "--document", "--store", store).returncode == 0
