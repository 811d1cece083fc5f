import datetime as dt
import json
from pathlib import Path

import pytest

from vapi_contract.errors import UsageError
from vapi_contract.evidence.reader import load_evidence
from vapi_contract.evidence.writer import RunWriter
from vapi_contract.report import build, merge


def _split(source: Path, out: Path, shards: int = 2) -> list[Path]:
    """Re-record the fixture run as N shard runs (operations split by position, as --shard I/N does)."""
    evidence = load_evidence(source)
    ops = sorted({r.operation for r in evidence.operations})
    dirs = []
    for index in range(1, shards + 1):
        mine = set(ops[index - 1::shards])
        run_dir = out / f"shard{index}"
        writer = RunWriter(run_dir, [], worker="gw0")
        meta = {**evidence.meta.to_json(), "run_id": f"20261121T020000Z-00000{index}", "shard": f"{index}/{shards}"}
        meta["timings"] = {k: v / index for k, v in meta["timings"].items()}
        writer.start(meta)
        for kind in ("findings", "operations", "resources", "coverage"):
            for record in evidence.raw_records(kind):
                if kind == "resources" and index == 1 or kind != "resources" and record["operation"] in mine:
                    writer._append(kind, record)  # records as read back (time fields included)
        writer.finish({k: meta[k] for k in ("finished_at", "status", "exit_code")})
        writer.close()
        dirs.append(run_dir)
    return dirs


def _comparable(summary):
    return {k: summary[k] for k in ("totals", "operations", "findings", "fixed", "not_covered", "resources",
                                    "spec_issue_counts", "verdict")}


def test_merging_shards_equals_the_unsharded_run(tmp_path, nightly_dir, baseline_file):
    today = dt.date(2026, 11, 21)
    whole = build(nightly_dir, baseline_file, today=today)
    shards = _split(nightly_dir, tmp_path, 3)
    # Each shard alone cannot call the baseline entries of other shards' operations fixed.
    alone = build(shards[0], baseline_file, today=today)
    assert alone["totals"]["operations"] < whole["totals"]["operations"]
    merged = merge(shards, tmp_path / "merged", baseline_file)
    assert merged["totals"] == whole["totals"]
    for key in ("operations", "resources", "spec_issue_counts", "verdict"):
        assert merged[key] == whole[key], key
    assert [f["fingerprint"] for f in merged["findings"]] == [f["fingerprint"] for f in whole["findings"]]
    assert merged["run"]["merged_from"] == [f"20261121T020000Z-00000{i}" for i in (1, 2, 3)]
    assert merged["run"]["shard"] is None and merged["timings"]["total_s"] == whole["timings"]["total_s"]
    assert merged["warnings"] == []
    out = tmp_path / "merged"
    assert {"run.json", "findings.jsonl", "operations.jsonl", "resources.jsonl", "index.html", "junit.xml",
            "summary.md", "summary.json"} <= {p.name for p in out.iterdir()}
    # The merged dir is itself a run dir: it rebuilds, and can be merged again.
    assert _comparable(build(out, baseline_file, today=today)) == _comparable(merged)


def test_missing_shard_is_announced(tmp_path, nightly_dir):
    shards = _split(nightly_dir, tmp_path, 3)
    merged = merge(shards[:2], tmp_path / "merged")
    assert any("shard(s) 3/3 missing" in w for w in merged["warnings"])
    assert "3/3 missing" in (tmp_path / "merged" / "summary.md").read_text()


def test_different_specs_are_refused_in_one_line(tmp_path, nightly_dir):
    shards = _split(nightly_dir, tmp_path, 2)
    meta = json.loads((shards[1] / "run.json").read_text())
    meta["spec"]["sha256"] = "f" * 64
    (shards[1] / "run.json").write_text(json.dumps(meta))
    with pytest.raises(UsageError) as info:
        merge(shards, tmp_path / "merged")
    assert "different specs" in str(info.value) and "\n" not in str(info.value)
    assert not (tmp_path / "merged").exists()


def test_out_dir_must_not_be_an_input_or_another_run(tmp_path, nightly_dir):
    shards = _split(nightly_dir, tmp_path, 2)
    with pytest.raises(UsageError, match="is one of the run dirs"):
        merge(shards, shards[0])
    with pytest.raises(UsageError, match="already holds the evidence of a run"):
        merge(shards[:1], nightly_dir)
    merge(shards, tmp_path / "merged")
    merge(shards, tmp_path / "merged")  # re-merging into a previous merge output is fine


def test_interrupted_shard_makes_the_merge_incomplete(tmp_path, nightly_dir):
    shards = _split(nightly_dir, tmp_path, 2)
    meta = json.loads((shards[1] / "run.json").read_text())
    meta.update(status="interrupted", finished_at=None)
    (shards[1] / "run.json").write_text(json.dumps(meta))
    merged = merge(shards, tmp_path / "merged")
    assert merged["run"]["status"] == "interrupted" and merged["run"]["finished_at"] is None


def test_merged_selection_is_every_shards_selection():
    from vapi_contract.evidence.model import RunMeta
    from vapi_contract.report.merging import _merged_options as merge_options

    def _merged_options(metas):
        return merge_options([RunMeta.from_json(m) for m in metas])

    merged = _merged_options([{"options": {"profile": "nightly", "selected": ["GET /a", "lifecycle /a"]}},
                              {"options": {"profile": "nightly", "selected": ["GET /b"]}}])
    assert merged == {"profile": "nightly", "selected": ["GET /a", "GET /b", "lifecycle /a"]}
    assert "selected" not in _merged_options([{"options": {"selected": ["GET /a"]}}, {"options": {}}])
