from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from ..model import DiffResult


def render_junit(result: DiffResult) -> str:
    """One test case per change: errors fail, warnings and info pass with their text in system-out."""
    summary = result.summary()
    cases = []
    for change in result.changes:
        name = quoteattr(f"{change.id}: {change.location}")
        classname = quoteattr(change.operation or "document")
        body = escape(change.message + ("\nreaches: " + ", ".join(change.operations) if change.operations else ""))
        if change.level == "error":
            inner = f"<failure type={quoteattr(change.id)} message={quoteattr(change.message)}>{body}</failure>"
        else:
            inner = f"<system-out>{escape(change.level)}: {body}</system-out>"
        cases.append(f"    <testcase classname={classname} name={name}>{inner}</testcase>")
    if not cases:
        cases.append('    <testcase classname="api" name="no changes"/>')
    suite_name = quoteattr(f"api diff {result.old_label} -> {result.new_label}")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites>\n  <testsuite name={suite_name} tests="{max(len(result.changes), 1)}" '
        f'failures="{summary["error"]}" errors="0" skipped="0">\n' + "\n".join(cases) + "\n  </testsuite>\n</testsuites>\n"
    )
