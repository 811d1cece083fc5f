"""Approved breaking changes: validation of the file, matching by rule + operation/location, expiry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from vapi_contract.diff import approvals
from vapi_contract.diff.model import Change
from vapi_contract.errors import UsageError

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "pipelines" / "approved-changes.yaml"
TODAY = dt.date(2026, 11, 21)


def change(rule, operation, location="", operations=()):
    return Change(rule, "error", operation, tuple(operations) or (operation,), location, f"{rule} at {operation}")


def test_fixture_loads_with_every_field():
    entries = approvals.load(FIXTURE)
    assert [a.rule for a in entries] == [
        "api-removed-without-deprecation", "response-property-removed", "new-required-request-property"
    ]
    assert entries[0].expires == dt.date(2099, 12, 31) and entries[1].expires is None
    assert entries[0].approver == "jane.doe" and "archive" in entries[0].reason


def test_matching_needs_the_rule_and_the_place():
    entries = approvals.load(FIXTURE)
    removed = change("api-removed-without-deprecation", "DELETE /assistant/{id}")
    other_op = change("api-removed-without-deprecation", "DELETE /squad/{id}")
    other_rule = change("request-parameter-removed", "DELETE /assistant/{id}")
    outcome = approvals.apply([removed, other_op, other_rule], entries, today=TODAY)
    assert [c for c, _ in outcome.approved] == [removed]
    assert outcome.unapproved == [other_op, other_rule]


def test_location_wildcard_is_only_star_and_brackets_are_literal():
    entries = approvals.load(FIXTURE)
    hit = change("response-property-removed", "GET /call/{id}", "response 200 application/json: costs[].amount")
    miss = change("response-property-removed", "GET /call/{id}", "response 200 application/json: costsX.amount")
    outcome = approvals.apply([hit, miss], entries, today=TODAY)
    assert [c for c, _ in outcome.approved] == [hit] and outcome.unapproved == [miss]


def test_an_operation_reached_through_a_shared_component_matches():
    entries = approvals.load(FIXTURE)
    via_component = change(
        "api-removed-without-deprecation", "DELETE /aaa", operations=("DELETE /aaa", "DELETE /assistant/{id}")
    )
    assert approvals.apply([via_component], entries, today=TODAY).approved


def test_expired_approval_does_not_approve_and_is_reported():
    entries = approvals.load(FIXTURE)
    required = change("new-required-request-property", "POST /tool", "request body: type")
    outcome = approvals.apply([required], entries, today=TODAY)
    assert outcome.unapproved == [required]
    assert outcome.expired[0][1].expires == dt.date(2020, 1, 1)
    assert approvals.apply([required], entries, today=dt.date(2019, 6, 1)).approved


def test_unused_entries_are_listed_as_stale():
    entries = approvals.load(FIXTURE)
    outcome = approvals.apply([change("api-removed-without-deprecation", "DELETE /assistant/{id}")], entries, TODAY)
    assert [a.index for a in outcome.unused] == [2, 3]


@pytest.mark.parametrize(
    "text, message",
    [
        ("approved: {}", "expected a mapping with an 'approved' list"),
        ("approvals: []", "unknown top-level key(s) 'approvals'"),
        ("approved:\n  - rule: x\n    operation: GET /a\n    approver: me\n", "entry 1: missing 'reason'"),
        ("approved:\n  - rule: x\n    reason: r\n    approver: me\n", "entry 1: give 'operation' or 'location'"),
        ("approved:\n  - rule: x\n    operation: GET /a\n    reason: r\n    approver: me\n    expires: soon\n",
         "entry 1: 'expires' must be a date"),
        ("approved:\n  - rule: x\n    operation: GET /a\n    reason: r\n    approver: me\n    owner: q\n",
         "entry 1: unknown key(s) 'owner'"),
        (("approved:\n  - rule: x\n    operation: GET /a\n    reason: r\n    approver: me\n"
         "  - rule: x\n    operation: GET /a\n    reason: again\n    approver: you\n"), "entry 2: duplicates entry 1"),
        ("approved:\n  - just a string\n", "entry 1: expected a mapping"),
        ("approved: [\n", "not valid YAML at line"),
    ],
)
def test_bad_files_fail_with_one_line_naming_the_entry(tmp_path, text, message):
    path = tmp_path / "approved-changes.yaml"
    path.write_text(text)
    with pytest.raises(UsageError) as info:
        approvals.load(path)
    assert message in str(info.value) and "\n" not in str(info.value)
    assert info.value.exit_code == 2


def test_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="approvals file not found"):
        approvals.load(tmp_path / "nope.yaml")


def test_empty_file_approves_nothing(tmp_path):
    (tmp_path / "approved-changes.yaml").write_text("# nothing approved yet\n")
    assert approvals.load(tmp_path / "approved-changes.yaml") == []
    assert approvals.default_path(tmp_path) == tmp_path / "approved-changes.yaml"
    assert approvals.default_path(tmp_path / "absent") is None


def test_the_shipped_approvals_file_is_valid():
    shipped = Path(__file__).resolve().parents[3] / "specs" / "vapi" / "approved-changes.yaml"
    assert approvals.load(shipped) == []
    assert approvals.default_path(shipped.parent) == shipped
