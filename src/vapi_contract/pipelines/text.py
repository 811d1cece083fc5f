"""Messages short enough for a table cell, a PR comment line or a JUnit failure title."""

from __future__ import annotations

import re

# jsonschema-style messages start with the whole offending instance ("{...3 KB...} is not valid under ...");
# what failed is in the tail, so that is what a reader needs.
_VERDICT = re.compile(r"\s(is not|is too|does not|should not|should be|has non-unique|was expected|"
                      r"is a required|are not allowed|is valid under each)\b")


def one_line(message: object, limit: int = 160) -> str:
    text = " ".join(str(message or "").strip().split("\n\n", 1)[0].split())
    if len(text) <= limit:
        return text
    match = None
    for match in _VERDICT.finditer(text):
        pass
    if match is not None and len(text) - match.start() < limit:
        head = text[: max(0, limit - (len(text) - match.start()) - 2)]
        return f"{head}…{text[match.start():]}".strip()
    return text[: limit - 1] + "…"


def md_text(value: object, limit: int = 300) -> str:
    """Untrusted text (spec paths, server messages) for a Markdown table cell or list item: one line, no table
    breaks, no raw HTML (a path like `/<img src=x>` shows as text in a PR comment or job summary)."""
    text = one_line(value, limit)
    return text.replace("&", "&amp;").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def md_code(value: object, limit: int = 160) -> str:
    """Untrusted text as an inline code span: literal there, so only backticks and newlines need care."""
    return "`" + one_line(value, limit).replace("`", "'") + "`"
