"""A test whose findings are all accepted (known, not expired) by the run's baseline ends as xfail; any new or
expired finding keeps it failing -- the same triage the report applies."""

from __future__ import annotations

import datetime as _dt

import pytest

from vapi_contract.contract.accepted import known_reason, run_baseline
from vapi_contract.errors import UsageError
from vapi_contract.report.baseline import SHIPPED, parse

FP_A, FP_B, FP_C = "0d47ca63" + "a" * 12, "1b2c3d4e" + "b" * 12, "9f9f9f9f" + "c" * 12
TODAY = _dt.date(2026, 11, 21)


def baseline(*rows: tuple[str, str]):
    return parse("accepted:\n" + "".join(
        f"  - fingerprint: {fp}\n    reason: gap\n    owner: qa\n    expires: {expires}\n" for fp, expires in rows))


def finding(fp: str) -> dict:
    return {"fingerprint": fp, "operation": "GET /tool/{id}", "check": "undocumented_status_code",
            "classification": "spec-gap", "flaky": False}


def test_only_accepted_findings_give_a_reason_naming_them():
    base = baseline((FP_A, "2099-01-01"), (FP_B, "2099-01-01"))
    reason = known_reason([finding(FP_B), finding(FP_A), finding(FP_A)], base, today=TODAY)
    assert reason == "known: 2 accepted finding(s) 0d47ca63..., 1b2c3d4e..."


def test_a_new_finding_keeps_the_test_failing():
    base = baseline((FP_A, "2099-01-01"))
    assert known_reason([finding(FP_A), finding(FP_C)], base, today=TODAY) is None


def test_an_expired_acceptance_is_new_again():
    base = baseline((FP_A, "2026-11-20"), (FP_B, "2099-01-01"))
    assert known_reason([finding(FP_A), finding(FP_B)], base, today=TODAY) is None
    assert known_reason([finding(FP_A)], baseline((FP_A, "2026-11-21")), today=TODAY) is not None  # valid that day


def test_no_findings_or_no_baseline_is_no_xfail():
    assert known_reason([], baseline((FP_A, "2099-01-01"))) is None
    assert known_reason([finding(FP_A)], None) is None


def test_run_baseline_uses_the_option_then_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("VAPI_CONTRACT_STORE", str(tmp_path))
    assert run_baseline({"baseline": None}).path == SHIPPED  # no file in the store: the shipped one
    (tmp_path / "accepted-findings.yaml").write_text(
        f"accepted:\n  - fingerprint: {FP_A}\n    reason: r\n    owner: o\n    expires: 2099-01-01\n")
    assert [e.fingerprint for e in run_baseline({"baseline": None}).entries] == [FP_A]
    with pytest.raises(UsageError):
        run_baseline({"baseline": str(tmp_path / "missing.yaml")})
