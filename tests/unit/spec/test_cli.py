"""`vapi-contract spec ...` end to end: exit codes, one-line errors, JSON shapes, store untouched on failure."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import pytest

from vapi_contract.cli import main


def run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vapi_contract.cli", *argv], capture_output=True, text=True, check=False,
                          env=dict(os.environ), timeout=120)


def _assert_one_line_exit_2(proc):
    assert proc.returncode == 2, proc
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("vapi-contract: error: ") and proc.stderr.count("\n") == 1


@pytest.mark.parametrize("name", ["page.html", "invalid.json", "invalid.yaml", "not-openapi.json", "swagger2.json",
                                  "absent.json"])
def test_bad_sources_exit_2_and_leave_store_untouched(fixtures, tmp_path, name):
    store = tmp_path / "store"
    _assert_one_line_exit_2(run("spec", "fetch", "--source", str(fixtures / name), "--store", str(store)))
    _assert_one_line_exit_2(run("spec", "validate", str(fixtures / name), "--store", str(store)))
    assert not store.exists()


def test_bad_url_sources_exit_2(spec_server, closed_port_url, tmp_path):
    R = spec_server.Reply
    for url in (spec_server.route("/404", R(404)), spec_server.route("/500", R(500)), closed_port_url):
        _assert_one_line_exit_2(run("spec", "fetch", "--source", url, "--store", str(tmp_path / "s")))
    assert not (tmp_path / "s").exists()


def test_fetch_list_show(fixtures, tmp_path, capsys):
    store = str(tmp_path / "store")
    assert main(["spec", "fetch", "--source", str(fixtures / "minimal.yaml"), "--store", store]) == 0
    assert capsys.readouterr().out.startswith("new snapshot: ")
    assert main(["spec", "fetch", "--source", str(fixtures / "minimal.yaml"), "--store", store]) == 0
    assert capsys.readouterr().out.startswith("unchanged (same canonical hash)")
    assert main(["spec", "list", "--store", store, "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)["snapshots"]
    assert len(listed) == 1 and listed[0]["operations"] == 2
    assert main(["spec", "show", "latest", "--store", store, "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["id"] == listed[0]["id"] and shown["previous"] is None
    assert main(["spec", "show", "latest", "--store", store, "--document"]) == 0
    assert json.loads(capsys.readouterr().out)["paths"]["/assistant/{id}"]
    assert main(["spec", "show", "nosuchsnapshot", "--store", store]) == 2


def test_list_empty_store(tmp_path, capsys):
    assert main(["spec", "list", "--store", str(tmp_path / "none")]) == 0
    assert "no snapshots" in capsys.readouterr().out


def test_validate_exit_codes_and_json_shape(fixtures, tmp_path, capsys):
    store = str(tmp_path / "store")
    spec = str(fixtures / "semantic-errors.json")
    assert main(["spec", "validate", str(fixtures / "minimal.yaml"), "--store", store]) == 0
    capsys.readouterr()
    assert main(["spec", "validate", spec, "--store", store, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"errors", "fixed", "summary"}
    assert set(report["summary"]) == {"total", "new", "known", "fixed"}
    assert all(set(e) == {"fingerprint", "pointer", "message", "status"} for e in report["errors"])
    assert {e["status"] for e in report["errors"]} == {"new"}

    assert main(["spec", "validate", spec, "--store", store, "--update-baseline"]) == 0
    assert (tmp_path / "store" / "known-spec-errors.json").exists()
    capsys.readouterr()
    assert main(["spec", "validate", spec, "--store", store, "--format", "json"]) == 0  # default baseline
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["new"] == 0 and report["summary"]["known"] == report["summary"]["total"] > 0

    assert main(["spec", "validate", str(fixtures / "minimal.yaml"), "--store", store, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["fixed"] == len(report["fixed"]) > 0


def test_validate_with_explicit_bad_baseline_is_usage_error(fixtures, tmp_path):
    bad = tmp_path / "baseline.json"
    bad.write_text("[]")
    _assert_one_line_exit_2(run("spec", "validate", str(fixtures / "minimal.yaml"), "--baseline", str(bad)))


def test_validate_snapshot_and_url(fixtures, tmp_path, spec_server, capsys):
    store = str(tmp_path / "store")
    main(["spec", "fetch", "--source", str(fixtures / "semantic-errors.json"), "--store", store])
    assert main(["spec", "validate", "latest", "--store", store]) == 1
    url = spec_server.route("/api-json", spec_server.Reply(200, (fixtures / "minimal.yaml").read_bytes()))
    assert main(["spec", "validate", url, "--store", store]) == 0
    assert "0 spec errors" in capsys.readouterr().out


def test_validate_real_spec_with_dangling_refs_carries_on(spec_history, tmp_path, capsys):
    path = spec_history / "2025-04-16T0942-95edb21.json.gz"
    assert main(["spec", "validate", str(path), "--store", str(tmp_path), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert any("does not resolve" in e["message"] for e in report["errors"])


def test_truncated_gzip_and_non_utf8_via_cli(tmp_path, fixtures):
    packed = gzip.compress((fixtures / "minimal.yaml").read_bytes())
    (tmp_path / "cut.yaml.gz").write_bytes(packed[:-10])
    (tmp_path / "latin.json").write_bytes(b'{"openapi": "3.0.0", "info": {"title": "caf\xe9"}}')
    for name in ("cut.yaml.gz", "latin.json"):
        _assert_one_line_exit_2(run("spec", "validate", str(tmp_path / name)))


def test_spec_without_subcommand_prints_help(capsys):
    assert main(["spec"]) == 2
    assert "fetch" in capsys.readouterr().out


def test_update_baseline_into_a_folder_is_one_line(fixtures, tmp_path):
    folder = tmp_path / "baseline-dir"
    folder.mkdir()
    _assert_one_line_exit_2(run("spec", "validate", str(fixtures / "openapi31.json"), "--baseline", str(folder),
                                "--update-baseline", "--store", str(tmp_path / "store")))
    assert list(folder.iterdir()) == []
