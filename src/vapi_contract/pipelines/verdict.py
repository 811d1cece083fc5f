"""The gate's one verdict: PASS or FAIL, with every reason, rendered for a terminal, a PR comment and JUnit.

A verdict is a list of checks (spec validation, breaking changes, contract run). Each check has a status and the
reasons behind it; the verdict fails when any check fails, and says why for all of them, not just the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from ..render.text import md_code, md_text, plural

PASS, FAIL, ERROR, SKIPPED = "pass", "fail", "error", "skipped"


@dataclass
class Check:
    name: str  # e.g. "spec validation"
    status: str  # pass | fail | error (could not be decided) | skipped
    summary: str  # one line: what was checked and the outcome
    reasons: list[str] = field(default_factory=list)  # one line per failing item
    notes: list[str] = field(default_factory=list)  # context that does not fail: approved changes, known errors
    duration_s: float = 0.0
    links: dict[str, str] = field(default_factory=dict)  # label -> path of a detailed report
    operations: dict[str, list[str]] = field(default_factory=dict)  # "added"/"removed" -> operation labels


@dataclass
class Verdict:
    title: str
    checks: list[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(c.status in (PASS, SKIPPED) for c in self.checks)

    @property
    def label(self) -> str:
        return "PASS" if self.passed else "FAIL"

    @property
    def reasons(self) -> list[str]:
        """Every reason for a FAIL, prefixed with the check it comes from."""
        return [f"{c.name}: {r}" for c in self.checks if c.status in (FAIL, ERROR) for r in (c.reasons or [c.summary])]

    def exit_code(self) -> int:
        """0 pass; 1 a check failed; 3 only checks that could not run (e.g. target unreachable)."""
        if self.passed:
            return 0
        return 1 if any(c.status == FAIL for c in self.checks) else 3

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "verdict": self.label,
            "exit_code": self.exit_code(),
            "reasons": self.reasons,
            "operations": self.operations,
            "checks": [c.__dict__ for c in self.checks],
        }

    @property
    def operations(self) -> dict[str, list[str]]:
        """Operations the candidate adds and removes (from the breaking-changes check), for verdict.json."""
        merged: dict[str, list[str]] = {"added": [], "removed": []}
        for check in self.checks:
            for kind, labels in check.operations.items():
                merged.setdefault(kind, []).extend(labels)
        return merged


_ICONS = {PASS: "✅", FAIL: "❌", ERROR: "⚠️", SKIPPED: "⏭️"}
_SIGNS = {"added": "+", "removed": "-"}
MAX_LISTED = 50  # a PR comment stays readable; the JSON and JUnit keep everything


def render_terminal(verdict: Verdict, color: bool = False) -> str:
    def paint(text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if color else text

    lines = [paint(f"{verdict.title}: {verdict.label}", "1;32" if verdict.passed else "1;31")]
    for check in verdict.checks:
        tag = {PASS: "PASS", FAIL: "FAIL", ERROR: "ERROR", SKIPPED: "SKIP"}[check.status]
        lines.append(f"  [{tag:5}] {check.name}: {check.summary} ({check.duration_s:.1f}s)")
        lines += [f"          - {r}" for r in check.reasons]
        lines += [f"          {_SIGNS.get(kind, '*')} {kind} {label}" for kind, labels in check.operations.items()
                  for label in labels]
        lines += [f"          · {n}" for n in check.notes]
        lines += [f"          > {label}: {path}" for label, path in check.links.items()]
    return "\n".join(lines)


def _md_escape(text: str) -> str:
    return md_text(text, limit=2000)


def render_markdown(verdict: Verdict) -> str:
    icon = "✅" if verdict.passed else "❌"
    out = [f"## {icon} {_md_escape(verdict.title)}: **{verdict.label}**", "", "| check | result | summary |", "|---|---|---|"]
    for check in verdict.checks:
        out.append(f"| {check.name} | {_ICONS[check.status]} {check.status} | {_md_escape(check.summary)} |")
    for check in verdict.checks:
        listed = {kind: labels for kind, labels in check.operations.items() if labels}
        if not (check.reasons or check.notes or listed):
            continue
        out += ["", f"### {check.name}"]
        shown = check.reasons[:MAX_LISTED]
        out += [f"- {_md_escape(r)}" for r in shown]
        if len(check.reasons) > len(shown):
            out.append(f"- … and {len(check.reasons) - len(shown)} more (see junit.xml / verdict.json)")
        for kind, labels in listed.items():
            more = f", … and {len(labels) - MAX_LISTED} more (verdict.json)" if len(labels) > MAX_LISTED else ""
            out += ["", f"{plural(len(labels), 'operation')} {kind}: "
                    + ", ".join(md_code(label) for label in labels[:MAX_LISTED]) + more]
        if check.notes:
            out += ["", "<details><summary>notes</summary>", ""]
            out += [f"- {_md_escape(n)}" for n in check.notes[:MAX_LISTED]]
            out += ["", "</details>"]
    return "\n".join(out) + "\n"


def render_junit(verdict: Verdict) -> str:
    """One testsuite, one testcase per check; a failing check lists every reason in its failure."""
    failures = sum(c.status == FAIL for c in verdict.checks)
    errors = sum(c.status == ERROR for c in verdict.checks)
    skipped = sum(c.status == SKIPPED for c in verdict.checks)
    suite = ET.Element(
        "testsuite",
        name=verdict.title,
        tests=str(len(verdict.checks)),
        failures=str(failures),
        errors=str(errors),
        skipped=str(skipped),
        time=f"{sum(c.duration_s for c in verdict.checks):.3f}",
    )
    for check in verdict.checks:
        case = ET.SubElement(suite, "testcase", classname="gate", name=check.name, time=f"{check.duration_s:.3f}")
        body = "\n".join(check.reasons or [check.summary])
        if check.status == FAIL:
            ET.SubElement(case, "failure", message=check.summary).text = body
        elif check.status == ERROR:
            ET.SubElement(case, "error", message=check.summary).text = body
        elif check.status == SKIPPED:
            ET.SubElement(case, "skipped", message=check.summary)
        listed = [f"{kind}: {label}" for kind, labels in check.operations.items() for label in labels]
        if check.notes or listed:
            ET.SubElement(case, "system-out").text = "\n".join(listed + check.notes)
    root = ET.Element("testsuites", name=verdict.title)
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
