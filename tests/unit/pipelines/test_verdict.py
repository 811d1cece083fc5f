"""The gate verdict: PASS only when every check passes; every reason appears in terminal, Markdown and JUnit."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from vapi_contract.pipelines.verdict import (
    ERROR,
    FAIL,
    PASS,
    SKIPPED,
    Check,
    Verdict,
    render_junit,
    render_markdown,
    render_terminal,
)


def failing_verdict() -> Verdict:
    return Verdict(
        "release gate",
        [
            Check("spec validation", PASS, "42 errors, all known", notes=["42 known errors"]),
            Check(
                "breaking changes",
                FAIL,
                "2 unapproved breaking changes",
                reasons=["api-removed-without-deprecation DELETE /assistant/{id}: removed", "x | y <b>"],
                notes=["approved: response-property-removed GET /call/{id} (jane.doe: moved)"],
            ),
            Check("contract run", ERROR, "target unreachable (exit 3)"),
        ],
    )


def test_pass_needs_every_check_to_pass_or_be_skipped():
    assert Verdict("g", [Check("a", PASS, "ok"), Check("b", SKIPPED, "n/a")]).exit_code() == 0
    assert not Verdict("g", []).passed  # nothing checked is never a pass
    assert failing_verdict().exit_code() == 1
    assert Verdict("g", [Check("a", PASS, "ok"), Check("b", ERROR, "down")]).exit_code() == 3


def test_reasons_list_every_failure_with_its_check():
    reasons = failing_verdict().reasons
    assert reasons == [
        "breaking changes: api-removed-without-deprecation DELETE /assistant/{id}: removed",
        "breaking changes: x | y <b>",
        "contract run: target unreachable (exit 3)",
    ]


def test_terminal_shows_verdict_each_check_and_each_reason():
    text = render_terminal(failing_verdict())
    assert text.splitlines()[0] == "release gate: FAIL"
    assert "[FAIL ] breaking changes" in text and "[ERROR] contract run" in text
    assert "- api-removed-without-deprecation DELETE /assistant/{id}: removed" in text
    assert "\033[" not in text and "\033[1;31m" in render_terminal(failing_verdict(), color=True)


def test_markdown_is_a_pr_comment_with_a_table_and_escaped_reasons():
    md = render_markdown(failing_verdict())
    assert md.startswith("## ❌ release gate: **FAIL**")
    assert "| breaking changes | ❌ fail | 2 unapproved breaking changes |" in md
    assert "- x \\| y &lt;b&gt;" in md
    assert "approved: response-property-removed" in md


def test_markdown_caps_long_lists():
    verdict = Verdict("g", [Check("c", FAIL, "many", reasons=[f"r{i}" for i in range(80)])])
    md = render_markdown(verdict)
    assert "- r49" in md and "- r50" not in md and "and 30 more" in md


def test_junit_has_one_case_per_check_and_failures_carry_every_reason():
    root = ET.fromstring(render_junit(failing_verdict()))
    suite = root.find("testsuite")
    assert suite.get("tests") == "3" and suite.get("failures") == "1" and suite.get("errors") == "1"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {"spec validation", "breaking changes", "contract run"}
    assert cases["spec validation"].find("failure") is None
    failure = cases["breaking changes"].find("failure")
    assert "DELETE /assistant/{id}" in failure.text and "x | y <b>" in failure.text
    assert cases["contract run"].find("error") is not None
