"""Every kind of bad input is one SpecSourceError line; every odd-but-valid spec loads."""

from __future__ import annotations

import gzip
import json
import shutil

import pytest

from vapi_contract.errors import SpecSourceError
from vapi_contract.spec.sources import load
from vapi_contract.spec.store import SnapshotStore


def _one_line_error(source, match: str, **kwargs) -> str:
    with pytest.raises(SpecSourceError, match=match) as info:
        load(str(source), **kwargs)
    message = str(info.value)
    assert "\n" not in message and info.value.exit_code == 2
    return message


def test_missing_file(tmp_path):
    _one_line_error(tmp_path / "nope.json", "not found")


def test_empty_file(tmp_path):
    (tmp_path / "empty.json").write_bytes(b"  \n")
    _one_line_error(tmp_path / "empty.json", "empty document")


def test_html_page(fixtures):
    _one_line_error(fixtures / "page.html", "HTML")


def test_truncated_gzip(tmp_path, fixtures):
    data = gzip.compress((fixtures / "openapi31.json").read_bytes())
    (tmp_path / "spec.json.gz").write_bytes(data[: len(data) // 2])
    _one_line_error(tmp_path / "spec.json.gz", "truncated gzip")


def test_invalid_json(fixtures):
    _one_line_error(fixtures / "invalid.json", "invalid JSON at line")


def test_invalid_yaml(fixtures):
    _one_line_error(fixtures / "invalid.yaml", "invalid YAML at line 4")


def test_json_that_is_not_openapi(fixtures):
    _one_line_error(fixtures / "not-openapi.json", "not an OpenAPI document")


def test_top_level_array_is_not_openapi(tmp_path):
    (tmp_path / "list.json").write_text("[1, 2]")
    _one_line_error(tmp_path / "list.json", "top level is list")


def test_swagger_2_is_unsupported(fixtures):
    _one_line_error(fixtures / "swagger2.json", "Swagger 2.0 is not supported")


def test_non_utf8_bytes(tmp_path):
    (tmp_path / "latin1.yaml").write_bytes("openapi: 3.0.0\ninfo: {title: caf\u00e9}\n".encode("latin-1"))
    _one_line_error(tmp_path / "latin1.yaml", "not UTF-8")


def test_directory_is_not_a_spec(tmp_path):
    _one_line_error(tmp_path, "directory")


def test_unknown_snapshot_id_in_empty_store(tmp_path):
    _one_line_error("latest", "holds no snapshots", store=tmp_path / "store")


@pytest.mark.parametrize("name", ["minimal.yaml", "openapi31.json", "recursive-refs.json", "dangling-refs.json"])
def test_valid_but_unusual_specs_load(fixtures, name):
    loaded = load(fixtures / name)
    assert loaded.document["openapi"].startswith("3.")
    assert loaded.origin == f"file:{fixtures / name}"


def test_gzipped_yaml_loads(tmp_path, fixtures):
    (tmp_path / "spec.yml.gz").write_bytes(gzip.compress((fixtures / "minimal.yaml").read_bytes()))
    assert "/assistant/{id}" in load(tmp_path / "spec.yml.gz").document["paths"]


def test_real_newest_version_loads(newest_spec_path):
    loaded = load(newest_spec_path)
    assert len(loaded.document["components"]["schemas"]) > 800


def test_snapshot_id_latest_and_prefix(tmp_path, fixtures):
    store = SnapshotStore(tmp_path / "store")
    entry, created = store.add(load(fixtures / "minimal.yaml"))
    assert created
    for name in (entry.id, "latest", entry.sha256[:12]):
        loaded = load(name, store=store)
        assert loaded.snapshot_id == entry.id and loaded.origin == f"snapshot:{entry.id}"
        assert loaded.document == load(fixtures / "minimal.yaml").document


def test_default_falls_back_to_store_then_announces(tmp_path, fixtures, capsys, closed_port_url, monkeypatch):
    monkeypatch.setenv("VAPI_SPEC_URL", closed_port_url)
    store = SnapshotStore(tmp_path / "store")
    entry, _ = store.add(load(fixtures / "minimal.yaml"))
    loaded = load(store=store)
    assert loaded.snapshot_id == entry.id
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "connection refused" in err and entry.id in err


def test_default_falls_back_to_mirror_when_store_empty(tmp_path, fixtures, capsys, closed_port_url, monkeypatch):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    shutil.copy(fixtures / "minimal.yaml", mirror / "2024-01-01T0000-aaa.yaml")
    shutil.copy(fixtures / "openapi31.json", mirror / "2025-01-01T0000-bbb.json")
    monkeypatch.setenv("VAPI_SPEC_URL", closed_port_url)
    monkeypatch.setenv("VAPI_SPEC_MIRROR", str(mirror))
    loaded = load(store=tmp_path / "empty-store")
    assert loaded.document["openapi"] == "3.1.0"  # the newest file
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is empty" in err and "2025-01-01T0000-bbb.json" in err


def test_default_with_nothing_available_is_one_line(tmp_path, closed_port_url, monkeypatch):
    monkeypatch.setenv("VAPI_SPEC_URL", closed_port_url)
    with pytest.raises(SpecSourceError, match="VAPI_SPEC_MIRROR is not a folder") as info:
        load(store=tmp_path / "empty-store")
    assert "\n" not in str(info.value)


def test_default_prefers_live_url(spec_server, tmp_path, fixtures, monkeypatch, capsys):
    url = spec_server.route("/api-json", spec_server.Reply(200, (fixtures / "openapi31.json").read_bytes()))
    monkeypatch.setenv("VAPI_SPEC_URL", url)
    SnapshotStore(tmp_path / "store").add(load(fixtures / "minimal.yaml"))
    loaded = load(store=tmp_path / "store")
    assert loaded.origin == url and loaded.document["openapi"] == "3.1.0"
    assert capsys.readouterr().err == ""


def test_swagger_and_json_errors_keep_store_untouched(tmp_path, fixtures):
    store = SnapshotStore(tmp_path / "store")
    for bad in ("swagger2.json", "invalid.json", "page.html"):
        with pytest.raises(SpecSourceError):
            store.add(load(fixtures / bad))
    assert not (tmp_path / "store").exists()
    assert json.loads(json.dumps(store.entries())) == []


def test_yaml_dates_stay_strings(tmp_path):
    (tmp_path / "dated.yaml").write_text('openapi: 3.0.0\ninfo: {title: t, version: "1"}\npaths: {}\nx-since: 2024-01-01\n')
    assert load(tmp_path / "dated.yaml").document["x-since"] == "2024-01-01"


def test_yaml_alias_loop_is_one_line_error(tmp_path):
    from vapi_contract.spec.store import SnapshotStore

    (tmp_path / "loop.yaml").write_text('openapi: 3.0.0\ninfo: {title: t, version: "1"}\npaths: {}\nx-loop: &a\n  - *a\n')
    with pytest.raises(SpecSourceError, match="cyclic"):
        SnapshotStore(tmp_path / "store").add(load(tmp_path / "loop.yaml"))
    assert not (tmp_path / "store").exists()
