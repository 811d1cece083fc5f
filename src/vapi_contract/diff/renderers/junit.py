from __future__ import annotations

import re
from xml.sax.saxutils import escape as _escape
from xml.sax.saxutils import quoteattr as _quoteattr

from ..model import DiffResult

# characters XML 1.0 cannot carry at all, even escaped (a spec may hold them in a name or an enum value)
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub(lambda m: f"\\x{ord(m.group(0)):02x}", str(text))


def escape(text: str) -> str:
    return _escape(_clean(text))


def quoteattr(text: str) -> str:
    return _quoteattr(_clean(text), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


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
