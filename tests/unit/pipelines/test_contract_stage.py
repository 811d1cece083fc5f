"""Judging contract runs computed elsewhere (CI shards): run.json is read through the evidence model."""

from __future__ import annotations

import pytest

from vapi_contract.errors import UsageError
from vapi_contract.evidence.model import OperationRecord
from vapi_contract.evidence.writer import RunWriter
from vapi_contract.pipelines import contract_stage


def _shard(run_dir, shard: str | None, *, status: str = "completed", exit_code: int = 0):
    with RunWriter(run_dir, [], worker="gw0") as writer:
        writer.start({"run_id": f"r-{run_dir.name}", "shard": shard, "spec": {"sha256": "ab" * 32}})
        writer.operation(OperationRecord(f"GET /{run_dir.name}", "passed", 3, checks=[]))
        writer.finish({"status": status, "exit_code": exit_code})
    return run_dir


def test_one_completed_run_is_judged_by_its_report(tmp_path):
    outcome = contract_stage.from_run_dirs([_shard(tmp_path / "a", None)], tmp_path / "out")
    assert (outcome.exit_code, outcome.problem, outcome.tested) == (0, None, True)


def test_a_missing_shard_is_never_a_pass(tmp_path):
    outcome = contract_stage.from_run_dirs([_shard(tmp_path / "a", "1/2")], tmp_path / "out")
    assert outcome.problem == "shard(s) 2/2 missing: results are partial" and not outcome.tested


def test_an_interrupted_run_says_so(tmp_path):
    outcome = contract_stage.from_run_dirs([_shard(tmp_path / "a", None, status="interrupted", exit_code=3)],
                                           tmp_path / "out")
    assert outcome.problem.endswith("did not complete (status interrupted)")


def test_a_run_json_that_is_not_an_object_is_one_line(tmp_path):
    run_dir = _shard(tmp_path / "a", "1/1")
    (run_dir / "run.json").write_text("[1, 2]\n")
    with pytest.raises(UsageError, match="expected a JSON object"):
        contract_stage.from_run_dirs([run_dir], tmp_path / "out")
