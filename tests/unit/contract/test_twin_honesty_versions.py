"""The twin is honest on the spec versions it serves: a default-profile contract run against it finds no server
bug and no undocumented property (benchmarks/bench_twin_versions.py; every version there, a few here, slow)."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
BENCH = REPO / "benchmarks" / "bench_twin_versions.py"
HISTORY = Path(os.environ.get("VAPI_SPEC_MIRROR", REPO.parent / "shared" / "vapi-spec-history"))


def _bench():
    spec = importlib.util.spec_from_file_location("bench_twin_versions", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_versions_are_selected_by_glob_and_position():
    bench = _bench()
    files = ["2024-a.json.gz", "2025-b.json.gz", "2025-c.json.gz", "2026-d.json.gz"]
    assert bench.select(files, "oldest,newest") == ["2024-a.json.gz", "2026-d.json.gz"]
    assert bench.select(files, "2025-*,middle") == ["2025-b.json.gz", "2025-c.json.gz"]
    assert bench.select(files, "middle") == bench.spread(files)[2:3]  # the third version a full run measures
    with pytest.raises(ValueError, match="matches no version"):
        bench.select(files, "1999-*")


def test_tally_counts_server_bugs_and_undocumented_properties_apart_from_slowness():
    bench = _bench()
    findings = [
        {"operation": "GET /x", "check": "response_schema_conformance", "classification": "server-bug", "status": "new"},
        {"operation": "GET /x", "check": "latency_budget", "classification": "server-bug", "status": "new"},
        {"operation": "POST /x", "check": "undocumented_properties", "classification": "spec-gap", "status": "new"},
        {"operation": "GET /x/{id}", "check": "undocumented_status_code", "classification": "spec-gap",
         "status": "known"},
        {"operation": "POST /y", "check": "positive_data_acceptance", "classification": "spec-gap", "status": "new"},
    ]
    row = bench.tally({"findings": findings, "totals": {"cases": 9}})
    assert (row["server_bug"], row["undoc_props"], row["other"], row["slow"], row["cases"]) == (1, 1, 1, 1, 9)
    assert [f["check"] for f in row["listed"]] == ["response_schema_conformance", "undocumented_properties",
                                                   "positive_data_acceptance"]
    assert bench.bad({"exit": 1, **row}) and not bench.bad({"exit": 1, **row, "server_bug": 0, "undoc_props": 0})
    assert bench.bad({"exit": 3, **row, "server_bug": 0, "undoc_props": 0})  # could not test: not clean
    assert bench.bad({"exit": 1, **bench.tally(None)})  # no summary.json (a run cut or its dir cleared)
    # a run with new findings exits 1 even when a selected test errored: still not completed
    errored = bench.tally({"findings": [], "operations": [
        {"operation": "lifecycle /assistant", "outcome": "error", "reason": "could not create an object to follow"}]})
    assert errored["cut"] == 1 and bench.incomplete({"exit": 1, **errored}) and bench.bad({"exit": 1, **errored})


@pytest.mark.slow
def test_twin_is_honest_on_the_oldest_a_middle_and_the_newest_version(tmp_path, capsys):
    if not (HISTORY / "index.json").exists():
        pytest.skip(f"no shared spec history at {HISTORY}")
    bench = _bench()
    # the bench's own defaults (3 examples, seed 1): the first three versions of its spread order, cases cached
    code = bench.main(["--versions", "oldest,middle,newest", "--out", str(tmp_path)])
    rows = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert len(rows) == 3
    assert not [r["version"] for r in rows if bench.incomplete(r)], (tmp_path / "findings.md").read_text()
    assert [(r["version"], r["server_bug"], r["undoc_props"]) for r in rows] == \
        [(r["version"], 0, 0) for r in rows], (tmp_path / "findings.md").read_text()
    assert code == 0
