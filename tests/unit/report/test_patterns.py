"""Accepted findings as patterns (`match:` entries): parsing, triage, the shipped baseline, the report."""

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from vapi_contract.contract.accepted import known_reason
from vapi_contract.errors import UsageError
from vapi_contract.evidence.writer import RunWriter
from vapi_contract.report import baseline as bl
from vapi_contract.report import build
from vapi_contract.report.builder import schema_path

TODAY = dt.date(2026, 11, 21)
FP = "0123456789abcdef"
SHIPPED = Path(__file__).resolve().parents[3] / "specs" / "vapi" / "accepted-findings.yaml"
NOT_FOUND = """accepted:
- match:
    check: undocumented_status_code
    classification: spec-gap
    status: 404
    operation: '*{*}*'
    cause: '^status 404 is not documented'
  reason: unknown ids answer 404
  owner: qa
  expires: 2027-01-31
"""


def finding(operation="GET /assistant/{id}", check="undocumented_status_code", classification="spec-gap",
            status=404, fingerprint="aaaaaaaaaaaaaaaa", message=None):
    return {"operation": operation, "check": check, "classification": classification, "status_code": status,
            "fingerprint": fingerprint, "message": message or f"status {status} is not documented (documented: 200)"}


def write(tmp_path, text):
    path = tmp_path / "accepted.yaml"
    path.write_text(text)
    return path


def test_a_pattern_entry_loads_and_round_trips(tmp_path):
    loaded = bl.load(write(tmp_path, NOT_FOUND))
    assert loaded.entries == [] and len(loaded.patterns) == 1 and loaded.has_entries
    pattern = loaded.patterns[0]
    assert pattern.match.status == (404,) and pattern.match.operation == ("*{*}*",)
    assert pattern.as_dict()["match"] == yaml.safe_load(NOT_FOUND)["accepted"][0]["match"]
    again = bl.parse(bl.dumps(loaded))
    assert again.patterns == loaded.patterns
    assert "undocumented_status_code spec-gap 404" in pattern.match.describe()


@pytest.mark.parametrize("entry, message", [
    ("{match: {check: c, classification: spec-gap, stauts: 404}, reason: r, owner: o, expires: 2030-01-01}",
     "unknown match key(s) 'stauts'"),
    ("{match: {check: c, classification: spec-gap, cause: '(unclosed'}, reason: r, owner: o, expires: 2030-01-01}",
     "'cause' is not a valid regular expression"),
    ("{match: {check: c, classification: spec-gap, status: '404'}, reason: r, owner: o, expires: 2030-01-01}",
     "'status' must be an HTTP status"),
    ("{match: {check: c, classification: spec-gap, status: true}, reason: r, owner: o, expires: 2030-01-01}",
     "'status' must be an HTTP status"),
    ("{match: {check: c, classification: spec-gap, status: 99}, reason: r, owner: o, expires: 2030-01-01}",
     "'status' must be an HTTP status"),
    ("{match: {check: 3, classification: spec-gap}, reason: r, owner: o, expires: 2030-01-01}",
     "'check' must be a non-empty string"),
    ("{match: {check: c, classification: spec-gap, operation: [1]}, reason: r, owner: o, expires: 2030-01-01}",
     "'operation' must be a non-empty string"),
    ("{match: {check: c, classification: bug}, reason: r, owner: o, expires: 2030-01-01}",
     "'classification' 'bug' is not one of"),
    ("{match: {status: 404}, reason: r, owner: o, expires: 2030-01-01}", "match needs 'check' and 'classification'"),
    ("{match: {check: c}, reason: r, owner: o, expires: 2030-01-01}", "match needs 'classification'"),
    ("{match: [404], reason: r, owner: o, expires: 2030-01-01}", "'match' must be a mapping"),
    ("{match: {}, reason: r, owner: o, expires: 2030-01-01}", "'match' must be a mapping"),
    (f"{{fingerprint: {FP}, match: {{check: c, classification: spec-gap}}, reason: r, owner: o, expires: 2030-01-01}}",
     "either 'fingerprint' or 'match'"),
    ("{match: {check: c, classification: spec-gap}, operation: '*', reason: r, owner: o, expires: 2030-01-01}",
     "'operation' belong(s) inside 'match'"),
    ("{match: {check: c, classification: spec-gap}, reason: r, owner: o, expires: 2030-01-01, ownr: x}",
     "unknown key(s) 'ownr'"),
    ("{match: {check: c, classification: spec-gap}, reason: r, owner: o}", "missing 'expires'"),
    ("{match: {check: c, classification: spec-gap}, reason: r, owner: o, expires: soon}", "'expires' must be a date"),
])
def test_a_bad_pattern_is_a_one_line_usage_error(tmp_path, entry, message):
    path = write(tmp_path, f"accepted:\n - {entry}\n")
    with pytest.raises(UsageError) as info:
        bl.load(path)
    assert message in str(info.value), str(info.value)
    assert str(path) in str(info.value) and "entry 1" in str(info.value) and "\n" not in str(info.value)
    assert info.value.exit_code == 2


def test_triage_known_by_fingerprint_or_by_a_live_pattern(tmp_path):
    path = write(tmp_path, NOT_FOUND + f"""- fingerprint: {FP}
  reason: specific
  owner: qa
  expires: 2027-01-31
  operation: POST /tool
""")
    loaded = bl.load(path)
    findings = [
        finding(fingerprint="1" * 16),  # matched by the pattern
        finding(operation="GET /brand-new/{id}", fingerprint="2" * 16),  # an operation added by a later spec
        finding(status=500, classification="server-bug", fingerprint="3" * 16),  # a 5xx is never matched
        finding(check="response_schema_conformance", status=404, fingerprint="4" * 16),  # another check
        finding(operation="GET /assistant", fingerprint="5" * 16),  # 404 on a path without an id: not "unknown id"
        finding(status=404, classification="server-bug", fingerprint="6" * 16),  # another classification
        finding(operation="POST /tool", check="negative_data_rejection", classification="server-bug", status=201,
                fingerprint=FP),  # accepted by its fingerprint
        finding(fingerprint="7" * 16, message="status 404 was expected"),  # cause regex does not match
    ]
    result = bl.triage(findings, loaded, tested_operations={"POST /tool"}, today=TODAY)
    assert result.status == {"1" * 16: "known", "2" * 16: "known", "3" * 16: "new", "4" * 16: "new",
                             "5" * 16: "new", "6" * 16: "new", FP: "known", "7" * 16: "new"}
    assert result.accepted_by["1" * 16] is loaded.patterns[0] and result.accepted_by[FP] is loaded.entries[0]
    assert result.pattern_matches == [2]
    assert result.fixed == [] and result.not_covered == []


def test_patterns_are_never_fixed_or_not_covered_and_count_used_or_unused(tmp_path):
    loaded = bl.load(write(tmp_path, NOT_FOUND))
    result = bl.triage([], loaded, tested_operations=set(), today=TODAY)
    assert result.fixed == [] and result.not_covered == [] and result.pattern_matches == [0]


def test_an_expired_pattern_accepts_nothing_and_the_finding_says_so(tmp_path):
    loaded = bl.load(write(tmp_path, NOT_FOUND.replace("2027-01-31", "2026-11-20")))
    result = bl.triage([finding()], loaded, today=TODAY)
    assert result.status == {"aaaaaaaaaaaaaaaa": "new"}
    assert result.accepted_by["aaaaaaaaaaaaaaaa"].expired(TODAY)
    # valid through its expiry day, as fingerprint entries are
    assert bl.triage([finding()], loaded, today=TODAY - dt.timedelta(days=1)).status["aaaaaaaaaaaaaaaa"] == "known"


def test_an_expired_fingerprint_is_still_known_through_a_live_pattern(tmp_path):
    text = NOT_FOUND + f"- {{fingerprint: {'a' * 16}, reason: r, owner: o, expires: 2020-01-01}}\n"
    result = bl.triage([finding()], bl.load(write(tmp_path, text)), today=TODAY)
    assert result.status == {"a" * 16: "known"} and result.accepted_by["a" * 16].match.status == (404,)


def test_lists_and_globs_in_a_pattern(tmp_path):
    text = NOT_FOUND.replace("status: 404", "status: [400, 404]").replace("operation: '*{*}*'",
                                                                         "operation: ['GET *', 'DELETE /x/*']")
    text = text.replace("    cause: '^status 404 is not documented'\n", "")
    loaded = bl.load(write(tmp_path, text))
    hits = [loaded.patterns[0].matches(finding(operation=op, status=status))
            for op, status in (("GET /a", 400), ("DELETE /x/{id}", 404), ("PATCH /a/{id}", 404), ("GET /a", 409))]
    assert hits == [True, True, False, False]


def test_the_test_side_xfails_on_pattern_only_baselines(tmp_path):
    loaded = bl.load(write(tmp_path, NOT_FOUND))
    assert known_reason([finding()], loaded, today=TODAY).startswith("known: 1 accepted finding(s)")
    assert known_reason([finding(), finding(status=500, classification="server-bug", fingerprint="b" * 16)],
                        loaded, today=TODAY) is None


def test_accept_keeps_the_patterns_when_appending_and_when_renewing(tmp_path):
    path = write(tmp_path, NOT_FOUND)
    bl.accept(path, FP, reason="r1", owner="qa", expires="2027-01-31", today=TODAY)
    assert "cause: '^status 404 is not documented'" in path.read_text()  # appended in place, text kept
    bl.accept(path, FP, reason="r2", owner="qa", expires="2027-02-28", today=TODAY)  # renewing rewrites the file
    loaded = bl.load(path)
    assert len(loaded.patterns) == 1 and loaded.patterns[0].match.cause == "^status 404 is not documented"
    assert [(e.fingerprint, e.reason) for e in loaded.entries] == [(FP, "r2")]


# -- the shipped baseline -----------------------------------------------------------------------------------


def test_the_shipped_baseline_accepts_the_systemic_4xx_gaps_of_any_operation():
    loaded = bl.load(SHIPPED)
    assert loaded.patterns and not any(p.expired(TODAY) for p in loaded.patterns)
    new_ops = ("GET /knowledge-base/{id}", "PATCH /workflow/{id}", "DELETE /v3/thing/{thingId}")
    known = [finding(operation=op, fingerprint=f"{i:016x}") for i, op in enumerate(new_ops)]
    known += [finding(operation=op, status=400, fingerprint=f"{i + 10:016x}")
              for i, op in enumerate(("POST /workflow", "GET /knowledge-base", "PATCH /workflow/{id}"))]
    assert set(bl.triage(known, loaded, today=TODAY).status.values()) == {"known"}
    never = [
        finding(status=500, classification="server-bug"),
        finding(status=502, classification="infra"),
        finding(check="response_schema_conformance", classification="server-bug", status=200),
        finding(check="not_a_server_error", classification="server-bug", status=500),
        finding(check="negative_data_rejection", classification="server-bug", status=201),
        finding(check="positive_data_acceptance", classification="spec-gap", status=400),
        finding(check="undocumented_properties", classification="spec-gap", status=200),
        finding(status=409),
        finding(status=422),
        finding(operation="GET /assistant", status=404),  # no id: a 404 there is not "unknown id"
        finding(status=201),
    ]
    for item in never:
        assert bl.triage([item], loaded, today=TODAY).status[item["fingerprint"]] == "new", item


def test_the_shipped_baseline_still_covers_every_finding_it_accepted_by_fingerprint():
    """The 76 fingerprints it replaced (undocumented 404 on /x/{id} and 400 anywhere, 2026-04-22 spec)."""
    ops_404 = [f"{m} /{fam}/{{id}}" for fam in ("assistant", "call", "file", "tool", "eval/run") for m in
               ("GET", "PATCH", "DELETE")]
    ops_400 = ["DELETE /call/{id}", "GET /assistant", "POST /analytics", "GET /provider/{provider}/{resourceName}"]
    items = [finding(operation=op, fingerprint=f"{i:016x}") for i, op in enumerate(ops_404)]
    items += [finding(operation=op, status=400, fingerprint=f"{i + 100:016x}") for i, op in enumerate(ops_400)]
    assert set(bl.triage(items, bl.load(SHIPPED), today=TODAY).status.values()) == {"known"}


# -- in the report ------------------------------------------------------------------------------------------


def _run(tmp_path: Path, findings: list[dict]) -> Path:
    run_dir = tmp_path / "run"
    with RunWriter(run_dir, []) as writer:
        writer.start({"run_id": "r1", "spec": {"operations": 2}, "options": {"selected": ["GET /a/{id}", "POST /a"]}})
        for op in ("GET /a/{id}", "POST /a"):
            writer.operation({"operation": op, "status": "passed", "cases": 5, "duration_s": 0.1, "checks": []})
        for item in findings:
            writer.finding({**item, "reproducer": "curl ...", "flaky": False, "details": {}})
        writer.finish({"status": "completed"})
    return run_dir


def test_the_report_shows_pattern_matches_and_known_findings(tmp_path):
    run_dir = _run(tmp_path, [finding(operation="GET /a/{id}", fingerprint="c" * 16)])
    baseline = write(tmp_path, NOT_FOUND + """- match: {check: undocumented_status_code, classification: spec-gap, status: 400}
  reason: bad input answered 400
  owner: qa
  expires: 2027-01-31
""")
    summary = build(run_dir, baseline, today=TODAY)
    schema = json.loads(schema_path().read_text())
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(summary)
    assert summary["verdict"] == "pass" and summary["exit_code"] == 0
    assert summary["findings"][0]["status"] == "known"
    assert summary["findings"][0]["baseline"]["match"]["status"] == 404
    patterns = summary["baseline"]["patterns"]
    assert (patterns["used"], patterns["unused"]) == (1, 1)
    assert [e["matched"] for e in patterns["entries"]] == [1, 0]
    assert summary["fixed"] == [] and summary["not_covered"] == []
    markdown = (run_dir / "summary.md").read_text()
    assert "Baseline patterns: 1 used, 1 unused" in markdown
    assert "unknown ids answer 404" in markdown  # the known finding's reason
    assert "unknown ids answer 404" in (run_dir / "index.html").read_text()


def test_a_5xx_is_new_under_the_shipped_baseline(tmp_path):
    run_dir = _run(tmp_path, [finding(operation="GET /a/{id}", fingerprint="d" * 16, status=500,
                                      classification="server-bug", check="not_a_server_error",
                                      message="500 Internal Server Error")])
    summary = build(run_dir, SHIPPED, today=TODAY)
    assert summary["verdict"] == "fail" and summary["totals"]["new"] == 1
