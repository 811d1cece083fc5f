"""Snapshot store: canonical identity, dedupe, chronology, atomic files, and a lock that survives real races."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import pytest

from vapi_contract.errors import SpecSourceError, VapiContractError
from vapi_contract.spec.sources import LoadedSpec, load
from vapi_contract.spec.store import SnapshotStore, canonical_bytes, canonical_sha256, normalize_timestamp


def _spec(title: str, **extra) -> LoadedSpec:
    document = {"openapi": "3.0.0", "info": {"title": title, "version": "1"}, "paths": {}, **extra}
    return LoadedSpec(document, json.dumps(document).encode(), f"file:{title}.json")


def test_canonical_form_ignores_key_order_and_whitespace():
    a = json.loads('{"b": 1, "a": {"y": [1, 2], "x": "é"}}')
    b = json.loads('{ "a" : {"x":"é","y":[1,2]},\n "b":1 }')
    assert canonical_bytes(a) == canonical_bytes(b) == '{"a":{"x":"é","y":[1,2]},"b":1}'.encode()
    assert canonical_sha256(a) == canonical_sha256(b)


def test_add_records_everything_the_index_promises(tmp_path, fixtures):
    store = SnapshotStore(tmp_path / "store")
    entry, created = store.add(load(fixtures / "minimal.yaml"), published_at="2025-01-02T0304")
    assert created
    assert entry.published_at == "2025-01-02T03:04:00Z" and entry.taken_at.endswith("Z")
    assert (entry.paths, entry.operations, entry.schemas, entry.openapi) == (2, 2, 1, "3.0.0")
    assert entry.sha256 == canonical_sha256(load(fixtures / "minimal.yaml").document)
    assert entry.validation["errors"] == 0 and entry.source.startswith("file:")
    index = json.loads((store.root / "index.json").read_text())
    assert index["snapshots"][0]["id"] == entry.id
    blob = (store.root / entry.file).read_bytes()
    assert gzip.decompress(blob) == canonical_bytes(store.load_document(entry))
    assert blob[4:8] == b"\0\0\0\0"  # gzip mtime 0: same content, same bytes


def test_identical_spec_makes_no_new_snapshot(tmp_path, fixtures):
    store = SnapshotStore(tmp_path / "store")
    first, created = store.add(load(fixtures / "minimal.yaml"))
    reordered = load(fixtures / "minimal.yaml")
    reordered.document = json.loads(json.dumps(reordered.document, sort_keys=True))
    again, created_again = store.add(reordered)
    assert created and not created_again and again.id == first.id and len(store.entries()) == 1


def test_a_b_a_history_is_three_snapshots_sharing_one_file(tmp_path):
    store = SnapshotStore(tmp_path / "store")
    a1, _ = store.add(_spec("A"), published_at="2025-01-01")
    b, _ = store.add(_spec("B"), published_at="2025-02-01")
    a2, created = store.add(_spec("A"), published_at="2025-03-01")
    assert created and [e.id for e in store.entries()] == [a1.id, b.id, a2.id]
    assert a1.file == a2.file and len(list((store.root / "snapshots").iterdir())) == 2
    assert store.previous(a2) == b and store.previous(a1) is None and store.latest() == a2


def test_entries_are_chronological_even_when_imported_late(tmp_path):
    store = SnapshotStore(tmp_path / "store")
    live, _ = store.add(_spec("live"))  # taken now
    old, _ = store.add(_spec("old"), published_at="2024-10-10T1242")
    assert store.entries() == [old, live] and store.latest() == live


def test_get_by_id_prefix_sha_prefix_and_latest(tmp_path):
    store = SnapshotStore(tmp_path / "store")
    a, _ = store.add(_spec("A"), published_at="2025-01-01")
    b, _ = store.add(_spec("B"), published_at="2025-01-02")
    assert store.get("latest") == b and store.get(a.id) == a
    assert store.get(a.sha256[:8]) == a and store.get(b.id[:-2]) == b
    with pytest.raises(SpecSourceError, match="no snapshot"):
        store.get("deadbeefcafe")
    with pytest.raises(SpecSourceError, match="ambiguous"):
        store.get("2025010")


def test_corrupt_index_is_a_clear_error(tmp_path):
    store = SnapshotStore(tmp_path / "store")
    store.add(_spec("A"))
    (store.root / "index.json").write_text('{"snapshots": [')
    with pytest.raises(VapiContractError, match="unreadable") as info:
        store.entries()
    assert info.value.exit_code == 2


def test_missing_or_corrupt_snapshot_file(tmp_path):
    store = SnapshotStore(tmp_path / "store")
    entry, _ = store.add(_spec("A"))
    (store.root / entry.file).write_bytes(b"\x1f\x8b garbage")
    with pytest.raises(VapiContractError, match="corrupt"):
        store.load_document(entry)
    (store.root / entry.file).unlink()
    with pytest.raises(VapiContractError, match="missing"):
        store.load_document(entry)


def test_no_temporary_files_left_behind(tmp_path):
    store = SnapshotStore(tmp_path / "store")
    for title in "ABC":
        store.add(_spec(title))
    leftovers = [p for p in store.root.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    assert oct(os.stat(store.root / "index.json").st_mode & 0o777) == "0o644"


def test_timestamps_normalize():
    assert normalize_timestamp("2024-10-10T1242") == "2024-10-10T12:42:00Z"
    assert normalize_timestamp("2024-10-10T12:42:00+02:00") == "2024-10-10T10:42:00Z"
    assert normalize_timestamp("2024-10-10") == "2024-10-10T00:00:00Z"
    with pytest.raises(VapiContractError):
        normalize_timestamp("yesterday")


WRITER = """
import json, sys
from vapi_contract.spec.sources import LoadedSpec
from vapi_contract.spec.store import SnapshotStore
store = SnapshotStore(sys.argv[1])
worker = sys.argv[2]
for n in range(int(sys.argv[3])):
    doc = {"openapi": "3.0.0", "info": {"title": f"w{worker}-{n}", "version": "1"}, "paths": {}}
    store.add(LoadedSpec(doc, b"", f"file:w{worker}-{n}"), validate=False)
"""


def test_concurrent_processes_never_lose_or_corrupt_entries(tmp_path):
    """Real processes racing on one store: every snapshot lands, the index stays valid JSON."""
    root = tmp_path / "store"
    workers, per_worker = 4, 15
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(root), str(w), str(per_worker)])
        for w in range(workers)
    ]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    store = SnapshotStore(root)
    entries = store.entries()
    assert len(entries) == workers * per_worker
    assert len({e.id for e in entries}) == len(entries)
    assert {store.load_document(e)["info"]["title"] for e in entries} == {
        f"w{w}-{n}" for w in range(workers) for n in range(per_worker)
    }


def test_concurrent_fetch_of_the_same_spec_makes_one_snapshot(tmp_path, fixtures):
    root = tmp_path / "store"
    cmd = [sys.executable, "-m", "vapi_contract.cli", "spec", "fetch", "--source",
           str(fixtures / "minimal.yaml"), "--store", str(root)]
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    assert len(SnapshotStore(root).entries()) == 1
    assert sum(out.startswith(b"new snapshot") for out, _ in outputs) == 1
