"""`spec import DIR`: the real published history into a store, oldest first, dated by index.json."""

from __future__ import annotations

import json

import pytest

from vapi_contract.cli import main
from vapi_contract.errors import SpecSourceError
from vapi_contract.spec.importer import discover, import_folder
from vapi_contract.spec.store import SnapshotStore


def _subset(spec_history, history_versions, tmp_path, picks):
    """A mirror folder of a few real versions: symlinks (never copies) plus their index entries."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    chosen = [history_versions[i] for i in picks]
    for version in chosen:
        (folder / version["file"]).symlink_to(spec_history / version["file"])
    (folder / "index.json").write_text(json.dumps({"versions": list(reversed(chosen))}))  # order must not matter
    return folder, chosen


def test_import_a_few_real_versions_in_order(spec_history, history_versions, tmp_path, capsys):
    folder, chosen = _subset(spec_history, history_versions, tmp_path, [0, 2, 3])  # 3 has dangling refs
    store = tmp_path / "store"
    assert main(["spec", "import", str(folder), "--store", str(store), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    entries = SnapshotStore(store).entries()
    assert len(result["created"]) == len(entries) == 3
    assert [e.published_at[:10] for e in entries] == [v["published"][:10] for v in chosen]
    assert [e.operations for e in entries] == [v["operations"] for v in chosen]
    assert entries[2].validation["unresolved_refs"] > 0

    assert main(["spec", "import", str(folder), "--store", str(store), "--format", "json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["created"] == [] and len(again["skipped"]) == 3  # idempotent


def test_corrupt_copy_is_refused(spec_history, history_versions, tmp_path):
    folder, _ = _subset(spec_history, history_versions, tmp_path, [0])
    index = json.loads((folder / "index.json").read_text())
    index["versions"][0]["sha256"] = "0" * 64
    (folder / "index.json").write_text(json.dumps(index))
    with pytest.raises(SpecSourceError, match="sha256 does not match"):
        import_folder(folder, SnapshotStore(tmp_path / "store"))
    assert not (tmp_path / "store").exists()


def test_folder_without_index_uses_file_names(tmp_path, fixtures):
    (tmp_path / "2024-05-01T1000-a.yaml").write_bytes((fixtures / "minimal.yaml").read_bytes())
    (tmp_path / "2023-01-01T0900-b.json").write_bytes((fixtures / "openapi31.json").read_bytes())
    versions = discover(tmp_path)
    assert [v.published for v in versions] == ["2023-01-01T09:00:00Z", "2024-05-01T10:00:00Z"]


def test_not_a_folder(tmp_path):
    with pytest.raises(SpecSourceError, match="not a folder"):
        discover(tmp_path / "missing")


@pytest.mark.slow
def test_import_the_whole_shared_history(spec_history, history_versions, tmp_path):
    store = SnapshotStore(tmp_path / "store")
    result = import_folder(spec_history, store)
    entries = store.entries()
    assert len(result.created) + len(result.unchanged) == len(history_versions)
    assert len(entries) == len(result.created)
    assert [e.published_at for e in entries] == sorted(e.published_at for e in entries)
    per_version = result.created + result.unchanged  # an unchanged version counts as its predecessor
    assert sum(1 for e in per_version if e.validation["unresolved_refs"]) == 44
    assert entries[-1].operations == history_versions[-1]["operations"]


@pytest.mark.parametrize("versions", [
    [{"file": 7}], [{"file": "a.json", "published": 20250101}], [{"file": "a.json", "published": "2027-02-30"}],
    [{"file": "a.json", "sha256": ["x"]}], "not a list",
])
def test_a_malformed_version_index_is_one_line(tmp_path, fixtures, versions):
    import subprocess
    import sys

    folder = tmp_path / "mirror"
    folder.mkdir()
    (folder / "a.json").write_bytes((fixtures / "openapi31.json").read_bytes())
    (folder / "index.json").write_text(json.dumps({"versions": versions}))
    proc = subprocess.run([sys.executable, "-m", "vapi_contract.cli", "spec", "import", str(folder), "--store",
                           str(tmp_path / "store")], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc
    assert not (tmp_path / "store").exists()
