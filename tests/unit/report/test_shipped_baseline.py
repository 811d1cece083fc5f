"""The accepted findings shipped inside the package (used when a store has none of its own) are a valid baseline,
every entry is also in the checkout's specs/vapi/accepted-findings.yaml, and a run from an empty folder uses them."""

from __future__ import annotations

from pathlib import Path

import yaml

from vapi_contract.report.baseline import SHIPPED, default_baseline, load

REPO = Path(__file__).resolve().parents[3]


def test_the_shipped_baseline_loads_and_holds_only_patterns():
    baseline = load(SHIPPED)
    assert baseline.has_entries
    raw = yaml.safe_load(SHIPPED.read_text())["accepted"]
    assert raw and all("match" in entry and "fingerprint" not in entry for entry in raw)


def test_every_shipped_entry_is_in_the_checkout_store():
    store = yaml.safe_load((REPO / "specs/vapi/accepted-findings.yaml").read_text())["accepted"]
    for entry in yaml.safe_load(SHIPPED.read_text())["accepted"]:
        assert entry in store, entry


def test_a_store_without_its_own_file_falls_back_to_the_shipped_one(tmp_path, monkeypatch):
    monkeypatch.setenv("VAPI_CONTRACT_STORE", str(tmp_path / "store"))
    assert default_baseline() == SHIPPED
    own = tmp_path / "store" / "accepted-findings.yaml"
    own.parent.mkdir()
    own.write_text("accepted: []\n")
    assert default_baseline() == own
    assert default_baseline(tmp_path / "elsewhere") == SHIPPED
