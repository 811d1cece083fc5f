"""End to end: the gate and the nightly job with a real contract run against a real twin on loopback.

The spec is the newest published one cut down (at test time, nothing copied into the repo) to one small CRUD
family, /observability/scorecard, so a full contract run takes seconds.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from vapi_contract.cli import main
from vapi_contract.pipelines import gate, history
from vapi_contract.spec import validate as spec_validate
from vapi_contract.spec.sources import load_file
from vapi_contract.spec.store import SnapshotStore

KEEP_PATHS = ("/observability/scorecard", "/observability/scorecard/{id}")


def _refs(node, schemas, found):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[-1]
            if name not in found and name in schemas:
                found.add(name)
                _refs(schemas[name], schemas, found)
        for value in node.values():
            _refs(value, schemas, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, schemas, found)
    return found


def cut_down(spec: dict) -> dict:
    doc = copy.deepcopy(spec)
    doc["paths"] = {p: doc["paths"][p] for p in KEEP_PATHS}
    schemas = doc["components"]["schemas"]
    keep = _refs(doc["paths"], schemas, set())
    doc["components"]["schemas"] = {k: v for k, v in schemas.items() if k in keep}
    return doc


@pytest.fixture(autouse=True)
def _offline(monkeypatch, tmp_path_factory):
    pytest.importorskip("vapi_contract.contract.cli", reason="contract suite (issue 5) not built yet")
    monkeypatch.setenv("VAPI_SPEC_URL", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.delenv("VAPI_SPEC_MIRROR", raising=False)
    monkeypatch.delenv("VAPI_API_KEY", raising=False)


@pytest.fixture
def mini(tmp_path, newest_spec) -> Path:
    path = tmp_path / "scorecard-spec.json"
    path.write_text(json.dumps(cut_down(newest_spec)))
    return path


@pytest.fixture
def store(tmp_path, mini) -> Path:
    root = tmp_path / "store"
    loaded = load_file(mini)
    SnapshotStore(root).add(loaded)
    spec_validate.write_baseline(root / "known-spec-errors.json", spec_validate.validate_cached(loaded.document),
                                 spec_sha256=None, source="test")
    return root


def test_gate_passes_against_a_twin_serving_the_candidate(tmp_path, store, mini, capsys):
    code = main(["gate", "--candidate", str(mini), "--store", str(store), "--out", str(tmp_path / "gate")])
    out = capsys.readouterr().out
    assert code == 0, out
    verdict = json.loads((tmp_path / "gate" / "verdict.json").read_text())
    contract = next(c for c in verdict["checks"] if c["name"] == "contract run")
    assert contract["status"] == "pass" and "twin" in contract["summary"]
    assert (tmp_path / "gate" / "contract" / "summary.json").exists()


def test_gate_fails_on_a_new_contract_finding_from_a_faulty_deployment(tmp_path, store, mini, monkeypatch):
    from vapi_contract.twin.server import start_twin

    twin = start_twin(spec=str(mini), port=0, fault="wrong-type")
    try:
        monkeypatch.setenv("VAPI_API_KEY", next(iter(twin.tokens.values())))
        verdict = gate.run(gate.GateOptions(candidate=str(mini), store=store, target=twin.base_url,
                                            out=tmp_path / "gate"))
    finally:
        twin.stop()
    contract = next(c for c in verdict.checks if c.name == "contract run")
    assert verdict.label == "FAIL" and contract.status == "fail", contract.summary
    assert contract.reasons and all("/observability/scorecard" in r for r in contract.reasons)
    assert "contract run" in (tmp_path / "gate" / "junit.xml").read_text()


def test_gate_against_an_unreachable_target_is_never_a_pass(tmp_path, store, mini, monkeypatch):
    monkeypatch.setenv("VAPI_API_KEY", "sk-test-unused")
    verdict = gate.run(gate.GateOptions(candidate=str(mini), store=store, target="http://127.0.0.1:9",
                                        out=tmp_path / "gate"))
    contract = next(c for c in verdict.checks if c.name == "contract run")
    assert contract.status == "error" and verdict.exit_code() == 3


def test_nightly_end_to_end_against_the_twin(tmp_path, store, mini):
    argv = ["nightly", "--source", str(mini), "--store", str(store), "--out", str(tmp_path / "night"),
            "--history", str(tmp_path / "history.json")]
    code = main(argv)
    night = json.loads((tmp_path / "night" / "nightly.json").read_text())
    assert code == 0, night["reasons"]
    assert night["contract"]["operation_counts"].get("passed", 0) >= 1
    assert night["contract"]["latency"]["p95_max"] is not None
    assert len(history.read(tmp_path / "history.json")) == 1
    assert "Slowest operations" in (tmp_path / "night" / "index.html").read_text()
